/**
 * Scenario: Redis Cluster. Three masters (n1 0–5460, n2 5461–10922, n3 10923–16383, as
 * `redis-cli --cluster create` splits them), a smart client c1 and a resharder ("admin") that moves
 * slots as `redis-cli --cluster reshard` does — @protolab/redis-cluster's `simCluster`, unchanged.
 * The learner sends commands (keys with and without hash tags), starts moving slots, and watches
 * MIGRATING/IMPORTING, the MOVED / ASK / TRYAGAIN hops and the client's slot cache.
 */
import type { Sim } from '@protolab/sim';
import { keyHashSlot, simCluster, showReply, type SimCluster } from '@protolab/redis-cluster';
import type { ScenarioRun } from '../timeline.js';
import { applyFault, decodeFault, encodeFault, isFault, type FaultAction } from './faults.js';

export interface ClusterParams {
  readonly masters: number;
  /** Keys per MIGRATE (redis-cli --cluster-pipeline). */
  readonly pipeline: number;
  /** One-way delay between the resharder and the nodes, ms (slow it down to watch the open slot). */
  readonly adminDelayMs: number;
}

export type ClusterAction =
  | { readonly type: 'cmd'; readonly argv: readonly string[] }
  | { readonly type: 'move'; readonly from: number; readonly to: number; readonly target: string }
  | FaultAction;

export interface ClusterNodeView {
  readonly name: string;
  readonly slots: string;
  readonly keys: number;
  readonly migrating: string;
  readonly importing: string;
}

export class ClusterRun implements ScenarioRun<ClusterAction> {
  readonly cluster: SimCluster;
  readonly sim: Sim;

  constructor(readonly params: ClusterParams, readonly seed: number) {
    this.cluster = simCluster({ seed, masters: params.masters, clients: 1, pipeline: params.pipeline, link: { minDelayMs: 1, maxExtraDelayMs: 3 } });
    this.sim = this.cluster.sim as unknown as Sim;
    for (const n of this.cluster.masters) {
      this.cluster.sim.setLink('admin', n, { minDelayMs: params.adminDelayMs, maxExtraDelayMs: 0 });
      this.cluster.sim.setLink(n, 'admin', { minDelayMs: params.adminDelayMs, maxExtraDelayMs: 0 });
    }
  }

  apply(a: ClusterAction): void {
    if (isFault(a)) {
      applyFault(this.sim, a);
      return;
    }
    if (a.type === 'cmd') {
      if (a.argv.length === 0) throw new RangeError('an empty command');
      this.cluster.command('c1', ...a.argv);
      return;
    }
    if (!this.cluster.masters.includes(a.target)) throw new RangeError(`no master named ${a.target}`);
    if (!(Number.isInteger(a.from) && Number.isInteger(a.to) && a.from >= 0 && a.to <= 16383 && a.from <= a.to && a.to - a.from < 2000)) {
      throw new RangeError(`slots ${String(a.from)}..${String(a.to)}: 0 ≤ from ≤ to ≤ 16383, at most 2000 at a time`);
    }
    for (let s = a.from; s <= a.to; s++) this.cluster.moveSlot(s, a.target);
  }

  nodes(): ClusterNodeView[] {
    return this.cluster.masters.map((name) => {
      const core = this.cluster.core(name);
      const own = core.slots.ranges().filter((r) => r.node === name).map((r) => (r.start === r.end ? String(r.start) : `${String(r.start)}-${String(r.end)}`));
      return {
        name,
        slots: own.join(' ') || '(none)',
        keys: core.store.size,
        migrating: [...core.migrating].map(([s, to]) => `${String(s)}→${to}`).join(' '),
        importing: [...core.importing].map(([s, from]) => `${String(s)}←${from}`).join(' '),
      };
    });
  }

  /** The client's slot cache as ranges of equal owner (what it believes, not what is true). */
  slotCache(): string[] {
    const c = this.cluster.client('c1').client;
    const out: string[] = [];
    let start = 0;
    let owner = c.nodeForSlot(0);
    for (let s = 1; s <= 16384; s++) {
      const o = s < 16384 ? c.nodeForSlot(s) : Symbol('end');
      if (o !== owner) {
        out.push(`${String(start)}-${String(s - 1)} → ${owner ?? '(unknown)'}`);
        start = s;
        owner = typeof o === 'symbol' ? undefined : o;
      }
    }
    return out;
  }

  history(): { cmd: string; reply: string; hops: string; ms: number }[] {
    return this.cluster.client('c1').history.slice(-14).map((h) => ({
      cmd: h.argv.map(String).join(' '),
      reply: h.reply !== undefined ? showReply(h.reply) : `(error) ${h.error?.message ?? ''}`,
      hops: h.hops.join(' | '),
      ms: h.endMs - h.startMs,
    }));
  }

  stats(): { moved: number; ask: number; tryagain: number; refreshes: number; movesDone: number; busy: boolean } {
    const st = this.cluster.client('c1').client.stats;
    const r = this.cluster.resharder();
    return { moved: st.moved, ask: st.ask, tryagain: st.tryagain, refreshes: st.refreshes, movesDone: r.done.length, busy: r.busy() };
  }
}

export function slotOf(key: string): number {
  return keyHashSlot(key);
}

export function encodeClusterAction(a: ClusterAction): string {
  if (isFault(a)) return encodeFault(a);
  return a.type === 'cmd' ? `cmd.${a.argv.map(encodeURIComponent).join('.')}` : `move.${String(a.from)}.${String(a.to)}.${a.target}`;
}

export function decodeClusterAction(s: string): ClusterAction {
  const fault = decodeFault(s);
  if (fault !== undefined) return fault;
  const [t = '', ...rest] = s.split('.');
  if (t === 'cmd') return { type: 'cmd', argv: rest.map((x) => decodeURIComponent(x)) };
  if (t === 'move') {
    const [from, to, target = ''] = rest;
    return { type: 'move', from: Number(from), to: Number(to), target };
  }
  throw new RangeError(`unknown cluster action '${s}'`);
}

export const CLUSTER_REAL = [
  ['Routing', 'cluster.c getNodeByQuery: the slot of the first key decides; keys in another slot → CROSSSLOT; the owner is another node → MOVED; the slot is migrating here and the key is gone → ASK to the target.'],
  ['ASKING', 'cluster.c: a node importing a slot serves a command only after ASKING (one command), and answers MOVED back to the source otherwise.'],
  ['Resharding', 'redis-cli.c clusterManagerMoveSlot: SETSLOT IMPORTING on the target, MIGRATING on the source, GETKEYSINSLOT + MIGRATE until empty, then SETSLOT NODE everywhere.'],
  ['The client', 'ioredis / redis-py: MOVED updates the slot cache (and triggers a CLUSTER SLOTS refresh); ASK does not; TRYAGAIN waits and retries.'],
  ['Hash tags', 'cluster.c keyHashSlot: only the part between the first { and the next } is hashed, so {user}a and {user}b share a slot.'],
] as const;
