/**
 * dict.c dictScan's reverse-binary cursor, over a model of the dict's table size. A cursor names
 * a bucket; the next cursor increments the bucket index from its high bit down (reverse the bits,
 * add one, reverse again), so a scan that started on a smaller or larger table still visits every
 * bucket that holds an element present for the whole scan — Redis's SCAN guarantee across
 * rehashing. We model the table's size (DICT_HT_INITIAL_SIZE 4, grown to the next power of two
 * when full, shrunk by the cron below 10% fill) but not incremental rehashing (a resize is
 * instant), and the bucket hash is FNV-1a, not Redis's seeded SipHash: so the order of a SCAN is
 * Redis-like but not the real server's (its seed is random per start anyway).
 */

export const DICT_HT_INITIAL_SIZE = 4;
/** server.h HASHTABLE_MIN_FILL: shrink below 10% fill. */
export const HASHTABLE_MIN_FILL = 10;
const U64 = (1n << 64n) - 1n;

/** dict.c _dictNextPower: the smallest power of two ≥ max(n, 4). */
export function dictNextPower(n: number): number {
  let size = DICT_HT_INITIAL_SIZE;
  while (size < n) size *= 2;
  return size;
}

/** Table size after adding one element to a dict of `used` elements in a table of `size` (dict.c _dictExpandIfNeeded). */
export function sizeAfterAdd(size: number, used: number): number {
  if (size === 0) return DICT_HT_INITIAL_SIZE;
  return used >= size ? dictNextPower(used + 1) : size;
}

/** server.c htNeedsResize + dictResize: the table size the cron shrinks to (or `size`). */
export function sizeAfterResize(size: number, used: number): number {
  if (size > DICT_HT_INITIAL_SIZE && (used * 100) / size < HASHTABLE_MIN_FILL) return dictNextPower(used);
  return size;
}

/** FNV-1a over the bytes of a binary string (the stand-in for dictGenHashFunction). */
export function dictHash(bin: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bin.length; i++) h = Math.imul(h ^ bin.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function rev64(v: bigint): bigint {
  let r = 0n;
  for (let i = 0; i < 64; i++) {
    r = (r << 1n) | (v & 1n);
    v >>= 1n;
  }
  return r;
}

/** Reverse the low `bits` bits of b. */
function revBits(b: number, bits: number): number {
  let r = 0;
  for (let i = 0; i < bits; i++) {
    r = r * 2 + (b & 1);
    b >>>= 1;
  }
  return r;
}

/** dict.c dictScan's cursor step for a table with mask `mask`. */
export function dictScanNext(v: bigint, mask: number): bigint {
  v |= ~BigInt(mask) & U64;
  v = rev64(v);
  v = (v + 1n) & U64;
  return rev64(v);
}

/** The elements of one table ordered by the reverse-binary index of their bucket. */
export class ScanOrder<T> {
  private readonly bits: number;
  private readonly order: { r: number; item: T }[];
  constructor(
    items: Iterable<[hashInput: string, item: T]>,
    readonly size: number,
  ) {
    this.bits = Math.round(Math.log2(size));
    const mask = size - 1;
    this.order = [];
    for (const [h, item] of items) this.order.push({ r: revBits(dictHash(h) & mask, this.bits), item });
    this.order.sort((a, b) => a.r - b.r);
  }

  private firstAtOrAfter(r: number): number {
    let lo = 0, hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.order[mid]?.r ?? Infinity) < r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * db.c scanGenericCommand's loop: dictScan from `cursor` until `count` elements were collected,
   * the cursor wrapped to 0, or count·10 buckets were visited.
   */
  scan(cursor: bigint, count: number): { next: bigint; items: T[] } {
    const mask = this.size - 1;
    const items: T[] = [];
    let v = cursor;
    let maxIterations = count * 10;
    do {
      const r = revBits(Number(v & BigInt(mask)), this.bits);
      for (let i = this.firstAtOrAfter(r); i < this.order.length; i++) {
        const e = this.order[i];
        if (e === undefined || e.r !== r) break;
        items.push(e.item);
      }
      v = dictScanNext(v, mask);
    } while (v !== 0n && maxIterations-- > 0 && items.length < count);
    return { next: v, items };
  }
}

/**
 * db.c parseScanCursorOrReply: strtoul over the whole argument (so "", "+5" and "-1" are cursors,
 * the last one 2^64-1), refused when it starts with a space, has trailing bytes or overflows.
 */
export function parseScanCursor(s: string): bigint | undefined {
  if (/^[ \t\n\v\f\r]/.test(s)) return undefined;
  const nul = s.indexOf('\0');
  const t = nul < 0 ? s : s.slice(0, nul);
  const m = /^([+-]?)([0-9]*)$/.exec(t);
  if (m === null) return undefined;
  const digits = m[2] ?? '';
  if (digits === '') return m[1] === '' ? 0n : undefined;
  const v = BigInt(digits);
  if (v > U64) return undefined;
  return m[1] === '-' ? (-v) & U64 : v;
}
