/**
 * The input queue shared by the reply decoder and the request parser: bytes pushed but not yet
 * consumed, with absolute offsets (counted from the first byte ever pushed).
 *
 * Both parsers resume at the granularity of one element (an aggregate's earlier elements are
 * already parsed), so what is left over at the end of a chunk is at most one unfinished element.
 * `consume` copies only the bytes that complete that element (up to the end of its line, or
 * up to the byte count a bulk needs), then parses the rest of the chunk in place, without a
 * copy. A long value arriving in many small chunks grows the owned buffer geometrically: O(n).
 * Nothing is ever allocated from a length the input merely declares: a forged `$536870912`
 * costs nothing until the bytes arrive.
 *
 * Values handed out are views into these buffers. The queue only ever writes past `end` of a
 * buffer it owns, which no view covers, so a value never changes after it was returned. (The
 * caller must not reuse a chunk's memory after pushing it; sockets hand out fresh Buffers.)
 * The flip side, as with redis-parser's buffer pool: a small value keeps alive the chunk or the
 * 256 KiB arena it is a view of; copy it (`slice()`) to keep it for long.
 */
const LF = 10;
const ARENA_SIZE = 256 * 1024;

/** Uninitialised memory is fine: only bytes copied in are ever read or handed out. */
function allocUnsafe(n: number): Uint8Array {
  const b = Buffer.allocUnsafeSlow(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}

export class ByteQueue {
  buf: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  /** Absolute offset of buf[0]. */
  base = 0;
  private owned = false;
  private arena: Uint8Array = new Uint8Array(0);
  private arenaPos = 0;
  /** Bytes copied into owned buffers so far (the queue's share of the decoders' `work`). */
  copied = 0;

  /** Bytes received and not yet consumed. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Bytes held by the buffer in use (for the bounded-allocation properties). */
  get capacity(): number {
    return this.owned ? this.buf.length : this.end - this.start;
  }

  /** Absolute offset of the first unconsumed byte. */
  get offset(): number {
    return this.base + this.start;
  }

  /**
   * Feeds `input` to `parse` (which consumes from `start` as far as it can). `need()` tells the
   * absolute offset the unfinished element needs, or 0 when it waits for the end of a line.
   */
  consume(input: Uint8Array, need: () => number, parse: () => void): void {
    // A plain Uint8Array view even when given a Buffer: element access stays monomorphic, and
    // the values handed out are plain Uint8Arrays whatever the caller pushed.
    const chunk = input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.length);
    const chunkBase = this.base + this.end;
    let off = 0;
    while (off < chunk.length) {
      if (this.start === this.end) {
        this.buf = chunk;
        this.base = chunkBase;
        this.start = off;
        this.end = chunk.length;
        this.owned = false;
        parse();
        return;
      }
      const n = need();
      let take: number;
      let completes = false;
      if (n > 0) {
        take = n - (this.base + this.end);
        completes = take > 0 && take <= chunk.length - off;
      } else {
        const lf = chunk.indexOf(LF, off);
        take = lf < 0 ? chunk.length - off : lf + 1 - off;
      }
      if (take <= 0 || take > chunk.length - off) take = chunk.length - off;
      this.appendOwned(chunk, off, off + take, completes);
      off += take;
      parse();
    }
  }

  private appendOwned(chunk: Uint8Array, from: number, to: number, completes: boolean): void {
    const len = to - from;
    if (!this.owned || this.end + len > this.buf.length) this.grow(len, completes);
    this.buf.set(chunk.subarray(from, to), this.end);
    this.end += len;
    this.copied += len;
  }

  /**
   * Moves the unconsumed bytes into a fresh region with room for `len` more. Regions are carved
   * from a shared arena with a bump pointer, never reused: a region that views were handed out
   * from is left alone. (One allocation per arena instead of one per chunk boundary.)
   */
  private grow(len: number, exact: boolean): void {
    const keep = this.end - this.start;
    // Exactly sized when these bytes complete the element (they have arrived, so the size is
    // real, not declared); otherwise doubling, so a value arriving in small pieces costs O(n).
    const cap = exact ? keep + len : Math.max(256, 2 * (keep + len));
    let next: Uint8Array;
    if (cap <= ARENA_SIZE / 4) {
      if (this.arena.length - this.arenaPos < cap) {
        this.arena = allocUnsafe(ARENA_SIZE);
        this.arenaPos = 0;
      }
      next = this.arena.subarray(this.arenaPos, this.arenaPos + cap);
      this.arenaPos += cap;
    } else {
      next = allocUnsafe(cap);
    }
    next.set(this.buf.subarray(this.start, this.end), 0);
    this.copied += keep;
    this.base += this.start;
    this.buf = next;
    this.start = 0;
    this.end = keep;
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
