// The checked floor of bench/chunk-floor.ts (issue 19): chunk-floor-decoder.ts's streaming floor
// plus every check RespBareDecoder makes on these bytes, and nothing else — a known type byte;
// CR LF after every line; a number of 1–15 digits, no leading zero, no `-0`, a minus only as `-1`
// of a null `$` / `*`; a bulk no longer than maxBulkLen and followed by CR LF; an aggregate count
// within maxMultibulkLen; nesting within maxDepth; a line no longer than maxLineLen, including one
// cut by a push; the header bytes counted as work (the decoder's `work`, which the linear-time
// properties read). What it refuses it throws (the input here is valid, so it never does); it
// keeps no offsets and no resumable state beyond the floor's own (the open aggregates and the head
// of a cut element), and reads every byte in place except a cut element's, joined in a bump arena.
// If redis-parser ÷ this is below 1.5×, no decoder that refuses what ours refuses reaches 1.5×.
import { replyError } from './chunk-floor-decoder.js';

const ARENA = 256 * 1024;
/** RespBareDecoder's defaults (decode-item.ts, decode.ts): proto-max-bulk-len, 2^32-1 elements, depth 1000. */
const MAX_BULK = 512 * 1024 * 1024;
const MAX_COUNT = 2 ** 32 - 1;
const MAX_DEPTH = 1000;
const MAX_LINE = 512 * 1024 * 1024;

function refuse(what: string): never {
  throw new Error(`checked floor: ${what}`);
}

/** The validated resumable reader (see the file comment). */
export class CheckedChunkFloor {
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
  /** Header bytes read (the decoder's `work`). */
  work = 0;

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
    if (head > MAX_LINE + 2) refuse('line too long');
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
      for (let i = at + 1; i < lf - 1; i++) n = n * 10 + ((a[i] ?? 0) - 0x30);
      if (n > MAX_BULK) refuse('bulk too long');
      total += n + 2;
    }
    const take = Math.max(0, Math.min(total - (q - at), chunk.length - c));
    for (let i = 0; i < take; i++) a[q + i] = chunk[c + i] ?? 0;
    q += take;
    c += take;
    if (q - at < total) return this.more(q);
    this.pend = undefined;
    this.arenaPos = q;
    if (this.element(a, a.buffer, a.byteOffset, at, q) < 0) refuse('joined element incomplete');
    return c;
  }

  /** The element is still cut after all of `chunk`: its bytes so far stay in the arena. */
  private more(q: number): number {
    this.pend = this.arena;
    this.pendFrom = this.arenaPos;
    this.pendEnd = q;
    return -1;
  }

  /** Reads and checks the element at `p` (and hands on what it completes); -1 when `end` cuts it. */
  private element(buf: Uint8Array, ab: ArrayBufferLike, bo: number, p: number, end: number): number {
    const t = buf[p] ?? 0;
    let i = p + 1;
    let v: unknown;
    if (t === 0x2b || t === 0x2d) {
      while (i < end && buf[i] !== 13) i++;
      if (i + 1 >= end) return -1;
      if (buf[i + 1] !== 10) refuse('CR without LF');
      if (i - p - 1 > MAX_LINE) refuse('line too long');
      this.work += i - p + 1;
      v = t === 0x2b ? new Uint8Array(ab, bo + p + 1, i - p - 1) : replyError(buf, p + 1, i);
      i += 2;
    } else {
      if (t !== 0x3a && t !== 0x24 && t !== 0x2a) refuse('unknown type');
      const neg = buf[i] === 0x2d;
      if (neg) i++;
      const first = i;
      let n = 0;
      for (; i < end; i++) {
        const d = buf[i] ?? 0;
        if (d < 0x30 || d > 0x39) break;
        n = n * 10 + (d - 0x30);
      }
      if (i + 1 >= end) return -1;
      const digits = i - first;
      if (buf[i] !== 13 || buf[i + 1] !== 10) refuse('a number not followed by CR LF');
      if (digits === 0 || digits > 15 || (buf[first] === 0x30 && (digits > 1 || neg))) refuse('not a canonical number');
      this.work += i - p + 1;
      i += 2;
      if (t === 0x3a) v = neg ? -n : n;
      else if (neg) {
        if (n !== 1) refuse('negative length');
        v = null;
      } else if (t === 0x24) {
        if (n > MAX_BULK) refuse('bulk too long');
        if (i + n + 2 > end) return -1;
        if (buf[i + n] !== 13 || buf[i + n + 1] !== 10) refuse('bulk not followed by CR LF');
        v = new Uint8Array(ab, bo + i, n);
        i += n + 2;
      } else {
        // an aggregate: open it (its elements follow)
        if (n > MAX_COUNT) refuse('too many elements');
        if (this.stack.length + 2 > MAX_DEPTH) refuse('too deep');
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
