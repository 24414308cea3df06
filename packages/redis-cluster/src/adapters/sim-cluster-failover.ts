/**
 * Redis Cluster fail-over on @protolab/sim: every node a ClusterBusNode (clusterCron every 100 ms)
 * plus a small replication model — a master's dataset is the list of write ids it acknowledged, a
 * replica copies its master's list every 100 ms (asynchronous replication, so acknowledged writes
 * can be lost when a replica that had not copied them is promoted). nodes.conf and the dataset
 * survive a crash (as with nodes.conf and appendonly); ping timers and elections do not.
 */
import { Prng, Sim, type LinkOptions, type NodeContext, type NodeHandlers } from '@protolab/sim';
import type { BusMsg, BusOutput } from '../failover/bus-types.js';
import { CLUSTER_CRON_PERIOD_MS } from '../failover/bus-types.js';
import { ClusterBusNode, type ClusterBusConfig } from '../failover/cluster-bus.js';
import { clusterFailoverCommand, freshFailoverState } from '../failover/slave-failover.js';
import { CLUSTER_SLOTS } from '../slot.js';

export type FailoverSimMsg = BusMsg | { readonly type: 'REPL_PING' } | { readonly type: 'REPL_DATA'; readonly history: readonly number[] };

export interface FailoverSimNode extends NodeHandlers<FailoverSimMsg> {
  readonly bus: ClusterBusNode;
  /** The write ids this node holds, in order (its dataset). */
  readonly history: number[];
  /** A client write: acknowledged (true) only by a master serving slots whose clients are not paused. */
  write(id: number): boolean;
  /** CLUSTER FAILOVER [FORCE|TAKEOVER] sent to this node: Redis's reply. */
  clusterFailover(mode: 'default' | 'force' | 'takeover'): string;
}

export interface ClusterFailoverOptions {
  readonly seed: number | string;
  readonly masters?: number;
  readonly replicasPerMaster?: number;
  readonly nodeTimeoutMs?: number;
  readonly link?: Partial<LinkOptions>;
  readonly planted?: ClusterBusConfig['planted'];
}

export interface ClusterFailoverDeployment {
  readonly sim: Sim<FailoverSimMsg>;
  readonly masters: string[];
  readonly replicas: string[];
  /** node name → 40-hex node id, and back. */
  readonly idOf: ReadonlyMap<string, string>;
  readonly nameOf: ReadonlyMap<string, string>;
  /** Each original master's slot ranges, as `redis-cli --cluster create` spread them. */
  readonly shardSlots: ReadonlyMap<string, readonly [number, number]>;
}

const REPL_PERIOD_MS = 100;

/** redis-cli --cluster create: slots_per_node = 16384 / masters, rounded cursor. */
export function spreadSlots(masters: number): [number, number][] {
  const per = CLUSTER_SLOTS / masters;
  const out: [number, number][] = [];
  let cursor = 0;
  let first = 0;
  for (let i = 0; i < masters; i++) {
    const last = i === masters - 1 ? CLUSTER_SLOTS - 1 : Math.round(cursor + per - 1);
    out.push([first, last]);
    first = last + 1;
    cursor += per;
  }
  return out;
}

function hex40(p: Prng): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += p.nextU32().toString(16).padStart(8, '0');
  return s;
}

interface Kept {
  bus: ClusterBusNode | undefined;
  readonly history: number[];
}

export function clusterFailoverDeployment(opts: ClusterFailoverOptions): ClusterFailoverDeployment {
  const sim = new Sim<FailoverSimMsg>({ seed: opts.seed, trace: false, ...(opts.link ? { link: opts.link } : {}) });
  const nMasters = opts.masters ?? 3;
  const nReplicas = opts.replicasPerMaster ?? 1;
  const ids = new Prng(opts.seed).fork('node-ids');
  const masters: string[] = [];
  const replicas: string[] = [];
  const idOf = new Map<string, string>();
  const roles = new Map<string, string | undefined>();
  for (let m = 1; m <= nMasters; m++) {
    masters.push(`m${m}`);
    roles.set(`m${m}`, undefined);
    for (let r = 0; r < nReplicas; r++) {
      const name = `r${m}${String.fromCharCode(97 + r)}`;
      replicas.push(name);
      roles.set(name, `m${m}`);
    }
  }
  for (const name of roles.keys()) idOf.set(name, hex40(ids));
  const nameOf = new Map([...idOf].map(([n, id]) => [id, n]));
  const slots = spreadSlots(nMasters);
  const shardSlots = new Map<string, readonly [number, number]>(masters.map((m, i): [string, readonly [number, number]] => [m, slots[i] ?? [0, 0]]));
  const config: ClusterBusConfig = { nodeTimeoutMs: opts.nodeTimeoutMs ?? 2000, ...(opts.planted ? { planted: opts.planted } : {}) };
  const id = (name: string | undefined): string => idOf.get(name ?? '') ?? '';
  const create = (name: string, ctx: NodeContext<FailoverSimMsg>): ClusterBusNode => {
    const bus = new ClusterBusNode(id(name), config, (n) => ctx.random.int(0, n));
    for (const [other, master] of roles) {
      if (other !== name) bus.addNode(id(other), master === undefined ? 'master' : 'replica', master === undefined ? undefined : id(master), 0);
      else if (master !== undefined) Object.assign(bus.myself, { role: 'replica', slaveof: id(master) });
    }
    masters.forEach((m, i) => {
      bus.view(id(m)).configEpoch = i + 1; // CLUSTER SET-CONFIG-EPOCH, as redis-cli create does
      bus.assignSlots(id(m), [slots[i] ?? [0, 0]]);
    });
    bus.currentEpoch = nMasters;
    return bus;
  };
  const kept = new Map<string, Kept>();
  for (const name of roles.keys()) {
    kept.set(name, { bus: undefined, history: [] });
    sim.addNode(name, (ctx) => failoverNode(name, ctx, kept.get(name) ?? { bus: undefined, history: [] }, create, { nameOf, idOf }));
  }
  return { sim, masters, replicas, idOf, nameOf, shardSlots };
}

type Names = { readonly nameOf: ReadonlyMap<string, string>; readonly idOf: ReadonlyMap<string, string> };

function failoverNode(name: string, ctx: NodeContext<FailoverSimMsg>, kept: Kept, create: (name: string, ctx: NodeContext<FailoverSimMsg>) => ClusterBusNode, names: Names): FailoverSimNode {
  const { nameOf, idOf } = names;
  const restarted = kept.bus !== undefined;
  const bus = kept.bus ?? create(name, ctx);
  kept.bus = bus;
  const history = kept.history;
  if (restarted) {
    // Back from a crash: nodes.conf kept, but no ping is in flight and no election is running.
    for (const n of bus.nodes.values()) Object.assign(n, { ping_sent: 0, pong_received: ctx.now(), data_received: ctx.now() });
    Object.assign(bus.fo, freshFailoverState());
    bus.lastMasterData = ctx.now();
  }
  bus.replOffset = history.length;
  const emit = (outs: readonly BusOutput[]): void => {
    for (const o of outs) {
      const to = nameOf.get(o.to);
      if (to !== undefined) ctx.send(to, o.msg);
    }
  };
  ctx.armTimer('cron', CLUSTER_CRON_PERIOD_MS);
  ctx.armTimer('repl', REPL_PERIOD_MS);
  return {
    bus,
    history,
    write(wid) {
      const now = ctx.now();
      if (bus.myself.role !== 'master' || bus.slots.numSlots(bus.myid) === 0 || bus.fo.clientsPausedUntil > now) return false;
      history.push(wid);
      bus.replOffset = history.length;
      return true;
    },
    clusterFailover(mode) {
      const out: BusOutput[] = [];
      const r = clusterFailoverCommand(bus, mode, ctx.now(), out);
      emit(out);
      return r;
    },
    onTimer(timer) {
      if (timer === 'cron') {
        ctx.armTimer('cron', CLUSTER_CRON_PERIOD_MS);
        emit(bus.tick(ctx.now()));
        return;
      }
      ctx.armTimer('repl', REPL_PERIOD_MS);
      const master = bus.myself.slaveof === undefined ? undefined : nameOf.get(bus.myself.slaveof);
      if (bus.myself.role === 'replica' && master !== undefined) ctx.send(master, { type: 'REPL_PING' });
    },
    onMessage(from, msg) {
      if (msg.type === 'REPL_PING') {
        if (bus.myself.role === 'master') ctx.send(from, { type: 'REPL_DATA', history: history.slice() });
        return;
      }
      if (msg.type === 'REPL_DATA') {
        // A replica takes its master's dataset (a partial or full resync: the result is the master's history).
        if (bus.myself.role !== 'replica' || nameOf.get(bus.myself.slaveof ?? '') !== from) return;
        history.splice(0, history.length, ...msg.history);
        bus.replOffset = history.length;
        bus.lastMasterData = ctx.now();
        return;
      }
      emit(bus.onMessage(idOf.get(from) ?? '', msg, ctx.now()));
    },
  };
}
