import { Sim, type LinkOptions, type NodeContext, type NodeHandlers } from '@protolab/sim';
import { ReplicationNode } from './node.js';
import { DEFAULT_REPLICATION_CONFIG, type ClientReply, type ReplMsg, type ReplOutput, type ReplicationConfig } from './types.js';

/** A replication node inside @protolab/sim: the core plus the glue that sends its outputs. */
export interface ReplSimNode extends NodeHandlers<ReplMsg> {
  readonly core: ReplicationNode;
  /** Runs `op` on the core and sends what it outputs; returns op's result. */
  exec<T>(op: (core: ReplicationNode, nowMs: number) => { outputs: ReplOutput[] } & T): T;
  /** Answers of WAITs that blocked, by waitId. */
  readonly waitReplies: Map<number, number>;
}

/** A random 40-character hex id from the node's seeded stream (like getRandomHexChars). */
function hex40(ctx: NodeContext<ReplMsg>): () => string {
  return () => {
    let s = '';
    for (let i = 0; i < 5; i++) s += ctx.random.nextU32().toString(16).padStart(8, '0');
    return s;
  };
}

export function replSimNode(config: ReplicationConfig = DEFAULT_REPLICATION_CONFIG): (ctx: NodeContext<ReplMsg>) => ReplSimNode {
  return (ctx) => {
    const core = new ReplicationNode(ctx.name, hex40(ctx), config);
    const waitReplies = new Map<number, number>();
    const emit = (outs: readonly ReplOutput[]): void => {
      for (const o of outs) {
        if (o.kind === 'send') ctx.send(o.to, o.msg);
        else waitReplies.set(o.waitId, o.replicas);
      }
    };
    return {
      core,
      waitReplies,
      onMessage: (from, msg) => { emit(core.onMessage(from, msg, ctx.now())); },
      nextWakeup: () => core.nextWakeup(),
      onWakeup: () => { emit(core.tick(ctx.now())); },
      exec(op) {
        const r = op(core, ctx.now());
        emit(r.outputs);
        return r;
      },
    };
  };
}

export interface ReplClusterOptions {
  readonly seed: number | string;
  readonly replicas?: number;
  readonly link?: Partial<LinkOptions>;
  readonly config?: Partial<ReplicationConfig>;
}

/** One master `m` and replicas `r1…rN`, each REPLICAOF m at t=0. */
export function replCluster(opts: ReplClusterOptions): { sim: Sim<ReplMsg>; names: string[] } {
  const sim = new Sim<ReplMsg>({
    seed: opts.seed,
    trace: false,
    ...(opts.link ? { link: opts.link } : {}),
    describe: (m) => (m.type === 'STREAM' ? `STREAM@${m.start}×${m.cmds.length}` : m.type),
  });
  const config = { ...DEFAULT_REPLICATION_CONFIG, ...opts.config };
  const names = ['m'];
  sim.addNode('m', replSimNode(config));
  for (let i = 1; i <= (opts.replicas ?? 2); i++) {
    const name = `r${i}`;
    names.push(name);
    sim.addNode(name, replSimNode(config));
    sim.node<ReplSimNode>(name).core.replicaof('m', 0);
  }
  return { sim, names };
}

/** A client SET through a node; returns the reply and the write's end offset. */
export function clientSet(sim: Sim<ReplMsg>, node: string, key: string, value: string): { reply: ClientReply; woff: number } {
  return sim.node<ReplSimNode>(node).exec((core, now) => core.write(['SET', key, value], now));
}
