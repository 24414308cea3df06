/**
 * The request form a client sends (and the AOF stores): `*<argc>\r\n` then `$<len>\r\n<bytes>\r\n`
 * per argument, in one allocation — what hiredis's redisFormatCommandArgv writes and what
 * networking.c processMultibulkBuffer reads.
 */
import { RespEncodeError } from './errors.js';
import { utf8Length, writeUtf8 } from './utf8.js';

const CR = 13;
const LF = 10;
const ARRAY = 0x2a; // *
const BULK = 0x24; // $

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
    const a = argv[i] ?? '';
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
  out[p++] = ARRAY;
  p = writeDecimal(out, p, n);
  out[p++] = CR;
  out[p++] = LF;
  for (let i = 0; i < n; i++) {
    const a = args[i] ?? '';
    const len = lens[i] ?? 0;
    out[p++] = BULK;
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
