import { Sim, type LinkOptions, type NodeContext, type NodeHandlers } from '@protolab/sim';
import { SentinelNode } from './sentinel.js';
import type { InfoReply, SentinelConfig, SentinelMsg } from './types.js';

/**
 * A deliberately small Redis instance for Sentinel simulations: a role, a master, a replication
 * offset that replicas copy from their master every 100 ms, a replica-priority, PING / INFO /
 * REPLICAOF and Pub/Sub fan-out of hello messages. (The full replication core lives in
 * @protolab/redis-replication; it is not wired in here yet.)
 */
export type SimMsg = SentinelMsg | { readonly type: 'REPL_PING'; readonly offset: number } | { readonly type: 'REPL_DATA'; readonly offset: number };

export interface InstanceNode extends NodeHandlers<SimMsg> {
  readonly state: { role: 'master' | 'slave'; master: string | undefined; offset: number; priority: number; runid: string };
  /** A client write on a master: the offset grows. */
  write(bytes: number): void;
}

const REPL_PERIOD_MS = 100;

function hex40(ctx: NodeContext<SimMsg>): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += ctx.random.nextU32().toString(16).padStart(8, '0');
  return s;
}

export function instanceNode(init: { master?: string; priority?: number }): (ctx: NodeContext<SimMsg>) => InstanceNode {
  return (ctx) => {
    const state = { role: init.master === undefined ? ('master' as const) : ('slave' as const), master: init.master, offset: 0, priority: init.priority ?? 100, runid: hex40(ctx) };
    const subscribers = new Set<string>();
    const replicas = new Map<string, number>(); // name → last REPL_PING time
    let lastData = 0;
    ctx.armTimer('repl', REPL_PERIOD_MS);
    const info = (): InfoReply => ({
      runid: state.runid,
      role: state.role,
      master_host: state.master,
      slave_repl_offset: state.offset,
      slave_priority: state.priority,
      slaves: state.role === 'master' ? [...replicas].filter(([, t]) => ctx.now() - t < 2000).map(([n]) => n) : [],
      master_link_down_time: state.role === 'slave' && ctx.now() - lastData > 1000 ? ctx.now() - lastData : 0,
    });
    return {
      state,
      write(bytes) {
        if (state.role === 'master') state.offset += bytes;
      },
      onTimer() {
        ctx.armTimer('repl', REPL_PERIOD_MS);
        if (state.role === 'slave' && state.master !== undefined) ctx.send(state.master, { type: 'REPL_PING', offset: state.offset });
      },
      onMessage(from, msg) {
        switch (msg.type) {
          case 'PING':
            { ctx.send(from, { type: 'PONG' }); return; }
          case 'INFO':
            { ctx.send(from, { type: 'INFO_REPLY', info: info() }); return; }
          case 'REPLICAOF':
            state.role = msg.host === null ? 'master' : 'slave';
            state.master = msg.host ?? undefined;
            if (msg.host !== null) replicas.clear();
            return;
          case 'SUBSCRIBE':
            subscribers.add(from);
            return;
          case 'PUBLISH':
            for (const s of subscribers) ctx.send(s, { type: 'HELLO', hello: msg.hello });
            return;
          case 'REPL_PING':
            if (state.role === 'master') {
              replicas.set(from, ctx.now());
              ctx.send(from, { type: 'REPL_DATA', offset: state.offset });
            }
            return;
          case 'REPL_DATA':
            if (state.role === 'slave' && from === state.master) {
              state.offset = msg.offset; // a replica copies its master's history (full or partial resync)
              lastData = ctx.now();
            }
            return;
          default:
            return;
        }
      },
    };
  };
}

export interface SentinelSimNode extends NodeHandlers<SimMsg> {
  readonly core: SentinelNode;
}

export function sentinelNode(config: SentinelConfig): (ctx: NodeContext<SimMsg>) => SentinelSimNode {
  return (ctx) => {
    const core = new SentinelNode(ctx.name, hex40(ctx), config, (n) => ctx.random.int(0, n));
    const emit = (outs: readonly { to: string; msg: SentinelMsg }[]): void => {
      for (const o of outs) ctx.send(o.to, o.msg);
    };
    return {
      core,
      onMessage: (from, msg) => {
        if (msg.type !== 'REPL_PING' && msg.type !== 'REPL_DATA') emit(core.onMessage(from, msg, ctx.now()));
      },
      nextWakeup: () => core.nextWakeup(),
      onWakeup: () => {
        emit(core.tick(ctx.now()));
      },
    };
  };
}

export interface SentinelDeploymentOptions {
  readonly seed: number | string;
  readonly sentinels?: number;
  readonly replicas?: number;
  readonly quorum?: number;
  readonly link?: Partial<LinkOptions>;
  readonly planted?: SentinelConfig['planted'];
  readonly downAfterMs?: number;
  readonly failoverTimeoutMs?: number;
  readonly parallelSyncs?: number;
}

/** The seed's Sentinel deployment: master `m`, replicas `r1…`, sentinels `s1…` monitoring `mymaster`. */
export function sentinelDeployment(opts: SentinelDeploymentOptions): { sim: Sim<SimMsg>; sentinels: string[]; instances: string[] } {
  const sim = new Sim<SimMsg>({ seed: opts.seed, trace: false, ...(opts.link ? { link: opts.link } : {}) });
  const instances = ['m'];
  sim.addNode('m', instanceNode({}));
  for (let i = 1; i <= (opts.replicas ?? 2); i++) {
    instances.push(`r${i}`);
    sim.addNode(`r${i}`, instanceNode({ master: 'm' }));
  }
  const sentinels: string[] = [];
  const config: SentinelConfig = {
    masterName: 'mymaster',
    masterAddr: 'm',
    quorum: opts.quorum ?? 2,
    downAfterMs: opts.downAfterMs ?? 5000,
    failoverTimeoutMs: opts.failoverTimeoutMs ?? 10_000,
    ...(opts.planted ? { planted: opts.planted } : {}),
    ...(opts.parallelSyncs !== undefined ? { parallelSyncs: opts.parallelSyncs } : {}),
  };
  for (let i = 1; i <= (opts.sentinels ?? 3); i++) {
    sentinels.push(`s${i}`);
    sim.addNode(`s${i}`, sentinelNode(config));
  }
  return { sim, sentinels, instances };
}
