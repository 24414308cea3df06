export { ClusterError, type ClusterErrorCode } from './errors.js';
export { CRC16_TABLE, crc16, crc16Utf8 } from './crc16.js';
export { assertSlot, CLUSTER_SLOTS, hashTag, keyHashSlot, type RedisKey } from './slot.js';
