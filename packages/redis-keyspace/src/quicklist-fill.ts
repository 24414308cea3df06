/**
 * How full a quicklist node may grow (redis/redis src/quicklist.c, 7.0): the list's fill
 * (`list-max-listpack-size`) is either a size class (-1 … -5: 4, 8, 16, 32, 64 KB per node) or,
 * when positive, an element count per node under SIZE_SAFETY_LIMIT bytes.
 */

/** quicklist.c optimization_level: the node size limits of fill -1 … -5. */
const optimization_level: readonly number[] = [4096, 8192, 16384, 32768, 65536];
/** quicklist.c SIZE_SAFETY_LIMIT: the byte cap of a node when the fill is a count. */
export const SIZE_SAFETY_LIMIT = 8192;
/** `list-max-listpack-size -2` = 8 KB per node (the 7.0 default fill). */
export const QUICKLIST_NODE_MAX_BYTES = 8192;
/** The default fill, quicklist.c quicklistCreate (and redis.conf list-max-listpack-size). */
export const QUICKLIST_DEFAULT_FILL = -2;
/** quicklist.c SIZE_ESTIMATE_OVERHEAD: the insert check over-estimates each new entry by this. */
export const SIZE_ESTIMATE_OVERHEAD = 8;
/** quicklist.c FILL_MAX: (1 << (QL_FILL_BITS - 1)) - 1 with QL_FILL_BITS 16 (quicklist.h). */
const FILL_MAX = 32767;
/** quicklist.c quicklistSetFill: the fill a list keeps, clamped to -5 … FILL_MAX. */
export function quicklistFill(fill: number): number {
  if (!Number.isFinite(fill)) return QUICKLIST_DEFAULT_FILL;
  return Math.trunc(Math.min(FILL_MAX, Math.max(-5, fill)));
}

/** quicklist.c _quicklistNodeSizeMeetsOptimizationRequirement: a negative fill's size limit holds. */
function sizeMeetsOptimizationRequirement(sz: number, fill: number): boolean {
  if (fill >= 0) return false;
  const limit = optimization_level[-fill - 1];
  return limit !== undefined && sz <= limit;
}

/**
 * quicklist.c _quicklistNodeAllowInsert: an element of `len` bytes may join a node of `sz` bytes
 * and `count` elements (node->sz + len + SIZE_ESTIMATE_OVERHEAD within the fill's size limit, or,
 * for a count fill, within SIZE_SAFETY_LIMIT and below the count). Elements of packed_threshold
 * (1 GB) or more, which Redis puts in PLAIN nodes, do not reach the keyspace.
 */
export function nodeAllowInsert(sz: number, count: number, len: number, fill: number): boolean {
  const newSz = sz + len + SIZE_ESTIMATE_OVERHEAD;
  if (sizeMeetsOptimizationRequirement(newSz, fill)) return true;
  if (newSz > SIZE_SAFETY_LIMIT) return false;
  return count < fill;
}

/**
 * quicklist.c _quicklistNodeAllowMerge: two nodes of `sumSz` bytes and `sumCount` elements
 * together may become one (Redis approximates the merged size as the sum less 11).
 */
export function nodeAllowMerge(sumSz: number, sumCount: number, fill: number): boolean {
  const mergeSz = sumSz - 11;
  if (sizeMeetsOptimizationRequirement(mergeSz, fill)) return true;
  if (mergeSz > SIZE_SAFETY_LIMIT) return false;
  return sumCount <= fill;
}
