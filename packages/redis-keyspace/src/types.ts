/**
 * The data model shared with @protolab/redis-rdb and @protolab/redis-aof (contract C2).
 * Values are bytes, as in Redis: a key or a string value is any byte sequence.
 */
export type RedisValue =
  | { type: 'string'; value: Uint8Array }
  // head first; nodes: elements per quicklist node, head first (rdb.c rdbSaveObject writes a
  // listpack per node, rdbLoadObject appends each as its own node). Absent: the layout RPUSH of
  // the elements builds. Values made by the keyspace and the RDB decoder carry it non-enumerable,
  // so they compare equal (toEqual) to a plain { type, value } of the same elements.
  | { type: 'list'; value: Uint8Array[]; nodes?: readonly number[] }
  | { type: 'set'; value: Uint8Array[]; intsetEncoding?: 2 | 4 | 8 } // any order; intsetEncoding: an intset's width when wider than its members need (intset.c never narrows it)
  | { type: 'zset'; value: { member: Uint8Array; score: number }[] } // ascending by (score, member)
  | { type: 'hash'; value: [field: Uint8Array, value: Uint8Array][] };

/** What `OBJECT ENCODING` answers in Redis 7.0 (lists are always quicklist in 7.0). */
export type Encoding = 'int' | 'embstr' | 'raw' | 'listpack' | 'quicklist' | 'intset' | 'hashtable' | 'skiplist';

/** One key as RDB/AOF code sees it. `expireAtMs` is absolute Unix ms (Redis's expires dict value). */
export interface KeyEntry {
  db: number;
  key: Uint8Array;
  value: RedisValue;
  expireAtMs?: number;
  encoding?: Encoding;
}

/** A point-in-time view of the keyspace (what a forked BGSAVE / AOF-rewrite child sees). */
export interface KeyspaceSnapshot {
  entries(): Iterable<KeyEntry>;
}

/** Redis's propagate(): db and argv as 7.0 writes them to the AOF. */
export type PropagateFn = (db: number, argv: Uint8Array[]) => void;

/** Base class for typed errors in this package (callers switch on `code`). */
export class KeyspaceError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'KeyspaceError';
    this.code = code;
  }
}

/**
 * The DUMP/RESTORE payload format (cluster.c createDumpPayload / verifyDumpPayload: an RDB object
 * — type byte and value — then the 2-byte RDB version and a CRC-64). The RDB encoding lives in
 * @protolab/redis-rdb, which depends on this package, so the codec is handed in
 * (KeyspaceOptions.payloadCodec) rather than imported.
 */
export interface PayloadCodec {
  /** createDumpPayload for a value held in `encoding`. */
  dump(value: RedisValue, encoding: Encoding): Uint8Array;
  /**
   * verifyDumpPayload + rdbLoadObjectType/rdbLoadObject: the value, or why it was refused
   * ('checksum': "DUMP payload version or checksum are wrong"; 'format': "Bad data format").
   */
  restore(payload: Uint8Array): RedisValue | 'checksum' | 'format';
}
