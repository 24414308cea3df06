/**
 * Scenario: the seed's three Redis deployments and what each does when the master dies —
 * master/replica (nobody promotes a replica), Sentinel (@protolab/redis-sentinel's
 * `sentinelDeployment`: 3 sentinels, quorum 2) and Cluster (@protolab/redis-cluster's
 * `clusterFailoverDeployment`: 3 masters with a replica each). A client writes every 100 ms to
 * whatever it believes is the master (Sentinel: it asks s1, else s2, s3; Cluster: the owner of
 * m1's first slot in a live node's view — MOVED), so the page can count the unavailable window and
 * the acknowledged writes the new master never got. The client reads the nodes' state directly,
 * not over the simulated network. The master/replica and Sentinel instances are
 * @protolab/redis-replication cores: a write is `SET w<n> <time>`, and "lost" counts the keys a
 * master acknowledged that the current master does not hold.
 */
import type { Sim } from '@protolab/sim';
import { sentinelDeployment, type InstanceNode, type SentinelSimNode } from '@protolab/redis-sentinel';
import { clusterFailoverDeployment, type ClusterFailoverDeployment, type FailoverSimNode } from '@protolab/redis-cluster';
import type { ScenarioRun } from '../timeline.js';
import { applyFault, decodeFault, encodeFault, isFault, type FaultAction } from './faults.js';

export const DEPLOYMENTS = ['master/replica', 'sentinel', 'cluster'] as const;

export interface FailoverParams {
  /** 0 master/replica, 1 sentinel, 2 cluster. */
  readonly deployment: number;
  /** down-after-milliseconds / cluster-node-timeout. */
  readonly timeoutMs: number;
}

export type FailoverAction =
  | { readonly type: 'kill'; readonly node: string }
  | { readonly type: 'restart'; readonly node: string }
  | { readonly type: 'manual'; readonly mode: 'default' | 'force' | 'takeover'; readonly node: string }
  | FaultAction;

export interface NodeCard {
  readonly name: string;
  readonly up: boolean;
  readonly role: string;
  readonly detail: string;
}

const WRITE_EVERY_MS = 100;

export class FailoverRun implements ScenarioRun<FailoverAction> {
  readonly sim: Sim;
  readonly kind: (typeof DEPLOYMENTS)[number];
  private readonly sentinels: readonly string[] = [];
  private readonly cluster: ClusterFailoverDeployment | undefined;
  readonly names: readonly string[];
  /** Client counters: acknowledged and refused writes, the current and the last outage. */
  readonly client = { acked: 0, refused: 0, outageStart: undefined as number | undefined, lastOutageMs: undefined as number | undefined, lastReply: '' };
  private wid = 0;
  /** Writes the current master holds (cluster: of m1's shard), for "lost". */
  private masterWrites = 0;
  /** Keys a master acknowledged (master/replica and Sentinel). */
  private readonly ackedKeys: string[] = [];
  /** The last count of lost keys, kept while no master is up to compare with. */
  private lastLost = 0;
  lastManualReply = '';

  constructor(readonly params: FailoverParams, readonly seed: number) {
    this.kind = DEPLOYMENTS[params.deployment] ?? 'sentinel';
    if (this.kind === 'cluster') {
      this.cluster = clusterFailoverDeployment({ seed, replicasPerMaster: 1, nodeTimeoutMs: params.timeoutMs, link: { minDelayMs: 1, maxExtraDelayMs: 3 } });
      this.sim = this.cluster.sim as unknown as Sim;
      this.names = [...this.cluster.idOf.keys()];
    } else {
      const d = sentinelDeployment({ seed, sentinels: this.kind === 'sentinel' ? 3 : 0, replicas: 2, downAfterMs: params.timeoutMs, failoverTimeoutMs: 60_000, link: { minDelayMs: 1, maxExtraDelayMs: 3 } });
      this.sim = d.sim as unknown as Sim;
      this.sentinels = d.sentinels;
      this.names = [...d.instances, ...d.sentinels];
    }
    this.sim.addNode('client', (ctx) => {
      ctx.armTimer('write', WRITE_EVERY_MS);
      return {
        onTimer: () => {
          ctx.armTimer('write', WRITE_EVERY_MS);
          this.write(ctx.now());
        },
      };
    });
  }

  private node<T extends object>(name: string): T | undefined {
    return this.sim.isUp(name) ? this.sim.node<T>(name) : undefined;
  }

  /** Where the client sends its write, and whether it was acknowledged. */
  private write(now: number): void {
    const ok = this.cluster !== undefined ? this.writeCluster(this.cluster) : this.writeInstance();
    const c = this.client;
    if (ok) {
      c.acked++;
      if (c.outageStart !== undefined) c.lastOutageMs = now - c.outageStart;
      c.outageStart = undefined;
    } else {
      c.refused++;
      c.outageStart ??= now;
    }
  }

  /** The master's address: fixed (master/replica) or as the first live sentinel says. */
  masterAddr(): string {
    for (const s of this.sentinels) {
      const core = this.node<SentinelSimNode>(s)?.core;
      if (core !== undefined) return core.getMasterAddrByName('mymaster');
    }
    return 'm';
  }

  private writeInstance(): boolean {
    const addr = this.masterAddr();
    const inst = this.node<InstanceNode>(addr);
    if (inst === undefined) {
      this.client.lastReply = `${addr}: connection refused`;
      return false;
    }
    const key = `w${String(++this.wid)}`;
    const { reply } = inst.write(['SET', key, String(this.sim.now())]);
    if (reply.type === 'error') {
      this.client.lastReply = `${addr}: -${reply.message}`;
      return false;
    }
    this.ackedKeys.push(key);
    this.client.lastReply = `${addr}: +OK`;
    return true;
  }

  /** The owner of m1's first slot, as a live node sees it. */
  slotOwner(d: ClusterFailoverDeployment): string | undefined {
    const [slot] = d.shardSlots.get('m1') ?? [0];
    const asked = this.names.find((n) => this.sim.isUp(n));
    if (asked === undefined) return undefined;
    return d.nameOf.get(this.sim.node<FailoverSimNode>(asked).bus.slots.ownerOf(slot) ?? '');
  }

  private writeCluster(d: ClusterFailoverDeployment): boolean {
    const owner = this.slotOwner(d);
    const n = owner === undefined ? undefined : this.node<FailoverSimNode>(owner);
    if (owner === undefined || n === undefined || !n.write(++this.wid)) {
      this.client.lastReply = `${owner ?? '?'}: ${n === undefined ? 'connection refused' : '-CLUSTERDOWN / not the owner'}`;
      return false;
    }
    this.masterWrites = n.history.length;
    this.client.lastReply = `${owner}: +OK`;
    return true;
  }

  /** Acknowledged writes the current master does not hold (asynchronous replication). */
  lost(): number {
    if (this.cluster !== undefined) return Math.max(0, this.client.acked - this.masterWrites);
    const inst = this.node<InstanceNode>(this.masterAddr());
    if (inst === undefined || inst.state.role !== 'master') return this.lastLost;
    const held = inst.core.data;
    this.lastLost = this.ackedKeys.filter((k) => !held.has(k)).length;
    return this.lastLost;
  }

  apply(a: FailoverAction): void {
    if (isFault(a)) {
      applyFault(this.sim, a);
      return;
    }
    if (!this.names.includes(a.node)) throw new RangeError(`no node named ${a.node}`);
    if (a.type === 'kill') {
      if (this.sim.isUp(a.node)) this.sim.crash(a.node);
    } else if (a.type === 'restart') {
      if (!this.sim.isUp(a.node)) this.sim.restart(a.node);
    } else {
      const n = this.node<FailoverSimNode>(a.node);
      if (this.cluster === undefined || n === undefined) throw new RangeError('CLUSTER FAILOVER needs a live cluster node');
      this.lastManualReply = `${a.node}: ${n.clusterFailover(a.mode)}`;
    }
  }

  cards(): NodeCard[] {
    return this.names.map((name) => {
      if (!this.sim.isUp(name)) return { name, up: false, role: 'down', detail: '' };
      if (this.cluster !== undefined) {
        const b = this.sim.node<FailoverSimNode>(name).bus;
        const nm = (id: string | undefined): string => (id === undefined ? '-' : (this.cluster?.nameOf.get(id) ?? id));
        const flagged = [...b.nodes.values()].filter((v) => v.pfail || v.fail).map((v) => `${nm(v.id)} ${v.fail ? 'FAIL' : 'PFAIL'}`);
        const slots = b.slots.rangesOf(b.myid).map(([x, y]) => `${String(x)}-${String(y)}`).join(' ');
        return { name, up: true, role: b.myself.role === 'master' ? 'master' : `replica of ${nm(b.myself.slaveof)}`, detail: `epoch ${String(b.currentEpoch)} · config ${String(b.myself.configEpoch)} · writes ${String(this.sim.node<FailoverSimNode>(name).history.length)}${slots !== '' ? ` · slots ${slots}` : ''}${flagged.length > 0 ? ` · sees ${flagged.join(', ')}` : ''}` };
      }
      if (this.sentinels.includes(name)) {
        const core = this.sim.node<SentinelSimNode>(name).core;
        const m = core.master;
        return { name, up: true, role: 'sentinel', detail: `master ${m.addr}${m.s_down_since_time !== undefined ? ' SDOWN' : ''}${m.o_down ? ' ODOWN' : ''} · epoch ${String(core.vote.current_epoch)} · ${m.failover_state.replace('SENTINEL_FAILOVER_STATE_', '').toLowerCase()}` };
      }
      const inst = this.sim.node<InstanceNode>(name);
      const st = inst.state;
      const link = st.role === 'slave' ? ` (link ${inst.core.repl_state === 'REPL_STATE_CONNECTED' ? 'up' : 'down'})` : '';
      return { name, up: true, role: st.role === 'master' ? 'master' : `replica of ${st.master ?? '-'}${link}`, detail: `keys ${String(inst.core.data.size)} · offset ${String(st.offset)} · priority ${String(st.priority)}` };
    });
  }

  /** What the fail-over looked like, from the node that led it (or the first sentinel / m2). */
  events(): string[] {
    if (this.cluster !== undefined) {
      const d = this.cluster;
      const nm = (s: string): string => s.replace(/"([0-9a-f]{40})"/g, (_, id: string) => d.nameOf.get(id) ?? id);
      const out: string[] = [];
      for (const name of this.names) {
        if (!this.sim.isUp(name)) continue;
        for (const e of this.sim.node<FailoverSimNode>(name).bus.events) if (e.type !== 'fail-cleared' && (e.type !== 'fail' || e.by === 'quorum')) out.push(`${name}: ${nm(JSON.stringify(e))}`);
      }
      return out.slice(-16);
    }
    const leader = this.sentinels.find((s) => this.node<SentinelSimNode>(s)?.core.events.some((e) => e.startsWith('+elected-leader'))) ?? this.sentinels.find((s) => this.sim.isUp(s));
    if (leader === undefined) return ['(no sentinel: nobody watches the master)'];
    return (this.node<SentinelSimNode>(leader)?.core.events ?? []).filter((e) => !e.startsWith('+sentinel') && !e.startsWith('+slave slave')).slice(-16).map((e) => `${leader}: ${e}`);
  }
}

export function encodeFailoverAction(a: FailoverAction): string {
  if (isFault(a)) return encodeFault(a);
  return a.type === 'manual' ? `manual.${a.mode}.${a.node}` : `${a.type}.${a.node}`;
}

export function decodeFailoverAction(s: string): FailoverAction {
  const fault = decodeFault(s);
  if (fault !== undefined) return fault;
  const [t = '', x = '', y = ''] = s.split('.');
  if (t === 'kill' || t === 'restart') return { type: t, node: x };
  if (t === 'manual' && (x === 'default' || x === 'force' || x === 'takeover')) return { type: 'manual', mode: x, node: y };
  throw new RangeError(`unknown fail-over action '${s}'`);
}

export const FAILOVER_REAL = [
  ['Master/replica', 'replication.c: a replica copies its master asynchronously and refuses writes (replica-read-only). Nothing promotes it: REPLICAOF NO ONE is an operator\'s job.'],
  ['Sentinel', 'sentinel.c: +sdown after down-after-milliseconds without a valid PING reply; +odown when quorum sentinels agree (is-master-down-by-addr); one vote per epoch elects a leader; it picks a replica (priority, offset, run id), sends REPLICAOF NO ONE, reconfigures the others (parallel-syncs) and announces +switch-master.'],
  ['Cluster', 'cluster.c: PFAIL after node-timeout without a pong; FAIL when a majority of masters report it; the replica waits 500 ms + random + 1 s × rank, asks for votes (one per master per epoch), wins with a majority, takes the slots with a new configEpoch.'],
  ['Lost writes', 'Replication is asynchronous in all three: a write the master acknowledged may never reach the promoted replica — above all when the master is cut off and keeps answering its clients; when it rejoins as a replica its full resync drops those writes. WAIT tells a client whether a write reached a replica; min-replicas-to-write narrows the window.'],
] as const;
