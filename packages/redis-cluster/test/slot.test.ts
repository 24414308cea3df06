// The hash slot function, as the spec: redis/src/crc16.c `crc16` and redis/src/cluster.c
// `keyHashSlot`. Expected values are pinned from a real redis-server 7.0.15 `CLUSTER KEYSLOT`
// (docs/redis-cluster.md §1–2) or computed by the bit-by-bit reference (crc16-reference.ts) — never by the code
// under test.
import calculateSlot from 'cluster-key-slot';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLUSTER_SLOTS, ClusterError, CRC16_TABLE, crc16, crc16Utf8, hashTag, keyHashSlot } from '@protolab/redis-cluster';
import { crc16Bitwise } from './crc16-reference.js';

/** The hash-tag rule written out over bytes, straight from keyHashSlot in cluster.c. */
function slotReference(key: Uint8Array): number {
  let s = -1;
  for (let i = 0; i < key.length; i++) if (key[i] === 0x7b) { s = i; break; }
  if (s === -1) return crc16Bitwise(key) & 0x3fff;
  let e = -1;
  for (let i = s + 1; i < key.length; i++) if (key[i] === 0x7d) { e = i; break; }
  if (e === -1 || e === s + 1) return crc16Bitwise(key) & 0x3fff;
  return crc16Bitwise(key.subarray(s + 1, e)) & 0x3fff;
}

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const hex = (h: string): Uint8Array => Buffer.from(h, 'hex');

/** Keys where braces are frequent, so every tag shape shows up. */
const braceHeavyBytes = fc.uint8Array({ maxLength: 24 }).chain((raw) =>
  fc.array(fc.constantFrom(0x7b, 0x7d, 0x61, 0x00), { minLength: raw.length, maxLength: raw.length }).map((pick) =>
    Uint8Array.from(raw, (b, i) => (b % 2 === 0 ? pick[i]! : b)),
  ),
);
/** Arbitrary UTF-16 code-unit strings, lone surrogates included, with many braces. */
const anyUnits = fc
  .array(fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.constantFrom(0x7b, 0x7d, 0xd83d, 0xde00, 0xd800, 0xdfff, 0xe9)), { maxLength: 30 })
  .map((units) => String.fromCharCode(...units));

describe('crc16 (redis/src/crc16.c, CRC-16/XMODEM)', () => {
  it('has the XMODEM check value: crc16("123456789") = 0x31C3', () => {
    expect(crc16(utf8('123456789'))).toBe(0x31c3);
    expect(crc16Utf8('123456789')).toBe(0x31c3);
  });

  it('has Redis crc16tab entries T[1] = 0x1021 and T[255] = 0x1EF0', () => {
    expect(CRC16_TABLE[0]).toBe(0);
    expect(CRC16_TABLE[1]).toBe(0x1021);
    expect(CRC16_TABLE[255]).toBe(0x1ef0);
  });

  it('crc16.c crc16: the table-driven, sliced CRC agrees with the bit-by-bit definition on every byte string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(crc16(bytes)).toBe(crc16Bitwise(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('crc16 over a sub-range [start, end) equals the CRC of that slice', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = a % (bytes.length + 1);
        const end = start + (b % (bytes.length - start + 1));
        expect(crc16(bytes, start, end)).toBe(crc16Bitwise(bytes.subarray(start, end)));
      }),
    );
  });

  it('CRC-16/XMODEM is linear (init 0, no final XOR): crc(a XOR b) = crc(a) XOR crc(b) for equal lengths', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 64 }).chain((n) => fc.tuple(fc.uint8Array({ minLength: n, maxLength: n }), fc.uint8Array({ minLength: n, maxLength: n }))),
        ([a, b]) => {
          const x = Uint8Array.from(a, (v, i) => v ^ b[i]!);
          expect(crc16(x)).toBe(crc16(a) ^ crc16(b));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('crc16Utf8(s) is the CRC of Buffer.from(s, "utf8") for every JS string, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.oneof(anyUnits, fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (s) => {
        expect(crc16Utf8(s)).toBe(crc16Bitwise(utf8(s)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('keyHashSlot (redis/src/cluster.c keyHashSlot), pinned to real CLUSTER KEYSLOT answers', () => {
  // Every expected slot below was returned by redis-server 7.0.15 (docs/redis-cluster.md §2, and
  // re-captured with redis-cli for the binary ones).
  const vectors: [string, string | Uint8Array, number][] = [
    ['empty key', '', 0],
    ['check string', '123456789', 12739],
    ['whole-key tag', '{123456789}', 12739],
    ['tag in the middle', 'abc{123456789}def', 12739],
    ['single-char tag', '{a}', 15495],
    ['extra closing brace', '{a}}', 15495],
    ['only the first tag counts', '{a}{b}', 15495],
    ['empty tag after a tag', '{a}{}', 15495],
    ['tags are case-sensitive', '{A}', 6373],
    ['first tag wins', '{b}{a}', 3300],
    ['empty tag = no tag', '{}', 15257],
    ['a{}{b}: first { pairs with first }, empty, whole key', 'a{}{b}', 15033],
    ['{}{b}', '{}{b}', 8193],
    ['{}a}', '{}a}', 4370],
    ['{}}', '{}}', 14790],
    ['{}{}', '{}{}', 15786],
    ['foo{}{bar} (Redis docs example; cluster-key-slot says 4015)', 'foo{}{bar}', 8363],
    ['tag may contain {', '{{a}}', 10276],
    ['tag may contain { (unclosed outer)', '{{a}', 10276],
    ['{{}} hashes {', '{{}}', 4092],
    ['{a{b}c} hashes a{b', '{a{b}c}', 13340],
    ['a{{b}} hashes {b', 'a{{b}}', 6215],
    ['foo{{bar}}zap hashes {bar', 'foo{{bar}}zap', 4015],
    ['} before the first { is ignored', 'a}b{c}', 7365],
    ['} before the first { is ignored (2)', '}a{b}', 3300],
    ['lone {', '{', 4092],
    ['lone }', '}', 12090],
    ['}{', '}{', 12793],
    ['user1000 following', '{user1000}.following', 3443],
    ['user1000 followers', '{user1000}.followers', 3443],
    ['UTF-8 tag é', '{é}x', 10180],
    ['é', 'é', 10180],
    ['emoji tag', '{😀}x', 2959],
    ['emoji', '😀', 2959],
    ['CJK tag', '{日本}語', 10949],
    ['fullwidth braces are not braces', '｛x｝', 7267],
    ['NUL inside a key', hex('610062'), 8383],
    ['NUL as the tag', hex('7b007d'), 0],
    ['0xFB/0xFD are not braces', hex('fb7bfd7d'), 16050],
    ['U+FFFD bytes', hex('efbfbd'), 13381],
    ['lone surrogate a\\uD800b is sent as a EF BF BD b', 'a\ud800b', 5618],
    ['the same key as bytes', hex('61efbfbd62'), 5618],
  ];
  it.each(vectors)('%s', (_name, key, slot) => {
    expect(keyHashSlot(key)).toBe(slot);
    if (typeof key === 'string') expect(keyHashSlot(utf8(key))).toBe(slot);
  });

  it('keyHashSlot agrees with the byte-level reference rule on brace-heavy binary keys', () => {
    fc.assert(
      fc.property(braceHeavyBytes, (key) => {
        expect(keyHashSlot(key)).toBe(slotReference(key));
      }),
      { numRuns: 1000 },
    );
  });

  it('the slot is always an integer in [0, 16384)', () => {
    fc.assert(
      fc.property(fc.oneof(anyUnits, fc.uint8Array({ maxLength: 40 })), (key) => {
        const slot = keyHashSlot(key);
        expect(Number.isInteger(slot) && slot >= 0 && slot < CLUSTER_SLOTS).toBe(true);
      }),
    );
  });

  it('a string key means its UTF-8 bytes: keyHashSlot(s) = keyHashSlot(Buffer.from(s)) for every string, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.oneof(anyUnits, fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (s) => {
        expect(keyHashSlot(s)).toBe(keyHashSlot(utf8(s)));
        expect(keyHashSlot(s)).toBe(slotReference(utf8(s)));
      }),
      { numRuns: 1000 },
    );
  });

  it('long, mostly ASCII keys hash like the byte-level rule wherever the first {, } or non-ASCII unit falls (the 8-unit blocks of crc16KeyString and the byte scan of crc16KeyBytes)', () => {
    // ASCII most of the time, so runs of 8+ ASCII units reach the sliced blocks before a special unit.
    const unit = fc.oneof(
      { weight: 12, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
      { weight: 1, arbitrary: fc.constantFrom(0x7b, 0x7d, 0xe9, 0x65e5, 0xd83d, 0xde00, 0xd800, 0x00, 0x7f) },
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 70 }), (units) => {
        const s = String.fromCharCode(...units);
        expect(keyHashSlot(s)).toBe(slotReference(utf8(s)));
        expect(keyHashSlot(utf8(s))).toBe(slotReference(utf8(s)));
      }),
      { numRuns: 2000 },
    );
  });

  it('keys sharing a non-empty tag share a slot: slot(p{t}s) = slot(t) when p has no { and t no }', () => {
    const noOpen = fc.string().map((s) => s.replaceAll('{', ''));
    const tag = fc.string({ minLength: 1, unit: 'grapheme' }).map((s) => s.replaceAll('}', '')).filter((s) => s.length > 0);
    fc.assert(
      fc.property(noOpen, tag, fc.string(), noOpen, fc.string(), (p1, t, s1, p2, s2) => {
        const a = `${p1}{${t}}${s1}`;
        const b = `${p2}{${t}}${s2}`;
        expect(keyHashSlot(a)).toBe(keyHashSlot(t));
        expect(keyHashSlot(a)).toBe(keyHashSlot(b));
        expect(hashTag(a)).toBe(t);
      }),
    );
  });

  it('hashTag names the hashed span, and undefined for an empty or missing tag', () => {
    expect(hashTag('foo{}{bar}')).toBeUndefined();
    expect(hashTag('{user1000}.following')).toBe('user1000');
    expect(hashTag('x}')).toBeUndefined();
    expect(Buffer.from(hashTag(hex('fb7bfd7d')) as Uint8Array).toString('hex')).toBe('fd');
  });

  it('bad input: a key that is neither a string nor bytes gets a typed KEY_TYPE error', () => {
    for (const bad of [42, null, undefined, { key: 'a' }, ['a'], 10n]) {
      let caught: unknown;
      try {
        keyHashSlot(bad as unknown as string);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ClusterError);
      expect((caught as ClusterError).code).toBe('KEY_TYPE');
      expect((caught as ClusterError).message).toMatch(/expected a string or Uint8Array key, found/);
    }
  });
});

describe('cluster-key-slot 1.1.2 as a planted bug: the reference properties catch it (docs/toolchain.md, "Pitfalls met")', () => {
  it('it is wrong on foo{}{bar}, which Redis hashes whole (8363)', () => {
    expect(calculateSlot('foo{}{bar}')).toBe(4015);
    expect(keyHashSlot('foo{}{bar}')).toBe(8363);
  });

  it('the byte-level reference property finds a counterexample in cluster-key-slot', () => {
    const result = fc.check(
      fc.property(braceHeavyBytes, (key) => calculateSlot(Buffer.from(key)) === slotReference(key)),
      { numRuns: 2000, seed: 7 },
    );
    expect(result.failed).toBe(true);
  });

  it('outside the "{}" shape it agrees with Redis (so the bench compares like with like)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        fc.pre(!s.includes('{}'));
        expect(calculateSlot(s)).toBe(keyHashSlot(s));
      }),
    );
  });
});
