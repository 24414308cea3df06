/**
 * Intset (src/intset.c): `<uint32 LE encoding: 2|4|8> <uint32 LE length> <length × intN LE>`, members
 * sorted ascending, unique, with the smallest encoding that holds every member (`_intsetValueEncoding`).
 */
import { RdbFormatError } from './errors.js';
import { parseCanonicalInt } from './bytes.js';

function bad(at: number, msg: string): never {
  throw new RdbFormatError('BAD_INTSET', at, `intset: ${msg}`);
}

export function intsetDecode(blob: Uint8Array, at = 0): (number | bigint)[] {
  if (blob.length < 8) bad(at, `blob of ${blob.length} bytes is shorter than the 8-byte header`);
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.length);
  const enc = dv.getUint32(0, true);
  const len = dv.getUint32(4, true);
  if (enc !== 2 && enc !== 4 && enc !== 8) bad(at, `encoding ${enc} is not 2, 4 or 8`);
  if (8 + len * enc !== blob.length) bad(at, `header says ${len} × ${enc} bytes, blob holds ${blob.length - 8}`);
  const out: (number | bigint)[] = [];
  let prev: number | bigint | undefined;
  for (let i = 0; i < len; i++) {
    const p = 8 + i * enc;
    let v: number | bigint;
    if (enc === 2) v = dv.getInt16(p, true);
    else if (enc === 4) v = dv.getInt32(p, true);
    else {
      const b = dv.getBigInt64(p, true);
      v = Number.isSafeInteger(Number(b)) ? Number(b) : b;
    }
    // intsetValidateIntegrity: strictly ascending
    if (prev !== undefined && !(prev < v)) bad(at + p, 'members are not strictly ascending');
    prev = v;
    out.push(v);
  }
  return out;
}

/**
 * Validate the intset held in `buf[off, off + len)` exactly as `intsetDecode` would (same checks,
 * same `RdbFormatError` code and offset) without creating any object, and return its member count
 * (rdbLoadObject keeps an RDB_TYPE_SET_INTSET blob as it is, after `intsetValidateIntegrity`).
 */
export function intsetScan(buf: Uint8Array, off: number, len: number, at: number): number {
  if (len < 8) bad(at, `blob of ${len} bytes is shorter than the 8-byte header`);
  const enc = u32At(buf, off);
  const count = u32At(buf, off + 4);
  if (enc !== 2 && enc !== 4 && enc !== 8) bad(at, `encoding ${enc} is not 2, 4 or 8`);
  if (8 + count * enc !== len) bad(at, `header says ${count} × ${enc} bytes, blob holds ${len - 8}`);
  // strictly ascending (intsetValidateIntegrity); int64 members compare as (signed high, unsigned low)
  let prevHi = 0;
  let prevLo = 0;
  for (let i = 0; i < count; i++) {
    const p = off + 8 + i * enc;
    let hi: number;
    let lo: number;
    if (enc === 2) {
      hi = (((buf[p] ?? 0) | ((buf[p + 1] ?? 0) << 8)) << 16) >> 16;
      lo = 0;
    } else if (enc === 4) {
      hi = (buf[p] ?? 0) | ((buf[p + 1] ?? 0) << 8) | ((buf[p + 2] ?? 0) << 16) | ((buf[p + 3] ?? 0) << 24);
      lo = 0;
    } else {
      lo = u32At(buf, p) | 0;
      hi = u32At(buf, p + 4) | 0;
    }
    // the low halves compare unsigned: flip the sign bit so that a signed compare orders them
    // (kept int32, never a heap number: issue 19)
    if (i > 0 && !(prevHi < hi || (prevHi === hi && (prevLo ^ 0x80000000) < (lo ^ 0x80000000)))) bad(at + (p - off), 'members are not strictly ascending');
    prevHi = hi;
    prevLo = lo;
  }
  return count;
}

/** A little-endian u32 of a range already checked to lie inside `buf` (a plain function: no closure per call). */
function u32At(buf: Uint8Array, p: number): number {
  return ((buf[p] ?? 0) | ((buf[p + 1] ?? 0) << 8) | ((buf[p + 2] ?? 0) << 16) | ((buf[p + 3] ?? 0) << 24)) >>> 0;
}

/**
 * Build an intset from integers (any order, duplicates dropped), as intsetAdd would leave it: the
 * smallest encoding that holds every member, or `minEncoding` when that is wider (an intset whose
 * wide members were removed: intset.c intsetRemove never narrows the encoding).
 */
export function intsetEncode(values: readonly (number | bigint)[], minEncoding: 2 | 4 | 8 = 2): Uint8Array {
  if (values.every((v) => typeof v === 'number')) return intsetEncodeNumbers(values, minEncoding);
  const big = values.map((v) => BigInt(v));
  big.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const uniq: bigint[] = [];
  for (const v of big) if (uniq.length === 0 || uniq[uniq.length - 1] !== v) uniq.push(v);
  let enc: number = minEncoding;
  for (const v of uniq) {
    if (v < -2147483648n || v > 2147483647n) enc = 8;
    else if ((v < -32768n || v > 32767n) && enc < 4) enc = 4;
  }
  const out = new Uint8Array(8 + uniq.length * enc);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, enc, true);
  dv.setUint32(4, uniq.length, true);
  uniq.forEach((v, i) => {
    const p = 8 + i * enc;
    if (enc === 2) dv.setInt16(p, Number(v), true);
    else if (enc === 4) dv.setInt32(p, Number(v), true);
    else dv.setBigInt64(p, v, true);
  });
  return out;
}

/** The common case: every member is a safe integer (no BigInt needed). */
function intsetEncodeNumbers(values: readonly number[], minEncoding: 2 | 4 | 8): Uint8Array {
  const sorted = [...values].sort((a, b) => a - b);
  const uniq: number[] = [];
  for (const v of sorted) if (uniq.length === 0 || uniq[uniq.length - 1] !== v) uniq.push(v);
  let enc: number = minEncoding;
  for (const v of uniq) {
    if (v < -2147483648 || v > 2147483647) enc = 8;
    else if ((v < -32768 || v > 32767) && enc < 4) enc = 4;
  }
  const out = new Uint8Array(8 + uniq.length * enc);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, enc, true);
  dv.setUint32(4, uniq.length, true);
  for (let i = 0; i < uniq.length; i++) {
    const p = 8 + i * enc;
    const v = uniq[i] ?? 0;
    if (enc === 2) dv.setInt16(p, v, true);
    else if (enc === 4) dv.setInt32(p, v, true);
    else dv.setBigInt64(p, BigInt(v), true);
  }
  return out;
}

/** intset.c _intsetValueEncoding of one member. */
function valueEncoding(v: number | bigint): 2 | 4 | 8 {
  if (v < -2147483648 || v > 2147483647) return 8;
  return v < -32768 || v > 32767 ? 4 : 2;
}

/**
 * `width` when an intset blob of that encoding holds members (ascending decimal text) that need
 * less — what intsetRemove leaves after a wide member goes — else undefined.
 */
export function intsetWidthBeyondMembers(members: readonly Uint8Array[], width: number): 2 | 4 | 8 | undefined {
  const first = members[0];
  const last = members[members.length - 1];
  if (first === undefined || last === undefined || (width !== 4 && width !== 8)) return undefined;
  const lo = parseCanonicalInt(first);
  const hi = parseCanonicalInt(last);
  if (lo === undefined || hi === undefined) return undefined;
  return Math.max(valueEncoding(lo), valueEncoding(hi)) < width ? width : undefined;
}

/**
 * The encoding of a validated intset blob at `buf[off, off + len)` when it is wider than its
 * members need (what intsetRemove leaves after the wide members go; rdbLoadObject keeps the blob
 * as it is), else undefined. Reads the header and the first and last members only (ascending).
 */
export function intsetBlobWidth(buf: Uint8Array, off: number, len: number): 2 | 4 | 8 | undefined {
  if (len < 8) return undefined;
  const enc = buf[off] ?? 2;
  const count = u32At(buf, off + 4);
  if ((enc !== 4 && enc !== 8) || count === 0 || 8 + count * enc > len) return undefined;
  const dv = new DataView(buf.buffer, buf.byteOffset + off, len);
  const at = (i: number): number | bigint => (enc === 4 ? dv.getInt32(8 + 4 * i, true) : dv.getBigInt64(8 + 8 * i, true));
  return Math.max(valueEncoding(at(0)), valueEncoding(at(count - 1))) < enc ? enc : undefined;
}
