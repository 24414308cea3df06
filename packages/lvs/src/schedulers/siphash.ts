/**
 * The kernel's `hsiphash()` of one 4-byte value on a 64-bit build (lib/siphash.c): there
 * "HalfSipHash1-3" is really SipHash-1-3 with a 128-bit key (two `unsigned long`s), one
 * compression round per block, three finalisation rounds, truncated to u32. A 4-byte input has
 * no full 8-byte block; it goes into `b = (len << 56) | le32(bytes)`.
 * 32-bit kernels use the real HalfSipHash-1-3 and give different mh tables (not modelled).
 */
const M64 = (1n << 64n) - 1n;

function rotl(x: bigint, b: bigint): bigint {
  return ((x << b) | (x >> (64n - b))) & M64;
}

export function hsiphash32(value: number, key0: bigint, key1: bigint): number {
  let v0 = 0x736f6d6570736575n ^ key0;
  let v1 = 0x646f72616e646f6dn ^ key1;
  let v2 = 0x6c7967656e657261n ^ key0;
  let v3 = 0x7465646279746573n ^ key1;
  const round = (): void => {
    v0 = (v0 + v1) & M64; v1 = rotl(v1, 13n); v1 ^= v0; v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & M64; v3 = rotl(v3, 16n); v3 ^= v2;
    v0 = (v0 + v3) & M64; v3 = rotl(v3, 21n); v3 ^= v0;
    v2 = (v2 + v1) & M64; v1 = rotl(v1, 17n); v1 ^= v2; v2 = rotl(v2, 32n);
  };
  const b = (4n << 56n) | BigInt(value >>> 0);
  v3 ^= b;
  round();
  v0 ^= b;
  v2 ^= 0xffn;
  round();
  round();
  round();
  return Number((v0 ^ v1 ^ v2 ^ v3) & 0xffffffffn);
}
