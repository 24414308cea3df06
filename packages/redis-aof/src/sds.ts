/**
 * The few libc/sds string routines whose exact behaviour decides what a manifest or an AOF line
 * means: sds.c sdsneedsrepr / sdscatrepr / sdssplitargs, and C's isspace / isprint / atoll /
 * strtol in the "C" locale. Strings here are byte strings: one JS char per byte (latin1), so that
 * a name with bytes >= 0x80 round-trips exactly as Redis sees it.
 */
import { splitArgs } from '@protolab/resp';

/** C isspace in the "C" locale: space, \t, \n, \v, \f, \r. */
export function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** C isprint in the "C" locale: 0x20..0x7e. */
function isCPrint(c: number): boolean {
  return c >= 0x20 && c <= 0x7e;
}

/** sds.c sdsneedsrepr: true when the string must be quoted to survive sdssplitargs. */
export function sdsNeedsRepr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c || c === 0x22 || !isCPrint(c) || isCSpace(c)) return true;
  }
  return false;
}

/** sds.c sdscatrepr: a double-quoted, escaped form (\\ \" \n \r \t \a \b, else \xHH). */
export function sdsCatRepr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x5c: out += '\\\\'; break;
      case 0x22: out += '\\"'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x07: out += '\\a'; break;
      case 0x08: out += '\\b'; break;
      default:
        out += isCPrint(c) ? String.fromCharCode(c) : '\\x' + c.toString(16).padStart(2, '0');
    }
  }
  return out + '"';
}


/**
 * sds.c sdssplitargs: split a line into arguments the way redis-cli and config files do.
 * Returns `undefined` where sdssplitargs returns NULL (unbalanced quotes, or a closing quote
 * followed by something other than a space).
 */
export function sdsSplitArgs(line: string): string[] | undefined {
  // One sdssplitargs in protolab: @protolab/resp's (over bytes); a manifest line is latin1 here.
  const bytes = Buffer.from(line, 'latin1');
  const words = splitArgs(bytes, 0, bytes.length);
  return words?.map((w) => Buffer.from(w).toString('latin1'));
}

/** LLONG_MAX and LLONG_MIN: the range of a C `long long` (aof.h `file_seq`, `curr_*_file_seq`). */
export const LLONG_MAX = 2n ** 63n - 1n;
export const LLONG_MIN = -(2n ** 63n);

/**
 * C atoll as glibc implements it (strtoll): skip leading whitespace, optional sign, then as many
 * digits as there are; 0 when there are none; saturates at LLONG_MAX / LLONG_MIN. Exact over the
 * whole `long long` range (a bigint), unlike {@link cStrtoll}.
 */
export function cAtollBig(s: string): bigint {
  let p = 0;
  while (p < s.length && isCSpace(s.charCodeAt(p))) p++;
  let neg = false;
  if (s[p] === '+' || s[p] === '-') {
    neg = s[p] === '-';
    p++;
  }
  const digitsStart = p;
  while (p < s.length && s.charCodeAt(p) >= 0x30 && s.charCodeAt(p) <= 0x39) p++;
  // At most 20 digits matter: anything longer saturates anyway (bounded work on hostile input).
  const digits = s.slice(digitsStart, p).replace(/^0+/, '');
  if (digits.length === 0) return 0n;
  if (digits.length > 20) return neg ? LLONG_MIN : LLONG_MAX;
  const v = neg ? -BigInt(digits) : BigInt(digits);
  return v > LLONG_MAX ? LLONG_MAX : v < LLONG_MIN ? LLONG_MIN : v;
}

/**
 * C atoll / strtol(…, 10) as far as Redis uses them: skip leading whitespace, optional sign, then
 * as many digits as there are; 0 when there are none. Saturates like strtoll on overflow.
 */
export function cStrtoll(s: string, start = 0): { value: number; end: number } {
  let p = start;
  while (p < s.length && isCSpace(s.charCodeAt(p))) p++;
  let neg = false;
  if (s[p] === '+' || s[p] === '-') {
    neg = s[p] === '-';
    p++;
  }
  const digitsStart = p;
  let value = 0;
  while (p < s.length) {
    const c = s.charCodeAt(p);
    if (c < 0x30 || c > 0x39) break;
    if (value < 1e19) value = value * 10 + (c - 0x30);
    p++;
  }
  if (p === digitsStart) return { value: 0, end: start };
  const limit = 2 ** 63 - 1; // LLONG_MAX, as near as a double gets
  if (value > limit) value = limit;
  return { value: neg ? -value : value, end: p };
}
