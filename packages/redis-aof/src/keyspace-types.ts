/**
 * The slice of `@protolab/redis-keyspace` (contract C2) that the AOF needs, written structurally so
 * that any object with these members can be logged, rewritten and loaded into.
 */
import type { RespValue } from '@protolab/resp';
import type { KeyEntry } from '@protolab/redis-keyspace';

// The data model is the keyspace's own (contract C2); re-exported so AOF users need one import.
export type { KeyEntry, RedisValue } from '@protolab/redis-keyspace';

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
