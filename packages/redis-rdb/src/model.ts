/**
 * The data model of contract C2, owned by @protolab/redis-keyspace: `RedisValue`, `KeyEntry`,
 * `Encoding` come from there, so values flow between the packages without conversion.
 */
import type { KeyEntry } from '@protolab/redis-keyspace';

export type { RedisValue, KeyEntry, Encoding } from '@protolab/redis-keyspace';

/** Anything with `entries()`: a `Keyspace`, its `fork()` snapshot, or a plain adapter. */
export interface EntrySource {
  entries(): Iterable<KeyEntry>;
}
