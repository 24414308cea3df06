/**
 * Number parsing and formatting with Redis's own rules.
 *
 * - `parseLength` / `parseInteger` follow util.c `string2ll`: an optional '-', then no leading
 *   zero (a lone "0" is fine, "-0" is not), no '+', no spaces, and the value must fit a signed
 *   64-bit integer. Redis uses string2ll for the `*` and `$` lengths of a request
 *   (networking.c processMultibulkBuffer); hiredis uses it for reply lengths and integers.
 * - `formatDouble` is printf's `%.17g`, which Redis 7.0 uses for RESP3 doubles and for the
 *   bulk-string form of doubles in RESP2 (networking.c addReplyDouble). 7.2 switched to the
 *   shortest round-trip form; 7.0.15, the version we compare with, still prints 17 digits.
 */

const ZERO = 0x30;
const NINE = 0x39;
const MINUS = 0x2d;
const I64_MAX_DIGITS = '9223372036854775807';
const I64_MIN_DIGITS = '9223372036854775808';

/**
 * string2ll over bytes [start, end). Returns the value as a JS number (exact up to 2^53, and
 * approximate but correctly ordered above), or NaN when string2ll would fail.
 */
export function parseLength(buf: Uint8Array, start: number, end: number): number {
  const len = end - start;
  if (len <= 0 || len > 21) return NaN;
  let p = start;
  let negative = false;
  if (buf[p] === MINUS) {
    negative = true;
    p++;
    if (p === end) return NaN;
  }
  const first = buf[p]!;
  if (first === ZERO) return len === 1 ? 0 : NaN;
  if (first < ZERO + 1 || first > NINE) return NaN;
  let v = first - ZERO;
  p++;
  for (; p < end; p++) {
    const c = buf[p]!;
    if (c < ZERO || c > NINE) return NaN;
    v = v * 10 + (c - ZERO);
  }
  const digits = end - start - (negative ? 1 : 0);
  if (digits > 19) return NaN;
  if (digits === 19 && !fitsI64(buf, end - 19, negative)) return NaN;
  return negative ? -v : v;
}

function fitsI64(buf: Uint8Array, start: number, negative: boolean): boolean {
  const limit = negative ? I64_MIN_DIGITS : I64_MAX_DIGITS;
  for (let i = 0; i < 19; i++) {
    const c = buf[start + i]!;
    const l = limit.charCodeAt(i);
    if (c !== l) return c < l;
  }
  return true;
}

/** string2ll as a bigint (for `:` integer replies), or undefined when it would fail. */
export function parseInteger(buf: Uint8Array, start: number, end: number): bigint | undefined {
  const n = parseLength(buf, start, end);
  if (Number.isNaN(n)) return undefined;
  if (Number.isSafeInteger(n)) return BigInt(n);
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return BigInt(s);
}

/** RESP3 big number: an optional '-' then at least one digit (no other characters). */
export function parseBignum(buf: Uint8Array, start: number, end: number): bigint | undefined {
  let p = start;
  if (buf[p] === MINUS) p++;
  if (p >= end) return undefined;
  let s = '';
  for (let i = p; i < end; i++) {
    const c = buf[i]!;
    if (c < ZERO || c > NINE) return undefined;
    s += String.fromCharCode(c);
  }
  const v = BigInt(s);
  return buf[start] === MINUS ? -v : v;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * RESP3 double line, as hiredis read.c accepts it: "inf", "-inf", "nan" (any case), or a decimal
 * number that strtod reads in full and that is finite. Undefined when invalid.
 */
export function parseDouble(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan' || lower === '-nan') return NaN;
  if (!DECIMAL.test(text)) return undefined;
  const d = Number(text);
  return Number.isFinite(d) ? d : undefined;
}

/**
 * printf("%.17g", d) as glibc prints it, including round-half-even when the exact binary value
 * lies exactly halfway between two 17-digit decimals (JS's toExponential rounds those up).
 * Infinities and NaN print as Redis writes them in RESP3: "inf", "-inf", "nan".
 */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const negative = d < 0;
  const a = Math.abs(d);
  let [digits, exp] = splitExponential(a.toExponential(16));
  // Tie check: 18 significant digits ending in 5 with nothing after, exactly.
  const [long] = splitExponential(a.toExponential(100));
  if (long.charCodeAt(17) === 0x35 && /^0*$/.test(long.slice(18))) {
    const lastKept = long.charCodeAt(16) - ZERO;
    if (lastKept % 2 === 0) {
      // Round half to even: keep the truncated digits (no carry is possible when truncating).
      digits = long.slice(0, 17);
      exp = splitExponential(a.toExponential(100))[1];
    }
  }
  const sign = negative ? '-' : '';
  if (exp < -4 || exp >= 17) {
    const mant = stripZeros(digits.length > 1 ? `${digits[0]!}.${digits.slice(1)}` : digits);
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e}`;
  }
  let fixed: string;
  if (exp >= 0) {
    fixed = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  } else {
    fixed = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return sign + stripZeros(fixed);
}

function splitExponential(s: string): [digits: string, exp: number] {
  const e = s.indexOf('e');
  const mant = s.slice(0, e).replace('.', '');
  return [mant, Number(s.slice(e + 1))];
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === ZERO) end--;
  if (s.charCodeAt(end - 1) === 0x2e) end--;
  return s.slice(0, end);
}
