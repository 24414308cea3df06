/** A growable byte buffer with a read cursor (sds with a qb_pos): amortised O(1) push and take. */
export class ByteBuffer {
  private buf = new Uint8Array(256);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.end + chunk.length > this.buf.length) {
      const live = this.length;
      let cap = this.buf.length;
      while (cap < live + chunk.length) cap *= 2;
      const nb = cap === this.buf.length ? this.buf : new Uint8Array(cap);
      nb.set(this.buf.subarray(this.start, this.end), 0);
      this.buf = nb;
      this.start = 0;
      this.end = live;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** The unread bytes (a view: valid until the next push). */
  view(): Uint8Array {
    return this.buf.subarray(this.start, this.end);
  }

  /** Remove and return (a copy of) the first `n` unread bytes. */
  take(n: number): Uint8Array {
    const k = Math.min(n, this.length);
    const out = this.buf.slice(this.start, this.start + k);
    this.start += k;
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }
}

/** First index ≥ `from` of a byte or a byte pattern in `hay`, or -1. */
export function indexOf(hay: Uint8Array, needle: number | Uint8Array, from: number): number {
  if (typeof needle === 'number') return hay.indexOf(needle, from);
  const n = needle.length;
  const first = needle[0];
  if (n === 0 || first === undefined) return from <= hay.length ? from : -1;
  for (let i = hay.indexOf(first, from); i >= 0 && i + n <= hay.length; i = hay.indexOf(first, i + 1)) {
    let j = 1;
    while (j < n && hay[i + j] === needle[j]) j++;
    if (j === n) return i;
  }
  return -1;
}
