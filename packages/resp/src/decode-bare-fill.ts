/**
 * The next elements of an array the resumable path (decode.ts `fillTop`) holds open across
 * chunks, read by the bare whole-reply reader (decode-bare-fast.ts): scalars, bulks and nulls,
 * each whole, by its `value` (same checks, same `ops`); an aggregate (its frame belongs to the
 * resumable path), a cut or malformed element, or anything else `value` leaves stops it, and the
 * resumable path's `element` reads that one (and alone reports errors).
 */

/** What `fillOpenArray` needs of the reader (decode-bare-fast.ts BareFastReader). */
export interface ElementReader {
  readonly buf: Uint8Array;
  readonly end: number;
  pos: number;
  /** The reply at `pos` (and `pos` moved past it), or `miss`. */
  value(depth: number): unknown;
  readonly miss: unknown;
}

const STAR = 0x2a;
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
  r.pos = from;
  while (i < count && r.pos < end) {
    const p = r.pos;
    // `*-1` is a null element; any other `*` opens an aggregate
    if (buf[p] === STAR && buf[p + 1] !== MINUS) break;
    const v = r.value(0);
    if (v === r.miss) {
      r.pos = p;
      break;
    }
    items[k + i++] = v;
    if (r.pos > limit) break;
  }
  return i;
}
