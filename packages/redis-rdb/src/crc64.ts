/**
 * CRC-64/Jones as Redis computes it (src/crc64.c, `crc64`): reflected polynomial
 * 0x95AC9329AC4BC9B5 (normal form 0xAD93D23594C935A9), initial value 0, no final XOR.
 * Check value: crc64(0, "123456789") = 0xe9c6d914c4b8d9ca.
 *
 * Redis uses a slicing-by-8 table; we use slicing-by-8 too, split into two 32-bit halves because
 * JavaScript has no fast 64-bit integer (BigInt per byte is ~50x slower).
 */
export const CRC64_JONES_POLY_REFLECTED = 0x95ac9329ac4bc9b5n;

// T[k][i] for k = 0..7, low and high 32-bit halves, held as int32: every value in `update` then
// stays a small integer even in unoptimized code, where a uint32 above 2^31 is a heap number
// (issue 19: decodeRdb calls `update` once per file, so its loop ran mostly before optimization
// and allocated ~100 MB of heap numbers for a 53 MB file).
const LO = new Int32Array(8 * 256);
const HI = new Int32Array(8 * 256);
{
  const polyLo = Number(CRC64_JONES_POLY_REFLECTED & 0xffffffffn) >>> 0;
  const polyHi = Number(CRC64_JONES_POLY_REFLECTED >> 32n) >>> 0;
  for (let i = 0; i < 256; i++) {
    let lo = i >>> 0;
    let hi = 0;
    for (let b = 0; b < 8; b++) {
      const odd = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (odd) {
        lo = (lo ^ polyLo) >>> 0;
        hi = (hi ^ polyHi) >>> 0;
      }
    }
    LO[i] = lo;
    HI[i] = hi;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const plo = (LO[(k - 1) * 256 + i] ?? 0);
      const phi = (HI[(k - 1) * 256 + i] ?? 0);
      // next = T0[prev & 0xff] ^ (prev >> 8)
      const idx = plo & 0xff;
      LO[k * 256 + i] = ((LO[idx] ?? 0) ^ ((plo >>> 8) | ((phi & 0xff) << 24))) >>> 0;
      HI[k * 256 + i] = ((HI[idx] ?? 0) ^ (phi >>> 8)) >>> 0;
    }
  }
}

/** Running CRC-64 state as two unsigned 32-bit halves (avoids BigInt in the hot loop). */
export class Crc64 {
  private lo = 0;
  private hi = 0;

  constructor(initial = 0n) {
    this.lo = Number(initial & 0xffffffffn) >>> 0;
    this.hi = Number((initial >> 32n) & 0xffffffffn) >>> 0;
  }

  update(bytes: Uint8Array, start = 0, end = bytes.length): this {
    let lo = this.lo | 0;
    let hi = this.hi | 0;
    let i = start;
    // slicing-by-8: fold 8 input bytes per step (all int32 arithmetic, see LO / HI)
    while (end - i >= 8) {
      const a = lo ^ ((bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8) | ((bytes[i + 2] ?? 0) << 16) | ((bytes[i + 3] ?? 0) << 24));
      const b = hi ^ ((bytes[i + 4] ?? 0) | ((bytes[i + 5] ?? 0) << 8) | ((bytes[i + 6] ?? 0) << 16) | ((bytes[i + 7] ?? 0) << 24));
      const i7 = 7 * 256 + (a & 0xff), i6 = 6 * 256 + ((a >> 8) & 0xff);
      const i5 = 5 * 256 + ((a >> 16) & 0xff), i4 = 4 * 256 + ((a >> 24) & 0xff);
      const i3 = 3 * 256 + (b & 0xff), i2 = 2 * 256 + ((b >> 8) & 0xff);
      const i1 = 256 + ((b >> 16) & 0xff), i0 = (b >> 24) & 0xff;
      lo = (LO[i7] ?? 0) ^ (LO[i6] ?? 0) ^ (LO[i5] ?? 0) ^ (LO[i4] ?? 0) ^ (LO[i3] ?? 0) ^ (LO[i2] ?? 0) ^ (LO[i1] ?? 0) ^ (LO[i0] ?? 0);
      hi = (HI[i7] ?? 0) ^ (HI[i6] ?? 0) ^ (HI[i5] ?? 0) ^ (HI[i4] ?? 0) ^ (HI[i3] ?? 0) ^ (HI[i2] ?? 0) ^ (HI[i1] ?? 0) ^ (HI[i0] ?? 0);
      i += 8;
    }
    for (; i < end; i++) {
      const idx = (lo ^ (bytes[i] ?? 0)) & 0xff;
      lo = (LO[idx] ?? 0) ^ (((lo >> 8) & 0xffffff) | (hi << 24));
      hi = (HI[idx] ?? 0) ^ ((hi >> 8) & 0xffffff);
    }
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
    return this;
  }

  digest(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** The 8 bytes Redis stores after the EOF opcode (little-endian). */
  digestBytes(): Uint8Array {
    const out = new Uint8Array(8);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, this.lo, true);
    dv.setUint32(4, this.hi, true);
    return out;
  }
}

/** `crc64(crc, bytes)` as in Redis's crc64.c: continue from `crc` (0 to start). */
export function crc64(bytes: Uint8Array, crc = 0n): bigint {
  return new Crc64(crc).update(bytes).digest();
}

/** Bit-at-a-time reference (what the table is built from); used by the spec as an oracle. */
export function crc64Bitwise(bytes: Uint8Array, crc = 0n): bigint {
  let c = crc;
  for (const byte of bytes) {
    c ^= BigInt(byte);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ CRC64_JONES_POLY_REFLECTED : c >> 1n;
  }
  return c;
}
