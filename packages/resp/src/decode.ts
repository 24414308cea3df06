/**
 * Streaming RESP reply decoder: `push(chunk)` returns every value completed by that chunk.
 * Any split of the input gives the same values (the property tests push every split point).
 *
 * How it reads (the reply side of hiredis read.c, `redisReaderGetReply`, with its `rstack`):
 * - `parse` walks elements; `element` reads one (`lineEnd` finds its line, then a scalar, a bulk
 *   or an aggregate header); `attach` hands a finished element to the aggregate being filled.
 *   Open aggregates are frames on an explicit stack, so nesting costs no JS stack.
 * - Every byte is looked at a bounded number of times however the input is split: an unfinished
 *   line resumes its CR search where it stopped (never re-reading its digits), and a bulk whose
 *   payload has not arrived waits until the byte count it needs is buffered. `work` counts the
 *   bytes examined and copied, so tests can check the cost is linear without a clock.
 * - Memory follows the input, not what the input declares. A value is first built as it is
 *   read; if it is still unfinished when the input runs out (or after OPTIMISTIC_BUILD_BYTES), the
 *   decoder drops what it built and only *scans* the rest — keeping the value's bytes and one
 *   frame (a count) per nesting level — then builds the value once its last byte arrives. So a
 *   forged `*2147483647` followed by many tiny elements holds the bytes pushed, not an object
 *   per element: the role Redis gives client-query-buffer-limit and the 1024*1024 cap on argv
 *   preallocation (networking.c processMultibulkBuffer).
 *
 * Request mode (`mode: 'request'`) parses what a client sends, as the server does, and returns
 * each command as an array of bulk strings; see request.ts for the parser with offsets.
 */
import { ByteQueue } from './buffer.js';
import { DEFAULT_MAX_BIGNUM_DIGITS, DEFAULT_MAX_DEPTH, PROTO_MAX_BULK_LEN, REPLY_MAX_MULTIBULK_LEN, type FeedResult, type IntegerMode, type IntegerOf, type RespDecoderOptions } from './decode-options.js';
import { FastReader, OPTIMISTIC_BUILD_BYTES } from './decode-fast.js';
import { RespProtocolError, showByte, type RespErrorCode } from './errors.js';
import { parseInteger, parseLength } from './number.js';
import { aggregateOf, buildAggregate, elementsOf, NULL, NULL_ARRAY, NULL_BULK, OBJ_SHARED_INTEGERS, OK, sharedInteger, showLine, type Aggregate } from './reply-values.js';
import { RespRequestParser } from './request.js';
import { resp3Scalar } from './resp3.js';
import type { RespInteger, RespValue } from './types.js';
import { readUtf8 } from './utf8.js';

export { MAX_DOUBLE_CHARS } from './resp3.js';
export { OPTIMISTIC_BUILD_BYTES };
export * from './decode-options.js';

type V = RespValue<RespInteger>;

const CR = 13;
const LF = 10;

// What a type byte starts (a small table keeps `element` small enough for V8 to inline).
const UNKNOWN = 0;
const BULK = 1; // $ ! =
const AGGREGATE = 2; // * ~ > % |
const INTEGER = 3; // :
const LINE = 4; // + - _ # , (
const KIND: readonly number[] = (() => {
  const t = new Array<number>(256).fill(UNKNOWN);
  for (const [chars, k] of [['$!=', BULK], ['*~>%|', AGGREGATE], [':', INTEGER], ['+-_#,(', LINE]] as const) for (const c of chars) t[c.charCodeAt(0)] = k;
  return t;
})();
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

/** An aggregate being read: its elements while building, only a count while scanning. */
interface Frame {
  readonly kind: Aggregate;
  items: V[] | undefined;
  filled: number;
  remaining: number;
}

export class RespDecoder<M extends IntegerMode = 'bigint'> {
  private readonly q = new ByteQueue();
  /** The innermost open aggregate, and the ones around it. */
  private top: Frame | undefined = undefined;
  private readonly outer: Frame[] = [];
  private readonly protocol: 2 | 3;
  private readonly numbers: boolean;
  private readonly maxBulkLen: number;
  private readonly maxMultibulkLen: number;
  private readonly maxLineLen: number;
  private readonly maxDepth: number;
  private readonly maxBignumDigits: number;
  private readonly request: RespRequestParser | undefined;
  /** Absolute offset the next bulk needs buffered before parsing is worth resuming. */
  private need = 0;
  /** Where the CR search of an unfinished line resumes (absolute), so long lines scan once. */
  private scanFrom = 0;
  /** Absolute offset where the top-level value being parsed starts, and where parsing resumes. */
  private valueStart = 0;
  private cursor = 0;
  /** Building the value's objects (true), or only scanning it until its last byte arrives. */
  private building = true;
  private failed: RespProtocolError | undefined;
  /** The element `element` just read (when it did not open an aggregate). */
  private v: V = NULL;
  private opened = false;
  private ops = 0;
  /** `q.buf.buffer` and `.byteOffset`, read once per parse: the getters cost per call. */
  private ab: ArrayBufferLike = new ArrayBuffer(0);
  private bo = 0;
  /** Whole replies already buffered are read by this (decode-fast.ts), the rest here. */
  private readonly fast: FastReader;

  constructor(options: RespDecoderOptions<M> = {}) {
    this.protocol = options.protocol ?? 3;
    this.numbers = options.integers === 'number';
    this.maxBulkLen = options.maxBulkLen ?? PROTO_MAX_BULK_LEN;
    this.maxLineLen = options.maxLineLen ?? PROTO_MAX_BULK_LEN;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxBignumDigits = options.maxBignumDigits ?? DEFAULT_MAX_BIGNUM_DIGITS;
    if (options.mode === 'request') {
      this.request = new RespRequestParser({
        ...(options.maxBulkLen !== undefined ? { maxBulkLen: options.maxBulkLen } : {}),
        ...(options.maxMultibulkLen !== undefined ? { maxMultibulkLen: options.maxMultibulkLen } : {}),
        ...(options.allowInline !== undefined ? { allowInline: options.allowInline } : {}),
      });
      this.maxMultibulkLen = 0;
    } else {
      this.request = undefined;
      this.maxMultibulkLen = options.maxMultibulkLen ?? REPLY_MAX_MULTIBULK_LEN;
    }
    this.fast = new FastReader(this.numbers, this.protocol === 3, this.maxBulkLen, this.maxMultibulkLen, this.maxDepth);
  }

  /** Returns the values this chunk completes. Throws RespProtocolError on malformed input. */
  push(chunk: Uint8Array): RespValue<IntegerOf<M>>[] {
    if (this.request) {
      const r = this.feed(chunk);
      if (r.error) throw r.error;
      return r.values;
    }
    const values: V[] = [];
    const error = this.run(chunk, values, undefined);
    if (error) throw error;
    // The integers in `values` are of the kind this decoder's mode makes.
    return values as RespValue<IntegerOf<M>>[];
  }

  /**
   * Like push, without throwing: values completed before a protocol error are returned with it.
   * After an error the decoder stays failed (a server closes the connection) until reset().
   */
  feed(chunk: Uint8Array): FeedResult<IntegerOf<M>> {
    const values: V[] = [];
    const ends: number[] = [];
    let error: RespProtocolError | undefined;
    if (this.request) {
      const r = this.request.feed(chunk);
      for (const c of r.commands) {
        if (c.kind !== 'command') continue;
        values.push({ type: 'array', value: c.argv.map((a) => ({ type: 'bulk', value: a }) as const) });
        ends.push(c.end);
      }
      error = r.error;
    } else {
      error = this.run(chunk, values, ends);
    }
    // The integers in `values` are of the kind this decoder's mode makes.
    const typed = values as RespValue<IntegerOf<M>>[];
    return error ? { values: typed, ends, error } : { values: typed, ends };
  }

  private run(chunk: Uint8Array, values: V[], ends: number[] | undefined): RespProtocolError | undefined {
    if (this.failed) return this.failed;
    try {
      this.q.consume(
        chunk,
        // Inside an aggregate the value's bytes are kept whole (see the file comment): take it all.
        () => (this.top !== undefined ? Infinity : this.need),
        () => {
          this.parse(values, ends);
        },
      );
    } catch (e) {
      if (!(e instanceof RespProtocolError)) throw e;
      this.failed = e;
      // A failed decoder keeps nothing it was building (it stays failed until reset()).
      this.top = undefined;
      this.outer.length = 0;
      return e;
    }
    return undefined;
  }

  /**
   * Declares the end of the input. Throws UNEXPECTED_EOF (with the offset where the unfinished
   * value starts) when the input stopped in the middle of a value.
   */
  end(): void {
    if (this.request) {
      this.request.end();
      return;
    }
    if (this.failed) throw this.failed;
    if (this.midValue) {
      throw new RespProtocolError('UNEXPECTED_EOF', this.valueStart, 'Unexpected end of input inside a value', `${this.q.base + this.q.end - this.valueStart} unparsed byte(s)`);
    }
  }

  /** True when bytes of an unfinished value are buffered. */
  get midValue(): boolean {
    if (this.request) return this.request.midCommand;
    return this.q.buffered > 0 || this.top !== undefined;
  }

  /** Absolute offset just after the last complete top-level value. */
  get offset(): number {
    if (this.request) return this.request.offset;
    return this.top !== undefined ? this.valueStart : this.q.offset;
  }

  /** Bytes of input memory the decoder holds now (bounded by about twice what is buffered). */
  get bufferCapacity(): number {
    return this.request ? this.request.bufferCapacity : this.q.capacity;
  }

  /**
   * Bytes examined or copied so far, plus one per element: a cost counter (not a clock) for the
   * linear-time properties. The same input costs about the same however it is split.
   */
  get work(): number {
    return this.request ? this.request.work : this.ops + this.q.copied;
  }

  /**
   * Elements built and held by aggregates still open (0 between pushes when a value is unfinished:
   * see the file comment). For the bounded-memory properties.
   */
  get pendingElements(): number {
    let n = this.top?.items === undefined ? 0 : this.top.filled;
    for (const f of this.outer) n += f.items === undefined ? 0 : f.filled;
    return n;
  }

  reset(): void {
    this.q.reset();
    this.top = undefined;
    this.outer.length = 0;
    this.need = 0;
    this.scanFrom = 0;
    this.cursor = this.q.offset;
    this.building = true;
    this.failed = undefined;
    this.request?.reset();
  }

  private fail(code: RespErrorCode, at: number, text: string, found?: string): never {
    throw new RespProtocolError(code, this.q.base + at, text, found);
  }

  /** Reads as many elements as the buffered bytes hold, emitting each top-level value. */
  private parse(values: V[], ends: number[] | undefined): void {
    const q = this.q;
    const base = q.base;
    const end = q.end;
    if (this.need > 0) {
      if (base + end < this.need) return;
      this.need = 0;
    }
    let pos = Math.max(this.cursor - base, q.start);
    this.ab = q.buf.buffer;
    this.bo = q.buf.byteOffset;
    // A line already known to be unfinished, or a value being scanned, stays with the slow path.
    if (this.top === undefined && this.scanFrom === 0 && this.building) pos = this.parseWhole(values, ends, pos, end);
    while (pos < end) {
      if (this.top === undefined) this.valueStart = base + pos;
      const next = this.element(q.buf, pos, end);
      if (next < 0) break;
      pos = next;
      if (this.opened) {
        this.opened = false;
        continue;
      }
      // Inside an aggregate: hand it the element; go on unless that completed the value.
      if (this.top !== undefined) {
        if (!this.attach()) {
          if (this.building && base + pos - this.valueStart > OPTIMISTIC_BUILD_BYTES) this.stopBuilding();
          continue;
        }
        if (!this.building) this.v = this.rebuild(this.valueStart - base, pos);
      }
      values.push(this.v);
      ends?.push(base + pos);
    }
    this.cursor = base + pos;
    if (this.top === undefined) {
      q.start = pos;
    } else {
      // Out of input inside an aggregate: keep its bytes, drop what was built from them.
      q.start = this.valueStart - base;
      if (this.building) this.stopBuilding();
    }
  }

  /** The fast path (decode-fast.ts): whole top-level replies from `pos`; returns where it stopped. */
  private parseWhole(values: V[], ends: number[] | undefined, from: number, end: number): number {
    const f = this.fast;
    f.buf = this.q.buf;
    f.ab = this.ab;
    f.bo = this.bo;
    f.end = end;
    const pos = ends === undefined ? f.values(values, from, end) : f.valuesAndEnds(values, ends, from, end, this.q.base);
    this.ops += f.ops;
    f.ops = 0;
    return pos;
  }

  /** From now on the open aggregates only count their elements (see the file comment). */
  private stopBuilding(): void {
    this.building = false;
    if (this.top) this.top.items = undefined;
    for (const f of this.outer) f.items = undefined;
  }

  /** Builds the value whose every byte is buffered in [from, to), as `parse` would have. */
  private rebuild(from: number, to: number): V {
    this.building = true;
    this.ab = this.q.buf.buffer;
    this.bo = this.q.buf.byteOffset;
    this.top = undefined;
    this.outer.length = 0;
    const buf = this.q.buf;
    let pos = from;
    while (pos < to) {
      pos = this.element(buf, pos, to);
      if (pos < 0) break;
      if (this.opened) {
        this.opened = false;
        continue;
      }
      if (this.attach()) return this.v;
    }
    return this.fail('UNEXPECTED_EOF', from, 'Internal error: a value shorter when rebuilt than when scanned');
  }

  /**
   * Hands `this.v` to the innermost open aggregate, closing every aggregate it completes.
   * True when a top-level value is complete (it is then in `this.v`).
   */
  private attach(): boolean {
    let v = this.v;
    let top = this.top;
    while (top !== undefined) {
      const items = top.items;
      if (items !== undefined) items[top.filled++] = v;
      if (--top.remaining > 0) return false;
      v = items === undefined ? NULL : buildAggregate(top.kind, items);
      top = this.top = this.outer.pop();
    }
    this.v = v;
    return true;
  }

  /**
   * Reads the element at `pos`: sets `this.v` (or `this.opened` for a non-empty aggregate) and
   * returns the position after it, or -1 when its bytes have not all arrived. The line's CR is
   * found here, reading the digits of a plain number on the way (the common header, read once):
   * `num` is that number (at most 15 digits, canonical), or NaN when the line is anything else.
   */
  private element(buf: Uint8Array, pos: number, end: number): number {
    const type = buf[pos] ?? 0;
    const kind = KIND[type] ?? UNKNOWN;
    if (kind === UNKNOWN) this.unknownType(pos, type);
    let cr: number;
    let num = NaN;
    if (this.scanFrom !== 0) {
      // An unfinished line seen before: its bytes up to scanFrom hold no CR (13.1: do not re-read).
      cr = this.resumeLine(buf, pos, end);
    } else {
      // (Bounded by `end`: past it an owned buffer holds uninitialised bytes.)
      const negative = pos + 1 < end && buf[pos + 1] === MINUS;
      const first = negative ? pos + 2 : pos + 1;
      let n = 0;
      let c = -1;
      for (cr = first; cr < end; cr++) {
        c = buf[cr] ?? 0;
        if (c < ZERO || c > NINE) break;
        n = n * 10 + (c - ZERO);
      }
      const digits = cr - first;
      if (c === CR && digits > 0 && digits <= 15 && (buf[first] !== ZERO || (digits === 1 && !negative))) num = negative ? -n : n;
      while (cr < end && buf[cr] !== CR) cr++;
      this.ops += cr - pos + 1;
      if (cr + 1 >= end || buf[cr + 1] !== LF) cr = this.lineTail(buf, pos, cr, end);
    }
    if (cr < 0) return -1;
    if (kind === BULK) return this.bulk(type, buf, pos, cr, end, num);
    if (kind === AGGREGATE) this.aggregate(type, buf, pos, cr, num);
    else this.v = kind === INTEGER ? this.integer(buf, pos, cr, num) : this.scalar(type, buf, pos, cr);
    return cr + 2;
  }

  private resumeLine(buf: Uint8Array, pos: number, end: number): number {
    let cr = this.scanFrom - this.q.base;
    const from = cr;
    while (cr < end && buf[cr] !== CR) cr++;
    this.ops += cr - from + 1;
    if (cr + 1 >= end || buf[cr + 1] !== LF) return this.lineTail(buf, pos, cr, end);
    this.scanFrom = 0;
    return cr;
  }

  /** The line at `pos` has no CRLF yet (remember where the search stopped), or a CR without LF. */
  private lineTail(buf: Uint8Array, pos: number, cr: number, end: number): number {
    if (cr + 1 < end) this.fail('EXPECTED_CRLF', cr + 1, "Protocol error: expected '\\n' after '\\r'", showByte(buf[cr + 1]));
    if (cr - pos - 1 > this.maxLineLen) this.fail('LINE_TOO_LONG', pos, `Line longer than ${this.maxLineLen} bytes`);
    this.scanFrom = this.q.base + cr;
    return -1;
  }

  /** `$`, `!`, `=`: a length line, then that many bytes and CRLF. */
  private bulk(type: number, buf: Uint8Array, pos: number, cr: number, end: number, num: number): number {
    if (type !== 0x24 && this.protocol === 2) this.resp3InResp2(pos, type);
    const len = num === num ? num : this.slowLength(buf, pos, cr);
    if (len === -1 && type === 0x24) {
      this.v = NULL_BULK;
      return cr + 2;
    }
    if (!(len >= 0) || len > this.maxBulkLen) this.badBulkLength(buf, pos, cr, len);
    const next = cr + 2;
    const stop = next + len;
    if (stop + 2 > end) {
      this.need = this.q.base + stop + 2;
      return -1;
    }
    if (buf[stop] !== CR || buf[stop + 1] !== LF) this.noCrlfAfter(buf, stop, len);
    // Validated whether building or only scanning: the first error must not depend on the split.
    if (type === 0x3d && (len < 4 || buf[next + 3] !== 0x3a)) {
      this.fail('INVALID_VERBATIM', next, 'Verbatim string 4 bytes of content type are missing or incorrectly encoded.', showLine(buf, next, Math.min(stop, next + 4)));
    }
    if (!this.building) this.v = NULL;
    // Views are built with the Uint8Array constructor: about 2.5× cheaper than subarray, which
    // looks up the species constructor on every call.
    else if (type === 0x24) this.v = { type: 'bulk', value: new Uint8Array(this.ab, this.bo + next, len) };
    else this.v = this.blob(type, buf, next, len);
    return stop + 2;
  }

  /** `!` blob error or `=` verbatim string (its format already checked), whose bytes are all here. */
  private blob(type: number, buf: Uint8Array, next: number, len: number): V {
    if (type === 0x21) return { type: 'blobError', value: new Uint8Array(this.ab, this.bo + next, len) };
    return { type: 'verbatim', format: readUtf8(buf, next, next + 3), value: new Uint8Array(this.ab, this.bo + next + 4, len - 4) };
  }

  private badBulkLength(buf: Uint8Array, pos: number, cr: number, len: number): never {
    this.fail('INVALID_BULK_LENGTH', pos + 1, len > this.maxBulkLen ? `Bulk string length out of range (max ${this.maxBulkLen})` : 'Bad bulk string length', showLine(buf, pos + 1, cr));
  }

  private noCrlfAfter(buf: Uint8Array, stop: number, len: number): never {
    const at = buf[stop] !== CR ? stop : stop + 1;
    this.fail('EXPECTED_CRLF', at, `Protocol error: expected CRLF after a ${len}-byte payload`, showByte(buf[at]));
  }

  /** The length of a header line that is not a plain short number: string2ll, or a typed error. */
  private slowLength(buf: Uint8Array, pos: number, cr: number): number {
    this.ops += cr - pos;
    if (cr === pos + 2 && buf[pos + 1] === 0x3f) {
      const what = buf[pos] === 0x24 || buf[pos] === 0x21 || buf[pos] === 0x3d ? 'strings ($?)' : 'aggregates (*?)';
      this.fail('UNSUPPORTED_STREAMED', pos, `Streamed ${what} are not supported (Redis 7.0 never sends them)`);
    }
    return parseLength(buf, pos + 1, cr);
  }

  /** `*`, `~`, `>`, `%`, `|`: opens a frame, or completes an empty aggregate at once. */
  private aggregate(type: number, buf: Uint8Array, pos: number, cr: number, num: number): void {
    if (type !== 0x2a && this.protocol === 2) this.resp3InResp2(pos, type);
    const n = num === num ? num : this.slowLength(buf, pos, cr);
    if (n === -1 && type === 0x2a) {
      this.v = NULL_ARRAY;
      return;
    }
    if (!(n >= 0) || n > this.maxMultibulkLen) {
      this.fail('INVALID_MULTIBULK_LENGTH', pos + 1, n > this.maxMultibulkLen ? `Multi-bulk length out of range (max ${this.maxMultibulkLen})` : 'Bad multi-bulk length', showLine(buf, pos + 1, cr));
    }
    const kind = aggregateOf(type);
    const remaining = elementsOf(kind, n);
    if (remaining === 0) {
      this.v = buildAggregate(kind, []);
      return;
    }
    const depth = this.top === undefined ? 0 : this.outer.length + 1;
    if (depth >= this.maxDepth) this.fail('NESTING_TOO_DEEP', pos, `No support for nested aggregates with depth > ${this.maxDepth}`);
    if (this.top !== undefined) this.outer.push(this.top);
    // Pre-sized to the declared count but at most 16 slots, so a forged count costs nothing.
    this.top = { kind, items: this.building ? new Array<V>(Math.min(remaining, 16)) : undefined, filled: 0, remaining };
    this.opened = true;
  }

  /** The other one-line types: `+ - _ # , (`. */
  private scalar(type: number, buf: Uint8Array, pos: number, cr: number): V {
    switch (type) {
      case 0x2b: // + simple string
        if (cr === pos + 3 && buf[pos + 1] === 0x4f && buf[pos + 2] === 0x4b) return OK;
        return this.building ? { type: 'simple', value: readUtf8(buf, pos + 1, cr) } : NULL;
      case 0x2d: // - error
        return this.building ? { type: 'error', value: readUtf8(buf, pos + 1, cr) } : NULL;
      default:
        if (this.protocol === 2) this.resp3InResp2(pos, type);
        this.ops += cr - pos;
        return resp3Scalar(type, buf, pos, cr, this.maxBignumDigits, this.q.base);
    }
  }

  /** `:` — `num` is the plain number the line held, or NaN (then string2ll decides). */
  private integer(buf: Uint8Array, pos: number, cr: number, num: number): V {
    if (num === num) {
      if (num >= 0 && num < OBJ_SHARED_INTEGERS) return sharedInteger(num, this.numbers);
      return { type: 'integer', value: this.numbers ? num : BigInt(num) };
    }
    this.ops += cr - pos;
    const n = parseInteger(buf, pos + 1, cr);
    if (n === undefined) this.fail('INVALID_INTEGER', pos + 1, 'Bad integer value', showLine(buf, pos + 1, cr));
    return { type: 'integer', value: this.numbers || typeof n === 'bigint' ? n : BigInt(n) };
  }

  private unknownType(pos: number, type: number): never {
    if (type === 0x3b || type === 0x2e) {
      // ';' (a streamed string chunk) and '.' (end of a streamed aggregate)
      this.fail('UNSUPPORTED_STREAMED', pos, 'Streamed RESP3 types are not supported (Redis 7.0 never sends them)');
    }
    this.fail('UNKNOWN_TYPE', pos, `Protocol error, got ${showByte(type).replace(/^'|'$/g, '"')} as reply type byte`);
  }

  private resp3InResp2(pos: number, type: number): never {
    this.fail('RESP3_TYPE_IN_RESP2', pos, `Protocol error, got ${showByte(type).replace(/^'|'$/g, '"')} as reply type byte (a RESP3 type on a RESP2 connection)`);
  }
}

/** Decodes a complete buffer holding exactly whole values; throws on malformed or cut input. */
export function decodeAll<M extends IntegerMode = 'bigint'>(bytes: Uint8Array, options: RespDecoderOptions<M> = {}): RespValue<IntegerOf<M>>[] {
  const d = new RespDecoder<M>(options);
  const values = d.push(bytes);
  d.end();
  return values;
}
