/** RESP reply constructors over binary strings, and Redis's shared error texts (server.c createSharedObjects). */
import { NOT_FLOAT_ERR, NOT_INTEGER_ERR, SYNTAX_ERR, WRONGTYPE_ERR, arityErrorText } from '@protolab/redis-common';
import { reply, type RespValue } from '@protolab/resp';
import { KeyspaceError } from './types.js';
import { formatDouble17g } from '@protolab/redis-common';
import { binToBytes } from './bytes.js';

/** The protocol of the connection a reply is for (client.resp: 2 until HELLO 3). */
export type RespVersion = 2 | 3;
/** What the shaping helpers need to know about the caller (a Ctx has it). */
export interface RespOf {
  readonly resp: RespVersion;
}

export const OK: RespValue = reply.ok;
export const QUEUED: RespValue = { type: 'simple', value: 'QUEUED' };
export const NULL_BULK: RespValue = { type: 'null' };
export const EMPTY_ARRAY: RespValue = { type: 'array', value: [] };

export const err = reply.error;
/**
 * server.c createSharedObjects shared.integers: the replies for 0..OBJ_SHARED_INTEGERS-1 are made
 * once (RespValues are read-only), so the common integer replies allocate no object or bigint.
 */
export const OBJ_SHARED_INTEGERS = 10000;
const SHARED_INTEGERS: readonly RespValue[] = Array.from({ length: OBJ_SHARED_INTEGERS }, (_, i) => reply.integer(i));
const MINUS_ONE = reply.integer(-1);
const MINUS_TWO = reply.integer(-2);

/** addReplyLongLong: an integer reply (shared for -2..9999). */
export function int(v: number | bigint): RespValue {
  if (typeof v === 'number') {
    if (v >= 0 && v < OBJ_SHARED_INTEGERS && Number.isInteger(v)) return SHARED_INTEGERS[v] ?? reply.integer(v);
    if (v === -1) return MINUS_ONE;
    if (v === -2) return MINUS_TWO;
    return reply.integer(v);
  }
  if (v >= 0n && v < 10000n) return SHARED_INTEGERS[Number(v)] ?? reply.integer(v);
  return reply.integer(v);
}
/**
 * Bulk replies of short strings, shared between replies as Redis shares a value's sds with the
 * reply instead of copying it (networking.c addReplyBulk adds a reference to the object): the
 * reply for the same bytes is the same read-only RespValue. **A reply's bytes must not be
 * mutated** by whoever receives it (RespValue is readonly; its Uint8Array is shared).
 *
 * Keyed by content, so it is right whatever the keyspace did since (no invalidation), and
 * bounded: strings up to BULK_CACHE_MAX_LEN bytes, at most BULK_CACHE_MAX entries (cleared when
 * full). When a window of BULK_WINDOW lookups misses more often than it hits (a read pattern over
 * more distinct values than the cache holds), the next BULK_BYPASS replies skip the cache, so a
 * workload it cannot help pays one Map miss + set in ~2 % of its replies, not in all of them.
 */
const bulkCache = new Map<string, RespValue>();
export const BULK_CACHE_MAX = 8192;
export const BULK_CACHE_MAX_LEN = 64;
const BULK_WINDOW = 1024;
const BULK_BYPASS = 64 * 1024;
const bulkStats = { probes: 0, misses: 0, bypass: 0 };

/** addReplyBulk: a bulk string reply of the binary string's bytes (shared: see bulkCache). */
export function bulk(bin: string): RespValue {
  if (bin.length > BULK_CACHE_MAX_LEN || bulkStats.bypass > 0) {
    if (bulkStats.bypass > 0) bulkStats.bypass--;
    return { type: 'bulk', value: binToBytes(bin) };
  }
  let r = bulkCache.get(bin);
  if (r === undefined) {
    bulkStats.misses++;
    r = { type: 'bulk', value: binToBytes(bin) };
    if (bulkCache.size >= BULK_CACHE_MAX) bulkCache.clear();
    bulkCache.set(bin, r);
  }
  if (++bulkStats.probes === BULK_WINDOW) {
    if (bulkStats.misses * 2 > BULK_WINDOW) bulkStats.bypass = BULK_BYPASS;
    bulkStats.probes = 0;
    bulkStats.misses = 0;
  }
  return r;
}
export const simple = reply.simple;
export const array = (items: RespValue[]): RespValue => ({ type: 'array', value: items });

export const E = {
  syntax: SYNTAX_ERR,
  notInteger: NOT_INTEGER_ERR,
  notFloat: NOT_FLOAT_ERR,
  wrongType: WRONGTYPE_ERR,
  overflow: 'ERR increment or decrement would overflow',
  dbRange: 'ERR DB index is out of range',
  nan: 'ERR resulting score is not a number (NaN)',
  expireTime: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  arity: arityErrorText,
} as const;

// ---------------------------------------------------------------------------------------------
// Replies whose shape depends on the protocol (networking.c, 7.0). RESP2 shapes are the ones the
// keyspace always answered; RESP3 shapes are what redis-server 7.0 sends after HELLO 3.

/** networking.c addReplyDouble: RESP2 a bulk string of "%.17g" ("inf"/"-inf"), RESP3 a `,` double. */
export function dbl(c: RespOf, d: number): RespValue {
  return c.resp === 3 ? { type: 'double', value: d } : bulk(score17g(d));
}

/** Scores already formatted (bounded: cleared when full), for the fractional ones. */
const formatted = new Map<number, string>();
const FORMATTED_MAX = 4096;

/**
 * formatDouble17g(d), with the common cases first: an integer below 2^53 prints as itself under
 * "%.17g" (at most 16 digits, no exponent), and a fractional score seen recently comes from a
 * small memo — the exact formatter costs microseconds per call (it checks round-half-even ties).
 */
export function score17g(d: number): string {
  if (Number.isSafeInteger(d) && (d !== 0 || 1 / d > 0)) return String(d);
  if (d === 0) return formatDouble17g(d); // -0
  let s = formatted.get(d);
  if (s === undefined) {
    if (formatted.size >= FORMATTED_MAX) formatted.clear();
    s = formatDouble17g(d);
    formatted.set(d, s);
  }
  return s;
}

/** addReplyMapLen over flat key, value, key, value … items: RESP2 the flat array, RESP3 a map. */
export function mapReply(c: RespOf, flat: RespValue[]): RespValue {
  if (c.resp !== 3) return array(flat);
  if (flat.length % 2 !== 0) throw new KeyspaceError('INTERNAL', `map reply with an odd number of items (${flat.length})`);
  const pairs: (readonly [RespValue, RespValue])[] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i] as RespValue, flat[i + 1] as RespValue]);
  return { type: 'map', value: pairs };
}

/** addReplySetLen: RESP2 an array, RESP3 a `~` set. */
export function setReply(c: RespOf, items: RespValue[]): RespValue {
  return c.resp === 3 ? { type: 'set', value: items } : array(items);
}

/** The empty set / empty map replies (shared.emptyset[resp], shared.emptymap[resp]). */
export const emptySet = (c: RespOf): RespValue => (c.resp === 3 ? { type: 'set', value: [] } : EMPTY_ARRAY);
export const emptyMap = (c: RespOf): RespValue => (c.resp === 3 ? { type: 'map', value: [] } : EMPTY_ARRAY);

/**
 * One element of a reply that carries a second value per element (ZRANGE … WITHSCORES,
 * ZRANDMEMBER … WITHSCORES, HRANDFIELD … WITHVALUES): Redis writes `addReplyArrayLen(c,2)` before
 * the pair when `c->resp > 2`, so RESP3 nests [a, b] where RESP2 appends a and b to the flat array.
 */
export function pushPair(c: RespOf, out: RespValue[], a: RespValue, b: RespValue): void {
  if (c.resp === 3) out.push(array([a, b]));
  else out.push(a, b);
}
