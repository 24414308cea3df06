/**
 * MurmurHash2, 64-bit version (MurmurHash64A), as redis/redis src/hyperloglog.c MurmurHash64A
 * (7.0) computes it: 64-bit little-endian blocks on any host, the tail bytes xored in from the
 * highest down, multiplier 0xc6a4a7935bd1e995 and shift 47. JS has no 64-bit integers that are
 * fast enough for PFSELFTEST's twenty million hashes, so every 64-bit value is a pair of 32-bit
 * halves and the product modulo 2^64 is built from 16-bit partial products.
 *
 * hllPatLen (hyperloglog.c hllPatLen) is here too: the register index (the hash's low 14 bits)
 * and the length of the "000…1" run in the remaining 50 bits, with the guard bit at 2^50 that
 * bounds it to 51.
 */

/** The multiplier m = 0xc6a4a7935bd1e995, as halves. */
const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

/** The seed hllPatLen passes (hyperloglog.c: 0xadc83b19ULL). */
export const HLL_HASH_SEED = 0xadc83b19;

/**
 * The result of mul64 / murmurInto: [high, low] 32-bit halves. A typed array, not two `let`s:
 * storing a number above 2^30 in a module variable boxes it (a heap allocation per store).
 */
const R = new Uint32Array(2);

/** (aHi:aLo) * (bHi:bLo) mod 2^64 into R (unsigned 32-bit halves). */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16); // high 32 bits of aLo*bLo
  R[1] = (mid << 16) | (p00 & 0xffff);
  R[0] = carry + Math.imul(aHi, bLo) + Math.imul(aLo, bHi);
}

/** R's halves after mul64 / murmurInto. */
const hiOf = (): number => R[0] ?? 0;
const loOf = (): number => R[1] ?? 0;

/** MurmurHash64A over `len` bytes of `data` from 0, with a 32-bit seed, into R. */
function murmurInto(data: Uint8Array, len: number, seed: number): void {
  // h = seed ^ (len * m)
  mul64(0, len >>> 0, M_HI, M_LO);
  let hHi = hiOf();
  let hLo = (loOf() ^ seed) >>> 0;
  const blocks = len - (len & 7);
  let i = 0;
  for (; i < blocks; i += 8) {
    const kLo = (data[i] ?? 0) | ((data[i + 1] ?? 0) << 8) | ((data[i + 2] ?? 0) << 16) | ((data[i + 3] ?? 0) << 24);
    const kHi = (data[i + 4] ?? 0) | ((data[i + 5] ?? 0) << 8) | ((data[i + 6] ?? 0) << 16) | ((data[i + 7] ?? 0) << 24);
    mul64(kHi >>> 0, kLo >>> 0, M_HI, M_LO); // k *= m
    mul64(hiOf(), (loOf() ^ (hiOf() >>> 15)) >>> 0, M_HI, M_LO); // k ^= k >> 47; k *= m
    mul64((hHi ^ hiOf()) >>> 0, (hLo ^ loOf()) >>> 0, M_HI, M_LO); // h ^= k; h *= m
    hHi = hiOf();
    hLo = loOf();
  }
  const tail = len & 7;
  if (tail !== 0) {
    // the switch's fall-through: byte j of the tail goes to bits 8j..8j+7
    for (let j = tail - 1; j >= 0; j--) {
      const byte = data[i + j] ?? 0;
      if (j >= 4) hHi = (hHi ^ (byte << (8 * (j - 4)))) >>> 0;
      else hLo = (hLo ^ (byte << (8 * j))) >>> 0;
    }
    mul64(hHi, hLo, M_HI, M_LO);
    hHi = hiOf();
    hLo = loOf();
  }
  // h ^= h >> r; h *= m; h ^= h >> r;
  mul64(hHi, (hLo ^ (hHi >>> 15)) >>> 0, M_HI, M_LO);
  R[1] = loOf() ^ (hiOf() >>> 15);
}

/** hyperloglog.c MurmurHash64A: the 64-bit hash of `len` bytes of `data`, as a bigint. */
export function murmurHash64A(data: Uint8Array, len: number, seed: number): bigint {
  murmurInto(data, len, seed >>> 0);
  return (BigInt(hiOf()) << 32n) | BigInt(loOf());
}

/** hyperloglog.c HLL_P / HLL_Q / HLL_REGISTERS / HLL_P_MASK. */
export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
export const HLL_P_MASK = HLL_REGISTERS - 1;

/** Where hllPatLen leaves the register index (its `regp` out-parameter). */
export const patLenOut = { index: 0 };

/** ctz of a non-zero 32-bit value. */
function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * hyperloglog.c hllPatLen: hash `len` bytes of `ele` with HLL_HASH_SEED; the register index
 * (hash & HLL_P_MASK) goes to patLenOut.index and the run length 1..51 of "000…1" in
 * hash >> HLL_P (with bit HLL_Q set so the run ends) is returned.
 */
export function hllPatLen(ele: Uint8Array, len: number): number {
  murmurInto(ele, len, HLL_HASH_SEED);
  const hi = hiOf();
  const lo = loOf();
  patLenOut.index = lo & HLL_P_MASK;
  // hash >> 14: bits 0..31 come from lo >>> 14 and the low 14 bits of hi; bits 32..49 from hi >>> 14.
  const low = ((lo >>> 14) | (hi << 18)) >>> 0;
  if (low !== 0) return ctz32(low) + 1;
  const high = (hi >>> 14) | (1 << (HLL_Q - 32)); // the guard bit 2^50, at bit 18 of the upper word
  return 32 + ctz32(high) + 1;
}

/** A reusable byte buffer for hashing binary-string elements (argv) without allocating per call. */
let scratch = new Uint8Array(256);

/** hllPatLen of a binary string (one char per byte, as argv elements are). */
export function hllPatLenOfBinary(ele: string): number {
  const n = ele.length;
  if (n > scratch.length) scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  for (let i = 0; i < n; i++) scratch[i] = ele.charCodeAt(i);
  return hllPatLen(scratch, n);
}
