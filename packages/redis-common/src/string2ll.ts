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
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

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
  // 15 digits always fit a double exactly; longer ones go through bigint for the range check.
  if (end - p <= 15) {
    let v = 0;
    for (; p < end; p++) {
      const c = s[p] ?? 0;
      if (c < ZERO || c > NINE) return undefined;
      v = v * 10 + (c - ZERO);
    }
    return negative ? -v : v;
  }
  let v = 0n;
  for (; p < end; p++) {
    const c = s[p] ?? 0;
    if (c < ZERO || c > NINE) return undefined;
    v = v * 10n + BigInt(c - ZERO);
  }
  return inInt64(negative ? -v : v);
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
  if (end - p <= 15) {
    let v = 0;
    for (; p < end; p++) v = v * 10 + (s.charCodeAt(p) - ZERO);
    return negative ? -v : v;
  }
  const v = BigInt(s.slice(p, end));
  return inInt64(negative ? -v : v);
}

function inInt64(v: bigint): number | bigint | undefined {
  if (v < INT64_MIN || v > INT64_MAX) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

/** string2ll over `s[start, end)` as the C function returns it: an exact int64 (a bigint), or undefined. */
export function string2ll(s: IntegerText, start = 0, end = s.length): bigint | undefined {
  const v = string2llNumber(s, start, end);
  return typeof v === 'number' ? BigInt(v) : v;
}
