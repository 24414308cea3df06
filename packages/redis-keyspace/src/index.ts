export * from './types.js';
export { Keyspace, CONFIG_MAX_HZ, CONFIG_MIN_HZ, MAX_CLIENTS_PER_CLOCK_TICK } from './keyspace.js';
export type { KeyspaceOptions, SetOptions, ExpireCondition, CronResult, ExecuteOptions } from './keyspace.js';
export type { RespVersion } from './replies.js';
export type { ExpireStats } from './core.js';
export {
  activeExpireCycle,
  cycleConfig,
  CostModelClock,
  DEFAULT_COST_MODEL,
  ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP,
  ACTIVE_EXPIRE_CYCLE_FAST_DURATION,
  ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC,
  ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE,
  CRON_DBS_PER_CALL,
} from './expire-cycle.js';
export type { CycleClock, CycleResult, CycleType, CostModel, CostKind } from './expire-cycle.js';
export { DEFAULT_THRESHOLDS, OBJ_ENCODING_EMBSTR_SIZE_LIMIT } from './values.js';
export type { Thresholds } from './values.js';
export { parseDouble } from './numbers.js';
export { formatDouble17g, string2ll } from '@protolab/redis-common';
export { redisSimNode } from './adapters/sim-server.js';
export type { RedisSimNode, RedisSimInput, RedisSimOptions, CycleRecord } from './adapters/sim-server.js';
export { expiryExperiment } from './adapters/experiment.js';
export type { ExperimentOptions, ExperimentResult, CurvePoint } from './adapters/experiment.js';
export { RealClockKeyspace, RealCycleClock, batchedClock } from './adapters/real-clock.js';
export type { RealClockOptions } from './adapters/real-clock.js';
export { objectMemoryEstimate } from './maxmemory.js';
export type { MaxmemoryOptions } from './maxmemory.js';
export { MAXMEMORY_POLICIES, OOM_ERROR, EVPOOL_SIZE, LFU_INIT_VAL, LRU_CLOCK_RESOLUTION } from './evict.js';
export type { MaxmemoryPolicy, EvictionConfig } from './evict.js';
export { stringmatchlen, globTokens } from './glob.js';
export type { Token as GlobToken } from './glob.js';
export { executeFromMaster } from './replica.js';
export { computeDatasetDigest, debugObjectInfo, debugPopulate, digestValue, xorObjectDigest } from './debug.js';
export type { DebugObjectInfo } from './debug.js';
// The command table and COMMAND's proc, for a server that adds rows for the commands it answers itself.
export { COMMANDS } from './commands.js';
export { PROTO_MAX_BULK_LEN, STRING_MAX_BYTES } from './t_string_range.js';
export { cmd } from './server.js';
export type { CommandSpec, CommandFlag, CommandGroup } from './server.js';
export { commandProc, lookupByFullName } from './command-command.js';
export { objectComputeSize, memoryUsage, keyMemoryUsage, jemallocSizeClass, sdsZmallocSize, zsetScoreString, OBJ_COMPUTE_SIZE_DEF_SAMPLES, ZSL_NODE_EXPECTED_BYTES } from './object-size.js';
export {
  notifyKeyspaceEvent,
  keyspaceEventsStringToFlags,
  keyspaceEventsFlagsToString,
  INVALID_EVENT_CLASS,
  NOTIFY_KEYSPACE, NOTIFY_KEYEVENT, NOTIFY_GENERIC, NOTIFY_STRING, NOTIFY_LIST, NOTIFY_SET, NOTIFY_HASH, NOTIFY_ZSET,
  NOTIFY_EXPIRED, NOTIFY_EVICTED, NOTIFY_STREAM, NOTIFY_KEY_MISS, NOTIFY_LOADED, NOTIFY_MODULE, NOTIFY_NEW, NOTIFY_ALL,
} from './notify.js';
export type { KeyspaceEventSink } from './notify.js';
