/**
 * The input queue shared by the reply decoder and the request parser: bytes pushed but not yet
 * consumed, with absolute offsets (counted from the first byte ever pushed).
 *
 * No copy when a chunk is consumed whole (values are views into the caller's chunk). Leftover
 * bytes are moved into a buffer the queue owns, which grows geometrically, so a long value
 * arriving in many small chunks costs O(n), not O(n²). Nothing is ever allocated from a length
 * the input merely declares: a forged `$536870912` costs nothing until the bytes arrive.
 *
 * Values handed out are views into these buffers. The queue only ever writes past `end` of a
 * buffer it owns, which no view covers, so a value never changes after it was returned. (The
 * caller must not reuse a chunk's memory after pushing it; sockets hand out fresh Buffers.)
 */
export class ByteQueue {
  buf: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  /** Absolute offset of buf[0]. */
  base = 0;
  private owned = false;

  /** Bytes received and not yet consumed. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Absolute offset of the first unconsumed byte. */
  get offset(): number {
    return this.base + this.start;
  }

  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.start === this.end) {
      this.base += this.end;
      this.buf = chunk;
      this.start = 0;
      this.end = chunk.length;
      this.owned = false;
      return;
    }
    if (this.owned && this.end + chunk.length <= this.buf.length) {
      this.buf.set(chunk, this.end);
      this.end += chunk.length;
      return;
    }
    const keep = this.end - this.start;
    const cap = Math.max(4096, 2 * (keep + chunk.length));
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(this.start, this.end), 0);
    next.set(chunk, keep);
    this.base += this.start;
    this.buf = next;
    this.start = 0;
    this.end = keep + chunk.length;
    this.owned = true;
  }

  reset(): void {
    this.base += this.end;
    this.buf = new Uint8Array(0);
    this.start = 0;
    this.end = 0;
    this.owned = false;
  }
}
