// The floor decoder of bench/chunk-floor.ts and bench/cut-cost.ts (issue 19): the least a streaming
// decoder with RespBareDecoder's output can do on pushes that cut replies anywhere — one loop over
// the bytes read in place, charCode arithmetic, a `new Array(n)` per aggregate filled in place, a
// plain Uint8Array view per bulk / simple string, open aggregates on a stack kept across pushes; an
// element cut by a push is joined by copying only its own bytes into a bump arena. No validation at
// all (no CRLF, sign, leading-zero, length or depth checks, no limits, no offsets, no `work`).

const ARENA = 256 * 1024;

/** An error reply as an Error without a stack trace (as redis-parser's ReplyError and ours), its text read as Latin-1. */
export function replyError(buf: Uint8Array, from: number, to: number): Error {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(buf[i] ?? 0);
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const e = new Error(s);
  Error.stackTraceLimit = limit;
  return e;
}

/** The unvalidated resumable reader (see the file comment). */
export class ChunkFloor {
  private readonly stack: { items: unknown[]; k: number }[] = [];
  private items: unknown[] | undefined = undefined;
  private k = 0;
  /** The head of a cut element: in `pend` (a chunk, or an arena region once it spans two pushes) [pendFrom, pendEnd). */
  private pend: Uint8Array | undefined = undefined;
  private pendFrom = 0;
  private pendEnd = 0;
  private arena = new Uint8Array(0);
  private arenaPos = 0;
  private v: unknown = undefined;

  constructor(private readonly onReply: (v: unknown) => void) {}

  execute(chunk: Uint8Array): void {
    let p = 0;
    if (this.pend !== undefined) {
      p = this.join(chunk);
      if (p < 0) return;
    }
    const ab = chunk.buffer;
    const bo = chunk.byteOffset;
    const end = chunk.length;
    while (p < end) {
      const next = this.element(chunk, ab, bo, p, end);
      if (next < 0) {
        this.pend = chunk;
        this.pendFrom = p;
        this.pendEnd = end;
        return;
      }
      p = next;
    }
  }

  /** Copies the cut element's head and as much of `chunk` as completes it into the arena; reads it there. */
  private join(chunk: Uint8Array): number {
    const head = this.pendEnd - this.pendFrom;
    if (this.arena.length - this.arenaPos < head + chunk.length) {
      this.arena = new Uint8Array(Math.max(ARENA, 2 * (head + chunk.length)));
      this.arenaPos = 0;
    }
    const a = this.arena;
    const at = this.arenaPos;
    const src = this.pend!;
    for (let i = 0; i < head; i++) a[at + i] = src[this.pendFrom + i] ?? 0;
    // the element's length: its line first (in the head, or completed from the chunk), then a bulk's payload
    let q = at + head;
    let c = 0;
    let lf = at;
    while (lf < q && a[lf] !== 10) lf++;
    if (lf === q) {
      while (c < chunk.length && a[q - 1] !== 10) a[q++] = chunk[c++] ?? 0;
      if (a[q - 1] !== 10) return this.more(q);
      lf = q - 1;
    }
    let total = lf + 1 - at;
    if (a[at] === 0x24 && a[at + 1] !== 0x2d) {
      let n = 0;
      for (let i = at + 1; a[i] !== 13; i++) n = n * 10 + ((a[i] ?? 0) - 0x30);
      total += n + 2;
    }
    const take = Math.max(0, Math.min(total - (q - at), chunk.length - c));
    for (let i = 0; i < take; i++) a[q + i] = chunk[c + i] ?? 0;
    q += take;
    c += take;
    if (q - at < total) return this.more(q);
    this.pend = undefined;
    this.arenaPos = q;
    if (this.element(a, a.buffer, a.byteOffset, at, q) < 0) throw new Error('floor: joined element incomplete');
    return c;
  }

  /** The element is still cut after all of `chunk`: its bytes so far stay in the arena. */
  private more(q: number): number {
    this.pend = this.arena;
    this.pendFrom = this.arenaPos;
    this.pendEnd = q;
    return -1;
  }

  /** Reads the element at `p` (and hands on what it completes); -1 when `end` cuts it. */
  private element(buf: Uint8Array, ab: ArrayBufferLike, bo: number, p: number, end: number): number {
    const t = buf[p] ?? 0;
    let i = p + 1;
    let v: unknown;
    if (t === 0x2b || t === 0x2d) {
      while (i < end && buf[i] !== 13) i++;
      if (i + 1 >= end) return -1;
      v = t === 0x2b ? new Uint8Array(ab, bo + p + 1, i - p - 1) : replyError(buf, p + 1, i);
      i += 2;
    } else {
      const neg = buf[i] === 0x2d;
      if (neg) i++;
      let n = 0;
      for (; i < end; i++) {
        const d = buf[i] ?? 0;
        if (d < 0x30 || d > 0x39) break;
        n = n * 10 + (d - 0x30);
      }
      if (i + 1 >= end) return -1;
      i += 2;
      if (t === 0x3a) v = neg ? -n : n;
      else if (neg) v = null;
      else if (t === 0x24) {
        if (i + n + 2 > end) return -1;
        v = new Uint8Array(ab, bo + i, n);
        i += n + 2;
      } else {
        // an aggregate: open it (its elements follow)
        if (this.items !== undefined) this.stack.push({ items: this.items, k: this.k });
        this.items = new Array<unknown>(n);
        this.k = 0;
        if (n > 0) return i;
        v = this.items;
        const up = this.stack.pop();
        this.items = up?.items;
        this.k = up?.k ?? 0;
      }
    }
    this.v = v;
    this.attach();
    return i;
  }

  private attach(): void {
    let v = this.v;
    while (this.items !== undefined) {
      this.items[this.k++] = v;
      if (this.k < this.items.length) return;
      v = this.items;
      const up = this.stack.pop();
      this.items = up?.items;
      this.k = up?.k ?? 0;
    }
    this.onReply(v);
  }
}
