/**
 * util.c `string2ll` (Redis 7.0): the one place protolab decides whether text is a Redis integer.
 *
 * Redis accepts a string as a `long long` only in canonical form: an optional '-', then either
 * the single digit "0" or a first digit 1-9 followed by digits, at most 20 characters
 * (LONG_STR_SIZE - 1), in signed 64-bit range. So "-0", "007", "+5", " 1", "1 " and
 * "9223372036854775808" are all refused. The same function parses the `*<n>` and `$<n>` lengths
 * of a request (networking.c processMultibulkBuffer), INCRBY's argument (object.c
 * getLongLongFromObject), and decides whether a listpack or intset entry is an integer
 * (listpack.c lpStringToInt64 has the same rules).
 */

const ZERO = 0x30;
const NINE = 0x39;
const MINUS = 0x2d;
/** LONG_STR_SIZE is 21 in util.h: string2ll refuses 21 characters and more. */
const MAX_CHARS = 20;

/** Bytes or a binary string (one char per byte, as the keyspace stores keys and values). */
export type IntegerText = Uint8Array | string;

/**
 * string2ll over `s[start, end)`: the value as a JS number when it is a safe integer (below
 * 2^53 in magnitude), as a bigint beyond (exact over the whole int64 range), or undefined when
 * Redis would refuse the text.
 */
export function string2llNumber(s: IntegerText, start = 0, end = s.length): number | bigint | undefined {
  const len = end - start;
  if (len <= 0 || len > MAX_CHARS) return undefined;
  // One branch per call, so each loop below reads one kind of input (monomorphic, fast).
  return typeof s === 'string' ? fromText(s, start, end) : fromBytes(s, start, end);
}

function fromBytes(s: Uint8Array, start: number, end: number): number | bigint | undefined {
  if (end - start === 1 && s[start] === ZERO) return 0;
  const negative = s[start] === MINUS;
  let p = negative ? start + 1 : start;
  const first = s[p] ?? 0;
  if (p === end || first <= ZERO || first > NINE) return undefined;
  // 15 digits always fit a double exactly.
  const head = end - p <= 15 ? end : p + 15;
  let v = 0;
  for (; p < head; p++) {
    const c = s[p] ?? 0;
    if (c < ZERO || c > NINE) return undefined;
    v = v * 10 + (c - ZERO);
  }
  if (p === end) return negative ? -v : v;
  // 16–20 digits: the last 1–5 as a second number, then one bigint at most (a bigint per digit
  // cost ~10× more: issue 19's `:2^62` row).
  const tail = end - p;
  let lo = 0;
  for (; p < end; p++) {
    const c = s[p] ?? 0;
    if (c < ZERO || c > NINE) return undefined;
    lo = lo * 10 + (c - ZERO);
  }
  return joinDigits(v, lo, tail, negative);
}

function fromText(s: string, start: number, end: number): number | bigint | undefined {
  if (end - start === 1 && s.charCodeAt(start) === ZERO) return 0;
  const negative = s.charCodeAt(start) === MINUS;
  let p = negative ? start + 1 : start;
  const first = s.charCodeAt(p);
  if (p === end || !(first > ZERO && first <= NINE)) return undefined;
  for (let i = p; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < ZERO || c > NINE) return undefined;
  }
  const head = end - p <= 15 ? end : p + 15;
  let v = 0;
  for (; p < head; p++) v = v * 10 + (s.charCodeAt(p) - ZERO);
  if (p === end) return negative ? -v : v;
  const tail = end - p;
  let lo = 0;
  for (; p < end; p++) lo = lo * 10 + (s.charCodeAt(p) - ZERO);
  return joinDigits(v, lo, tail, negative);
}

const POW10 = [1, 10, 100, 1000, 10000, 100000] as const;
const TWO32 = 2 ** 32;
const TWO53 = 2 ** 53;
// A bigint beyond 2^53 is made by writing its two 32-bit words into this 8-byte buffer and reading
// it back as an int64: one allocation, where BigInt(head) * 10n ** k + BigInt(lo) makes four
// (20–39 ns against 59–76 ns per value on this machine, a scratch micro-benchmark).
const INT64 = new BigInt64Array(1);
const WORDS = new Uint32Array(INT64.buffer);
const LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const LOW = LITTLE ? 0 : 1;
const HIGH = 1 - LOW;

/**
 * The value of the digits `head` (the first 15, exact in a double) followed by `tail` (1–5) more
 * whose value is `lo` (string2ll's tail, exported for decoders that read the digits themselves). A number when its magnitude is below 2^53: the double arithmetic is then
 * exact (rounding is monotonic and 2^53 is a double, so a rounded result under 2^53 means an exact
 * one). Otherwise the magnitude is split exactly into 32-bit words (every partial product stays
 * under 2^53), refused outside int64 (-2^63 … 2^63 − 1), negated in two's complement, and read
 * back as one bigint.
 */
export function joinDigits(head: number, lo: number, tail: number, negative: boolean): number | bigint | undefined {
  const p10 = POW10[tail] ?? 1;
  const approx = head * p10 + lo;
  if (approx < TWO53) return negative ? -approx : approx;
  const headHigh = Math.floor(head / TWO32);
  const t = (head - headHigh * TWO32) * p10 + lo; // < 2^32 · 10^5 + 10^5 < 2^53: exact
  const tHigh = Math.floor(t / TWO32);
  let low = t - tHigh * TWO32;
  let high = headHigh * p10 + tHigh; // < 2^53: exact
  if (negative) {
    if (high > 0x80000000 || (high === 0x80000000 && low !== 0)) return undefined; // below -2^63
    if (low === 0) high = (TWO32 - high) % TWO32;
    else {
      low = TWO32 - low;
      high = TWO32 - 1 - high;
    }
  } else if (high >= 0x80000000) return undefined; // above 2^63 - 1
  WORDS[LOW] = low;
  WORDS[HIGH] = high;
  return INT64[0] ?? 0n;
}

/** string2ll over `s[start, end)` as the C function returns it: an exact int64 (a bigint), or undefined. */
export function string2ll(s: IntegerText, start = 0, end = s.length): bigint | undefined {
  const v = string2llNumber(s, start, end);
  return typeof v === 'number' ? BigInt(v) : v;
}
