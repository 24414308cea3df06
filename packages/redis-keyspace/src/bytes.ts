/**
 * Internally every Redis string (key, value, member, field) is a "binary string": a JS string
 * with one char per byte (char codes 0..255). V8 stores these one byte per char, Map hashes
 * them natively, and ASCII text needs no conversion at all. Bytes cross the API boundary as
 * Uint8Array; JS text given to the typed API or to `execute` is encoded as UTF-8, like a
 * Redis client does.
 */

import { KeyspaceError } from './types.js';

const NON_ASCII = /[\u0080-\uffff]/;
/**
 * Below this length a charCodeAt loop beats the regex (whose call costs ~30–60 ns on a fresh
 * short string; a 9-char key loops in ~15 ns); above it the compiled regex is faster.
 */
const ASCII_LOOP_MAX = 32;

/** True when every char is < 0x80. */
export function isAscii(s: string): boolean {
  const n = s.length;
  if (n > ASCII_LOOP_MAX) return !NON_ASCII.test(s);
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * Bytes → binary string. Past V8's longest string (2^29 − 24, t_string_range.ts STRING_MAX_BYTES)
 * a typed STRING_TOO_LONG error, not V8's untyped one (a RESTORE payload whose LZF string expands
 * that far answers "Bad data format").
 */
export function binFromBytes(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n > 0x1fffffe8) throw new KeyspaceError('STRING_TOO_LONG', `a ${n}-byte string is longer than the longest value (536870888 bytes)`);
  if (n < 64) {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[i] ?? 0);
    return s;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('latin1');
}

/** JS text → binary string of its UTF-8 bytes (identity for ASCII). */
export function binFromText(text: string): string {
  if (isAscii(text)) return text;
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A command argument (text or bytes) → binary string. */
export function toBin(arg: string | Uint8Array): string {
  return typeof arg === 'string' ? binFromText(arg) : binFromBytes(arg);
}

/** Binary string → fresh bytes. */
export function binToBytes(bin: string): Uint8Array {
  const n = bin.length;
  if (n < 64) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  const b = Buffer.from(bin, 'latin1');
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Binary string → JS text (UTF-8 decode; identity for ASCII). */
export function binToText(bin: string): string {
  if (isAscii(bin)) return bin;
  return Buffer.from(bin, 'latin1').toString('utf8');
}

/** Byte-wise comparison of two binary strings (memcmp order, as Redis's sdscmp). */
export function binCompare(a: string, b: string): number {
  // Char codes are 0..255, so JS's UTF-16 code-unit order is byte order.
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The argv as binary strings. ASCII text is its own binary string, so an argv of ASCII strings is
 * used as it is — copied, as the caller may reuse its array (MULTI queues it).
 */
export function argsToBin(argv: readonly (string | Uint8Array)[]): string[] {
  // The common case, every argument ASCII text: one check per argument, then one builtin copy.
  const n = argv.length;
  let i = 0;
  for (; i < n; i++) {
    const a = argv[i];
    if (typeof a !== 'string' || !isAscii(a)) break;
  }
  return i === n ? (argv.slice() as string[]) : argsToBinEach(argv);
}

function argsToBinEach(argv: readonly (string | Uint8Array)[]): string[] {
  const out: string[] = []; // packed, not holey: handlers index it
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    out.push(typeof a === 'string' && isAscii(a) ? a : argToBin(a, i));
  }
  return out;
}

/**
 * One argv element as a binary string. Anything but a string or a Uint8Array is refused with a
 * typed error before the command is looked up, so nothing runs or is queued (a MULTI stays intact).
 */
function argToBin(a: unknown, i: number): string {
  if (typeof a === 'string' || a instanceof Uint8Array) return toBin(a);
  const found = a === null ? 'null' : Array.isArray(a) ? 'an array' : typeof a;
  throw new KeyspaceError('BAD_ARGUMENT', `execute: argv[${i}] must be a string or a Uint8Array, found ${found}`);
}
