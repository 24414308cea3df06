/**
 * Streaming RESP reply decoder: `push(chunk)` returns every value completed by that chunk.
 * Any split of the input gives the same values (the property tests push every split point).
 *
 * The decoder is resumable at the granularity of one element: the aggregates being filled are
 * kept on an explicit stack (like hiredis read.c's `rstack`), so bytes are scanned once however
 * they are split, and nesting depth costs no JS stack. A bulk whose payload has not fully
 * arrived is not re-scanned: the decoder waits until the byte count it needs is buffered.
 *
 * Request mode (`mode: 'request'`) parses what a client sends, as the server does, and returns
 * each command as an array of bulk strings; see request.ts for the parser with offsets.
 */
import { ByteQueue } from './buffer.js';
import { RespProtocolError, showByte, type RespErrorCode } from './errors.js';
import { parseBignum, parseDouble, parseInteger, parseLength } from './number.js';
import { RespRequestParser } from './request.js';
import type { RespValue } from './types.js';
import { readUtf8 } from './utf8.js';

/** Redis's proto-max-bulk-len default: 512 MiB. */
export const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;
/** hiredis REDIS_READER_MAX_ARRAY_ELEMENTS: 2^32 - 1. */
export const REPLY_MAX_MULTIBULK_LEN = 2 ** 32 - 1;
/** Aggregates nested deeper than this are refused (bounded state for hostile input). */
export const DEFAULT_MAX_DEPTH = 1000;

export interface RespDecoderOptions {
  /**
   * 3 (default) accepts every RESP2 and RESP3 type; 2 refuses the RESP3 type bytes
   * (`_ , # ( = ! % ~ > |`), as a RESP2 client would.
   */
  readonly protocol?: 2 | 3;
  /** 'reply' (default): values a server sends. 'request': commands a client sends. */
  readonly mode?: 'reply' | 'request';
  /** Longest bulk payload accepted (proto-max-bulk-len, default 512 MiB). */
  readonly maxBulkLen?: number;
  /** Most elements in one aggregate (default 2^32-1 for replies, INT_MAX for requests). */
  readonly maxMultibulkLen?: number;
  /** Longest line (simple string, error, number) for replies, default 512 MiB. */
  readonly maxLineLen?: number;
  /** Deepest nesting of aggregates for replies (default 1000). */
  readonly maxDepth?: number;
  /** Request mode only: accept inline commands (default true, like redis-server). */
  readonly allowInline?: boolean;
}

export interface FeedResult {
  /** Values completed by this chunk, in order. */
  readonly values: RespValue[];
  /** Absolute offset just after each value in `values`. */
  readonly ends: number[];
  /** Set when the input is malformed; the values before it are still in `values`. */
  readonly error?: RespProtocolError;
}

const CR = 13;
const LF = 10;

const enum K {
  Array,
  Set,
  Push,
  Map,
  Attribute,
}

interface Frame {
  readonly kind: K;
  /** Pre-sized to the declared count but at most 16 slots, so a forged count costs nothing. */
  readonly items: RespValue[];
  filled: number;
  remaining: number;
}

// Replies that are always the same are shared (values are readonly): +OK, $-1, *-1, _.
const OK: RespValue = Object.freeze({ type: 'simple', value: 'OK' });
const NULL_BULK: RespValue = Object.freeze({ type: 'null', resp2: 'bulk' });
const NULL_ARRAY: RespValue = Object.freeze({ type: 'null', resp2: 'array' });
const NULL: RespValue = Object.freeze({ type: 'null' });

/** Like Redis's shared.integers (OBJ_SHARED_INTEGERS): one object per small integer, made on first use. */
const SHARED_INTEGERS = 10000;
const integers: (RespValue | undefined)[] = new Array<RespValue | undefined>(SHARED_INTEGERS).fill(undefined);
function sharedInteger(n: number): RespValue {
  return (integers[n] ??= Object.freeze({ type: 'integer', value: BigInt(n) }));
}

/** The type bytes of RESP2 and RESP3, indexed by byte. */
const KNOWN_TYPES: readonly boolean[] = (() => {
  const t = new Array<boolean>(256).fill(false);
  for (const c of '+-:$*_,#(=!%~>|') t[c.charCodeAt(0)] = true;
  return t;
})();

export class RespDecoder {
  private readonly q = new ByteQueue();
  private readonly stack: Frame[] = [];
  private readonly protocol: 2 | 3;
  private readonly maxBulkLen: number;
  private readonly maxMultibulkLen: number;
  private readonly maxLineLen: number;
  private readonly maxDepth: number;
  private readonly request: RespRequestParser | undefined;
  /** Absolute offset the next bulk needs buffered before parsing is worth resuming. */
  private need = 0;
  /** Where the CR search of an unfinished line resumes (absolute), so long lines scan once. */
  private scanFrom = 0;
  /** Absolute offset where the top-level value being parsed starts. */
  private valueStart = 0;
  private failed: RespProtocolError | undefined;

  constructor(options: RespDecoderOptions = {}) {
    this.protocol = options.protocol ?? 3;
    this.maxBulkLen = options.maxBulkLen ?? PROTO_MAX_BULK_LEN;
    this.maxLineLen = options.maxLineLen ?? PROTO_MAX_BULK_LEN;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
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
  }

  /** Returns the values this chunk completes. Throws RespProtocolError on malformed input. */
  push(chunk: Uint8Array): RespValue[] {
    const r = this.request ? this.feed(chunk) : this.run(chunk, undefined);
    if (r.error) throw r.error;
    return r.values;
  }

  /**
   * Like push, without throwing: values completed before a protocol error are returned with it.
   * After an error the decoder stays failed (a server closes the connection) until reset().
   */
  feed(chunk: Uint8Array): FeedResult {
    if (this.request) {
      const r = this.request.feed(chunk);
      const values: RespValue[] = [];
      const ends: number[] = [];
      for (const c of r.commands) {
        if (c.kind !== 'command') continue;
        values.push({ type: 'array', value: c.argv.map((a) => ({ type: 'bulk', value: a }) as const) });
        ends.push(c.end);
      }
      return r.error ? { values, ends, error: r.error } : { values, ends };
    }
    const ends: number[] = [];
    const r = this.run(chunk, ends);
    return r.error ? { values: r.values, ends, error: r.error } : { values: r.values, ends };
  }

  /** Parses a chunk; records end offsets only when asked (push does not need them). */
  private run(chunk: Uint8Array, ends: number[] | undefined): { values: RespValue[]; error?: RespProtocolError } {
    const values: RespValue[] = [];
    if (this.failed) return { values, error: this.failed };
    try {
      this.q.consume(
        chunk,
        () => this.need,
        () => {
          this.parse(values, ends);
        },
      );
    } catch (e) {
      if (!(e instanceof RespProtocolError)) throw e;
      this.failed = e;
      return { values, error: e };
    }
    return { values };
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
      throw new RespProtocolError('UNEXPECTED_EOF', this.valueStart, 'Unexpected end of input inside a value', `${this.q.buffered} unparsed byte(s)`);
    }
  }

  /** True when bytes of an unfinished value are buffered. */
  get midValue(): boolean {
    if (this.request) return this.request.midCommand;
    return this.q.buffered > 0 || this.stack.length > 0;
  }

  /** Absolute offset just after the last complete top-level value. */
  get offset(): number {
    if (this.request) return this.request.offset;
    return this.stack.length > 0 ? this.valueStart : this.q.offset;
  }

  /** Bytes of input memory the decoder holds now (bounded by about twice what is buffered). */
  get bufferCapacity(): number {
    return this.request ? this.request.bufferCapacity : this.q.capacity;
  }

  reset(): void {
    this.q.reset();
    this.stack.length = 0;
    this.need = 0;
    this.scanFrom = 0;
    this.failed = undefined;
    this.request?.reset();
  }

  private fail(code: RespErrorCode, at: number, text: string, found?: string): never {
    throw new RespProtocolError(code, this.q.base + at, text, found);
  }

  private parse(values: RespValue[], ends: number[] | undefined): void {
    const q = this.q;
    const buf = q.buf;
    const end = q.end;
    const base = q.base;
    const stack = this.stack;
    // Views are built with the Uint8Array constructor: about 2.5× cheaper than subarray, which
    // looks up the species constructor on every call.
    const ab = buf.buffer;
    const bo = buf.byteOffset;
    let pos = q.start;
    if (this.need > 0) {
      if (base + end < this.need) return;
      this.need = 0;
    }
    outer: while (pos < end) {
      if (stack.length === 0) this.valueStart = base + pos;
      const type = buf[pos]!;
      if (!KNOWN_TYPES[type]) this.unknownType(pos, type);
      // Find the CR that ends this line (resuming a scan of an unfinished long line).
      // Lengths and most integers are plain digits: parse them while looking for the CR, so
      // the common header is read once. (`fast` is a canonical string2ll number below 2^53.)
      let cr = pos + 1;
      let num = 0;
      let c = -1;
      while (cr < end && (c = buf[cr]!) >= 0x30 && c <= 0x39) {
        num = num * 10 + (c - 0x30);
        cr++;
      }
      let digits = cr - pos - 1;
      // "-1" (the RESP2 nulls $-1 and *-1) is the other common header.
      if (digits === 0 && c === 0x2d && pos + 3 < end && buf[pos + 2] === 0x31 && buf[pos + 3] === CR) {
        num = -1;
        cr = pos + 3;
        c = CR;
        digits = 1;
      }
      const fast = c === CR && digits > 0 && digits <= 15 && (buf[pos + 1] !== 0x30 || digits === 1);
      if (!fast) {
        cr = Math.max(cr, this.scanFrom - base);
        while (cr < end && buf[cr] !== CR) cr++;
      }
      if (cr + 1 >= end) {
        if (cr - pos - 1 > this.maxLineLen) {
          this.fail('LINE_TOO_LONG', pos, `Line longer than ${this.maxLineLen} bytes`);
        }
        this.scanFrom = base + cr;
        break;
      }
      this.scanFrom = 0;
      if (buf[cr + 1] !== LF) this.fail('EXPECTED_CRLF', cr + 1, "Protocol error: expected '\\n' after '\\r'", showByte(buf[cr + 1]));
      const next = cr + 2;
      let v: RespValue;
      switch (type) {
        case 0x2b: // + simple string
          v = cr === pos + 3 && buf[pos + 1] === 0x4f && buf[pos + 2] === 0x4b ? OK : { type: 'simple', value: readUtf8(buf, pos + 1, cr) };
          pos = next;
          break;
        case 0x2d: // - error
          v = { type: 'error', value: readUtf8(buf, pos + 1, cr) };
          pos = next;
          break;
        case 0x3a: {
          // : integer
          if (fast && num >= 0 && num < SHARED_INTEGERS) {
            v = sharedInteger(num);
            pos = next;
            break;
          }
          const n = fast ? num : parseInteger(buf, pos + 1, cr);
          if (n === undefined) this.fail('INVALID_INTEGER', pos + 1, 'Bad integer value', showLine(buf, pos + 1, cr));
          v = { type: 'integer', value: BigInt(n) };
          pos = next;
          break;
        }
        case 0x24: // $ bulk string
        case 0x21: // ! blob error
        case 0x3d: {
          // = verbatim string
          if (type !== 0x24 && this.protocol === 2) this.resp3InResp2(pos, type);
          const len = fast ? num : parseLength(buf, pos + 1, cr);
          if (len === -1 && type === 0x24) {
            v = NULL_BULK;
            pos = next;
            break;
          }
          if (!fast && cr === pos + 2 && buf[pos + 1] === 0x3f) this.fail('UNSUPPORTED_STREAMED', pos, 'Streamed strings ($?) are not supported (Redis 7.0 never sends them)');
          if (!(len >= 0) || len > this.maxBulkLen) {
            this.fail('INVALID_BULK_LENGTH', pos + 1, len > this.maxBulkLen ? `Bulk string length out of range (max ${this.maxBulkLen})` : 'Bad bulk string length', showLine(buf, pos + 1, cr));
          }
          const stop = next + len;
          if (stop + 2 > end) {
            this.need = base + stop + 2;
            break outer;
          }
          if (buf[stop] !== CR || buf[stop + 1] !== LF) {
            this.fail('EXPECTED_CRLF', buf[stop] !== CR ? stop : stop + 1, `Protocol error: expected CRLF after a ${len}-byte payload`, showByte(buf[stop] !== CR ? buf[stop] : buf[stop + 1]));
          }
          if (type === 0x24) v = { type: 'bulk', value: new Uint8Array(ab, bo + next, len) };
          else if (type === 0x21) v = { type: 'blobError', value: new Uint8Array(ab, bo + next, len) };
          else {
            if (len < 4 || buf[next + 3] !== 0x3a) {
              this.fail('INVALID_VERBATIM', next, 'Verbatim string 4 bytes of content type are missing or incorrectly encoded.', showLine(buf, next, Math.min(stop, next + 4)));
            }
            v = { type: 'verbatim', format: readUtf8(buf, next, next + 3), value: new Uint8Array(ab, bo + next + 4, len - 4) };
          }
          pos = stop + 2;
          break;
        }
        case 0x2a: // * array
        case 0x7e: // ~ set
        case 0x3e: // > push
        case 0x25: // % map
        case 0x7c: {
          // | attribute
          if (type !== 0x2a && this.protocol === 2) this.resp3InResp2(pos, type);
          const n = fast ? num : parseLength(buf, pos + 1, cr);
          if (n === -1 && type === 0x2a) {
            v = NULL_ARRAY;
            pos = next;
            break;
          }
          if (!fast && cr === pos + 2 && buf[pos + 1] === 0x3f) this.fail('UNSUPPORTED_STREAMED', pos, 'Streamed aggregates (*?) are not supported (Redis 7.0 never sends them)');
          if (!(n >= 0) || n > this.maxMultibulkLen) {
            this.fail('INVALID_MULTIBULK_LENGTH', pos + 1, n > this.maxMultibulkLen ? `Multi-bulk length out of range (max ${this.maxMultibulkLen})` : 'Bad multi-bulk length', showLine(buf, pos + 1, cr));
          }
          const kind = type === 0x2a ? K.Array : type === 0x7e ? K.Set : type === 0x3e ? K.Push : type === 0x25 ? K.Map : K.Attribute;
          const remaining = kind === K.Map ? 2 * n : kind === K.Attribute ? 2 * n + 1 : n;
          if (remaining === 0) {
            v = build(kind, []);
            pos = next;
            break;
          }
          if (stack.length >= this.maxDepth) {
            this.fail('NESTING_TOO_DEEP', pos, `No support for nested aggregates with depth > ${this.maxDepth}`);
          }
          stack.push({ kind, items: new Array<RespValue>(Math.min(remaining, 16)), filled: 0, remaining });
          pos = next;
          continue;
        }
        case 0x5f: // _ null
          if (this.protocol === 2) this.resp3InResp2(pos, type);
          if (cr !== pos + 1) this.fail('INVALID_NULL', pos + 1, 'Bad nil value', showLine(buf, pos + 1, cr));
          v = NULL;
          pos = next;
          break;
        case 0x23: {
          // # boolean
          if (this.protocol === 2) this.resp3InResp2(pos, type);
          const c = buf[pos + 1];
          if (cr !== pos + 2 || (c !== 0x74 && c !== 0x66)) this.fail('INVALID_BOOLEAN', pos + 1, 'Bad bool value', showLine(buf, pos + 1, cr));
          v = { type: 'boolean', value: c === 0x74 };
          pos = next;
          break;
        }
        case 0x2c: {
          // , double
          if (this.protocol === 2) this.resp3InResp2(pos, type);
          const d = parseDouble(readUtf8(buf, pos + 1, cr));
          if (d === undefined) this.fail('INVALID_DOUBLE', pos + 1, 'Bad double value', showLine(buf, pos + 1, cr));
          v = { type: 'double', value: d };
          pos = next;
          break;
        }
        case 0x28: {
          // ( big number
          if (this.protocol === 2) this.resp3InResp2(pos, type);
          const b = parseBignum(buf, pos + 1, cr);
          if (b === undefined) this.fail('INVALID_BIGNUM', pos + 1, 'Bad big number value', showLine(buf, pos + 1, cr));
          v = { type: 'bignum', value: b };
          pos = next;
          break;
        }
        default:
          this.unknownType(pos, type);
      }
      // A value is complete: hand it to the aggregate being filled, closing those it completes.
      // (Test the length first: reading stack[-1] of an empty array is a slow dictionary lookup.)
      for (;;) {
        if (stack.length === 0) {
          values.push(v);
          ends?.push(base + pos);
          break;
        }
        const top = stack[stack.length - 1]!;
        top.items[top.filled++] = v;
        if (--top.remaining > 0) break;
        stack.pop();
        v = build(top.kind, top.items);
      }
    }
    q.start = pos;
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

function build(kind: K, items: RespValue[]): RespValue {
  switch (kind) {
    case K.Array:
      return { type: 'array', value: items };
    case K.Set:
      return { type: 'set', value: items };
    case K.Push:
      return { type: 'push', value: items };
    case K.Map:
      return { type: 'map', value: pairs(items, items.length) };
    case K.Attribute:
      return { type: 'attribute', attributes: pairs(items, items.length - 1), value: items[items.length - 1]! };
  }
}

function pairs(items: RespValue[], n: number): [RespValue, RespValue][] {
  const out: [RespValue, RespValue][] = [];
  for (let i = 0; i < n; i += 2) out.push([items[i]!, items[i + 1]!]);
  return out;
}

function showLine(buf: Uint8Array, start: number, end: number): string {
  const shown = Math.min(end, start + 40);
  let s = '';
  for (let i = start; i < shown; i++) {
    const c = buf[i]!;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return JSON.stringify(s) + (end > shown ? '…' : '');
}

/** Decodes a complete buffer holding exactly whole values; throws on malformed or cut input. */
export function decodeAll(bytes: Uint8Array, options: RespDecoderOptions = {}): RespValue[] {
  const d = new RespDecoder(options);
  const values = d.push(bytes);
  d.end();
  return values;
}
