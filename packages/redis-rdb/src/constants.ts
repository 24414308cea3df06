/** Opcodes and object type codes from src/rdb.h (Redis 7.0, RDB_VERSION 10). */

export const RDB_VERSION = 10;

// Object types (rdb.h RDB_TYPE_*)
export const RDB_TYPE_STRING = 0;
export const RDB_TYPE_LIST = 1;
export const RDB_TYPE_SET = 2;
export const RDB_TYPE_ZSET = 3;
export const RDB_TYPE_HASH = 4;
export const RDB_TYPE_ZSET_2 = 5;
export const RDB_TYPE_MODULE = 6;
export const RDB_TYPE_MODULE_2 = 7;
export const RDB_TYPE_HASH_ZIPMAP = 9;
export const RDB_TYPE_LIST_ZIPLIST = 10;
export const RDB_TYPE_SET_INTSET = 11;
export const RDB_TYPE_ZSET_ZIPLIST = 12;
export const RDB_TYPE_HASH_ZIPLIST = 13;
export const RDB_TYPE_LIST_QUICKLIST = 14;
export const RDB_TYPE_STREAM_LISTPACKS = 15;
export const RDB_TYPE_HASH_LISTPACK = 16;
export const RDB_TYPE_ZSET_LISTPACK = 17;
export const RDB_TYPE_LIST_QUICKLIST_2 = 18;
export const RDB_TYPE_STREAM_LISTPACKS_2 = 19;

// Special opcodes (rdb.h RDB_OPCODE_*)
export const RDB_OPCODE_FUNCTION2 = 245; // 0xF5
export const RDB_OPCODE_FUNCTION = 246; // 0xF6 (7.0 release candidates only)
export const RDB_OPCODE_MODULE_AUX = 247; // 0xF7
export const RDB_OPCODE_IDLE = 248; // 0xF8
export const RDB_OPCODE_FREQ = 249; // 0xF9
export const RDB_OPCODE_AUX = 250; // 0xFA
export const RDB_OPCODE_RESIZEDB = 251; // 0xFB
export const RDB_OPCODE_EXPIRETIME_MS = 252; // 0xFC
export const RDB_OPCODE_EXPIRETIME = 253; // 0xFD
export const RDB_OPCODE_SELECTDB = 254; // 0xFE
export const RDB_OPCODE_EOF = 255; // 0xFF

// Length encodings (rdb.h RDB_6BITLEN etc.) and special string encodings (RDB_ENC_*)
export const RDB_6BITLEN = 0;
export const RDB_14BITLEN = 1;
export const RDB_32BITLEN = 0x80;
export const RDB_64BITLEN = 0x81;
export const RDB_ENCVAL = 3;
export const RDB_ENC_INT8 = 0;
export const RDB_ENC_INT16 = 1;
export const RDB_ENC_INT32 = 2;
export const RDB_ENC_LZF = 3;

/**
 * The largest LZF-compressed string or container blob the decoder leaves compressed in the input
 * (validated at decode time, decompressed on each read: issue 19); a bigger one is decompressed
 * once, at decode time, where a failed allocation is still a typed error.
 */
export const LZF_LAZY_MAX = 4096;

// quicklist node containers (quicklist.h)
export const QUICKLIST_NODE_CONTAINER_PLAIN = 1;
export const QUICKLIST_NODE_CONTAINER_PACKED = 2;

/** Names of the type codes, as in rdb.h without the RDB_TYPE_ prefix. */
export const RDB_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'STRING', 1: 'LIST', 2: 'SET', 3: 'ZSET', 4: 'HASH', 5: 'ZSET_2', 6: 'MODULE', 7: 'MODULE_2',
  9: 'HASH_ZIPMAP', 10: 'LIST_ZIPLIST', 11: 'SET_INTSET', 12: 'ZSET_ZIPLIST', 13: 'HASH_ZIPLIST',
  14: 'LIST_QUICKLIST', 15: 'STREAM_LISTPACKS', 16: 'HASH_LISTPACK', 17: 'ZSET_LISTPACK',
  18: 'LIST_QUICKLIST_2', 19: 'STREAM_LISTPACKS_2',
};

/** Types introduced after RDB 10 (named in errors, so a 7.2+ object is recognisable). */
export const NEWER_TYPE_NAMES: Readonly<Record<number, string>> = {
  20: 'SET_LISTPACK (RDB 11, Redis 7.2)',
  21: 'STREAM_LISTPACKS_3 (RDB 11, Redis 7.2)',
  22: 'HASH_METADATA_PRE_GA (Redis 7.4 pre-release)',
  23: 'HASH_LISTPACK_EX_PRE_GA (Redis 7.4 pre-release)',
  24: 'HASH_METADATA (RDB 12, Redis 7.4)',
  25: 'HASH_LISTPACK_EX (RDB 12, Redis 7.4)',
};

export const OPCODE_NAMES: Readonly<Record<number, string>> = {
  245: 'FUNCTION2', 246: 'FUNCTION', 247: 'MODULE_AUX', 248: 'IDLE', 249: 'FREQ', 250: 'AUX',
  251: 'RESIZEDB', 252: 'EXPIRETIME_MS', 253: 'EXPIRETIME', 254: 'SELECTDB', 255: 'EOF',
};

/** Redis 7.0 default thresholds (config.c) that decide in-memory encodings. */
export interface EncodingThresholds {
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
  setMaxIntsetEntries: number;
  /** list-max-listpack-size: negative = size class (-2 = 8 KB), positive = max entries per node */
  listMaxListpackSize: number;
}

export const DEFAULT_THRESHOLDS: EncodingThresholds = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  listMaxListpackSize: -2,
};
