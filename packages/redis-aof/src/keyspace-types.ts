/**
 * The slice of `@protolab/redis-keyspace` (contract C2) that the AOF needs, written structurally so
 * that any object with these members can be logged, rewritten and loaded into.
 */
import type { RespValue } from '@protolab/resp';

export type RedisValue =
  | { type: 'string'; value: Uint8Array }
  | { type: 'list'; value: Uint8Array[] }
  | { type: 'set'; value: Uint8Array[] }
  | { type: 'zset'; value: { member: Uint8Array; score: number }[] }
  | { type: 'hash'; value: [field: Uint8Array, value: Uint8Array][] };

export interface KeyEntry {
  db: number;
  key: Uint8Array;
  value: RedisValue;
  expireAtMs?: number;
}

/** What BGREWRITEAOF reads: a point-in-time view (keyspace.fork()). */
export interface EntrySource {
  entries(): Iterable<KeyEntry>;
}

/** What the loader writes into. */
export interface KeyspaceLike extends EntrySource {
  execute(argv: readonly (string | Uint8Array)[]): RespValue;
  restore(entry: KeyEntry): void;
  fork(): EntrySource;
  /** server.loading: while true nothing expires (lazily or by EXPIRE with a past time). */
  loading?: boolean;
}
