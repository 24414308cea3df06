/** Number parsing and formatting with Redis's rules (util.c string2ll, strtod checks, %.17g). */
// util.c string2ll and printf("%.17g") have one implementation in protolab: @protolab/redis-common.
import { string2ll } from '@protolab/redis-common';

export const LLONG_MAX = 9223372036854775807n;
export const LLONG_MIN = -9223372036854775808n;

/**
 * Fast path for small canonical integers (|v| < 2^53, exact as a number), else undefined: "0", or
 * an optional '-' then a digit 1-9 then digits (string2ll's canonical form; "-0", "01", "+1", " 1"
 * are refused). A digit loop, not a regex: this runs for every rank, count and counter argument.
 */
export function string2number(bin: string): number | undefined {
  const n = bin.length;
  if (n === 0 || n > 17) return undefined;
  const neg = bin.charCodeAt(0) === 0x2d; // '-'
  let i = neg ? 1 : 0;
  const first = bin.charCodeAt(i) - 0x30;
  if (!(first >= 1 && first <= 9)) return first === 0 && n === 1 ? 0 : undefined;
  let v = first;
  for (i++; i < n; i++) {
    const d = bin.charCodeAt(i) - 0x30;
    if (!(d >= 0 && d <= 9)) return undefined;
    v = v * 10 + d; // exact while below 2^53; above it stays >= 2^53 (rounding is monotone)
  }
  // 16 digits reach 9999999999999999 > 2^53: such values are not exact as numbers.
  if (v > Number.MAX_SAFE_INTEGER) return undefined;
  return neg ? -v : v;
}

const DEC_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/;
const INF = /^([+-]?)(?:inf|infinity)$/i;

/**
 * object.c getDoubleFromObject: strtod over the whole string; leading space, trailing bytes,
 * NaN, overflow to ±HUGE_VAL and underflow to 0 are all "not a valid float".
 */
export function parseDouble(bin: string): number | undefined {
  if (bin.length === 0) return undefined;
  // A canonical integer below 2^53 (most scores and increments) is its own double: no regex.
  const small = string2number(bin);
  return small !== undefined ? small : strtodWhole(bin);
}

/** parseDouble without the integer fast path (strtod's grammar by regex): exported for its property test. */
export function strtodWhole(bin: string): number | undefined {
  if (bin.length === 0) return undefined;
  const inf = INF.exec(bin);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  if (DEC_FLOAT.test(bin)) {
    const v = Number(bin);
    if (!Number.isFinite(v)) return undefined; // ERANGE overflow
    if (v === 0 && /[1-9]/.test(bin.replace(/[eE].*$/, ''))) return undefined; // ERANGE underflow
    return v;
  }
  const hex = HEX_FLOAT.exec(bin);
  if (hex) {
    const intPart = hex[2] ?? '';
    const frac = hex[3] ?? '';
    if (intPart.length + frac.length === 0) return undefined;
    let v = 0;
    for (const c of intPart) v = v * 16 + parseInt(c, 16);
    let scale = 1 / 16;
    for (const c of frac) {
      v += parseInt(c, 16) * scale;
      scale /= 16;
    }
    if (hex[4] !== undefined) v *= 2 ** Number(hex[4]);
    if (!Number.isFinite(v)) return undefined;
    return hex[1] === '-' ? -v : v;
  }
  return undefined;
}

/** Two rank arguments (LRANGE, ZRANGE …) as integers, or undefined when one is not (not-an-integer). */
export function rangeIndexes(startArg: string, endArg: string): [bigint | number, bigint | number] | undefined {
  // Fast path: both below 2^53 as numbers (no bigint allocation); normRange takes either.
  const s = string2number(startArg);
  const e = s === undefined ? undefined : string2number(endArg);
  if (s !== undefined && e !== undefined) return [s, e];
  const start = string2ll(startArg);
  const end = string2ll(endArg);
  if (start === undefined || end === undefined) return undefined;
  return [start, end];
}

/**
 * t_list.c / t_zset.c rank-range normalisation (negative = from the end, clamp to the length).
 * Returns [start, end] inclusive, or undefined when the range is empty.
 */
export function normRange(start: bigint | number, end: bigint | number, len: number): [number, number] | undefined {
  if (typeof start === 'number' && typeof end === 'number') {
    // |start|, |end| < 2^53 and len < 2^32: exact in numbers
    if (start < 0) start = len + start;
    if (end < 0) end = len + end;
    if (start < 0) start = 0;
    if (start > end || start >= len) return undefined;
    if (end >= len) end = len - 1;
    return [start, end];
  }
  return normRangeBig(BigInt(start), BigInt(end), len);
}

function normRangeBig(start: bigint, end: bigint, len: number): [number, number] | undefined {
  const n = BigInt(len);
  if (start < 0n) start = n + start;
  if (end < 0n) end = n + end;
  if (start < 0n) start = 0n;
  if (start > end || start >= n) return undefined;
  if (end >= n) end = n - 1n;
  return [Number(start), Number(end)];
}
