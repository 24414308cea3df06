/**
 * MEMORY USAGE's size model (redis/redis src/object.c objectComputeSize and memoryCommand's
 * "usage" branch, 7.0): the bytes Redis 7.0 on x86-64 with jemalloc would report for one key,
 * computed from the keyspace's own representation of each encoding.
 *
 * Redis adds up allocation sizes as jemalloc reports them (zmalloc_size: the size class an
 * allocation landed in) and C struct sizes:
 *   robj 16, dictEntry 24, dict 56 (type, 2 tables, 2 used counts, rehashidx, pauserehash, 2 size
 *   exponents), a bucket pointer 8, quicklist 40, quicklistNode 40, zset 16, zskiplist 32,
 *   zskiplistNode 24 + 16 per level (ZSKIPLIST_MAXLEVEL 32: the header node 536 → 640),
 *   an sds header of 1/3/5/9/17 bytes for SDS_TYPE_5/8/16/32/64 (sds.c sdsReqType by length;
 *   sdsdup/sdsnewlen of a short string gives SDS_TYPE_5), intset 8 + length × 2/4/8,
 *   a listpack its lpBytes (listpack.c: 6-byte header, entries, end byte).
 * Per value (objectComputeSize):
 *   string int     16 (the robj; the number lives in its pointer)
 *          embstr  zmalloc_size(robj + sdshdr8 + len + 1)
 *          raw     16 + sdsZmallocSize(ptr): exact for a string set whole, with sdsMakeRoomFor's
 *                  free space for one grown in place (APPEND, SETRANGE, SETBIT: sds.ts RawStr)
 *   list           16 + 40 + avg(40 + zmalloc_size(node listpack)) over the first `samples`
 *                  nodes × node count
 *   set intset     16 + zmalloc_size(intset): 8 + size × the width, which removals never narrow
 *       hashtable  16 + 56 + 8 × buckets + avg(24 + sdsZmallocSize(member)) × size
 *   zset listpack  16 + zmalloc_size(listpack)
 *        skiplist  16 + 16 + 32 + 56 + 8 × buckets + 640
 *                  + avg(sdsZmallocSize(member) + 24 + zmalloc_size(node)) over the first
 *                  `samples` nodes by rank × size
 *   hash listpack  16 + zmalloc_size(listpack)
 *        hashtable 16 + 56 + 8 × buckets + avg(sds(field) + sds(value) + 24) × size
 * and the key: sdsZmallocSize(key) + sizeof(dictEntry). Averages are doubles and the sum is
 * truncated to an integer as C's `size_t += double` does.
 *
 * Where it is not exact (the package README lists these too):
 *  - skiplist node levels are random in Redis (zslRandomLevel, p = 1/4): each node counts as the
 *    expected size class over the level distribution (ZSL_NODE_EXPECTED_BYTES ≈ 53.34 bytes);
 *  - a dict's bucket count is modelled as after inserts with the incremental rehash finished:
 *    max(4, next power of two ≥ size). Redis keeps the old table too while a rehash is under way
 *    (a value dict's rehash advances only on operations on it), and does not shrink a table until
 *    it is less than 10 % full;
 *  - with SAMPLES below the size, a hashtable is sampled in Redis's bucket order, which depends on
 *    the process's random siphash seed; here the first members in insertion order are sampled;
 *  - a list's nodes are quicklist.ts's, which builds quicklist.c 7.0's layout command by command
 *    (exact, also after LINSERT / LSET / LREM / LTRIM), but a list COPY copies or RESTORE / an RDB
 *    load brings is rebuilt by tail pushes where Redis keeps the source's nodes (quicklistDup,
 *    quicklistAppendListpack), and every list has list-max-listpack-size -2 (no such config here).
 */
import { RawStr, ListVal, SetVal, ZsetVal, HashVal, stringEncoding } from './values.js';
import type { Val } from './values.js';
import { listpackEntryBytes } from './quicklist.js';
import { formatDouble17g } from '@protolab/redis-common';
import { binFromBytes } from './bytes.js';
import { jemallocSizeClass } from './zmalloc.js';
import { sdsZmallocSize } from './sds.js';
import type { Keyspace } from './keyspace.js';
import { valAt } from './server.js';

/** sizeof(robj), sizeof(dictEntry), sizeof(dict), sizeof(void*) on x86-64 (server.h, dict.h). */
export const ROBJ_SIZE = 16;
export const DICT_ENTRY_SIZE = 24;
export const DICT_SIZE = 56;
export const POINTER_SIZE = 8;
/** quicklist.h sizeof(quicklist), sizeof(quicklistNode). */
export const QUICKLIST_SIZE = 40;
export const QUICKLIST_NODE_SIZE = 40;
/** server.h sizeof(zset), sizeof(zskiplist); zslCreateNode's 24 + 16 per level. */
export const ZSET_SIZE = 16;
export const ZSKIPLIST_SIZE = 32;
export const ZSKIPLIST_MAXLEVEL = 32;
export const ZSKIPLIST_P = 0.25;
/** server.h OBJ_COMPUTE_SIZE_DEF_SAMPLES. */
export const OBJ_COMPUTE_SIZE_DEF_SAMPLES = 5;
/** listpack.c LP_HDR_SIZE + the end byte. */
const LP_EMPTY_BYTES = 7;
/** intset.h: encoding (4) + length (4). */
const INTSET_HDR = 8;

/** jemalloc's size classes (zmalloc.ts) and the exact sds sizes (sds.ts), re-exported as before. */
export { jemallocSizeClass } from './zmalloc.js';
export { sdsHdrSize, sdsZmallocSize } from './sds.js';

/** object.c createEmbeddedStringObject's one allocation: robj + sdshdr8 + len + NUL. */
export function embstrSize(len: number): number {
  return jemallocSizeClass(ROBJ_SIZE + 3 + len + 1);
}

/**
 * The expected zmalloc_size of a zskiplistNode (t_zset.c zslCreateNode: 24 + 16 × level) over
 * zslRandomLevel's distribution: level L with probability (1 − p) p^(L−1), the rest at 32.
 */
function expectedZslNodeBytes(): number {
  let e = 0;
  let pL = 1 - ZSKIPLIST_P;
  for (let level = 1; level < ZSKIPLIST_MAXLEVEL; level++) {
    e += pL * jemallocSizeClass(24 + 16 * level);
    pL *= ZSKIPLIST_P;
  }
  return e + (pL / (1 - ZSKIPLIST_P)) * jemallocSizeClass(24 + 16 * ZSKIPLIST_MAXLEVEL);
}
export const ZSL_NODE_EXPECTED_BYTES = expectedZslNodeBytes();
/** zmalloc_size(zsl->header): a node of ZSKIPLIST_MAXLEVEL levels. */
export const ZSL_HEADER_BYTES = jemallocSizeClass(24 + 16 * ZSKIPLIST_MAXLEVEL);

/** The bucket count modelled for a dict of `used` entries (see the file comment): max(4, 2^⌈log2 used⌉). */
export function dictBuckets(used: number): number {
  let size = 4;
  while (size < used) size *= 2;
  return size;
}

/**
 * util.c d2string as zzlInsertAt formats a score for the listpack (7.0.15): an integral value in
 * [−2^62, 2^62] as an integer (util.c double2ll; −0 gives "0"; measured on 7.0.15: −1e17 and 2^62
 * take a listpack integer entry, 4.7e18 a 7-byte string), infinities as inf/−inf, else "%.17g".
 */
export function zsetScoreString(score: number): string {
  if (score === Infinity) return 'inf';
  if (score === -Infinity) return '-inf';
  // double2ll: integral and within ±LLONG_MAX/2 (2^62 once a double) → ll2string.
  if (Number.isInteger(score) && score >= -(2 ** 62) && score <= 2 ** 62) return String(score === 0 ? 0 : score);
  return formatDouble17g(score);
}

/** C's `asize += (double)elesize/samples*count` with asize a size_t: truncated after the double sum. */
function addAverage(asize: number, elesize: number, samples: number, count: number): number {
  return samples === 0 ? asize : Math.trunc(asize + (elesize / samples) * count);
}

function stringSize(v: string | RawStr): number {
  const enc = typeof v === 'string' ? stringEncoding(v) : v.enc;
  if (enc === 'int') return ROBJ_SIZE;
  if (enc === 'embstr') return embstrSize(v.length);
  // a RawStr's sds may carry sdsMakeRoomFor's free space (sds.ts); a JS string's is exact
  return ROBJ_SIZE + (typeof v === 'string' ? sdsZmallocSize(v.length) : v.zmallocBytes);
}

function listSize(v: ListVal, sampleSize: number): number {
  const ql = v.ql;
  let elesize = 0;
  let samples = 0;
  for (let node = ql.head; node !== undefined && samples < sampleSize; node = node.next) {
    elesize += QUICKLIST_NODE_SIZE + jemallocSizeClass(node.sz);
    samples++;
  }
  return addAverage(ROBJ_SIZE + QUICKLIST_SIZE, elesize, samples, ql.nodeCount);
}

function setSize(v: SetVal, sampleSize: number): number {
  if (v.intset) return ROBJ_SIZE + jemallocSizeClass(INTSET_HDR + v.intsetEnc * v.m.size); // intsetResize: exact blob
  let elesize = 0;
  let samples = 0;
  for (const m of v.m) {
    if (samples >= sampleSize) break;
    elesize += DICT_ENTRY_SIZE + sdsZmallocSize(m.length);
    samples++;
  }
  const asize = ROBJ_SIZE + DICT_SIZE + POINTER_SIZE * dictBuckets(v.m.size);
  return addAverage(asize, elesize, samples, v.m.size);
}

function zsetSize(v: ZsetVal, sampleSize: number): number {
  if (v.listpack) {
    let bytes = LP_EMPTY_BYTES;
    for (const [member, score] of v.m) bytes += listpackEntryBytes(member) + listpackEntryBytes(zsetScoreString(score));
    return ROBJ_SIZE + jemallocSizeClass(bytes);
  }
  let elesize = 0;
  let samples = 0;
  for (const [member] of v.zsl.entries()) {
    if (samples >= sampleSize) break;
    elesize += sdsZmallocSize(member.length) + DICT_ENTRY_SIZE + ZSL_NODE_EXPECTED_BYTES;
    samples++;
  }
  const asize = ROBJ_SIZE + ZSET_SIZE + ZSKIPLIST_SIZE + DICT_SIZE + POINTER_SIZE * dictBuckets(v.size) + ZSL_HEADER_BYTES;
  return addAverage(asize, elesize, samples, v.size);
}

function hashSize(v: HashVal, sampleSize: number): number {
  if (v.listpack) {
    let bytes = LP_EMPTY_BYTES;
    for (const [field, value] of v.m) bytes += listpackEntryBytes(field) + listpackEntryBytes(value);
    return ROBJ_SIZE + jemallocSizeClass(bytes);
  }
  let elesize = 0;
  let samples = 0;
  for (const [field, value] of v.m) {
    if (samples >= sampleSize) break;
    elesize += sdsZmallocSize(field.length) + sdsZmallocSize(value.length) + DICT_ENTRY_SIZE;
    samples++;
  }
  return addAverage(ROBJ_SIZE + DICT_SIZE + POINTER_SIZE * dictBuckets(v.m.size), elesize, samples, v.m.size);
}

/**
 * object.c objectComputeSize: the bytes of one value, sampling at most `sampleSize` nodes or
 * elements of an aggregate (Infinity: all of them, MEMORY USAGE … SAMPLES 0).
 */
export function objectComputeSize(v: Val, sampleSize: number = OBJ_COMPUTE_SIZE_DEF_SAMPLES): number {
  if (typeof v === 'string' || v instanceof RawStr) return stringSize(v);
  if (v instanceof ListVal) return listSize(v, sampleSize);
  if (v instanceof SetVal) return setSize(v, sampleSize);
  if (v instanceof ZsetVal) return zsetSize(v, sampleSize);
  if (v instanceof HashVal) return hashSize(v, sampleSize);
  return 0;
}

/**
 * memoryCommand's USAGE total for a key (a binary string) holding `v`: objectComputeSize +
 * sdsZmallocSize(key) + sizeof(dictEntry) (+ `dictMetadataBytes`, the cluster slot-to-keys
 * metadata Redis 7.0 adds to each main-dict entry in cluster mode).
 */
export function memoryUsage(key: string, v: Val, sampleSize: number = OBJ_COMPUTE_SIZE_DEF_SAMPLES, dictMetadataBytes = 0): number {
  return objectComputeSize(v, sampleSize) + sdsZmallocSize(key.length) + DICT_ENTRY_SIZE + dictMetadataBytes;
}

/**
 * MEMORY USAGE key [SAMPLES n] on db `dbIndex`: the key found as memoryCommand finds it (dictFind
 * on the main dict: no expiry check, no hit/miss counted, no LRU touch), undefined when missing.
 */
export function keyMemoryUsage(ks: Keyspace, dbIndex: number, key: Uint8Array, sampleSize: number = OBJ_COMPUTE_SIZE_DEF_SAMPLES, dictMetadataBytes = 0): number | undefined {
  const db = ks.core.dbs[dbIndex];
  const k = binFromBytes(key);
  const slot = db?.dict.get(k);
  if (db === undefined || slot === undefined) return undefined;
  return memoryUsage(k, valAt(db, slot), sampleSize, dictMetadataBytes);
}
