/**
 * The next elements of an array the resumable path (decode.ts `fillTop`) holds open across
 * chunks, read by the bare whole-reply reader (decode-bare-fast.ts): integers and bulks inline
 * (as its `array` loop reads them: same checks, same `ops`), nulls and `+`/`-` lines by its
 * `value`; an aggregate (its frame belongs to the resumable path), a cut or malformed element, or
 * anything else `value` leaves stops it, and the resumable path's `element` reads that one (and
 * alone reports errors). Inline, because with 100-byte chunks nearly every element of an array
 * arrives here (issue 19: a call to `value` per element made the chunked rows ~2x their cost).
 */

/** What `fillOpenArray` needs of the reader (decode-bare-fast.ts BareFastReader). */
export interface ElementReader {
  readonly buf: Uint8Array;
  readonly end: number;
  pos: number;
  ops: number;
  readonly maxBulkLen: number;
  /** Set when `fillOpenArray` stops at a bulk the buffer cuts: the index just past its CRLF. */
  cutEnd: number;
  /** A plain view of `n` bytes of `buf` at `at`. */
  bytes(at: number, n: number): Uint8Array;
  /** The reply at `pos` (and `pos` moved past it), or `miss`. */
  value(depth: number): unknown;
  readonly miss: unknown;
}

const CR = 13;
const LF = 10;
const ZERO = 0x30;
const NINE = 0x39;
const STAR = 0x2a;
const COLON = 0x3a;
const DOLLAR = 0x24;
const MINUS = 0x2d;

/**
 * Reads up to `count` elements from `from` into `items` at index `k`, stopping before any it does
 * not read whole and after the first that ends past `limit` (OPTIMISTIC_BUILD_BYTES from the
 * value's start); returns how many (`r.pos`: where it stopped).
 */
export function fillOpenArray(r: ElementReader, items: unknown[], k: number, count: number, from: number, limit: number): number {
  const buf = r.buf;
  const end = r.end;
  let i = 0;
  let pos = from;
  let ops = 0;
  while (i < count && pos < end) {
    const t = buf[pos] ?? 0;
    if (t === COLON || t === DOLLAR) {
      let j = pos + 1;
      const negative = j < end && buf[j] === MINUS;
      if (negative) j++;
      const first = j;
      let x = 0;
      let c = 0;
      for (; j < end; j++) {
        c = buf[j] ?? 0;
        if (c < ZERO || c > NINE) break;
        x = x * 10 + (c - ZERO);
      }
      const digits = j - first;
      if (c === CR && digits > 0 && digits <= 15 && j + 1 < end && buf[j + 1] === LF && (buf[first] !== ZERO || (digits === 1 && !negative))) {
        const next = j + 2;
        if (t === COLON) {
          ops += j - pos + 1;
          items[k + i++] = negative ? -x : x;
          pos = next;
          if (pos > limit) break;
          continue;
        }
        const stop = next + x;
        if (!negative && x <= r.maxBulkLen && stop + 2 <= end && buf[stop] === CR && buf[stop + 1] === LF) {
          ops += j - pos + 1;
          items[k + i++] = r.bytes(next, x);
          pos = stop + 2;
          if (pos > limit) break;
          continue;
        }
        // A bulk the chunk cuts (its header read, its payload not all here): the resumable path's
        // `element` reads it whatever `value` says, so `value` is not asked (with 100-byte
        // chunks, one element per push).
        if (!negative && x <= r.maxBulkLen && stop + 2 > end) {
          // (and where it ends: the resumable path waits for that, as `element` would have it)
          r.cutEnd = stop + 2;
          break;
        }
      } else if (j + 1 >= end) {
        // the chunk ends in its digits or after its CR: cut (or bad), `element`'s as above
        break;
      }
      // (a null, a long integer, a cut or refused one: `value` decides, counting its own work)
    } else if (t === STAR && (pos + 1 >= end || buf[pos + 1] !== MINUS)) {
      // `*-1` is a null element; any other `*` opens an aggregate
      break;
    }
    r.pos = pos;
    r.ops += ops;
    ops = 0;
    const v = r.value(0);
    if (v === r.miss) break;
    items[k + i++] = v;
    pos = r.pos;
    if (pos > limit) break;
  }
  r.pos = pos;
  r.ops += ops;
  return i;
}
