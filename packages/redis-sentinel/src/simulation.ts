import { Sim, type LinkOptions, type NodeContext, type NodeHandlers } from '@protolab/sim';
import type { ReplicationConfig } from '@protolab/redis-replication';
import { SentinelNode } from './sentinel.js';
import { instanceNode, type SimMsg } from './sim-instance.js';
import type { SentinelConfig, SentinelMsg } from './types.js';

export { instanceNode, masterLinkDownTime, type InstanceNode, type InstanceOptions, type InstanceState, type SimMsg } from './sim-instance.js';

/** A random 40-character hex id from the node's seeded stream (getRandomHexChars). */
function hex40(ctx: NodeContext<SimMsg>): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += ctx.random.nextU32().toString(16).padStart(8, '0');
  return s;
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
        if (msg.type !== 'REPL') emit(core.onMessage(from, msg, ctx.now()));
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
  /** The instances' replication settings (repl-timeout, min-replicas-to-write, …; Redis's defaults otherwise). */
  readonly replication?: Partial<ReplicationConfig>;
}

/**
 * The seed's Sentinel deployment: master `m`, replicas `r1…` (each a @protolab/redis-replication
 * core, REPLICAOF m at start), sentinels `s1…` monitoring `mymaster`.
 */
export function sentinelDeployment(opts: SentinelDeploymentOptions): { sim: Sim<SimMsg>; sentinels: string[]; instances: string[] } {
  const sim = new Sim<SimMsg>({
    seed: opts.seed,
    trace: false,
    ...(opts.link ? { link: opts.link } : {}),
    describe: (m) => (m.type !== 'REPL' ? m.type : m.msg.type === 'STREAM' ? `REPL STREAM@${String(m.msg.start)}×${String(m.msg.cmds.length)}` : `REPL ${m.msg.type}`),
  });
  const instances = ['m'];
  sim.addNode('m', instanceNode({ ...(opts.replication ? { replication: opts.replication } : {}) }));
  for (let i = 1; i <= (opts.replicas ?? 2); i++) {
    instances.push(`r${i}`);
    sim.addNode(`r${i}`, instanceNode({ master: 'm', ...(opts.replication ? { replication: opts.replication } : {}) }));
  }
  // The replication link is a TCP connection: it loses, duplicates and reorders nothing (a loss
  // shows up as delay). Partitions and crashes still cut it. Sentinels' links keep the faults.
  for (const a of instances) for (const b of instances) if (a !== b) sim.setLink(a, b, { lossRate: 0, dupRate: 0, reorderRate: 0 });
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
