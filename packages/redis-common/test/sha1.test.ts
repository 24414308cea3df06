import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { sha1, toHex } from '../src/index.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('sha1 (FIPS 180-4; redis/redis src/sha1.c)', () => {
  // The test vectors of FIPS 180-2 appendix A and sha1.c's own self-test ("abc", the 448-bit message, a million 'a').
  test('FIPS 180 example messages', () => {
    expect(toHex(sha1(text('abc')))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(toHex(sha1(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
    expect(toHex(sha1(text('a'.repeat(1_000_000))))).toBe('34aa973cd4c4daa4f61eeb2bdbad27316534016f');
    expect(toHex(sha1(new Uint8Array(0)))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });

  test('every length around the block and padding boundaries (0..200 bytes) agrees with node:crypto', () => {
    for (let n = 0; n <= 200; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(toHex(sha1(data)), `length ${n}`).toBe(createHash('sha1').update(data).digest('hex'));
    }
  });

  test('property: the digest of any bytes is node:crypto\'s SHA-1', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        expect(toHex(sha1(data))).toBe(createHash('sha1').update(data).digest('hex'));
      }),
    );
  });
});
