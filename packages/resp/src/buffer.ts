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
 * buffer it owns, which no view covers, so a value never changes after it was returned. (The one
 * buffer it rewrites, `scratch`, only ever holds a line no value is a view of: `viewless`.) (The
 * caller must not reuse a chunk's memory after pushing it; sockets hand out fresh Buffers.)
 * The flip side, as with redis-parser's buffer pool: a small value keeps alive the chunk or the
 * 256 KiB arena it is a view of; copy it (`slice()`) to keep it for long.
 */
const LF = 10;
const ARENA_SIZE = 256 * 1024;
/** `adopt` reads a chunk shorter than this in place whatever its class (a Buffer too), a longer one by a plain view. */
const VIEW_MIN = 1024;
/** The least an aggregate's unknown remainder is taken in (see consume). */
const PIECE = 4096;
/** The longest cut line joined in the reused scratch buffer (see `viewlessLines`). */
const SCRATCH_SIZE = 4096;

/** Uninitialised memory is fine: only bytes copied in are ever read or handed out. */
function allocUnsafe(n: number): Uint8Array {
  const b = Buffer.allocUnsafeSlow(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}

/**
 * Copies src[from, to) to dst at `at`. Short runs by a loop: `set(src.subarray(…))` makes a view
 * object per call, which with 100-byte chunks was most of the cost of joining them (issue 19).
 */
function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, from: number, to: number): void {
  if (to - from > 64) {
    dst.set(src.subarray(from, to), at);
    return;
  }
  for (let i = from; i < to; i++) dst[at++] = src[i] ?? 0;
}

export class ByteQueue {
  buf: Uint8Array = new Uint8Array(0);
  /**
   * `buf.buffer` and `buf.byteOffset`, kept with `buf` (the getters cost per read); undefined
   * after `adopt` until `arrayBuffer()` asks (a push of whole replies without a view needs neither).
   */
  ab: ArrayBufferLike | undefined = this.buf.buffer;
  bo = 0;
  start = 0;
  end = 0;
  /** Absolute offset of buf[0]. */
  base = 0;
  private owned = false;
  /** The arena regions are carved from (ARENA_SIZE bytes at arenaBo of arenaAb), none yet. */
  private arenaAb: ArrayBufferLike | undefined = undefined;
  private arenaBo = 0;
  private arenaPos = 0;
  /** The buffer and offset of the last `region`. */
  private regionAb: ArrayBufferLike = new ArrayBuffer(0);
  private regionBo = 0;
  /** Bytes copied into owned buffers so far (the queue's share of the decoders' `work`). */
  copied = 0;
  /**
   * 1 for the type bytes of lines no value is a view of (set by the reply decoder: `viewlessLines`):
   * such a line cut by a chunk end is completed in `scratch`, reused, instead of in fresh arena
   * memory; a bulk's payload after its header then goes to a region sized exactly (the scratch is
   * never appended to after the line: `consume`). Issue 19: with 100-byte chunks a 256-byte region
   * per cut line meant fresh pages, i.e. page faults, every few cuts (a cut `:42` cost ~10x an
   * uncut one, rising between scavenges).
   */
  private readonly viewless = new Uint8Array(256);
  private scratch: Uint8Array | undefined = undefined;
  /** The scratch's buffer and offset (the getters are calls into the runtime). */
  private scratchAb: ArrayBufferLike = new ArrayBuffer(0);
  private scratchBo = 0;

  /** Bytes received and not yet consumed. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Bytes held by the buffer in use (for the bounded-allocation properties). */
  get capacity(): number {
    // (the scratch is one fixed SCRATCH_SIZE buffer, reused: only its bytes in use count)
    return this.owned && this.buf !== this.scratch ? this.buf.length : this.end - this.start;
  }

  /**
   * The reply decoder's lines no value is a view of (numbers, strings made from the bytes, nulls,
   * headers — a bulk's payload is not part of its header's line): `types` lists their first bytes.
   */
  viewlessLines(types: readonly number[], viewless = true): void {
    for (const t of types) this.viewless[t] = viewless ? 1 : 0;
  }

  /** Absolute offset of the first unconsumed byte. */
  get offset(): number {
    return this.base + this.start;
  }

  /** `buf.buffer`, read now if `adopt` left it for later (`bo` is then set too). */
  arrayBuffer(): ArrayBufferLike {
    const ab = this.ab;
    if (ab !== undefined) return ab;
    const buf = this.buf;
    this.bo = buf.byteOffset;
    return (this.ab = buf.buffer);
  }

  /**
   * Takes `input` as the buffer, read in place, when nothing is buffered (`start === end`): what
   * `consume` does first, without the plain view and without reading `buffer` / `byteOffset`
   * (issue 19: those getters and the view were most of the fixed cost of a push; see
   * bench/execute-overhead.ts). The caller reads from 0 and sets `start` to where it stopped.
   */
  adopt(input: Uint8Array): void {
    this.readInPlace(input, this.base + this.end, 0);
  }

  /** `input` as the buffer from `off`, its first byte at absolute offset `chunkBase`. */
  private readInPlace(input: Uint8Array, chunkBase: number, off: number): void {
    this.base = chunkBase;
    if (input.length < VIEW_MIN || input.constructor === Uint8Array) {
      this.buf = input;
      this.ab = undefined;
    } else {
      // A long chunk gets its plain view as in `consume` (its cost is then nothing per byte), so
      // the element reads of whole-chunk streams see one kind of array, as the arena regions are.
      const ab = input.buffer;
      const bo = input.byteOffset;
      this.buf = new Uint8Array(ab, bo, input.length);
      this.ab = ab;
      this.bo = bo;
    }
    this.start = off;
    this.end = input.length;
    this.owned = false;
  }

  /**
   * Feeds `input` to `parse` (which consumes from `start` as far as it can). `need()` tells the
   * absolute offset the unfinished element needs, 0 when it waits for the end of a line, or
   * Infinity inside an aggregate (whose bytes are kept whole until its last one arrives).
   */
  consume(input: Uint8Array, need: () => number, parse: () => void, from = 0): void {
    // (`from`: where the bytes of `input` not yet taken begin; they follow the buffered ones)
    const chunkBase = this.base + this.end - from;
    const length = input.length;
    let off = from;
    while (off < length) {
      if (this.start === this.end) {
        // Read in place (see readInPlace: a long chunk by a plain view, so element access stays
        // monomorphic; a short one as pushed, without the view's fixed cost). Values handed out
        // are plain Uint8Arrays whatever the caller pushed (made from `ab`, never `subarray`).
        this.readInPlace(input, chunkBase, off);
        parse();
        return;
      }
      const n = need();
      let take: number;
      let completes = false;
      if (n === Infinity) {
        // An aggregate whose end is not known yet: a piece twice what is buffered (at least
        // PIECE), so a small aggregate straddling two 64 KiB chunks no longer costs a copy of the
        // whole second chunk (issue 19: half of a mixed reply stream was copied), and a long
        // one still arrives in O(log n) pieces. The rest of the chunk is then read in place.
        take = Math.max(PIECE, 2 * (this.end - this.start));
      } else if (n > 0) {
        take = n - (this.base + this.end);
        completes = take > 0 && take <= length - off;
      } else {
        // The end of the unfinished line: a loop, not `indexOf` (on a Buffer a call into C++
        // through Node's argument checks, a good part of a cut `+OK`'s cost: issue 19,
        // bench/execute-overhead.ts `cut`). Still each byte once.
        let lf = off;
        while (lf < length && input[lf] !== LF) lf++;
        take = lf < length ? lf + 1 - off : length - off;
        // A whole line no value will view: joined in the scratch buffer (see `viewless`)
        if (lf < length) this.lineToScratch(take);
      }
      if (take <= 0 || take > length - off) take = length - off;
      this.appendOwned(input, off, off + take, completes);
      off += take;
      parse();
      this.releaseScratch();
      const first = this.base + this.start;
      if (this.start < this.end && first >= chunkBase) {
        // What is left came from this chunk alone (the element that straddled is done): read it
        // in place from there on. The parsers keep absolute offsets, so the same bytes at the
        // same offsets in another buffer resume exactly (as after `grow` moves them).
        off = first - chunkBase;
        this.end = this.start;
      }
    }
  }

  /**
   * A bulk string cut by the previous chunk, whose rest (and CRLF) are the first `take` bytes of
   * `input`: copies its payload alone — `n` bytes from absolute offset `payloadAt`, some still in
   * the buffer, the rest from `input` — into the arena and returns the one view of it; `input` is
   * then read in place from `take` (issue 19: `consume` copied the element's header too, into a
   * region of its own, to be read again there).
   */
  joinBulk(input: Uint8Array, payloadAt: number, n: number, take: number, off = 0): Uint8Array {
    // (`off`: where `input`'s bytes after the buffered ones begin)
    const from = payloadAt - this.base;
    const head = Math.min(this.end - from, n);
    const chunkBase = this.base + this.end - off;
    let view: Uint8Array;
    if (from < this.end) {
      view = this.region(n);
      copyBytes(view, 0, this.buf, from, from + head);
      copyBytes(view, head, input, off, off + n - head);
      this.copied += n;
    } else {
      // the payload is all in `input` (only its header was buffered): a view of it there; the
      // buffer and offset read for it are kept for the views of the rest of `input`
      const ab = input.buffer;
      const bo = input.byteOffset;
      view = new Uint8Array(ab, bo + payloadAt - chunkBase, n);
      this.readInPlace(input, chunkBase, off + take);
      if (this.buf === input) {
        this.ab = ab;
        this.bo = bo;
      }
      return view;
    }
    this.readInPlace(input, chunkBase, off + take);
    return view;
  }

  /**
   * A fresh region of `n` bytes, never reused: carved from the shared arena with a bump pointer
   * when small (one allocation per arena, not per join), else allocated on its own; its buffer and
   * offset are left in `regionAb` / `regionBo` (the getters cost per read).
   */
  private region(n: number): Uint8Array {
    if (n > ARENA_SIZE / 4) {
      const b = allocUnsafe(n);
      this.regionAb = b.buffer;
      this.regionBo = b.byteOffset;
      return b;
    }
    if (ARENA_SIZE - this.arenaPos < n || this.arenaAb === undefined) {
      const arena = allocUnsafe(ARENA_SIZE);
      this.arenaAb = arena.buffer;
      this.arenaBo = arena.byteOffset;
      this.arenaPos = 0;
    }
    const ab = this.arenaAb;
    const bo = this.arenaBo + this.arenaPos;
    this.arenaPos += n;
    this.regionAb = ab;
    this.regionBo = bo;
    // The constructor, not subarray (which looks up the species constructor on every call).
    return new Uint8Array(ab, bo, n);
  }

  /**
   * The buffered head of a line whose type `viewlessLines` listed, and the `take` bytes of input
   * that end it, go into the scratch buffer (moved there now; the caller appends the input, and
   * calls `releaseScratch` after parsing). False (nothing done) for any other line.
   */
  lineToScratch(take: number): boolean {
    if (this.viewless[this.buf[this.start] ?? 0] !== 1 || this.buf === this.scratch || this.end - this.start + take > SCRATCH_SIZE) return false;
    this.toScratch();
    return true;
  }

  /** After the scratch line was parsed: whatever it left unread moves to a region before anything is appended. */
  releaseScratch(): void {
    if (this.buf === this.scratch) this.owned = false;
  }

  /** Appends `input[from, to)` to the buffered bytes (the owned buffer, grown if needed). */
  append(input: Uint8Array, from: number, to: number): void {
    this.appendOwned(input, from, to, false);
  }

  /** Moves the unconsumed bytes to the start of the scratch buffer, which then takes the rest of the line. */
  private toScratch(): void {
    const keep = this.end - this.start;
    let scratch = this.scratch;
    if (scratch === undefined) {
      scratch = this.scratch = allocUnsafe(SCRATCH_SIZE);
      this.scratchAb = scratch.buffer;
      this.scratchBo = scratch.byteOffset;
    }
    copyBytes(scratch, 0, this.buf, this.start, this.end);
    this.copied += keep;
    this.base += this.start;
    this.buf = scratch;
    this.ab = this.scratchAb;
    this.bo = this.scratchBo;
    this.start = 0;
    this.end = keep;
    this.owned = true;
  }

  private appendOwned(chunk: Uint8Array, from: number, to: number, completes: boolean): void {
    const len = to - from;
    if (!this.owned || this.end + len > this.buf.length) this.grow(len, completes);
    copyBytes(this.buf, this.end, chunk, from, to);
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
    const next = this.region(cap);
    this.ab = this.regionAb;
    this.bo = this.regionBo;
    copyBytes(next, 0, this.buf, this.start, this.end);
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
    this.ab = this.buf.buffer;
    this.bo = 0;
    this.start = 0;
    this.end = 0;
    this.owned = false;
  }
}
