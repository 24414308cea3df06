/**
 * printf("%.17g") as glibc prints it: how Redis 7.0 writes a double wherever it turns one into
 * text — networking.c addReplyDouble (RESP3 `,` and the RESP2 bulk form of ZSCORE, ZINCRBY...),
 * rio.c rioWriteBulkDouble (ZADD scores in an AOF rewrite), object.c for scores kept as strings.
 * 7.2 later switched to the shortest round-trip form (fpconv_dtoa); 7.0, which protolab follows,
 * still prints 17 significant digits: 0.1 is "0.10000000000000001".
 */

const ZERO = 0x30;

/**
 * `%.17g` of `d`, including glibc's round-half-to-even when the exact binary value lies exactly
 * halfway between two 17-digit decimals (JS's toExponential rounds those ties up: 2^-25 prints
 * as 2.9802322387695312e-08 in C, ...313e-08 in JS). Infinities and NaN print as Redis writes
 * them: "inf", "-inf", "nan"; negative zero as "-0".
 */
export function formatDouble17g(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const sign = d < 0 ? '-' : '';
  const a = Math.abs(d);
  let [digits, exp] = splitExponential(a.toExponential(16));
  // A tie: the exact value has 18 significant digits ending in 5 and nothing after. (100
  // fraction digits are exact for every double toExponential is asked about here.)
  const [long, longExp] = splitExponential(a.toExponential(100));
  if (long.charCodeAt(17) === 0x35 && /^0*$/.test(long.slice(18)) && (long.charCodeAt(16) - ZERO) % 2 === 0) {
    // Round half to even: keep the truncated digits (truncating never carries).
    digits = long.slice(0, 17);
    exp = longExp;
  }
  if (exp < -4 || exp >= 17) {
    const mantissa = stripZeros(digits.length > 1 ? `${digits.slice(0, 1)}.${digits.slice(1)}` : digits);
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${e}`;
  }
  const fixed = exp >= 0 ? `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}` : `0.${'0'.repeat(-exp - 1)}${digits}`;
  return sign + stripZeros(fixed);
}

function splitExponential(s: string): [digits: string, exp: number] {
  const e = s.indexOf('e');
  return [s.slice(0, e).replace('.', ''), Number(s.slice(e + 1))];
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === ZERO) end--;
  if (s.charCodeAt(end - 1) === 0x2e) end--;
  return s.slice(0, end);
}

/**
 * printf("%.<digits>f") as glibc prints it (Redis's `%.2f` fields: DEBUG OBJECT's ql_avg_node,
 * INFO's usec_per_call and human sizes): the exact binary value rounded to `digits` decimals,
 * round-half-to-even on an exact tie (0.125 → "0.12", where JS's toFixed gives "0.13"); "inf",
 * "-inf", "nan" for the rest, as Redis prints them; the sign of -0 kept ("-0.00").
 */
export function formatFixed(d: number, digits: number): string {
  if (!Number.isInteger(digits) || digits < 0 || digits > 50) throw new RangeError(`formatFixed: digits ${digits} is not an integer in 0..50`);
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  const sign = d < 0 || Object.is(d, -0) ? '-' : '';
  const a = Math.abs(d);
  // toFixed writes exponents from 1e21 on: such doubles are integers, written exactly by BigInt.
  if (a >= 1e21) return `${sign}${BigInt(a).toString()}${digits > 0 ? `.${'0'.repeat(digits)}` : ''}`;
  // A tie: the exact value ends with a 5 right after the kept digits and nothing after it (50
  // more digits show any nonzero remainder: a double within 5·10^-(digits+1) of a tie differs
  // from it by at least 2^-53 of itself).
  const long = a.toFixed(Math.min(100, digits + 50));
  const cut = long.indexOf('.') + 1 + digits;
  if (long.charCodeAt(cut) === 0x35 && /^0*$/.test(long.slice(cut + 1))) {
    const kept = long.slice(0, digits === 0 ? cut - 1 : cut);
    if ((kept.charCodeAt(kept.length - 1) - ZERO) % 2 === 0) return sign + kept;
  }
  return sign + a.toFixed(digits);
}
