/**
 * x87 `long double` (64-bit mantissa, 15-bit exponent) for INCRBYFLOAT and HINCRBYFLOAT, which
 * Redis computes in long double and prints with "%.17Lf" (util.c string2ld / ld2string with
 * LD_STR_HUMAN). A JS double would print `10.5 + 0.1` as 10.59999999999999964; the real server
 * prints 10.6. Values are exact (m · 2^e with BigInt m), so rounding is IEEE round-half-even at
 * every step, as the FPU and glibc's strtold/printf do.
 */

/** A finite long double m · 2^e with 2^63 ≤ m < 2^64, or zero (m = 0). */
export interface LongDouble {
  readonly neg: boolean;
  readonly m: bigint;
  readonly e: number;
}

/** util.c MAX_LONG_DOUBLE_CHARS: string2ld refuses inputs this long or longer. */
export const MAX_LONG_DOUBLE_CHARS = 5 * 1024;
/** LDBL_MAX_EXP: |value| < 2^16384. */
const LDBL_MAX_EXP = 16384;
/** LDBL_MIN_EXP - LDBL_MANT_DIG: below 2^-16445 even a denormal is zero. */
const LDBL_MIN_BIN = -16445;
const MANT = 64n;
const TOP = 1n << 63n;

const DEC = /^([+-]?)(?:([0-9]+)\.?([0-9]*)|\.([0-9]+))(?:[eE]([+-]?[0-9]+))?$/;
const HEX = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?[0-9]+))?$/;
const INF = /^([+-]?)(?:inf|infinity)$/i;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Round the exact value n / d · 2^e2 (n, d > 0) to 64 mantissa bits, half to even. */
function roundRational(neg: boolean, n: bigint, d: bigint, e2: number): LongDouble | 'overflow' | 'underflow' {
  let s = 63 - (bitLength(n) - bitLength(d)); // scale so that the quotient has 64 bits
  let num = s >= 0 ? n << BigInt(s) : n;
  let den = s >= 0 ? d : d << BigInt(-s);
  if (num / den >= 1n << MANT) {
    s--;
    if (s >= 0) num >>= 1n;
    else den <<= 1n;
  } else if (num / den < TOP) {
    s++;
    if (s > 0) num <<= 1n;
    else den >>= 1n;
  }
  let q = num / den;
  const r2 = (num % den) * 2n;
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) q++;
  if (q === 1n << MANT) {
    q >>= 1n;
    s--;
  }
  const e = e2 - s;
  if (e + 64 > LDBL_MAX_EXP) return 'overflow';
  if (e + 64 < LDBL_MIN_BIN) return 'underflow';
  return { neg, m: q, e };
}

/**
 * util.c string2ld: strtold over the whole string. Refused (undefined): empty or ≥ 5 KiB input,
 * a leading space, trailing bytes, NaN, and overflow or underflow (ERANGE). "inf" parses as
 * infinity ('inf' result), which the callers then refuse with their own error.
 */
export function string2ld(s: string): LongDouble | 'inf' | '-inf' | undefined {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return undefined;
  const inf = INF.exec(s);
  if (inf) return inf[1] === '-' ? '-inf' : 'inf';
  let neg: boolean, digits: string, fracLen: number, exp: number, base: 10n | 16n;
  const dec = DEC.exec(s);
  const hex = dec ? null : HEX.exec(s);
  if (dec) {
    const int = dec[2] ?? '';
    const frac = dec[3] ?? dec[4] ?? '';
    [neg, digits, fracLen, exp, base] = [dec[1] === '-', int + frac, frac.length, Number(dec[5] ?? '0'), 10n];
  } else if (hex) {
    const int = hex[2] ?? '';
    const frac = hex[3] ?? hex[4] ?? '';
    [neg, digits, fracLen, exp, base] = [hex[1] === '-', int + frac, frac.length, Number(hex[5] ?? '0'), 16n];
  } else return undefined;
  const mant = BigInt((base === 16n ? '0x' : '') + (digits.replace(/^0+/, '') || '0'));
  if (mant === 0n) return { neg, m: 0n, e: 0 };
  let r: LongDouble | 'overflow' | 'underflow';
  if (base === 16n) {
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > 100_000) return undefined;
    r = roundRational(neg, mant, 1n, exp - 4 * fracLen);
  } else {
    const e10 = exp - fracLen;
    // Magnitude guard before building 10^|e10|: |value| ~ 10^(digits + e10).
    const mag = digits.replace(/^0+/, '').length + e10;
    if (!Number.isSafeInteger(e10) || mag > 4940) return undefined; // ERANGE, HUGE_VALL
    if (mag < -4960) return undefined; // ERANGE, zero
    r = e10 >= 0 ? roundRational(neg, mant * 10n ** BigInt(e10), 1n, 0) : roundRational(neg, mant, 10n ** BigInt(-e10), 0);
  }
  return typeof r === 'string' ? undefined : r;
}

/** Exact long double from a 64-bit integer (an int-encoded string object). */
export function ldFromBigint(v: bigint): LongDouble {
  if (v === 0n) return { neg: false, m: 0n, e: 0 };
  const r = roundRational(v < 0n, v < 0n ? -v : v, 1n, 0);
  if (typeof r === 'string') throw new RangeError('unreachable: a 64-bit integer fits a long double');
  return r;
}

/** a + b rounded to long double; 'inf' when the sum overflows. */
export function ldAdd(a: LongDouble, b: LongDouble): LongDouble | 'inf' {
  if (a.m === 0n) return b.m === 0n ? { neg: a.neg && b.neg, m: 0n, e: 0 } : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const av = (a.neg ? -a.m : a.m) << BigInt(a.e - e);
  const bv = (b.neg ? -b.m : b.m) << BigInt(b.e - e);
  const sum = av + bv;
  if (sum === 0n) return { neg: false, m: 0n, e: 0 };
  const r = roundRational(sum < 0n, sum < 0n ? -sum : sum, 1n, e);
  if (r === 'overflow') return 'inf';
  if (r === 'underflow') return { neg: sum < 0n, m: 0n, e: 0 };
  return r;
}

/**
 * util.c ld2string(LD_STR_HUMAN): printf "%.17Lf" (exact value rounded half to even at 17
 * decimals), then trailing zeros and a trailing '.' removed, and "-0" written as "0".
 */
export function ld2string(v: LongDouble): string {
  let intPart: bigint, frac: bigint;
  const SCALE = 10n ** 17n;
  if (v.e >= 0) {
    intPart = v.m << BigInt(v.e);
    frac = 0n;
  } else {
    const den = 1n << BigInt(-v.e);
    const num = v.m * SCALE;
    let q = num / den;
    const r2 = (num % den) * 2n;
    if (r2 > den || (r2 === den && (q & 1n) === 1n)) q++;
    intPart = q / SCALE;
    frac = q % SCALE;
  }
  let out = intPart.toString();
  if (frac !== 0n) out += '.' + frac.toString().padStart(17, '0').replace(/0+$/, '');
  if (v.neg && out !== '0') out = '-' + out;
  return out;
}
