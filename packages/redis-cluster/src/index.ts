export { ClusterError, type ClusterErrorCode } from './errors.js';
export { CRC16_TABLE, crc16, crc16Utf8 } from './crc16.js';
export { assertSlot, CLUSTER_SLOTS, hashTag, keyHashSlot, type RedisKey } from './slot.js';
export { type Arg, arityText, CLUSTER_ONLY_COMMANDS, commandKeys, COMMAND_NAMES, type CommandSpec, KEYSPACE_COMMAND_NAMES, lookupCommand, unknownCommandText } from './commands.js';
export { clusterRedirectClient, type ClientRouteState, type Endpoint, getNodeByQuery, type NodeView, parseRedirect, type Redirect, type Route } from './route.js';
export {
  type ClusterNodeInfo,
  type ClusterShard,
  type ClusterShardsNode,
  type ClusterSlotsEntry,
  type ClusterSlotsNode,
  clusterShardsReply,
  clusterSlotsReply,
  type DiscoveredRange,
  parseClusterSlots,
  SlotMap,
  slotMapFromDiscovery,
  type SlotRange,
  type Topology,
} from './topology.js';
export { ClusterNode, type ClusterNodeOptions, type Connection, DATA_COMMANDS, type ExecOutcome, keyId, type MigrateJob, newConnection, type StoreView, toResp } from './node.js';
export { ClusterClient, type ClusterClientOptions, type ClientRequest, type ClientStep } from './client.js';
export { type ClusterMsg, describeClusterMsg, respToPlain, showReply } from './messages.js';
export { type ReshardConfig, type ReshardDone, Resharder, type ReshardMove, type ReshardOutput, type ReshardPhase } from './reshard.js';
export { clusterNodeActor, type NodeActor } from './adapters/sim-node.js';
export { type ClientActor, type ClientActorOptions, clusterClientActor, type OpRecord } from './adapters/sim-client.js';
export { type ReshardActor, reshardActor, type ReshardOptions } from './adapters/sim-reshard.js';
export { type ClusterInput, type SimCluster, simCluster, type SimClusterOptions } from './adapters/sim-cluster.js';
export * from './failover/election.js';
export * from './failover/bus-types.js';
export { ClusterBusNode, type ClusterBusConfig } from './failover/cluster-bus.js';
export { SlotView, slotsIn, rangesKey } from './failover/slot-view.js';
export { clusterFailoverCommand, clusterFailoverReplaceYourMaster, clusterHandleSlaveFailover, freshFailoverState, type FailoverState } from './failover/slave-failover.js';
export { clusterFailoverDeployment, spreadSlots, type ClusterFailoverDeployment, type ClusterFailoverOptions, type FailoverSimMsg, type FailoverSimNode } from './adapters/sim-cluster-failover.js';
