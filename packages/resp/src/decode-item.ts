/**
 * One reply element at a time: the item readers of the resumable decoder (decode.ts), as hiredis
 * read.c splits them — `element` finds a line (processItem), then a scalar (processLineItem), a
 * bulk (processBulkItem) or an aggregate header (processAggregateItem). Split from decode.ts,
 * which keeps the public API, the parse loop and the aggregate stack (`attach`, `rebuild`).
 *
 * The state both halves share lives here: the input queue, the open frames, the limits, where an
 * unfinished line's CR search resumes (`scanFrom`) and what a bulk waits for (`need`).
 */
import { ByteQueue } from './buffer.js';
import { DEFAULT_MAX_BIGNUM_DIGITS, DEFAULT_MAX_DEPTH, PROTO_MAX_BULK_LEN, type RespDecoderOptions } from './decode-options.js';
import { RespProtocolError, showByte, type RespErrorCode } from './errors.js';
import { parseInteger, parseLength } from './number.js';
import { aggregateOf, buildAggregate, elementsOf, NULL, NULL_ARRAY, NULL_BULK, OBJ_SHARED_INTEGERS, OK, sharedInteger, showLine, type Aggregate } from './reply-values.js';
import { resp3Scalar } from './resp3.js';
import type { RespInteger, RespValue } from './types.js';
import { readUtf8 } from './utf8.js';
import { RespReplyError, type RespBareReply } from './bare-values.js';

export type V = RespValue<RespInteger>;
/**
 * What the element readers build: a tagged `V`, or with bare output (RespBareDecoder) the bare
 * value itself (bare-values.ts RespBareReply: a view, a number, a string, null, an array…), so a
 * reply the resumable path finishes needs no conversion.
 */
export type Built = V | RespBareReply;

/** Where decoded values go: the array `push` returns, or a callback (RespBareDecoder.execute). */
export interface Sink {
  push(v: unknown): unknown;
}

/**
 * What reads the whole replies already buffered (decode-fast.ts FastReader, decode-bare-fast.ts
 * BareFastReader): the decoder sets the buffer fields, then calls `values`, which returns where
 * it stopped (the resumable path reads on from there).
 */
export interface WholeReader {
  buf: Uint8Array;
  /** `buf.buffer` (and `bo` its byteOffset), or undefined: read from `buf` when first needed. */
  ab: ArrayBufferLike | undefined;
  bo: number;
  end: number;
  ops: number;
  /** Where `fill` stopped. */
  pos: number;
  values(values: Sink, from: number, end: number): number;
  /**
   * Reads up to `count` elements of an open array from `from` into `items` at index `k`, each
   * one whole and plainly valid, stopping before any other (an aggregate, a cut or malformed
   * element) and after the first that ends past `limit`; returns how many (`pos`: where it stopped).
   */
  fill?(items: unknown[], k: number, count: number, from: number, limit: number): number;
  /** Set by `fill` when it stopped at a bulk the buffer cuts (its header read): the index past its CRLF. */
  cutEnd?: number;
  /**
   * Set when `values` stopped in a top-level array at `cutAt` (the bare reader): its elements so
   * far, `cutFilled` of `cutCount`, the next at `pos`; the resumable path holds it open.
   */
  cutItems?: unknown[] | undefined;
  cutFilled?: number;
  cutCount?: number;
  cutAt?: number;
  valuesAndEnds(values: Sink, ends: number[], from: number, end: number, base: number): number;
}

/** Makes a RespDecoder hand out another output (decode-bare.ts); not part of the public API. */
export const BARE: unique symbol = Symbol('bare');
/** Decodes a chunk into a Sink (decode-bare.ts); not part of the public API. */
export const EACH: unique symbol = Symbol('each');

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
export interface Frame {
  readonly kind: Aggregate;
  items: Built[] | undefined;
  filled: number;
  remaining: number;
}

/** The element readers and the state they share; RespDecoder (decode.ts) drives them. */
export abstract class ReplyItemReader {
  protected readonly q = new ByteQueue();
  /** The innermost open aggregate, and the ones around it. */
  protected top: Frame | undefined = undefined;
  protected readonly outer: Frame[] = [];
  protected readonly protocol: 2 | 3;
  protected readonly numbers: boolean;
  protected readonly maxBulkLen: number;
  protected readonly maxMultibulkLen: number;
  protected readonly maxLineLen: number;
  protected readonly maxDepth: number;
  protected readonly maxBignumDigits: number;
  /** Absolute offset the next bulk needs buffered before parsing is worth resuming. */
  protected need = 0;
  /** Where the CR search of an unfinished line resumes (absolute), so long lines scan once. */
  protected scanFrom = 0;
  /** Building the value's objects (true), or only scanning it until its last byte arrives. */
  protected building = true;
  /** The element `element` just read (when it did not open an aggregate). */
  protected v: Built = NULL;
  protected opened = false;
  protected ops = 0;
  /**
   * `q.buf.buffer` and `.byteOffset`, read once per parse (the getters cost per call), or when
   * undefined (a short chunk read in place) only once a view is made (`bytesAt`).
   */
  protected ab: ArrayBufferLike | undefined = new ArrayBuffer(0);
  protected bo = 0;
  /**
   * `+` lines as their bytes (set by RespBareDecoder's `simpleStrings: 'bytes'`): built as a bulk,
   * which the bare output turns into the same Uint8Array view. The tagged output never sets it.
   */
  protected simpleBytes = false;
  /** Build bare values (RespBareDecoder, RESP2 only) instead of tagged ones. */
  protected bare = false;

  constructor(options: RespDecoderOptions, maxMultibulkLen: number) {
    this.protocol = options.protocol ?? 3;
    this.numbers = options.integers === 'number';
    this.maxBulkLen = options.maxBulkLen ?? PROTO_MAX_BULK_LEN;
    this.maxLineLen = options.maxLineLen ?? PROTO_MAX_BULK_LEN;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxBignumDigits = options.maxBignumDigits ?? DEFAULT_MAX_BIGNUM_DIGITS;
    this.maxMultibulkLen = maxMultibulkLen;
  }

  /** A plain view of `n` bytes of the queue's buffer at `at`. */
  protected bytesAt(at: number, n: number): Uint8Array {
    let ab = this.ab;
    if (ab === undefined) {
      ab = this.ab = this.q.arrayBuffer();
      this.bo = this.q.bo;
    }
    return new Uint8Array(ab, this.bo + at, n);
  }

  protected fail(code: RespErrorCode, at: number, text: string, found?: string): never {
    throw new RespProtocolError(code, this.q.base + at, text, found);
  }


  /**
   * Reads the element at `pos`: sets `this.v` (or `this.opened` for a non-empty aggregate) and
   * returns the position after it, or -1 when its bytes have not all arrived. The line's CR is
   * found here, reading the digits of a plain number on the way (the common header, read once):
   * `num` is that number (at most 15 digits, canonical), or NaN when the line is anything else.
   */
  protected element(buf: Uint8Array, pos: number, end: number): number {
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
      this.v = this.bare ? null : NULL_BULK;
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
    else if (type === 0x24) {
      const view = this.bytesAt(next, len);
      this.v = this.bare ? view : { type: 'bulk', value: view };
    }
    else this.v = this.blob(type, buf, next, len);
    return stop + 2;
  }

  /** `!` blob error or `=` verbatim string (its format already checked), whose bytes are all here. */
  private blob(type: number, buf: Uint8Array, next: number, len: number): V {
    if (type === 0x21) return { type: 'blobError', value: this.bytesAt(next, len) };
    return { type: 'verbatim', format: readUtf8(buf, next, next + 3), value: this.bytesAt(next + 4, len - 4) };
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
      this.v = this.bare ? null : NULL_ARRAY;
      return;
    }
    if (!(n >= 0) || n > this.maxMultibulkLen) {
      this.fail('INVALID_MULTIBULK_LENGTH', pos + 1, n > this.maxMultibulkLen ? `Multi-bulk length out of range (max ${this.maxMultibulkLen})` : 'Bad multi-bulk length', showLine(buf, pos + 1, cr));
    }
    const kind = aggregateOf(type);
    const remaining = elementsOf(kind, n);
    if (remaining === 0) {
      this.v = this.bare ? [] : buildAggregate(kind, []);
      return;
    }
    const depth = this.top === undefined ? 0 : this.outer.length + 1;
    if (depth >= this.maxDepth) this.fail('NESTING_TOO_DEEP', pos, `No support for nested aggregates with depth > ${this.maxDepth}`);
    if (this.top !== undefined) this.outer.push(this.top);
    // Pre-sized to the declared count but at most 16 slots, so a forged count costs nothing.
    this.top = { kind, items: this.building ? new Array<Built>(Math.min(remaining, 16)) : undefined, filled: 0, remaining };
    this.opened = true;
  }

  /** The other one-line types: `+ - _ # , (`. */
  private scalar(type: number, buf: Uint8Array, pos: number, cr: number): Built {
    switch (type) {
      case 0x2b: // + simple string (`simpleBytes` is set for bare output only: a view)
        if (this.simpleBytes) return this.building ? this.bytesAt(pos + 1, cr - pos - 1) : NULL;
        if (cr === pos + 3 && buf[pos + 1] === 0x4f && buf[pos + 2] === 0x4b) return this.bare ? 'OK' : OK;
        if (!this.building) return NULL;
        return this.bare ? readUtf8(buf, pos + 1, cr) : { type: 'simple', value: readUtf8(buf, pos + 1, cr) };
      case 0x2d: // - error
        if (!this.building) return NULL;
        return this.bare ? new RespReplyError(readUtf8(buf, pos + 1, cr)) : { type: 'error', value: readUtf8(buf, pos + 1, cr) };
      default:
        if (this.protocol === 2) this.resp3InResp2(pos, type);
        this.ops += cr - pos;
        return resp3Scalar(type, buf, pos, cr, this.maxBignumDigits, this.q.base);
    }
  }

  /** `:` — `num` is the plain number the line held, or NaN (then string2ll decides). */
  private integer(buf: Uint8Array, pos: number, cr: number, num: number): Built {
    if (num === num) {
      if (this.bare) return num;
      if (num >= 0 && num < OBJ_SHARED_INTEGERS) return sharedInteger(num, this.numbers);
      return { type: 'integer', value: this.numbers ? num : BigInt(num) };
    }
    this.ops += cr - pos;
    const n = parseInteger(buf, pos + 1, cr);
    if (n === undefined) this.fail('INVALID_INTEGER', pos + 1, 'Bad integer value', showLine(buf, pos + 1, cr));
    // (bare output is always in 'number' mode: a number when safe, a bigint beyond)
    if (this.bare) return n;
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
