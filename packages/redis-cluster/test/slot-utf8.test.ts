// The UTF-8 side of keyHashSlot at every unit boundary (issue 19): the string encoder takes one
// step per UTF-16 unit with the unit's byte count computed, not branched on, so the byte-count
// edges (U+007F/U+0080, U+07FF/U+0800, the surrogate range, U+FFFF) are pinned here exhaustively.
// Expected values: the bit-by-bit CRC over Node's own UTF-8 bytes (Buffer.from), never the code
// under test.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc16Utf8, keyHashSlot } from '@protolab/redis-cluster';
import { crc16Bitwise } from './crc16-reference.js';

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');

describe('crc16Utf8 / keyHashSlot over every UTF-16 unit', () => {
  it('every one of the 65 536 units, alone and between ASCII and non-ASCII neighbours, hashes as its UTF-8 bytes (a lone surrogate as EF BF BD)', () => {
    let checked = 0;
    for (let u = 0; u < 0x10000; u++) {
      const c = String.fromCharCode(u);
      for (const s of [c, `a${c}b`, `é${c}日`, `${c}${c}`]) {
        expect(crc16Utf8(s)).toBe(crc16Bitwise(utf8(s)));
        checked++;
      }
    }
    expect(checked).toBe(4 * 0x10000);
  });

  it('surrogate pairs at the ends of the 4-byte range, and a pair split by the range end, hash as Node encodes them', () => {
    for (const cp of [0x10000, 0x10001, 0x1f600, 0xfffff, 0x100000, 0x10ffff]) {
      const s = `x${String.fromCodePoint(cp)}y`;
      expect(crc16Utf8(s)).toBe(crc16Bitwise(utf8(s)));
      // [0, 2) ends between the high and the low surrogate: the high one is lone there.
      expect(crc16Utf8(s, 0, 2)).toBe(crc16Bitwise(utf8(s.slice(0, 2))));
      expect(crc16Utf8(s, 2)).toBe(crc16Bitwise(utf8(s.slice(2))));
    }
  });

  it('crc16Utf8 over a sub-range [start, end) continuing from a register equals the CRC of the concatenated UTF-8 bytes', () => {
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }),
      fc.constantFrom(0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfffd, 0xffff, 0x41),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }), fc.array(unit, { maxLength: 40 }), fc.nat(), fc.nat(), (pre, units, a, b) => {
        const head = String.fromCharCode(...pre);
        const s = String.fromCharCode(...units);
        const start = a % (s.length + 1);
        const end = start + (b % (s.length - start + 1));
        const joined = Buffer.concat([utf8(head), utf8(s.slice(start, end))]);
        expect(crc16Utf8(s, start, end, crc16Utf8(head))).toBe(crc16Bitwise(joined));
      }),
      { numRuns: 2000 },
    );
  });

  it('a key mixing 1-, 2-, 3- and 4-byte characters (the slot bench\'s UTF-8 text) gets the slot of its UTF-8 bytes', () => {
    const ch = fc.oneof(
      { weight: 14, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((u) => String.fromCharCode(u)) },
      { weight: 3, arbitrary: fc.integer({ min: 0xc0, max: 0x24f }).map((u) => String.fromCharCode(u)) },
      { weight: 2, arbitrary: fc.integer({ min: 0x4e00, max: 0x9f9f }).map((u) => String.fromCharCode(u)) },
      { weight: 1, arbitrary: fc.integer({ min: 0x1f600, max: 0x1f64f }).map((u) => String.fromCodePoint(u)) },
    );
    fc.assert(
      fc.property(fc.array(ch, { maxLength: 60 }), (chars) => {
        const key = chars.join('');
        const bytes = utf8(key);
        const open = bytes.indexOf(0x7b);
        const close = open === -1 ? -1 : bytes.indexOf(0x7d, open + 1);
        const hashed = close > open + 1 ? bytes.subarray(open + 1, close) : bytes;
        expect(keyHashSlot(key)).toBe(crc16Bitwise(hashed) & 0x3fff);
      }),
      { numRuns: 2000 },
    );
  });
});
