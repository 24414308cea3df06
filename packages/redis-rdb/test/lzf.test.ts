import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lzfCompress, lzfDecompress, lzfScan, LZF_MAX_EXPANSION, RdbFormatError } from '@protolab/redis-rdb';

const hex = (b: Uint8Array | undefined): string => (b === undefined ? 'undefined' : Buffer.from(b).toString('hex'));
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

function expectCorrupt(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RdbFormatError);
    expect((e as RdbFormatError).code).toBe('LZF_CORRUPT');
    return;
  }
  throw new Error('expected LZF_CORRUPT');
}

describe('LZF (liblzf lzf_c.c / lzf_d.c as built into Redis)', () => {
  it('lzf_compress produces the bytes redis-server 7.0.15 wrote into dump.rdb for known strings', () => {
    // captured from `SET k <value>` + SAVE on a real 7.0.15 (the payload after c3 <clen> <len>)
    expect(hex(lzfCompress(ascii('a'.repeat(21)), 17))).toBe('016161e00a00');
    expect(hex(lzfCompress(ascii('a'.repeat(40)), 36))).toBe('016161e01b00016161');
    expect(hex(lzfCompress(ascii('abc'.repeat(10)), 26))).toBe('0361626361e00f02016263');
  });

  it('lzf_compress returns nothing (0 in C) when the output would not fit in out_len', () => {
    const incompressible = Uint8Array.from({ length: 64 }, (_, i) => (i * 151 + 7) & 0xff);
    expect(lzfCompress(incompressible, incompressible.length - 4)).toBeUndefined();
    expect(lzfCompress(new Uint8Array(0), 10)).toBeUndefined();
  });

  it('round trip: lzf_decompress(lzf_compress(x)) = x for any bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 2000 }), fc.array(fc.constantFrom(0x61, 0x62, 0x63), { minLength: 1, maxLength: 3000 }).map((a) => Uint8Array.from(a))), (x) => {
        const c = lzfCompress(x, x.length + 64);
        expect(c).toBeDefined();
        expect(Buffer.from(lzfDecompress(c!, x.length)).equals(Buffer.from(x))).toBe(true);
      }),
    );
  });

  it('the compressed size never exceeds out_len (a result is either complete or absent)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 500 }), fc.integer({ min: 1, max: 600 }), (x, limit) => {
        const c = lzfCompress(x, limit);
        return c === undefined || (c.length <= limit && Buffer.from(lzfDecompress(c, x.length)).equals(Buffer.from(x)));
      }),
    );
  });

  it('back-references may overlap their output (run-length): 01 61 61 e0 0a 00 expands to 21 "a"', () => {
    expect(new TextDecoder().decode(lzfDecompress(Uint8Array.from([0x01, 0x61, 0x61, 0xe0, 0x0a, 0x00]), 21))).toBe('a'.repeat(21));
  });

  it('lzf_decompress rejects a stream that does not produce exactly the announced length', () => {
    const good = Uint8Array.from([0x01, 0x61, 0x61, 0xe0, 0x0a, 0x00]);
    expectCorrupt(() => lzfDecompress(good, 20)); // overflows
    expectCorrupt(() => lzfDecompress(good, 22)); // too short
    expectCorrupt(() => lzfDecompress(Uint8Array.from([0x05, 0x61]), 6)); // literal past input end
    expectCorrupt(() => lzfDecompress(Uint8Array.from([0x20, 0x05]), 3)); // reference before the start
    expectCorrupt(() => lzfDecompress(Uint8Array.from([0x00, 0x61, 0xe0]), 12)); // input ends inside a reference
  });

  it('a forged original length beyond 88x the input is refused before allocating', () => {
    expect(LZF_MAX_EXPANSION).toBe(88);
    expectCorrupt(() => lzfDecompress(Uint8Array.from([0x00, 0x61]), 2 ** 40));
    expectCorrupt(() => lzfDecompress(Uint8Array.from([0x00, 0x61]), 2 * 88 + 1));
  });

  it('the largest expansion really is 88x: back-references of 264 bytes encoded in 3 bytes', () => {
    const run = Uint8Array.from([0x00, 0x61, ...Array.from({ length: 100 }, () => [0xe0, 0xff, 0x00]).flat()]);
    const out = lzfDecompress(run, 1 + 100 * 264);
    expect(out.length / run.length).toBeGreaterThan(87);
  });

  it('decompressing arbitrary bytes gives the exact length or a typed error, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 0, max: 5000 }), (junk, n) => {
        try {
          expect(lzfDecompress(junk, n).length).toBe(n);
        } catch (e) {
          expect(e).toBeInstanceOf(RdbFormatError);
        }
      }),
    );
  });

  it('lzfScan (the allocation-free walk the decoder validates small LZF strings with) accepts exactly what lzf_decompress accepts, failing with the same code, offset and message, for streams anywhere in a buffer', () => {
    const outcome = (f: () => void): string => {
      try {
        f();
        return 'ok';
      } catch (e) {
        if (!(e instanceof RdbFormatError)) throw e;
        return `${e.code} ${e.offset} ${e.message}`;
      }
    };
    // real streams (compressed text, possibly damaged) and junk; announced lengths near the truth
    const stream = fc.oneof(
      fc.tuple(fc.string({ minLength: 1, maxLength: 120 }), fc.nat(), fc.nat(255)).map(([t, i, x]) => {
        const raw = new TextEncoder().encode(t.repeat(3));
        const c = lzfCompress(raw) ?? raw;
        const d = c.slice();
        if (x < 64 && d.length > 0) d[i % d.length] = x; // sometimes damaged
        return { c: d, n: raw.length };
      }),
      fc.tuple(fc.uint8Array({ maxLength: 80 }), fc.nat(400)).map(([c, n]) => ({ c, n })),
    );
    fc.assert(
      fc.property(stream, fc.integer({ min: -3, max: 3 }), fc.nat(7), fc.nat(1000), ({ c, n }, dn, pad, at) => {
        const outLen = Math.max(0, n + dn);
        const buf = new Uint8Array(pad + c.length + 5);
        buf.set(c, pad);
        expect(outcome(() => { lzfScan(buf, pad, c.length, outLen, at); })).toBe(outcome(() => { lzfDecompress(c, outLen, at); }));
      }),
      { numRuns: 500 },
    );
  });
});

// DUMP payloads redis-server 7.0.15 sent for SET k <text> (2026-12-05): 00 (string), C3 (LZF), the
// compressed and plain lengths (6-bit form), the compressed bytes, the version 0A 00 and the CRC.
// Each ends in a match within the last 4 input bytes, which the compressor of before 2026-12-05
// refused (an `ip + 4 < in_end` test older liblzf had and Redis's 7.0 copy does not): it wrote
// those bytes as literals, so 250 of 600 random compressible strings came out different.
const SERVER_DUMPS: [string, string][] = [
  ['abcabcabcabcabcabcabcXabc', '00c30c190361626361e00802005820120a002682d1ab16377c67'],
  ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab', '00c30932016161e025000161620a00a0761fb382c094fe'],
  ['xyzxyzxyzxyzxyzxyzxyzxyzxyzxyz', '00c30b1e0378797a78e00f0201797a0a0073aef2d4ffb3b984'],
  ['hello hello hello hello hello hello hello', '00c30e290668656c6c6f2068e01705016c6f0a009f008366da650881'],
];

describe('lzf_compress as redis-server 7.0.15 runs it', () => {
  it.each(SERVER_DUMPS)('%s compresses to the bytes of the server’s DUMP', (text, dumpHex) => {
    const dump = Buffer.from(dumpHex, 'hex');
    const clen = dump[2] ?? 0; // 6-bit length form: these are all under 64
    const compressed = dump.subarray(4, 4 + clen);
    expect(Buffer.from(lzfCompress(new TextEncoder().encode(text)) ?? []).toString('hex')).toBe(compressed.toString('hex'));
  });
});
