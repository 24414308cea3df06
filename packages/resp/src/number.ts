/**
 * Number parsing with Redis's own rules, on top of the one util.c `string2ll` in
 * @protolab/redis-common: an optional '-', then no leading zero (a lone "0" is fine, "-0" is
 * not), no '+', no spaces, at most 20 characters, within signed 64 bits. Redis uses string2ll for
 * the `*` and `$` lengths of a request (networking.c processMultibulkBuffer); hiredis (read.c
 * processLineItem / processBulkItem / processAggregateItem) uses it for reply lengths and integers.
 * Doubles are printed by redis-common's `formatDouble17g` (printf "%.17g", as Redis 7.0 does).
 */
import { string2llNumber } from '@protolab/redis-common';

const ZERO = 0x30;
const NINE = 0x39;
const MINUS = 0x2d;

/**
 * string2ll over bytes [start, end) as a length: a JS number (exact up to 2^53, approximate but
 * correctly ordered and signed above, which is past every length limit anyway), or NaN when
 * string2ll would fail.
 */
export function parseLength(buf: Uint8Array, start: number, end: number): number {
  const v = string2llNumber(buf, start, end);
  return v === undefined ? NaN : Number(v);
}

/** string2ll for a `:` integer reply: exact, or undefined when it would fail. */
export function parseInteger(buf: Uint8Array, start: number, end: number): number | bigint | undefined {
  return string2llNumber(buf, start, end);
}

/**
 * RESP3 big number: an optional '-' then at least one digit (no other characters). Undefined when
 * invalid. The caller bounds the length: turning n decimal digits into a bigint costs more than
 * O(n) in V8, so a hostile line must not reach here unbounded.
 */
export function parseBignum(buf: Uint8Array, start: number, end: number): bigint | undefined {
  const negative = buf[start] === MINUS;
  const p = negative ? start + 1 : start;
  if (p >= end) return undefined;
  let s = '';
  for (let i = p; i < end; i++) {
    const c = buf[i] ?? 0;
    if (c < ZERO || c > NINE) return undefined;
    s += String.fromCharCode(c);
  }
  const v = BigInt(s);
  return negative ? -v : v;
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
