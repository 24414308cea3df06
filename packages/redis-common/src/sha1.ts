/**
 * SHA-1 (FIPS 180-4 §6.1), as redis/redis src/sha1.c gives it to debug.c (DEBUG DIGEST) and
 * eval.c (script names): a 20-byte digest of bytes. Pure code, no `node:crypto`, so the packages
 * that use it still run in a browser. Not for security: SHA-1 is only an identity here.
 */

const W = new Int32Array(80);

/** Compresses the 64-byte block at `block[at…]` into the state `h` (five 32-bit words). */
function compress(h: Int32Array, block: Uint8Array, at: number): void {
  for (let t = 0; t < 16; t++) {
    const p = at + 4 * t;
    W[t] = ((block[p] ?? 0) << 24) | ((block[p + 1] ?? 0) << 16) | ((block[p + 2] ?? 0) << 8) | (block[p + 3] ?? 0);
  }
  for (let t = 16; t < 80; t++) {
    const x = (W[t - 3] ?? 0) ^ (W[t - 8] ?? 0) ^ (W[t - 14] ?? 0) ^ (W[t - 16] ?? 0);
    W[t] = (x << 1) | (x >>> 31);
  }
  let a = h[0] ?? 0;
  let b = h[1] ?? 0;
  let c = h[2] ?? 0;
  let d = h[3] ?? 0;
  let e = h[4] ?? 0;
  for (let t = 0; t < 80; t++) {
    let f: number;
    let k: number;
    if (t < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (t < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6;
    }
    const tmp = (((a << 5) | (a >>> 27)) + f + e + k + (W[t] ?? 0)) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = tmp;
  }
  h[0] = (h[0] ?? 0) + a;
  h[1] = (h[1] ?? 0) + b;
  h[2] = (h[2] ?? 0) + c;
  h[3] = (h[3] ?? 0) + d;
  h[4] = (h[4] ?? 0) + e;
}

/** The SHA-1 digest of `data` (20 bytes). */
export function sha1(data: Uint8Array): Uint8Array {
  const h = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0);
  const n = data.length;
  const whole = n - (n % 64);
  for (let at = 0; at < whole; at += 64) compress(h, data, at);
  // The tail: the rest of the data, 0x80, zeros, and the length in bits as a 64-bit big-endian number.
  const tail = new Uint8Array(n % 64 < 56 ? 64 : 128);
  tail.set(data.subarray(whole));
  tail[n % 64] = 0x80;
  const bits = n * 8;
  const hi = Math.floor(bits / 2 ** 32);
  const lo = bits >>> 0;
  const end = tail.length;
  tail[end - 8] = hi >>> 24;
  tail[end - 7] = (hi >>> 16) & 0xff;
  tail[end - 6] = (hi >>> 8) & 0xff;
  tail[end - 5] = hi & 0xff;
  tail[end - 4] = lo >>> 24;
  tail[end - 3] = (lo >>> 16) & 0xff;
  tail[end - 2] = (lo >>> 8) & 0xff;
  tail[end - 1] = lo & 0xff;
  for (let at = 0; at < end; at += 64) compress(h, tail, at);
  const out = new Uint8Array(20);
  for (let i = 0; i < 5; i++) {
    const v = h[i] ?? 0;
    out[4 * i] = v >>> 24;
    out[4 * i + 1] = (v >>> 16) & 0xff;
    out[4 * i + 2] = (v >>> 8) & 0xff;
    out[4 * i + 3] = v & 0xff;
  }
  return out;
}

/** Lower-case hex of bytes (as debug.c prints a digest with `%02x`). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}
