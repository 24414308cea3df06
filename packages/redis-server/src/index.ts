export { RedisServer } from './server.js';
export type { RedisServerOptions, ServerOutput, ServerCommandProc, CommandFilter } from './server.js';
export type { Client } from './client.js';
export { RedisServerError } from './errors.js';
export type { RedisServerErrorCode } from './errors.js';
export { REDIS_VERSION } from './version.js';
export { startRedisServer } from './adapters/net.js';
export type { StartRedisServerOptions, RunningRedisServer } from './adapters/net.js';
// Cluster mode (src/cluster/, src/adapters/cluster*.ts)
export { startRedisCluster, RedisClusterError } from './adapters/cluster.js';
export type { StartRedisClusterOptions, RunningRedisCluster, RunningClusterNode } from './adapters/cluster.js';
export { reshard } from './adapters/cluster-reshard.js';
export type { ReshardOptions, ReshardResult } from './adapters/cluster-reshard.js';
export { installCluster, nodeIdFromBytes } from './cluster/install.js';
export { ClusterBus, ClusterNodeState } from './cluster/state.js';
export type { ClusterNodeRecord, ClusterClientFlags, RedirectEvent } from './cluster/state.js';
export { computeReshardTable, parseClusterNodes, planReshard, ReshardPlanError } from './cluster/reshard-plan.js';
export type { PlanNode } from './cluster/reshard-plan.js';
