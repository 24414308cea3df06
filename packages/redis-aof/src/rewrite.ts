/**
 * A RESP-format BASE file (aof-use-rdb-preamble no): aof.c rewriteAppendOnlyFileRio. For each
 * non-empty db: `SELECT <db>`, then per key SET / RPUSH / SADD / ZADD / HMSET (variadic, at most
 * AOF_REWRITE_ITEMS_PER_CMD = 64 items per command) and `PEXPIREAT key <ms>` after a volatile key.
 * Key order is the order the keyspace yields (Redis: dict iteration order); loading either gives
 * the same data.
 */
import { concatBytes, formatDouble17g } from '@protolab/redis-common';
import { catAppendOnlyGenericCommand, timestampAnnotation } from './feed.js';
import type { KeyEntry } from './keyspace-types.js';

/** server.h AOF_REWRITE_ITEMS_PER_CMD. */
export const AOF_REWRITE_ITEMS_PER_CMD = 64;

/**
 * rio.c rioWriteBulkDouble in 7.0 is `snprintf("%.17g")`: the one implementation in protolab is
 * `@protolab/redis-common`'s. (7.2 switched to fpconv_dtoa; both load back to the same double.)
 */
export { formatDouble17g };

function batches<T>(items: readonly T[], emit: (batch: readonly T[]) => void): void {
  for (let i = 0; i < items.length; i += AOF_REWRITE_ITEMS_PER_CMD) emit(items.slice(i, i + AOF_REWRITE_ITEMS_PER_CMD));
}

/** The commands that rebuild one key (without SELECT). */
export function rewriteObject(e: KeyEntry, out: Uint8Array[]): void {
  const k = e.key;
  const v = e.value;
  switch (v.type) {
    case 'string':
      out.push(catAppendOnlyGenericCommand(['SET', k, v.value]));
      break;
    case 'list':
      batches(v.value, (b) => out.push(catAppendOnlyGenericCommand(['RPUSH', k, ...b])));
      break;
    case 'set':
      batches(v.value, (b) => out.push(catAppendOnlyGenericCommand(['SADD', k, ...b])));
      break;
    case 'zset':
      batches(v.value, (b) => out.push(catAppendOnlyGenericCommand(['ZADD', k, ...b.flatMap((m) => [formatDouble17g(m.score), m.member])])));
      break;
    case 'hash':
      batches(v.value, (b) => out.push(catAppendOnlyGenericCommand(['HMSET', k, ...b.flatMap(([f, x]) => [f, x])])));
      break;
  }
  if (e.expireAtMs !== undefined) out.push(catAppendOnlyGenericCommand(['PEXPIREAT', k, String(e.expireAtMs)]));
}

/** rewriteAppendOnlyFileRio over a point-in-time set of entries (grouped per db, dbs ascending). */
export function rewriteAppendOnlyFileRio(entries: Iterable<KeyEntry>, opts: { timestampSec?: number } = {}): Uint8Array {
  const byDb = new Map<number, KeyEntry[]>();
  for (const e of entries) {
    let list = byDb.get(e.db);
    if (list === undefined) byDb.set(e.db, (list = []));
    list.push(e);
  }
  const out: Uint8Array[] = [];
  if (opts.timestampSec !== undefined) out.push(timestampAnnotation(opts.timestampSec));
  for (const db of [...byDb.keys()].sort((a, b) => a - b)) {
    const list = byDb.get(db);
    if (list === undefined || list.length === 0) continue;
    out.push(catAppendOnlyGenericCommand(['SELECT', String(db)]));
    for (const e of list) rewriteObject(e, out);
  }
  return concatBytes(out);
}
