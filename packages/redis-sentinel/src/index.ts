/**
 * @protolab/redis-sentinel — Redis Sentinel (sentinel.c, Redis 7.0) as a sans-I/O core:
 * SDOWN / ODOWN, leader election per epoch, replica selection, the fail-over state machine and
 * config propagation over hello messages.
 */
export * from './errors.js';
export * from './types.js';
export * from './select.js';
export * from './vote.js';
export * from './sentinel.js';
export { Sentinel, type SentinelShared } from './sentinel-state.js';
export * from './sentinel-failover.js';
export * from './simulation.js';
export { RealSentinel, SENTINEL_HELLO_CHANNEL, formatHello, parseHello, parseIsMasterDownReply, sentinelPingReplyIsValid, splitAddr } from './adapters/real-sentinel.js';
export type { RealSentinelOptions } from './adapters/real-sentinel.js';
export { parseInfoReplication } from './adapters/info.js';
export * from './sentinel-reply.js';
export * from './sentinel-command.js';
export { sentinelConfigCommand, sentinelSetCommand, type SentinelSetHooks } from './sentinel-set.js';
export { linkRole, sentinelAuthArgv, sentinelClientName, type LinkRole } from './sentinel-auth.js';
export { deliver, stringmatch, subscribe, unsubscribe, type PubSubState } from './pubsub.js';
export { SentinelServer } from './adapters/sentinel-server.js';
export type { SentinelServerOptions } from './adapters/sentinel-server.js';
export { parseSentinelConfig, sentinelConfigOf, SentinelConfigError, type SentinelFileConfig, type SentinelMasterFileConfig } from './sentinel-config.js';
export { applySavedState, rewriteSentinelConfig, sentinelStateLines, type FlushSource } from './sentinel-flush.js';
export { flushSentinelConfigFile } from './adapters/config-file.js';
