/**
 * RESP encoder. `encode(value, { protocol })` writes a reply the way redis-server's addReply*
 * functions (networking.c) write it for a connection in RESP2 or RESP3 mode;
 * `encodeCommand(argv)` (encode-command.ts) writes the request form a client sends.
 *
 * RESP3-only values sent to a RESP2 connection are downgraded as Redis 7.0 does:
 *   map → flat array of 2n (addReplyMapLen), set and push → array (addReplySetLen,
 *   addReplyPushLen), double → bulk string of "%.17g" (addReplyDouble), boolean → :1 / :0
 *   (addReplyBool), bignum → bulk string (addReplyBigNum), verbatim → bulk string of the
 *   payload without its format (addReplyVerbatim), null → $-1 or *-1 (addReplyNull /
 *   addReplyNullArray), attribute → only the value it annotates (RESP2 has no attributes).
 *   A blob error (Redis 7.0 never sends one) goes to RESP2 as a simple error line.
 * In RESP3 every kind of null is `_\r\n` (shared.null[3] and shared.nullarray[3]).
 */
import { RespEncodeError } from './errors.js';
import { formatDouble17g } from '@protolab/redis-common';
import { DEFAULT_MAX_DEPTH } from './decode.js';
import type { AnyRespValue } from './types.js';
import { utf8Length, writeUtf8 } from './utf8.js';

export type RespProtocolVersion = 2 | 3;

export interface EncodeOptions {
  /** 2 (the default, as for a new Redis connection) or 3 (after HELLO 3). */
  readonly protocol?: RespProtocolVersion;
  /**
   * Deepest nesting of aggregates written (default 1000, the decoder's default limit, so that
   * what encode writes decodes with the defaults; at most 2000, the walk being recursive).
   * Deeper values, and cyclic ones, are refused with a RespEncodeError.
   */
  readonly maxDepth?: number;
}

/** The recursion bound of the encoder's walk, whatever maxDepth asks for. */
const MAX_ENCODE_DEPTH = 2000;

const CR = 13;
const LF = 10;

/** A growable byte sink. Only the encoder writes into it, so handing out subarrays is safe. */
class Writer {
  buf: Uint8Array;
  pos = 0;
  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }
  ascii(s: string): void {
    this.ensure(s.length);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }
  utf8(s: string): void {
    this.ensure(utf8Length(s));
    this.pos = writeUtf8(this.buf, this.pos, s);
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  crlf(): void {
    this.ensure(2);
    this.buf[this.pos++] = CR;
    this.buf[this.pos++] = LF;
  }
  /** `<type><decimal>\r\n`, the header of bulks and aggregates. */
  header(type: number, n: number | bigint): void {
    this.byte(type);
    this.ascii(n.toString());
    this.crlf();
  }
}

const T = {
  simple: 0x2b, // +
  error: 0x2d, // -
  integer: 0x3a, // :
  bulk: 0x24, // $
  array: 0x2a, // *
  null: 0x5f, // _
  double: 0x2c, // ,
  boolean: 0x23, // #
  bignum: 0x28, // (
  verbatim: 0x3d, // =
  blobError: 0x21, // !
  map: 0x25, // %
  set: 0x7e, // ~
  push: 0x3e, // >
  attribute: 0x7c, // |
} as const;

/** Encodes one reply value. Throws RespEncodeError for values RESP cannot carry. */
export function encode(value: AnyRespValue, options: EncodeOptions = {}): Uint8Array {
  const w = new Writer(64);
  walk(new Encoder(w, options), [value]);
  return w.buf.subarray(0, w.pos);
}

/** Encodes several values back to back (a pipelined stream of replies). */
export function encodeMany(values: Iterable<AnyRespValue>, options: EncodeOptions = {}): Uint8Array {
  const w = new Writer(256);
  walk(new Encoder(w, options), values);
  return w.buf.subarray(0, w.pos);
}

function walk(e: Encoder, values: Iterable<AnyRespValue>): void {
  try {
    for (const v of values) e.value(v, 0);
  } catch (err) {
    // A backstop: maxDepth keeps the recursion far from the JS stack's end, unless the caller
    // was already deep in its own stack.
    if (err instanceof RangeError) throw new RespEncodeError('NESTING_TOO_DEEP', `aggregates nested too deep for the JS stack (${err.message})`);
    throw err;
  }
}

function line(w: Writer, type: number, s: unknown, what: string): void {
  if (typeof s !== 'string') throw invalid(`a ${what} holds a string`, s);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === CR || c === LF) {
      throw new RespEncodeError('NEWLINE_IN_LINE', `a ${what} cannot contain CR or LF (found at index ${i}); use a bulk string`);
    }
  }
  w.byte(type);
  w.utf8(s);
  w.crlf();
}

function bulk(w: Writer, type: number, b: unknown): void {
  if (!(b instanceof Uint8Array)) throw invalid('a bulk payload is a Uint8Array', b);
  w.header(type, b.length);
  w.bytes(b);
  w.crlf();
}

function bulkAscii(w: Writer, s: string): void {
  w.header(T.bulk, s.length);
  w.ascii(s);
  w.crlf();
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** `:` takes a signed 64-bit integer (networking.c addReplyLongLong): a bigint or a safe integer. */
function integerText(n: unknown): string {
  if (typeof n === 'bigint' && n >= INT64_MIN && n <= INT64_MAX) return n.toString();
  if (typeof n === 'number' && Number.isSafeInteger(n)) return n.toString();
  throw invalid('an integer reply is a signed 64-bit integer (a bigint, or a number that is a safe integer)', n);
}

/** typeof, without narrowing a declared type to never (the input may not match its type). */
function isKind(x: unknown, kind: 'number' | 'bigint'): boolean {
  return typeof x === kind;
}

/** Array.isArray without narrowing a declared array type to never (the input may not match its type). */
function isArray(x: unknown): boolean {
  return Array.isArray(x);
}

function invalid(expected: string, found: unknown): RespEncodeError {
  let shown: string;
  if (typeof found === 'bigint') shown = `${found}n`;
  else if (typeof found === 'string') shown = JSON.stringify(found.slice(0, 40));
  else if (typeof found === 'number' || typeof found === 'boolean' || found === undefined) shown = String(found);
  else if (found === null) shown = 'null';
  else shown = Array.isArray(found) ? 'an array' : `a ${typeof found}`;
  return new RespEncodeError('INVALID_VALUE', `${expected}; found ${shown}`);
}

/** The recursive walk, with the nesting depth checked (and a cycle told apart from depth). */
class Encoder {
  private readonly p: RespProtocolVersion;
  private readonly maxDepth: number;
  /** The aggregates around the value being written: a cycle shows up as a repeat here. */
  private readonly path: unknown[] = [];

  constructor(
    private readonly w: Writer,
    options: EncodeOptions,
  ) {
    this.p = options.protocol ?? 2;
    this.maxDepth = Math.min(options.maxDepth ?? DEFAULT_MAX_DEPTH, MAX_ENCODE_DEPTH);
  }

  value(v: AnyRespValue, depth: number): void {
    const x: unknown = v;
    if (typeof x !== 'object' || x === null) throw invalid('a RESP value is an object with a type', x);
    const w = this.w;
    const p = this.p;
    switch (v.type) {
      case 'simple':
        line(w, T.simple, v.value, 'simple string');
        return;
      case 'error':
        line(w, T.error, v.value, 'simple error');
        return;
      case 'integer':
        w.byte(T.integer);
        w.ascii(integerText(v.value));
        w.crlf();
        return;
      case 'bulk':
        bulk(w, T.bulk, v.value);
        return;
      case 'null':
        if (p === 3) w.ascii('_\r\n');
        else w.ascii(v.resp2 === 'array' ? '*-1\r\n' : '$-1\r\n');
        return;
      case 'double':
        if (!isKind(v.value, 'number')) throw invalid('a double is a number', v.value);
        if (p === 2) bulkAscii(w, formatDouble17g(v.value));
        else {
          w.byte(T.double);
          w.ascii(formatDouble17g(v.value));
          w.crlf();
        }
        return;
      case 'boolean':
        if (p === 3) w.ascii(v.value ? '#t\r\n' : '#f\r\n');
        else w.ascii(v.value ? ':1\r\n' : ':0\r\n');
        return;
      case 'bignum':
        if (!isKind(v.value, 'bigint')) throw invalid('a big number is a bigint', v.value);
        if (p === 3) w.header(T.bignum, v.value);
        else bulkAscii(w, v.value.toString());
        return;
      case 'verbatim':
        writeVerbatim(w, v.format, v.value, p);
        return;
      case 'blobError':
        if (p === 3) bulk(w, T.blobError, v.value);
        else if (v.value instanceof Uint8Array) line(w, T.error, new TextDecoder().decode(v.value), 'blob error sent to a RESP2 connection');
        else throw invalid('a blob error payload is a Uint8Array', v.value);
        return;
      default:
        this.aggregate(v, depth);
    }
  }

  private aggregate(v: AnyRespValue, depth: number): void {
    const w = this.w;
    const p = this.p;
    this.enter(v, depth);
    switch (v.type) {
      case 'array':
      case 'set':
      case 'push':
        if (!isArray(v.value)) throw invalid(`an ${v.type}'s value is an array`, v.value);
        w.header(v.type === 'array' || p === 2 ? T.array : T[v.type], v.value.length);
        for (const item of v.value) this.value(item, depth + 1);
        break;
      case 'map':
        if (!isArray(v.value)) throw invalid("a map's value is an array of pairs", v.value);
        w.header(p === 3 ? T.map : T.array, p === 3 ? v.value.length : v.value.length * 2);
        this.pairs(v.value, depth);
        break;
      case 'attribute':
        if (p === 3) {
          if (!isArray(v.attributes)) throw invalid("an attribute's attributes are an array of pairs", v.attributes);
          w.header(T.attribute, v.attributes.length);
          this.pairs(v.attributes, depth);
        }
        this.value(v.value, depth + 1);
        break;
      default:
        throw new RespEncodeError('UNKNOWN_TYPE', `no RESP type is called ${JSON.stringify(String((v as { type: unknown }).type))}`);
    }
    this.path.length = depth;
  }

  private pairs(pairs: readonly (readonly [AnyRespValue, AnyRespValue])[], depth: number): void {
    for (const pair of pairs) {
      if (!isArray(pair) || (pair as readonly unknown[]).length !== 2) throw invalid('a map entry is a [key, value] pair', pair);
      this.value(pair[0], depth + 1);
      this.value(pair[1], depth + 1);
    }
  }

  /** Records `v` on the path; refuses it past maxDepth, telling a cycle from a deep value. */
  private enter(v: AnyRespValue, depth: number): void {
    if (depth >= this.maxDepth) {
      if (this.path.includes(v) || new Set(this.path).size < this.path.length) {
        throw new RespEncodeError('CYCLIC_VALUE', 'the value contains itself (a cycle), so it has no finite encoding');
      }
      throw new RespEncodeError('NESTING_TOO_DEEP', `aggregates nested deeper than ${this.maxDepth} (encode's maxDepth; a decoder refuses them by default too)`);
    }
    this.path[depth] = v;
  }
}

function writeVerbatim(w: Writer, format: unknown, payload: unknown, p: RespProtocolVersion): void {
  if (!(payload instanceof Uint8Array)) throw invalid('a verbatim payload is a Uint8Array', payload);
  if (p === 2) {
    bulk(w, T.bulk, payload);
    return;
  }
  if (typeof format !== 'string' || format.length !== 3 || utf8Length(format) !== 3) {
    throw new RespEncodeError('INVALID_VERBATIM_FORMAT', `a verbatim string's format is exactly 3 bytes (like "txt"), found ${JSON.stringify(format)}`);
  }
  w.header(T.verbatim, payload.length + 4);
  w.ascii(format);
  w.byte(0x3a);
  w.bytes(payload);
  w.crlf();
}

// ---------------------------------------------------------------------------------------------

export { encodeCommand, type CommandArg } from './encode-command.js';
