/**
 * The Redis instances of a simulated Sentinel deployment: each one is @protolab/redis-replication's
 * `ReplicationNode` (replication.c as a sans-I/O core), plus what a sentinel talks to on a Redis
 * server: PING, INFO's replication section, REPLICAOF (replicaofCommand) and the Pub/Sub channel
 * `__sentinel__:hello` (SUBSCRIBE / PUBLISH). Every answer is read from the core's state.
 *
 * The replication link travels as `{ type: 'REPL', msg }` so its PING / PONG (the handshake) are
 * not mistaken for a sentinel's PING on the command link: two TCP connections in Redis, two kinds
 * of message here.
 */
import type { NodeContext, NodeHandlers } from '@protolab/sim';
import { DEFAULT_REPLICATION_CONFIG, ReplicationNode, type ClientReply, type ReplMsg, type ReplOutput, type ReplicationConfig } from '@protolab/redis-replication';
import type { InfoReply, SentinelMsg } from './types.js';

export type SimMsg = SentinelMsg | { readonly type: 'REPL'; readonly msg: ReplMsg };

/** What the old toy exposed, now read from the replication core (server.h names in the comments). */
export interface InstanceState {
  /** server.masterhost === NULL ? master : slave. */
  readonly role: 'master' | 'slave';
  /** server.masterhost. */
  readonly master: string | undefined;
  /** server.master_repl_offset: the bytes of replication stream this instance holds. */
  readonly offset: number;
  /** replica-priority (slave_priority). */
  readonly priority: number;
  /** server.runid: new at every start, unlike the replication ids. */
  readonly runid: string;
}

export interface InstanceNode extends NodeHandlers<SimMsg> {
  readonly core: ReplicationNode;
  readonly state: InstanceState;
  /** A client command (SET key value [PX ms] / DEL key) on this instance: the reply and its end offset (for WAIT). */
  write(argv: readonly string[]): { reply: ClientReply; woff: number };
  /** GET key. */
  read(key: string): ClientReply;
  /** WAIT numreplicas timeout after a write ending at `woff`: the reply now, or undefined and later in `waitReplies`. */
  wait(numreplicas: number, timeoutMs: number, woff: number): { reply: ClientReply | undefined; waitId: number };
  /** Answers of WAITs that blocked, by waitId. */
  readonly waitReplies: Map<number, number>;
  /** The INFO fields a sentinel reads, as parseInfoReplication reads them off a real server. */
  info(): InfoReply;
}

export interface InstanceOptions {
  /** replicaof at startup (redis.conf `replicaof`), unless a REPLICAOF rewrote the config since. */
  readonly master?: string;
  readonly priority?: number;
  readonly replication?: Partial<ReplicationConfig>;
}

/** Where sentinelSendSlaveOf's CONFIG REWRITE leaves `replicaof` (the instance's redis.conf). */
const CONFIG_REPLICAOF = 'redis.conf:replicaof';

function hex40(ctx: NodeContext<SimMsg>): () => string {
  return () => {
    let s = '';
    for (let i = 0; i < 5; i++) s += ctx.random.nextU32().toString(16).padStart(8, '0');
    return s;
  };
}

/**
 * master_link_down_since_seconds as genRedisInfoString prints it (whole seconds of
 * server.unixtime, -1 when the link was never up), mapped as parseInfoReplication maps a real
 * server's INFO: 0 while master_link_status is up, at least 1 ms while it is down, and
 * "a long time" (Number.MAX_SAFE_INTEGER) for -1.
 */
export function masterLinkDownTime(core: ReplicationNode, nowMs: number): number {
  if (core.role !== 'slave' || core.repl_state === 'REPL_STATE_CONNECTED') return 0;
  const since = core.repl_down_since;
  if (since === undefined) return Number.MAX_SAFE_INTEGER;
  const seconds = Math.floor(nowMs / 1000) - Math.floor(since / 1000);
  return Math.max(1, seconds * 1000);
}

/** The instance's handler of what sentinels send it, and of its replication link (`REPL`). */
function commandLink(ctx: NodeContext<SimMsg>, core: ReplicationNode, subscribers: Set<string>, info: () => InfoReply, emit: (outs: readonly ReplOutput[]) => void): (from: string, msg: SimMsg) => void {
  return (from, msg) => {
    switch (msg.type) {
      case 'REPL':
        emit(core.onMessage(from, msg.msg, ctx.now()));
        return;
      case 'PING':
        ctx.send(from, { type: 'PONG' });
        return;
      case 'INFO':
        ctx.send(from, { type: 'INFO_REPLY', info: info() });
        return;
      case 'REPLICAOF':
        // replicaofCommand: "+OK Already connected to specified master" changes nothing.
        if (msg.host !== null && core.role === 'slave' && core.masterhost === msg.host) return;
        core.replicaof(msg.host, ctx.now());
        ctx.storage.set(CONFIG_REPLICAOF, msg.host); // CONFIG REWRITE in sentinelSendSlaveOf's transaction
        return;
      case 'SUBSCRIBE':
        subscribers.add(from);
        return;
      case 'PUBLISH':
        for (const s of subscribers) ctx.send(s, { type: 'HELLO', hello: msg.hello });
        return;
      default:
        return;
    }
  };
}

export function instanceNode(init: InstanceOptions): (ctx: NodeContext<SimMsg>) => InstanceNode {
  return (ctx) => {
    const random = hex40(ctx);
    const runid = random(); // server.runid first, then the core draws its replid
    const core = new ReplicationNode(ctx.name, random, { ...DEFAULT_REPLICATION_CONFIG, ...init.replication });
    const priority = init.priority ?? 100;
    const saved = ctx.storage.get<string | null>(CONFIG_REPLICAOF);
    const startMaster = saved === undefined ? init.master : (saved ?? undefined);
    if (startMaster !== undefined) core.replicaof(startMaster, ctx.now());
    const subscribers = new Set<string>();
    const waitReplies = new Map<number, number>();
    const emit = (outs: readonly ReplOutput[]): void => {
      for (const o of outs) {
        if (o.kind === 'send') ctx.send(o.to, { type: 'REPL', msg: o.msg });
        else waitReplies.set(o.waitId, o.replicas);
      }
    };
    const state: InstanceState = {
      get role() { return core.role; },
      get master() { return core.masterhost; },
      get offset() { return core.master_repl_offset; },
      priority,
      runid,
    };
    const info = (): InfoReply => ({
      runid,
      role: core.role,
      master_host: core.masterhost,
      slave_repl_offset: core.master_repl_offset,
      slave_priority: priority,
      // slaveN: lines, one per replica client in server.slaves (added at PSYNC, dropped on repl-timeout).
      slaves: core.role === 'master' ? [...core.slaves.keys()] : [],
      master_link_down_time: masterLinkDownTime(core, ctx.now()),
    });
    return {
      core,
      state,
      waitReplies,
      info,
      write(argv) {
        const r = core.write(argv, ctx.now());
        emit(r.outputs);
        return { reply: r.reply, woff: r.woff };
      },
      read(key) {
        const r = core.read(key, ctx.now());
        emit(r.outputs);
        return r.reply;
      },
      wait(numreplicas, timeoutMs, woff) {
        const r = core.wait(numreplicas, timeoutMs, woff, ctx.now());
        emit(r.outputs);
        return { reply: r.reply, waitId: r.waitId };
      },
      nextWakeup: () => core.nextWakeup(),
      onWakeup: () => {
        emit(core.tick(ctx.now()));
      },
      onMessage: commandLink(ctx, core, subscribers, info, emit),
    };
  };
}
