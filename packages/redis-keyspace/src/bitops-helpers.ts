/**
 * bitops.c "Helpers and low level bit functions" (redis/redis src/bitops.c, 7.0): popcount and
 * first-bit search over a byte range, the bitfield integer readers/writers and their overflow
 * checks, and the argument parsers the bitmap commands share (getBitOffsetFromArgument,
 * getBitfieldTypeFromArgument) — plus lookupStringForBitCommand, which creates or zero-pads the
 * string a write addresses.
 *
 * Bit numbering is Redis's: bit 0 is the most significant bit of byte 0 (bitops.c's comment
 * above setUnsignedBitfield), so an aligned bitfield is big-endian.
 *
 * Costs: redisPopcount and redisBitpos are linear in the bytes handed to them and read an sds
 * (RawStr) in place; a string held as JS text is copied once for the range asked (binToBytes),
 * never per bit. `bitopsCost` counts the bytes they scan, for the complexity tests.
 */
import type { RespValue } from '@protolab/resp';
import { string2ll } from '@protolab/redis-common';
import { err } from './replies.js';
import { binToBytes } from './bytes.js';
import { RawStr, strOf } from './values.js';
import { VALUE_ASCII } from './db.js';
import type { Ctx, RObj } from './server.js';
import { arg, isReply, lookupTypedWrite } from './server.js';
import { PROTO_MAX_BULK_LEN, STRING_MAX_BYTES } from './t_string_range.js';
import { KeyspaceError } from './types.js';

/** Bytes scanned by redisPopcount / redisBitpos since start (the complexity tests read it). */
export const bitopsCost = { bytesScanned: 0 };

export const E_BIT_OFFSET = 'ERR bit offset is not an integer or out of range';
export const E_BITFIELD_TYPE = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

/** A string value as a handler holds it: JS text (one char per byte) or an sds buffer. */
export type StrVal = string | RawStr;

/**
 * getObjectReadOnlyString over [start, start + count): the sds's own bytes (a view, no copy), or
 * for a value held as JS text a copy of just that range. The caller keeps start + count within
 * the string.
 */
export function readOnlyBytes(v: StrVal, start: number, count: number): Uint8Array {
  if (v instanceof RawStr) return v.bytes().subarray(start, start + count);
  return binToBytes(v.slice(start, start + count));
}

/** One byte of the value, 0 past its end. */
export function byteOf(v: StrVal, i: number): number {
  if (v instanceof RawStr) return v.byteAt(i);
  return i < v.length ? v.charCodeAt(i) : 0;
}

/** Does any byte have its high bit set? (keeps Db.highStrings right for bytes written in place) */
export function hasHighByte(p: Uint8Array): boolean {
  for (let i = 0; i < p.length; i++) if ((p[i] ?? 0) >= 0x80) return true;
  return false;
}

const BITSINBYTE = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let x = b; x !== 0; x >>= 1) n += x & 1;
  return n;
});

/**
 * bitops.c redisPopcount: the number of set bits in `p`. Bytes one at a time (the bitsinbyte
 * table) up to a 4-byte boundary, then 32-bit words by the same SWAR reduction Redis's portable
 * path uses, then the tail bytes.
 */
export function redisPopcount(p: Uint8Array): number {
  const n = p.length;
  bitopsCost.bytesScanned += n;
  let bits = 0;
  let i = 0;
  while (i < n && ((p.byteOffset + i) & 3) !== 0) bits += BITSINBYTE[p[i++] ?? 0] ?? 0;
  const words = (n - i) >>> 2;
  if (words > 0) {
    const w = new Uint32Array(p.buffer, p.byteOffset + i, words);
    for (let j = 0; j < words; j++) {
      let x = w[j] ?? 0;
      x = x - ((x >>> 1) & 0x55555555);
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      bits += Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
    }
    i += words * 4;
  }
  while (i < n) bits += BITSINBYTE[p[i++] ?? 0] ?? 0;
  return bits;
}

/**
 * bitops.c redisBitpos: the position of the first bit equal to `bit` in `p`. Whole bytes (and
 * aligned 32-bit words) equal to the "skip" value (0 looking for a 1, 0xff looking for a 0) are
 * passed over, then the first other byte is read from its most significant bit. Looking for a 1
 * in all-zero bytes gives -1; looking for a 0 in all-one bytes gives count*8, the first bit of the
 * zero padding Redis assumes on the right.
 */
export function redisBitpos(p: Uint8Array, bit: number): number {
  const n = p.length;
  const skipByte = bit === 1 ? 0 : 0xff;
  let i = 0;
  while (i < n && ((p.byteOffset + i) & 3) !== 0 && p[i] === skipByte) i++;
  if (i < n && ((p.byteOffset + i) & 3) === 0) {
    const words = (n - i) >>> 2;
    const skipWord = bit === 1 ? 0 : 0xffffffff;
    const w = new Uint32Array(p.buffer, p.byteOffset + i, words);
    let j = 0;
    while (j < words && w[j] === skipWord) j++;
    i += j * 4;
  }
  while (i < n && p[i] === skipByte) i++;
  bitopsCost.bytesScanned += Math.min(n, i + 1);
  if (i === n) return bit === 1 ? -1 : n * 8;
  const b = p[i] ?? 0;
  for (let k = 0; k < 8; k++) if (((b >> (7 - k)) & 1) === bit) return i * 8 + k;
  throw new KeyspaceError('INTERNAL', 'End of redisBitpos() reached.');
}

// ---------------------------------------------------------------------------------------------
// Bitfields: integers of 1..64 bits at any bit offset (values as bigint: 64-bit arithmetic).

/** A byte store the bitfield functions read and write (an sds, or GET's 9-byte window). */
export interface ByteStore {
  byteAt(i: number): number;
  setByte(i: number, v: number): void;
}

/** bitops.c setUnsignedBitfield: write the low `bits` bits of `value` from bit `offset` on. */
export function setUnsignedBitfield(p: ByteStore, offset: number, bits: number, value: bigint): void {
  for (let j = 0; j < bits; j++) {
    const bitval = Number((value >> BigInt(bits - 1 - j)) & 1n);
    const byte = Math.floor(offset / 8);
    const bit = 7 - (offset % 8);
    let byteval = p.byteAt(byte);
    byteval &= ~(1 << bit);
    byteval |= bitval << bit;
    p.setByte(byte, byteval & 0xff);
    offset++;
  }
}

/** bitops.c setSignedBitfield: the two's complement bits of `value`. */
export function setSignedBitfield(p: ByteStore, offset: number, bits: number, value: bigint): void {
  setUnsignedBitfield(p, offset, bits, BigInt.asUintN(64, value));
}

/** bitops.c getUnsignedBitfield. */
export function getUnsignedBitfield(p: ByteStore, offset: number, bits: number): bigint {
  let value = 0n;
  for (let j = 0; j < bits; j++) {
    const byte = Math.floor(offset / 8);
    const bit = 7 - (offset % 8);
    value = (value << 1n) | BigInt((p.byteAt(byte) >> bit) & 1);
    offset++;
  }
  return value;
}

/** bitops.c getSignedBitfield: the bits read, sign-extended from bit `bits - 1`. */
export function getSignedBitfield(p: ByteStore, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, getUnsignedBitfield(p, offset, bits));
}

export const BFOVERFLOW_WRAP = 0;
export const BFOVERFLOW_SAT = 1;
export const BFOVERFLOW_FAIL = 2;

/** The outcome of an overflow check: 0 fits, 1 overflow, -1 underflow; `limit` the value to store. */
export interface Overflow {
  dir: number;
  limit: bigint;
}

/**
 * bitops.c checkUnsignedBitfieldOverflow, in C's uint64/int64 arithmetic: does value + incr fit
 * in `bits` unsigned bits? On overflow `limit` is the wrapped value (WRAP) or the bound (SAT).
 */
export function checkUnsignedBitfieldOverflow(value: bigint, incr: bigint, bits: number, owtype: number): Overflow {
  const max = bits === 64 ? (1n << 64n) - 1n : (1n << BigInt(bits)) - 1n;
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, -value);
  const wrap = (): bigint => BigInt.asUintN(bits, value + incr);
  if (value > max || (incr > 0n && incr > maxincr)) {
    return { dir: 1, limit: owtype === BFOVERFLOW_WRAP ? wrap() : max };
  }
  if (incr < 0n && incr < minincr) {
    return { dir: -1, limit: owtype === BFOVERFLOW_WRAP ? wrap() : 0n };
  }
  return { dir: 0, limit: 0n };
}

/**
 * bitops.c checkSignedBitfieldOverflow, likewise for `bits` signed bits (maxincr/minincr computed
 * with C's wrap-around, and the i64 special cases as Redis writes them). WRAP keeps the low bits
 * and sign-extends them.
 */
export function checkSignedBitfieldOverflow(value: bigint, incr: bigint, bits: number, owtype: number): Overflow {
  const max = (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxincr = BigInt.asIntN(64, max - value);
  const minincr = BigInt.asIntN(64, min - value);
  const wrap = (): bigint => BigInt.asIntN(bits, value + incr);
  if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) {
    return { dir: 1, limit: owtype === BFOVERFLOW_WRAP ? wrap() : max };
  }
  if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) {
    return { dir: -1, limit: owtype === BFOVERFLOW_WRAP ? wrap() : min };
  }
  return { dir: 0, limit: 0n };
}

// ---------------------------------------------------------------------------------------------
// Argument parsing

/**
 * bitops.c getBitOffsetFromArgument: a bit offset, string2ll-strict. With `hash` and bits > 0 a
 * "#n" offset means n * bits, multiplied in C's int64 (so it wraps, as redis-server 7.0.15's
 * does: "#288230376151711744" with i64 is offset 0). Negative, or a byte offset at or past
 * proto-max-bulk-len (512 MB), is the error.
 */
export function getBitOffsetFromArgument(a: string, hash: boolean, bits: number): number | RespValue {
  const usehash = hash && bits > 0 && a.charCodeAt(0) === 0x23 ? 1 : 0;
  let loffset = string2ll(a, usehash, a.length);
  if (loffset === undefined) return err(E_BIT_OFFSET);
  if (usehash === 1) loffset = BigInt.asIntN(64, loffset * BigInt(bits));
  if (loffset < 0n || loffset >> 3n >= BigInt(PROTO_MAX_BULK_LEN)) return err(E_BIT_OFFSET);
  return Number(loffset);
}

/**
 * bitops.c getBitfieldTypeFromArgument: 'i' (signed) or 'u' (unsigned) and a width, i1..i64 or
 * u1..u63 (u64 would not fit the protocol's signed integer reply). C reads the width with
 * strlen, so it ends at a NUL byte.
 */
export function getBitfieldTypeFromArgument(a: string): { sign: boolean; bits: number } | RespValue {
  const c0 = a.charCodeAt(0);
  let sign: boolean;
  if (c0 === 0x69) sign = true;
  else if (c0 === 0x75) sign = false;
  else return err(E_BITFIELD_TYPE);
  const nul = a.indexOf('\0', 1);
  const llbits = string2ll(a, 1, nul < 0 ? a.length : nul);
  if (llbits === undefined || llbits < 1n || (sign && llbits > 64n) || (!sign && llbits > 63n)) return err(E_BITFIELD_TYPE);
  return { sign, bits: Number(llbits) };
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * db.c dbUnshareStringValue: the value as an sds that may be written in place (an int/embstr
 * value, or one held as JS text, becomes a raw RawStr; a raw RawStr is returned as it is).
 */
export function dbUnshareStringValue(c: Ctx, o: RObj<StrVal>): RawStr {
  if (o.val instanceof RawStr && o.val.enc === 'raw') return o.val;
  const raw = typeof o.val === 'string' ? RawStr.unshareOf(o.val) : new RawStr(strOf(o.val)); // sds.ts: a raw value is written in place
  c.client.db.overwrite(o.slot, raw);
  return raw;
}

/**
 * bitops.c lookupStringForBitCommand: the string at argv[1], created (sdsnewlen of zeros) or
 * unshared and zero-padded (sdsgrowzero) so that bit `maxbit` exists; `dirty` says whether it was
 * created or grew. WRONGTYPE for another type.
 */
export function lookupStringForBitCommand(c: Ctx, maxbit: number): { raw: RawStr; dirty: boolean } | RespValue {
  const byte = Math.floor(maxbit / 8);
  // Ours, not Redis's: a string may not grow past V8's longest string (STRING_MAX_BYTES, 24 bytes
  // under 512 MB), so such a write gets the offset error before anything changes; reads keep 512 MB.
  if (byte >= STRING_MAX_BYTES) return err(E_BIT_OFFSET);
  const key = arg(c, 1);
  const o = lookupTypedWrite(c, key, 'string');
  if (o !== undefined && isReply(o)) return o;
  if (o === undefined) {
    const raw = RawStr.fromBytes(new Uint8Array(byte + 1));
    c.client.db.add(key, raw, VALUE_ASCII); // all zero bytes: ASCII until a write sets a high bit
    return { raw, dirty: true };
  }
  const raw = dbUnshareStringValue(c, o);
  const oldlen = raw.length;
  raw.growZero(byte + 1);
  return { raw, dirty: raw.length !== oldlen };
}

/** A byte written in place with its high bit set: the db now holds a non-ASCII string value. */
export function noteHighByte(c: Ctx, byteval: number): void {
  if (byteval >= 0x80) c.client.db.highStrings = true;
}
