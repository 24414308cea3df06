/**
 * What every `load-*.ts` record loader shares: the EMPTY_KEY outcome (rdb.c `rdbLoadObject`'s
 * `goto emptykey`, which `rdbLoadRioWithLoadingCtx` answers by skipping the key), the typed
 * refusals Redis 7.0 makes while loading a collection, and the in-place result for payloads left
 * packed in the input.
 */
import { RdbFormatError } from './errors.js';
import { PackedValue } from './packed.js';
import type { RdbReader } from './reader.js';
import type { RedisValue } from './model.js';

/** rdbLoadObject returned NULL with RDB_LOAD_ERR_EMPTY_KEY: the caller logs "skipping empty key" and goes on. */
export const EMPTY_KEY: unique symbol = Symbol('EMPTY_KEY');

/** A loader's result: the value, undefined when it was left in the input for the entry, or EMPTY_KEY. */
export type Loaded = RedisValue | undefined | typeof EMPTY_KEY;

/**
 * The blob `strRange()` left in the reader: when it lies in the input buffer, or is a small LZF
 * string (`lazyLzf`: decompressed into scratch for validation), leave it there for the entry
 * (undefined); else (a big LZF-decompressed one) wrap it now.
 */
export function packed(r: RdbReader, type: 'list' | 'set' | 'zset' | 'hash'): RedisValue | undefined {
  if (r.rBuf === r.buf || r.lazyLzf) return undefined;
  return new PackedValue(type, r.rBuf, r.rOff, r.rLen).asValue();
}

/** rdbReportCorruptRDB for a member, field or zset element seen twice, at the offset Redis reports (just past it). */
export function duplicate(r: RdbReader, message: string): RdbFormatError {
  return new RdbFormatError('DUPLICATE_MEMBER', r.at(), message);
}

/** Odd element counts in a hash / zset container (hashZiplistValidateIntegrity, zsetZiplistValidateIntegrity). */
export function checkPairs(n: number, code: 'BAD_LISTPACK' | 'BAD_ZIPLIST', what: string, at: number): void {
  if (n % 2 !== 0) throw new RdbFormatError(code, at, `${what} container has an odd number (${n}) of elements`);
}
