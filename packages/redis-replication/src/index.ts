/**
 * @protolab/redis-replication — Redis master/replica replication (replication.c, Redis 7.0) as a
 * sans-I/O core: the handshake, PSYNC with full and partial resync, the backlog, the two
 * replication ids, the command stream with REPLCONF ACK, WAIT, min-replicas-to-write, read-only
 * replicas and expiry on replicas.
 */
export * from './errors.js';
export * from './types.js';
export { ReplBacklog, commandLength, type StreamEntry } from './backlog.js';
export * from './node.js';
export * from './simulation.js';
