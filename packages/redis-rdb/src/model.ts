/**
 * The data model of contract C2 (owned by @protolab/redis-keyspace). Declared structurally here so
 * the codec compiles on its own; the shapes are identical to `@protolab/redis-keyspace`'s
 * `RedisValue` / `KeyEntry` / `Encoding`, so values flow between the packages without conversion.
 */
export type RedisValue =
  | { type: 'string'; value: Uint8Array }
  | { type: 'list'; value: Uint8Array[] } // head first
  | { type: 'set'; value: Uint8Array[] } // any order
  | { type: 'zset'; value: { member: Uint8Array; score: number }[] } // ascending by (score, member)
  | { type: 'hash'; value: [field: Uint8Array, value: Uint8Array][] };

export type Encoding = 'int' | 'embstr' | 'raw' | 'listpack' | 'quicklist' | 'intset' | 'hashtable' | 'skiplist';

export interface KeyEntry {
  db: number;
  key: Uint8Array;
  value: RedisValue;
  expireAtMs?: number;
  encoding?: Encoding;
}

/** Anything with `entries()`: a `Keyspace`, its `fork()` snapshot, or a plain adapter. */
export interface EntrySource {
  entries(): Iterable<KeyEntry>;
}
