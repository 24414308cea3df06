/**
 * `startRedisCluster`: N cluster-enabled masters in this process, each a node:net RedisServer
 * (startRedisServer), on consecutive ports from `port` (port 0: each on a free port), with the
 * slots spread as `redis-cli --cluster create` spreads them (SlotMap.evenly: 0-5460, 5461-10922,
 * 10923-16383 for three) and config epochs 1..N as its CLUSTER SET-CONFIG-EPOCH step gives them.
 * Every node knows every other (as after CLUSTER MEET and the handshake); node ids are 40 hex
 * characters from crypto randomness.
 *
 *   const cluster = await startRedisCluster({ masters: 3, port: 0 });
 *   cluster.nodes[0].port; cluster.nodes[0].id;
 *   await cluster.close();
 */
import { randomBytes } from 'node:crypto';
import { SlotMap } from '@protolab/redis-cluster';
import { installCluster, nodeIdFromBytes } from '../cluster/install.js';
import { ClusterBus } from '../cluster/state.js';
import { RedisClusterError } from '../cluster/errors.js';
import type { ClusterNodeState } from '../cluster/state.js';
import { startRedisServer } from './net.js';
import type { RunningRedisServer, StartRedisServerOptions } from './net.js';

export interface StartRedisClusterOptions extends Omit<StartRedisServerOptions, 'port'> {
  /** Number of masters (default 3; redis-cli --cluster create needs at least 3, we allow 1). */
  readonly masters?: number | undefined;
  /** Port of the first node; the others follow it (default 7000; 0: free ports). */
  readonly port?: number | undefined;
}

export interface RunningClusterNode extends RunningRedisServer {
  /** The node id (CLUSTER MYID). */
  readonly id: string;
  readonly host: string;
  /** The node's cluster state (slot table, migrating/importing markers). */
  readonly cluster: ClusterNodeState;
}

export interface RunningRedisCluster {
  readonly nodes: readonly RunningClusterNode[];
  readonly bus: ClusterBus;
  /** Stop every node. */
  close(): Promise<void>;
}

export { RedisClusterError } from '../cluster/errors.js';
export type { RedisClusterErrorCode } from '../cluster/errors.js';

export async function startRedisCluster(options: StartRedisClusterOptions = {}): Promise<RunningRedisCluster> {
  const masters = options.masters ?? 3;
  if (!Number.isInteger(masters) || masters < 1 || masters > 1000) throw new RedisClusterError('BAD_OPTION', `masters must be an integer in 1..1000, found ${String(masters)}`);
  const base = options.port ?? 7000;
  if (!Number.isInteger(base) || base < 0 || base + masters - 1 > 55535) throw new RedisClusterError('BAD_OPTION', `port must leave room for ${masters} nodes and their bus ports (+10000), found ${String(base)}`);
  const host = options.host ?? '127.0.0.1';
  const bus = new ClusterBus();
  const nodes: RunningClusterNode[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      const srv = await startRedisServer({ ...options, host, port: base === 0 ? 0 : base + i });
      const id = nodeIdFromBytes(randomBytes(20));
      const state = installCluster(srv.server, bus, { id, ip: host, port: srv.port, configEpoch: i + 1 }, () => Date.now());
      nodes.push({ ...srv, id, host, cluster: state });
    }
  } catch (e) {
    await Promise.all(nodes.map((n) => n.close()));
    throw e;
  }
  const slots = SlotMap.evenly(nodes.map((n) => n.id));
  for (const n of nodes) for (const r of slots.ranges()) for (let s = r.start; s <= r.end; s++) n.cluster.assign(s, r.node);
  return {
    nodes,
    bus,
    close: async () => {
      await Promise.all(nodes.map((n) => n.close()));
    },
  };
}
