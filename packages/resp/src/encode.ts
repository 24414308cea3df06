/**
 * RESP encoder. `encode(value, { protocol })` writes a reply the way redis-server's addReply*
 * functions (networking.c) write it for a connection in RESP2 or RESP3 mode;
 * `encodeCommand(argv)` writes the request form a client sends (and the AOF stores):
 * `*<argc>\r\n` then `$<len>\r\n<bytes>\r\n` per argument, in one allocation.
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
import type { RespValue } from './types.js';
import { utf8Length, writeUtf8 } from './utf8.js';

export type RespProtocolVersion = 2 | 3;

export interface EncodeOptions {
  /** 2 (the default, as for a new Redis connection) or 3 (after HELLO 3). */
  readonly protocol?: RespProtocolVersion;
}

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
export function encode(value: RespValue, options: EncodeOptions = {}): Uint8Array {
  const w = new Writer(64);
  writeValue(w, value, options.protocol ?? 2);
  return w.buf.subarray(0, w.pos);
}

/** Encodes several values back to back (a pipelined stream of replies). */
export function encodeMany(values: Iterable<RespValue>, options: EncodeOptions = {}): Uint8Array {
  const w = new Writer(256);
  const protocol = options.protocol ?? 2;
  for (const v of values) writeValue(w, v, protocol);
  return w.buf.subarray(0, w.pos);
}

function line(w: Writer, type: number, s: string, what: string): void {
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

function bulk(w: Writer, type: number, b: Uint8Array): void {
  w.header(type, b.length);
  w.bytes(b);
  w.crlf();
}

function bulkAscii(w: Writer, s: string): void {
  w.header(T.bulk, s.length);
  w.ascii(s);
  w.crlf();
}

function writeValue(w: Writer, v: RespValue, p: RespProtocolVersion): void {
  switch (v.type) {
    case 'simple':
      line(w, T.simple, v.value, 'simple string');
      return;
    case 'error':
      line(w, T.error, v.value, 'simple error');
      return;
    case 'integer':
      w.header(T.integer, v.value);
      return;
    case 'bulk':
      bulk(w, T.bulk, v.value);
      return;
    case 'null':
      if (p === 3) w.ascii('_\r\n');
      else w.ascii(v.resp2 === 'array' ? '*-1\r\n' : '$-1\r\n');
      return;
    case 'array':
      w.header(T.array, v.value.length);
      for (const item of v.value) writeValue(w, item, p);
      return;
    case 'double':
      if (p === 3) {
        w.byte(T.double);
        w.ascii(formatDouble17g(v.value));
        w.crlf();
      } else bulkAscii(w, formatDouble17g(v.value));
      return;
    case 'boolean':
      if (p === 3) w.ascii(v.value ? '#t\r\n' : '#f\r\n');
      else w.ascii(v.value ? ':1\r\n' : ':0\r\n');
      return;
    case 'bignum':
      if (p === 3) w.header(T.bignum, v.value);
      else bulkAscii(w, v.value.toString());
      return;
    case 'verbatim':
      writeVerbatim(w, v.format, v.value, p);
      return;
    case 'blobError':
      if (p === 3) bulk(w, T.blobError, v.value);
      else line(w, T.error, new TextDecoder().decode(v.value), 'blob error sent to a RESP2 connection');
      return;
    case 'map':
      w.header(p === 3 ? T.map : T.array, p === 3 ? v.value.length : v.value.length * 2);
      for (const [k, val] of v.value) {
        writeValue(w, k, p);
        writeValue(w, val, p);
      }
      return;
    case 'set':
    case 'push':
      w.header(p === 3 ? T[v.type] : T.array, v.value.length);
      for (const item of v.value) writeValue(w, item, p);
      return;
    case 'attribute':
      if (p === 3) {
        w.header(T.attribute, v.attributes.length);
        for (const [k, val] of v.attributes) {
          writeValue(w, k, p);
          writeValue(w, val, p);
        }
      }
      writeValue(w, v.value, p);
      return;
  }
}

function writeVerbatim(w: Writer, format: string, payload: Uint8Array, p: RespProtocolVersion): void {
  if (p === 2) {
    bulk(w, T.bulk, payload);
    return;
  }
  if (format.length !== 3 || utf8Length(format) !== 3) {
    throw new RespEncodeError('INVALID_VERBATIM_FORMAT', `a verbatim string's format is exactly 3 bytes (like "txt"), found ${JSON.stringify(format)}`);
  }
  w.header(T.verbatim, payload.length + 4);
  w.ascii(format);
  w.byte(0x3a);
  w.bytes(payload);
  w.crlf();
}

// ---------------------------------------------------------------------------------------------
// Requests

export type CommandArg = string | Uint8Array | number | bigint;

/**
 * `*<argc>\r\n` + `$<len>\r\n<arg>\r\n`… in exactly one allocation (first pass sizes, second
 * writes). Strings are UTF-8; numbers and bigints are written in decimal, as Redis clients and
 * the AOF write integer arguments.
 */
export function encodeCommand(argv: readonly CommandArg[]): Uint8Array {
  const n = argv.length;
  // Numbers become their decimal text once; strings are measured once (long ones natively).
  const args = new Array<string | Uint8Array>(n);
  const lens = new Array<number>(n);
  let total = 3 + decimalLength(n);
  for (let i = 0; i < n; i++) {
    const a = argv[i]!;
    const arg = typeof a === 'string' || a instanceof Uint8Array ? a : numberText(a);
    const len = typeof arg === 'string' ? (arg.length < NATIVE_UTF8_FROM ? utf8Length(arg) : Buffer.byteLength(arg, 'utf8')) : arg.length;
    args[i] = arg;
    lens[i] = len;
    total += 5 + decimalLength(len) + len;
  }
  // Buffer.allocUnsafe takes small sizes from Node's shared pool: no ArrayBuffer per command.
  // Every byte is written below, so the uninitialised memory never shows.
  const out = Buffer.allocUnsafe(total);
  let p = 0;
  out[p++] = T.array;
  p = writeDecimal(out, p, n);
  out[p++] = CR;
  out[p++] = LF;
  for (let i = 0; i < n; i++) {
    const a = args[i]!;
    const len = lens[i]!;
    out[p++] = T.bulk;
    p = writeDecimal(out, p, len);
    out[p++] = CR;
    out[p++] = LF;
    if (typeof a === 'string') {
      if (a.length < NATIVE_UTF8_FROM) p = writeUtf8(out, p, a);
      else p += out.write(a, p, len, 'utf8');
    } else {
      out.set(a, p);
      p += len;
    }
    out[p++] = CR;
    out[p++] = LF;
  }
  return out;
}

/** Below this many UTF-16 units a JS loop beats a call into C++ (docs/toolchain.md, "Pitfalls met"). */
const NATIVE_UTF8_FROM = 32;

function numberText(a: number | bigint): string {
  if (typeof a === 'number' && !Number.isFinite(a)) {
    throw new RespEncodeError('INVALID_ARGUMENT', `a command argument must be a finite number, found ${a}`);
  }
  return a.toString();
}

function decimalLength(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

function writeDecimal(out: Uint8Array, p: number, n: number): number {
  const d = decimalLength(n);
  let q = p + d - 1;
  do {
    out[q--] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  return p + d;
}
