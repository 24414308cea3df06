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
// The byte-level (wire) core: RESP handshake, RDB transfer, the command stream (used by @protolab/redis-server).
export { ReplicaLink, CONFIG_RUN_ID_SIZE, MAX_LINE_BYTES, concatBytes, type ReplicaLinkEvent, type ReplicaLinkOptions, type ReplicaLinkState } from './wire/replica-link.js';
export { ReplBacklogBlocks, PROTO_REPLY_CHUNK_BYTES } from './wire/backlog-bytes.js';
export { rdbForReplication, loadRdbIntoKeyspace, type ReplRdbInfo } from './wire/rdb.js';
export { WireReplication } from './wire/replication.js';
export { UNBLOCKED_ERROR } from './wire/master.js';
export { DEFAULT_WIRE_REPLICATION_CONFIG, type WireReplicationConfig, type WireReplicationHost, type MasterClientEvent, type ReplIo, type SlaveLink, type ReplState } from './wire/state.js';
export { ByteBuffer } from './wire/bytes.js';
