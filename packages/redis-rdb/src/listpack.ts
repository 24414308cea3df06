/**
 * Listpack (src/listpack.c), the compact container Redis 7.0 uses for small hashes, small zsets and
 * every quicklist node:
 *
 *   <uint32 LE total-bytes> <uint16 LE num-elements (65535 = unknown)> <entry>* <0xFF>
 *   entry = <encoding+data> <backlen: size of encoding+data, 1..5 bytes, 7 bits per byte>
 *
 * Element encodings (`lpEncodeGetType` / `lpEncodeString` / `lpCurrentEncodedSizeUnsafe`):
 *   0xxxxxxx                 7-bit unsigned int            (LP_ENCODING_7BIT_UINT)
 *   10xxxxxx + bytes         string, length < 64           (LP_ENCODING_6BIT_STR)
 *   110xxxxx yyyyyyyy        13-bit signed int             (LP_ENCODING_13BIT_INT)
 *   1110xxxx yyyyyyyy + bytes string, length < 4096        (LP_ENCODING_12BIT_STR)
 *   11110000 <4 bytes LE len> string                       (LP_ENCODING_32BIT_STR)
 *   0xF1/0xF2/0xF3/0xF4      int16/int24/int32/int64 LE    (LP_ENCODING_16/24/32/64BIT_INT)
 * A string that is the canonical text of an int64 (lpStringToInt64) is stored as an integer.
 */
import type { MemberSet } from './member-set.js';
import { RdbFormatError } from './errors.js';
import { bytesToAscii, intToBytes, parseDoubleText } from './bytes.js';

export const LP_HDR_SIZE = 6;
export const LP_EOF = 0xff;
export const LP_HDR_NUMELE_UNKNOWN = 65535;

function bad(at: number, msg: string): never {
  throw new RdbFormatError('BAD_LISTPACK', at, `listpack: ${msg}`);
}

/** Decoded listpack element: bytes for strings, a number/bigint for integer encodings. */
export type LpValue = Uint8Array | number | bigint;

/**
 * Walk a listpack blob. `at` is the blob's offset in the file (for error offsets only).
 * Validates the header, each entry against the blob bounds, each backlen, and the terminator.
 */
export function listpackDecode(lp: Uint8Array, at = 0): LpValue[] {
  const out: LpValue[] = [];
  listpackWalk(lp, at, out, false);
  return out;
}

/**
 * `listpackDecode` appending straight to `out` with integers already as decimal bytes
 * (`lpValueBytes`): no intermediate array per listpack. Returns how many elements it appended;
 * on a malformed blob it throws (and may have appended some).
 */
export function listpackDecodeBytesInto(lp: Uint8Array, at: number, out: Uint8Array[], start = out.length): number {
  return listpackWalk(lp, at, out, true, start);
}

/**
 * What `readEntry` found (module scope, so that reading an entry allocates nothing): an integer
 * element's value in `entInt`, or a string element's bytes at `buf[entStr, entStr + entStrLen)`
 * (`entStr` is -1 for integers).
 */
let entInt: number | bigint = 0;
let entStr = -1;
let entStrLen = 0;

/**
 * Check a listpack header for the blob `buf[off, off + len)`; returns the declared element count.
 * `at` is the blob's offset in the file (errors give file offsets).
 */
function readHeader(buf: Uint8Array, off: number, len: number, at: number): number {
  if (len < LP_HDR_SIZE + 1) bad(at, `blob of ${len} bytes is shorter than the 7-byte minimum`);
  const total = ((buf[off] ?? 0) | ((buf[off + 1] ?? 0) << 8) | ((buf[off + 2] ?? 0) << 16) | ((buf[off + 3] ?? 0) << 24)) >>> 0;
  if (total !== len) bad(at, `header says ${total} bytes, blob has ${len}`);
  return (buf[off + 4] ?? 0) | ((buf[off + 5] ?? 0) << 8);
}

/**
 * Read and check the entry at `buf[p]` (its encoding, its data within `end`, its backlen) and
 * return where the next one starts; what it holds goes to `entInt` / `entStr` / `entStrLen`.
 * `rel` turns a buffer index into a file offset for errors.
 */
function readEntry(buf: Uint8Array, p: number, end: number, rel: number): number {
  const start = p;
  const b = (buf[p] ?? 0);
  entStr = -1;
  if (b < 0x80) {
    entInt = b;
    p += 1;
  } else if (b < 0xc0) {
    const n = b & 0x3f;
    p += 1;
    if (p + n > end) bad(rel + start, `6-bit string of ${n} bytes runs past the end`);
    entStr = p;
    entStrLen = n;
    p += n;
  } else if (b < 0xe0) {
    if (p + 2 > end) bad(rel + start, '13-bit int runs past the end');
    const v = ((b & 0x1f) << 8) | (buf[p + 1] ?? 0);
    entInt = v >= 4096 ? v - 8192 : v;
    p += 2;
  } else if (b < 0xf0) {
    if (p + 2 > end) bad(rel + start, '12-bit string header runs past the end');
    const n = ((b & 0x0f) << 8) | (buf[p + 1] ?? 0);
    p += 2;
    if (p + n > end) bad(rel + start, `12-bit string of ${n} bytes runs past the end`);
    entStr = p;
    entStrLen = n;
    p += n;
  } else if (b === 0xf0) {
    if (p + 5 > end) bad(rel + start, '32-bit string header runs past the end');
    const n = ((buf[p + 1] ?? 0) | ((buf[p + 2] ?? 0) << 8) | ((buf[p + 3] ?? 0) << 16) | ((buf[p + 4] ?? 0) << 24)) >>> 0;
    p += 5;
    if (p + n > end) bad(rel + start, `32-bit string of ${n} bytes runs past the end`);
    entStr = p;
    entStrLen = n;
    p += n;
  } else if (b === 0xf1) {
    if (p + 3 > end) bad(rel + start, 'int16 runs past the end');
    entInt = (((buf[p + 1] ?? 0) | ((buf[p + 2] ?? 0) << 8)) << 16) >> 16;
    p += 3;
  } else if (b === 0xf2) {
    if (p + 4 > end) bad(rel + start, 'int24 runs past the end');
    entInt = (((buf[p + 1] ?? 0) | ((buf[p + 2] ?? 0) << 8) | ((buf[p + 3] ?? 0) << 16)) << 8) >> 8;
    p += 4;
  } else if (b === 0xf3) {
    if (p + 5 > end) bad(rel + start, 'int32 runs past the end');
    entInt = (buf[p + 1] ?? 0) | ((buf[p + 2] ?? 0) << 8) | ((buf[p + 3] ?? 0) << 16) | ((buf[p + 4] ?? 0) << 24);
    p += 5;
  } else if (b === 0xf4) {
    if (p + 9 > end) bad(rel + start, 'int64 runs past the end');
    const v = new DataView(buf.buffer, buf.byteOffset + p + 1, 8).getBigInt64(0, true);
    entInt = Number.isSafeInteger(Number(v)) ? Number(v) : v;
    p += 9;
  } else {
    bad(rel + start, `unknown entry encoding 0x${b.toString(16)}`);
  }
  // backlen: the size of encoding+data, written most significant 7-bit group first
  const size = p - start;
  const blen = backlenSize(size);
  if (p + blen > end) bad(rel + start, 'backlen runs past the end');
  if (readBacklen(buf, p, blen) !== size) bad(rel + p, `backlen does not match the entry size ${size}`);
  return p + blen;
}

/** The checks after the last entry: the terminator, and the header's count when it is known. */
function checkEnd(buf: Uint8Array, p: number, end: number, rel: number, at: number, declared: number, count: number): void {
  if (p !== end || buf[end] !== LP_EOF) bad(rel + end, `expected the 0xFF terminator, found 0x${(buf[end] ?? 0).toString(16)}`);
  if (declared !== LP_HDR_NUMELE_UNKNOWN && declared !== count) bad(at + 4, `header says ${declared} elements, found ${count}`);
}

/** Appends at `out[start]`, `out[start + 1]`, ... (`start` = out.length to push; 0 to fill an array made with the declared count). */
function listpackWalk(lp: Uint8Array, at: number, out: LpValue[], asBytes: boolean, start = out.length): number {
  const declared = readHeader(lp, 0, lp.length, at);
  let count = 0;
  let p = LP_HDR_SIZE;
  const end = lp.length - 1;
  while (p < end) {
    p = readEntry(lp, p, end, at);
    out[start + count] = entStr >= 0 ? new Uint8Array(lp.buffer, lp.byteOffset + entStr, entStrLen) : asBytes ? intToBytes(entInt) : entInt;
    count++;
  }
  checkEnd(lp, p, end, at, at, declared, count);
  return count;
}

/** What `listpackScan` learned besides the element count (one reused object, no allocation per call). */
export interface LpScanResult {
  /** the longest element as Redis holds it in bytes (integers as their decimal text), for the hash thresholds */
  maxLen: number;
  /** zset mode: index in the buffer of the first odd (score) element whose text does not parse, else -1 */
  badScoreAt: number;
  /** ... and its length */
  badScoreLen: number;
  /** with a `MemberSet`: index of the first even element (hash field, zset member) seen before, else -1 */
  dupIndex?: number;
}

/**
 * Validate the listpack held in `buf[off, off + len)` exactly as `listpackDecode` would (the same
 * `readEntry` checks, so the same `RdbFormatError` code and offset), without creating any object:
 * this is how the decoder keeps a listpack packed (as rdbLoadObject does with
 * `lpValidateIntegrity`) and expands it only when `value` is first read. Returns the element count;
 * fills `res`. With `zset`, every odd element (a score) that is a string is checked to parse as
 * `scoreOf` would, the first failure recorded in `res.badScoreAt` (not thrown: the caller raises it
 * after the odd-count check, in the order the eager decoder did). With `dups` (reset by the caller),
 * the first even element (hash field / zset member) already seen is recorded in `res.dupIndex`.
 */
export function listpackScan(buf: Uint8Array, off: number, len: number, at: number, res: LpScanResult, zset: boolean, dups?: MemberSet): number {
  res.maxLen = 0;
  res.badScoreAt = -1;
  res.badScoreLen = 0;
  res.dupIndex = -1;
  const declared = readHeader(buf, off, len, at);
  let count = 0;
  let maxLen = 0;
  let p = off + LP_HDR_SIZE;
  const end = off + len - 1;
  // error offsets are relative to the blob, as in listpackWalk
  const rel = at - off;
  while (p < end) {
    p = readEntry(buf, p, end, rel);
    // the element's length as Redis holds it: integers as their decimal text
    const textLen = entStr >= 0 ? entStrLen : typeof entInt === 'number' ? decimalLength(entInt) : entInt.toString().length;
    if (textLen > maxLen) maxLen = textLen;
    if (zset && (count & 1) === 1 && entStr >= 0 && res.badScoreAt < 0 && !scoreTextParses(buf, entStr, textLen)) {
      res.badScoreAt = entStr;
      res.badScoreLen = textLen;
    }
    // lpValidateIntegrityAndDups (deep): every field / member once
    if (dups !== undefined && (count & 1) === 0 && res.dupIndex < 0) {
      const fresh = entStr >= 0 ? dups.add(buf, entStr, entStrLen) : dups.addInt(entInt);
      if (!fresh) res.dupIndex = count;
    }
    count++;
  }
  checkEnd(buf, p, end, rel, at, declared, count);
  res.maxLen = maxLen;
  return count;
}

/** Number of characters of the decimal text of a safe integer (ll2string's length). */
function decimalLength(v: number): number {
  let n = 1;
  if (v < 0) {
    n = 2;
    v = -v;
  }
  while (v >= 10) {
    v = Math.floor(v / 10);
    n++;
  }
  return n;
}

/**
 * Would `parseDoubleText(bytesToAscii(buf[s, s + n)))` return a number? The texts Redis writes
 * (`d2string`: an optional '-', digits, an optional '.' and digits, an optional exponent) are
 * recognised byte by byte; anything else takes the exact slow path.
 */
function scoreTextParses(buf: Uint8Array, s: number, n: number): boolean {
  let p = s;
  const e = s + n;
  if (p < e && buf[p] === 0x2d) p++;
  const intStart = p;
  while (p < e && (buf[p] ?? 0) >= 0x30 && (buf[p] ?? 0) <= 0x39) p++;
  let digits = p - intStart;
  if (p < e && buf[p] === 0x2e) {
    p++;
    const fracStart = p;
    while (p < e && (buf[p] ?? 0) >= 0x30 && (buf[p] ?? 0) <= 0x39) p++;
    digits += p - fracStart;
  }
  if (digits > 0 && p < e && (buf[p] === 0x65 || buf[p] === 0x45)) {
    p++;
    if (p < e && (buf[p] === 0x2b || buf[p] === 0x2d)) p++;
    const expStart = p;
    while (p < e && (buf[p] ?? 0) >= 0x30 && (buf[p] ?? 0) <= 0x39) p++;
    if (p === expStart) return parseDoubleText(bytesToAscii(buf.subarray(s, e))) !== undefined;
  }
  if (digits > 0 && p === e) return true;
  return parseDoubleText(bytesToAscii(buf.subarray(s, e))) !== undefined;
}

function readBacklen(lp: Uint8Array, p: number, n: number): number {
  let v = (lp[p] ?? 0) & 0x7f;
  for (let i = 1; i < n; i++) {
    if (((lp[p + i] ?? 0) & 0x80) === 0) return -1;
    v = v * 128 + ((lp[p + i] ?? 0) & 0x7f);
  }
  return v;
}

/** lpEncodeBacklen: number of backlen bytes for an entry of `l` bytes. */
export function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** A listpack element as bytes: integer encodings become their decimal text (lpGetValue + ll2string). */
export function lpValueBytes(v: LpValue): Uint8Array {
  return typeof v === 'object' ? v : intToBytes(v);
}
