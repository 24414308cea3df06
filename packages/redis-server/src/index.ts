export { RedisServer } from './server.js';
export type { RedisServerOptions, ServerOutput, ServerCommandProc, CommandFilter } from './server.js';
export type { Client } from './client.js';
export { RedisServerError } from './errors.js';
export type { RedisServerErrorCode } from './errors.js';
export { REDIS_VERSION } from './version.js';
export { startRedisServer } from './adapters/net.js';
export type { StartRedisServerOptions, RunningRedisServer } from './adapters/net.js';
