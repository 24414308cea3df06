/** Byte helpers shared by the codec: canonical integers, decimal text, doubles as Redis prints them. */
import { formatDouble17g } from '@protolab/redis-common';

// util.c string2ll (listpack's lpStringToInt64 has the same rules) lives once, in
// @protolab/redis-common; the codec's modules keep importing it from here under this name.
export { string2llNumber as parseCanonicalInt } from '@protolab/redis-common';

const ZERO = 0x30;
const MINUS = 0x2d;

// Small decoded values come out of a shared 64 KB pool as views (one cheap object each) instead of
// one ArrayBuffer each: allocating an ArrayBuffer costs far more than the bytes in it.
const POOL_SIZE = 64 * 1024;
let pool = new Uint8Array(POOL_SIZE);
let poolOff = 0;

/**
 * The largest byte array one allocation in this package may make (Node 20's typed-array limit,
 * `buffer.constants.MAX_LENGTH` = 2^32). A decoded length beyond it is refused as BAD_LENGTH /
 * LZF_CORRUPT before anything is allocated, never left to V8's untyped RangeError.
 */
export const MAX_BYTE_ARRAY_LENGTH = 2 ** 32;

/**
 * Size of the largest single allocation made by `allocBytes` since the last `resetAllocationMeter`
 * (the bounded-allocation property reads it: no allocation may exceed what the input justifies).
 */
export const allocationMeter = { largest: 0 };

export function resetAllocationMeter(): void {
  allocationMeter.largest = 0;
}

/**
 * bytes [start, end) of `b` as a view, for ranges already checked to lie inside `b`. The
 * Uint8Array constructor, not `subarray`: subarray looks up the species constructor on every call,
 * which made it the costliest step of expanding millions of small items (issue 19).
 */
export function view(b: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset + start, end - start);
}

/** A fresh n-byte array; small ones are views into a shared pool (never reused once handed out). */
export function allocBytes(n: number): Uint8Array {
  if (n > 4096) {
    if (n > allocationMeter.largest) allocationMeter.largest = n;
    return new Uint8Array(n);
  }
  if (poolOff + n > POOL_SIZE) {
    pool = new Uint8Array(POOL_SIZE);
    poolOff = 0;
  }
  const out = new Uint8Array(pool.buffer, poolOff, n);
  poolOff += n;
  return out;
}

const SMALL_INTS: Uint8Array[] = [];
for (let i = 0; i < 10000; i++) SMALL_INTS.push(asciiBytes(String(i)));

/** Decimal text of an integer as bytes (`ll2string`). Small non-negative values come from a cache: do not mutate. */
export function intToBytes(v: number | bigint): Uint8Array {
  if (typeof v === 'number') {
    const cached = v >= 0 && v < 10000 ? SMALL_INTS[v] : undefined;
    if (cached !== undefined) return cached;
    if (Number.isSafeInteger(v)) return safeIntToBytes(v);
  }
  return asciiBytes(String(v));
}

/** ll2string for a safe integer, digits written straight into the pool (no intermediate string). */
function safeIntToBytes(v: number): Uint8Array {
  const neg = v < 0;
  let u = neg ? -v : v;
  let digits = 1;
  for (let t = u; t >= 10; t = Math.floor(t / 10)) digits++;
  const n = neg ? digits + 1 : digits;
  const out = allocBytes(n);
  if (neg) out[0] = MINUS;
  for (let i = n - 1; i >= n - digits; i--) {
    const q = Math.floor(u / 10);
    out[i] = ZERO + (u - q * 10);
    u = q;
  }
  return out;
}

export function asciiBytes(s: string): Uint8Array {
  const out = allocBytes(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function bytesToAscii(b: Uint8Array): string {
  if (b.length <= 4096) return String.fromCharCode.apply(null, b as unknown as number[]);
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode.apply(null, b.subarray(i, i + 4096) as unknown as number[]);
  return s;
}

const utf8 = new TextEncoder();
/** Convenience for callers: a JS string as UTF-8 bytes. */
export function bytes(s: string | Uint8Array): Uint8Array {
  return typeof s === 'string' ? utf8.encode(s) : s;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** memcmp-then-length order, as Redis's `sdscmp` (used for zset members with equal scores). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Zset order: score ascending, then member bytes (zslInsert / zzlInsert). */
export function compareZsetItems(a: { member: Uint8Array; score: number }, b: { member: Uint8Array; score: number }): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return compareBytes(a.member, b.member);
}

/**
 * Redis 7.0 `d2string` (util.c), used to store zset scores inside a listpack: "nan", "inf", "-inf",
 * integers in (-(2^52-1), 2^52) through ll2string, everything else with printf("%.17g").
 */
export function d2string(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  // -0.0 takes the integer branch (-0.0 == (double)(long long)-0.0) and prints "0": a real 7.0.15
  // answers ZSCORE "0" for a listpack member added with score -0.0.
  if (value === 0) return '0';
  if (value > -4503599627370495 && value < 4503599627370496 && Number.isInteger(value)) return String(value);
  return formatDouble17g(value);
}

/**
 * util.c double2ll (7.0): the decimal text of the integer `value` converts to exactly, when it is
 * integral and within ±LLONG_MAX/2; undefined otherwise. -0.0 converts to "0".
 */
export function double2ll(value: number): string | undefined {
  const HALF_LLONG_MAX = 2 ** 62; // (double)(LLONG_MAX/2): 4611686018427387903 rounds to 2^62
  if (!Number.isFinite(value) || value < -HALF_LLONG_MAX || value > HALF_LLONG_MAX) return undefined;
  if (!Number.isInteger(value)) return undefined;
  return value === 0 ? '0' : BigInt(value).toString();
}

/** Parse a score the way `strtod` does for the texts Redis writes ("inf", "-inf", "nan", decimals). */
export function parseDoubleText(s: string): number | undefined {
  // fast path: plain decimal text (what d2string writes for finite scores)
  let plain = s.length > 0;
  for (let i = 0; i < s.length && plain; i++) {
    const c = s.charCodeAt(i);
    plain = (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x65 || c === 0x45;
  }
  if (plain) {
    const v = Number(s);
    if (!Number.isNaN(v)) return v;
  }
  const t = s.toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (t === 'nan' || t === '-nan') return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}
