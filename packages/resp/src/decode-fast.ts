/**
 * The decoder's fast path: reads top-level replies whose every byte is already buffered, by plain
 * recursive descent over the buffer — no frames, no resumable state, no per-element bookkeeping —
 * the way hiredis read.c would if it knew the whole reply had arrived.
 *
 * It never decides anything on its own. Whenever a reply is not plainly well-formed and complete
 * (a line or payload cut by the end of the buffer, a non-canonical or long number, a count the
 * remaining bytes cannot hold, nesting deeper than FAST_MAX_DEPTH, a value past
 * OPTIMISTIC_BUILD_BYTES, an attribute, a big number, a RESP3 type on a RESP2 connection, anything
 * malformed) it returns `undefined` and the resumable decoder (decode.ts) reads that reply from its
 * first byte, so errors, offsets, limits and the bounded-memory scan mode are the slow path's
 * alone. The values it builds are the ones the slow path builds (the differential and
 * split-point properties in test/decode.test.ts pin that: a whole buffer takes this path, every
 * split of it the other).
 *
 * Cost: a reply it gives up on is read again by the slow path, so each byte is examined at most
 * once more than before; it is tried only at the start of a top-level reply whose first line is
 * not already known to be unfinished (decode.ts checks `scanFrom` and `need`), so a value arriving
 * in many chunks is not re-tried per chunk.
 */
import type { Sink } from './decode-item.js';
import { parseDouble, parseInteger } from './number.js';
import { NULL, NULL_ARRAY, NULL_BULK, OBJ_SHARED_INTEGERS, OK, sharedInteger } from './reply-values.js';
import type { RespInteger, RespValue } from './types.js';
import { readUtf8 } from './utf8.js';

type V = RespValue<RespInteger>;

/** A value still unfinished after this many bytes is scanned, not built, until it completes. */
export const OPTIMISTIC_BUILD_BYTES = 1024 * 1024;

/** Deeper replies are left to the resumable decoder (its limit is `maxDepth`). */
export const FAST_MAX_DEPTH = 64;

const CR = 13;
const LF = 10;
const ZERO = 0x30;
const MINUS = 0x2d;

/** Type bytes whose line is a number: `$ : * ~ > % ! =` (1), and `+ -` lines (2). */
const HEADER: readonly number[] = (() => {
  const t = new Array<number>(256).fill(0);
  for (const c of '$:*~>%!=') t[c.charCodeAt(0)] = 1;
  t[0x2b] = 2;
  t[0x2d] = 2;
  return t;
})();

export class FastReader {
  buf: Uint8Array = new Uint8Array(0);
  ab: ArrayBufferLike | undefined = new ArrayBuffer(0);
  bo = 0;
  end = 0;
  /** Where the next element starts; after `value`, just past the value it read. */
  pos = 0;
  /** Bytes examined (the decoder's `work`, counted as the slow path counts it: per line). */
  ops = 0;
  /** A reply reaching past this offset is left to the slow path (OPTIMISTIC_BUILD_BYTES). */
  limit = 0;

  constructor(
    private readonly numbers: boolean,
    private readonly resp3: boolean,
    private readonly maxBulkLen: number,
    private readonly maxMultibulkLen: number,
    private readonly maxDepth: number,
  ) {}

  /** A view of `n` bytes of `buf` at `at` (a plain Uint8Array whatever `buf` is); `ab` read once per buffer. */
  private bytes(at: number, n: number): Uint8Array {
    let ab = this.ab;
    if (ab === undefined) {
      const buf = this.buf;
      this.bo = buf.byteOffset;
      ab = this.ab = buf.buffer;
    }
    return new Uint8Array(ab, this.bo + at, n);
  }

  /**
   * Reads whole replies from `from` into `values`; returns where it stopped. (Nothing is read
   * from `this` before the loop: V8 allocates feedback lazily, so a first long call would leave
   * such a read without feedback and the optimized code would deopt on every later entry.)
   */
  values(values: Sink, from: number, end: number): number {
    let pos = from;
    while (pos < end) {
      this.pos = pos;
      this.limit = pos + OPTIMISTIC_BUILD_BYTES;
      const v = this.value(0);
      if (v === undefined) break;
      pos = this.pos;
      values.push(v);
    }
    return pos;
  }

  /** `values`, also recording the absolute offset after each value (`base` is that of buf[0]). */
  valuesAndEnds(values: Sink, ends: number[], from: number, end: number, base: number): number {
    let pos = from;
    while (pos < end) {
      this.pos = pos;
      this.limit = pos + OPTIMISTIC_BUILD_BYTES;
      const v = this.value(0);
      if (v === undefined) break;
      pos = this.pos;
      values.push(v);
      ends.push(base + pos);
    }
    return pos;
  }

  /**
   * Reads the reply at `pos` (see the file comment); `undefined` leaves it to the slow path. One
   * flat function for the scalars (no call per element: V8 does not inline a chain of helpers
   * here), the number line read with charCode arithmetic: canonical, an optional '-' and 1 to 15
   * digits, no leading zero and no "-0" (what string2ll accepts in that range).
   */
  value(depth: number): V | undefined {
    const buf = this.buf;
    const end = this.end;
    const p = this.pos;
    // an aggregate cut at an element boundary: no read past `end` (V8 would recompile every
    // byte read here with a bounds check)
    if (p >= end) return undefined;
    const t = buf[p] ?? 0;
    const kind = HEADER[t] ?? 0;
    if (kind === 0) return this.resp3 ? this.resp3Line(t, p) : undefined;
    if (kind === 2) return this.line(t, p);
    if (t === 0x24 && p + 4 < end && buf[p + 1] === MINUS && buf[p + 2] === 0x31 && buf[p + 3] === CR && buf[p + 4] === LF) {
      this.ops += 4; // the header through its CR, as every other line is counted
      this.pos = p + 5;
      return NULL_BULK; // `$-1`, the commonest reply after +OK
    }
    let i = p + 1;
    const negative = i < end && buf[i] === MINUS;
    if (negative) i++;
    const first = i;
    let n = 0;
    let c = 0;
    for (; i < end; i++) {
      c = buf[i] ?? 0;
      if (c < ZERO || c > 0x39) break;
      n = n * 10 + (c - ZERO);
    }
    this.ops += i - p + 1;
    const digits = i - first;
    if (c !== CR || digits === 0 || digits > 15 || i + 1 >= end || buf[i + 1] !== LF || (buf[first] === ZERO && (digits > 1 || negative))) {
      return t === 0x3a ? this.longInteger(p) : undefined;
    }
    if (negative) n = -n;
    const next = i + 2;
    if (t === 0x24) {
      if (n === -1) {
        this.pos = next;
        return NULL_BULK;
      }
      const stop = next + n;
      if (n < 0 || n > this.maxBulkLen || stop + 2 > end || buf[stop] !== CR || buf[stop + 1] !== LF) return undefined;
      this.pos = stop + 2;
      // The Uint8Array constructor, not subarray (which looks up the species constructor).
      return { type: 'bulk', value: this.bytes(next, n) };
    }
    if (t === 0x3a) {
      this.pos = next;
      if (n >= 0 && n < OBJ_SHARED_INTEGERS) return sharedInteger(n, this.numbers);
      return { type: 'integer', value: this.numbers ? n : BigInt(n) };
    }
    if (t === 0x2a && n === -1) {
      this.pos = next;
      return NULL_ARRAY;
    }
    if (t !== 0x2a && !this.resp3) return undefined;
    if (t === 0x21 || t === 0x3d) return this.blob(t, n, next);
    if (n < 0 || n > this.maxMultibulkLen || depth >= FAST_MAX_DEPTH || depth + 1 >= this.maxDepth) return undefined;
    this.pos = next;
    return t === 0x25 ? this.map(n, depth) : this.aggregate(t, n, depth);
  }

  /** `+` and `-` lines. */
  private line(t: number, p: number): V | undefined {
    const buf = this.buf;
    const end = this.end;
    let i = p + 1;
    while (i < end && buf[i] !== CR) i++;
    this.ops += i - p + 1;
    if (i + 1 >= end || buf[i + 1] !== LF) return undefined;
    this.pos = i + 2;
    if (t === 0x2d) return { type: 'error', value: readUtf8(buf, p + 1, i) };
    if (i === p + 3 && buf[p + 1] === 0x4f && buf[p + 2] === 0x4b) return OK;
    return { type: 'simple', value: readUtf8(buf, p + 1, i) };
  }

  /** 16 to 20 digits (or anything string2ll may refuse): its exact value, or the slow path. */
  private longInteger(p: number): V | undefined {
    const buf = this.buf;
    let cr = p + 1;
    while (cr < this.end && buf[cr] !== CR) cr++;
    if (cr + 1 >= this.end || buf[cr + 1] !== LF) return undefined;
    const n = parseInteger(buf, p + 1, cr);
    if (n === undefined) return undefined;
    this.pos = cr + 2;
    return { type: 'integer', value: this.numbers || typeof n === 'bigint' ? n : BigInt(n) };
  }

  /** RESP3 `!` blob error and `=` verbatim string (its 3-byte format and ':' checked). */
  private blob(t: number, len: number, next: number): V | undefined {
    const buf = this.buf;
    const stop = next + len;
    if (len < 0 || len > this.maxBulkLen || stop + 2 > this.end || buf[stop] !== CR || buf[stop + 1] !== LF) return undefined;
    this.pos = stop + 2;
    if (t === 0x21) return { type: 'blobError', value: this.bytes(next, len) };
    if (len < 4 || buf[next + 3] !== 0x3a) return undefined;
    return { type: 'verbatim', format: readUtf8(buf, next, next + 3), value: this.bytes(next + 4, len - 4) };
  }

  /** `*`, `~`, `>`: `n` values. Every element takes at least 3 bytes: a count the rest of the buffer cannot hold is not complete here. */
  private aggregate(t: number, n: number, depth: number): V | undefined {
    if (3 * n > this.end - this.pos) return undefined;
    const items = new Array<V>(n);
    for (let k = 0; k < n; k++) {
      const v = this.value(depth + 1);
      if (v === undefined || this.pos > this.limit) return undefined;
      items[k] = v;
    }
    return t === 0x2a ? { type: 'array', value: items } : t === 0x7e ? { type: 'set', value: items } : t === 0x3e ? { type: 'push', value: items } : undefined;
  }

  /** `%`: `n` key-value pairs. */
  private map(n: number, depth: number): V | undefined {
    if (6 * n > this.end - this.pos) return undefined;
    const pairs = new Array<[V, V]>(n);
    for (let k = 0; k < n; k++) {
      const key = this.value(depth + 1);
      if (key === undefined || this.pos > this.limit) return undefined;
      const v = this.value(depth + 1);
      if (v === undefined || this.pos > this.limit) return undefined;
      pairs[k] = [key, v];
    }
    return { type: 'map', value: pairs };
  }

  /** RESP3 `_ # ,` (a RESP2 decoder never gets here). Attributes and big numbers: slow path. */
  private resp3Line(t: number, p: number): V | undefined {
    const buf = this.buf;
    const end = this.end;
    if (t === 0x5f) {
      if (p + 2 >= end || buf[p + 1] !== CR || buf[p + 2] !== LF) return undefined;
      this.ops += 2;
      this.pos = p + 3;
      return NULL;
    }
    if (t === 0x23) {
      const c = buf[p + 1];
      if (p + 3 >= end || (c !== 0x74 && c !== 0x66) || buf[p + 2] !== CR || buf[p + 3] !== LF) return undefined;
      this.ops += 3;
      this.pos = p + 4;
      return { type: 'boolean', value: c === 0x74 };
    }
    if (t !== 0x2c) return undefined;
    // , double (hiredis's 325-byte bound: longer lines are the slow path's to refuse)
    let cr = p + 1;
    while (cr < end && buf[cr] !== CR) cr++;
    this.ops += cr - p + 1;
    if (cr + 1 >= end || buf[cr + 1] !== LF || cr - p - 1 > 325) return undefined;
    const d = parseDouble(readUtf8(buf, p + 1, cr));
    if (d === undefined) return undefined;
    this.pos = cr + 2;
    return { type: 'double', value: d };
  }
}
