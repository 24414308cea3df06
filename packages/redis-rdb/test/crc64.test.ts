import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { crc64, crc64Bitwise, Crc64 } from '@protolab/redis-rdb';

const enc = new TextEncoder();
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

describe('CRC-64/Jones (Redis src/crc64.c)', () => {
  it('crc64.c test vector: crc64(0, "123456789") = 0xe9c6d914c4b8d9ca', () => {
    expect(crc64(enc.encode('123456789'))).toBe(0xe9c6d914c4b8d9can);
  });

  it('the empty input has CRC 0 (initial value 0, no final XOR)', () => {
    expect(crc64(new Uint8Array(0))).toBe(0n);
  });

  it('rdbLoad: the CRC stored after EOF in a file written by redis-server 7.0.15 is the CRC of every byte before it', () => {
    for (const name of ['redis-7.0.15-mixed.rdb', 'redis-7.0.15-nocompress.rdb']) {
      const f = fixture(name);
      const stored = new DataView(f.buffer, f.byteOffset + f.length - 8).getBigUint64(0, true);
      expect(crc64(f.subarray(0, f.length - 8))).toBe(stored);
    }
  });

  it('the slicing-by-8 table form equals the bit-at-a-time definition for any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => crc64(b) === crc64Bitwise(b)));
  });

  it('a span of a buffer at any byte offset hashes as the bit-at-a-time definition of those bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat(7), fc.nat(), fc.nat(), (raw, shift, x, y) => {
        // a view whose byteOffset is `shift` into its ArrayBuffer, then a [start, end) span of it
        const buf = new Uint8Array(raw.length + shift);
        buf.set(raw, shift);
        const v = buf.subarray(shift);
        const start = raw.length === 0 ? 0 : x % (raw.length + 1);
        const end = start + (raw.length === 0 ? 0 : y % (raw.length - start + 1));
        return new Crc64().update(v, start, end).digest() === crc64Bitwise(raw.subarray(start, end));
      }),
      { numRuns: 300 },
    );
  });

  it('linearity: with init 0 and no final XOR, crc(a XOR b) = crc(a) XOR crc(b) for equal lengths', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }).chain((n) => fc.tuple(fc.uint8Array({ minLength: n, maxLength: n }), fc.uint8Array({ minLength: n, maxLength: n }))), ([a, b]) => {
        const x = a.map((v, i) => v ^ b[i]!);
        return crc64(x) === (crc64(a) ^ crc64(b));
      }),
    );
  });

  it('streaming: crc64(b, crc64(a)) = crc64(a ++ b) (rdbLoad updates the CRC as it reads)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), (a, b) => {
        const ab = new Uint8Array([...a, ...b]);
        return crc64(b, crc64(a)) === crc64(ab) && new Crc64().update(a).update(b).digest() === crc64(ab);
      }),
    );
  });

  it('any single flipped bit changes the CRC (detects every 1-bit error)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (b, i, bit) => {
        const c = b.slice();
        c[i % c.length]! ^= 1 << bit;
        return crc64(c) !== crc64(b);
      }),
    );
  });

  it('digestBytes is the CRC little-endian, as rdbSave writes it', () => {
    const d = new Crc64().update(enc.encode('123456789')).digestBytes();
    expect(Buffer.from(d).toString('hex')).toBe('cad9b8c414d9c6e9');
  });
});
