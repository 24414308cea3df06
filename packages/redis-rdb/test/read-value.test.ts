import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allEntries, crc64, decodeRdb, encodeRdb, PackedValue, RdbDecoder, readValue } from '@protolab/redis-rdb';
import { arbEntries, b, hex, norm, sortEntries, normEntry } from './helpers.js';

// Issue 19: `readValue(e)` is the one-pass reader's way to read a value (restore into another
// store, export): the data `e.value` gives, without caching expanded items on the entry.
describe('readValue: the same data as entry.value, nothing cached', () => {
  it('readValue of any decoded entry equals its value read through the accessor, for any dataset', () => {
    fc.assert(
      fc.property(arbEntries, fc.boolean(), (es, compression) => {
        const once = [...allEntries(decodeRdb(encodeRdb(es, { compression })))].map((e) => ({ key: hex(e.key), v: norm(readValue(e)) }));
        const viaAccessor = [...allEntries(decodeRdb(encodeRdb(es, { compression })))].map((e) => ({ key: hex(e.key), v: norm(e.value) }));
        expect(once).toEqual(viaAccessor);
        // and both are what was encoded
        expect(sortEntries([...allEntries(decodeRdb(encodeRdb(es, { compression })))]).map((e) => normEntry({ ...e, value: readValue(e) }))).toEqual(sortEntries(es).map((e) => normEntry(e)));
      }),
      { numRuns: 100 },
    );
  });

  it('a collection read with readValue is never cached on the entry: the entry still expands it on its own first read, and a fresh result is a plain array', () => {
    const [e] = decodeRdb(encodeRdb([{ db: 0, key: b('l'), value: { type: 'list', value: [b('a'), b('b'), b('c')] } }])).databases[0]!.entries;
    const first = readValue(e!);
    const second = readValue(e!);
    expect(first).not.toBe(second);
    expect(first.value).not.toBe(second.value);
    expect(first).toEqual({ type: 'list', value: [b('a'), b('b'), b('c')] });
    expect(first instanceof PackedValue).toBe(false);
    (first.value as Uint8Array[]).push(b('mutated'));
    const v = e!.value;
    expect(v instanceof PackedValue && v.expanded).toBe(false);
    expect(v.value).toEqual([b('a'), b('b'), b('c')]);
  });

  it('after entry.value was read or assigned, readValue returns that same object (and its items)', () => {
    const [h, s] = decodeRdb(encodeRdb([
      { db: 0, key: b('h'), value: { type: 'hash', value: [[b('f'), b('v')]] } },
      { db: 0, key: b('s'), value: { type: 'set', value: [b('1'), b('2')] } },
    ])).databases[0]!.entries;
    const v = h!.value;
    const items = v.value;
    expect(readValue(h!)).toBe(v);
    expect(readValue(h!).value).toBe(items);
    const mine = { type: 'set' as const, value: [b('9')] };
    s!.value = mine;
    expect(readValue(s!)).toBe(mine);
  });

  it('a list of more than one quicklist node, an intset, a listpack zset and INT / LZF strings read the same both ways', () => {
    const long = Array.from({ length: 3000 }, (_, i) => b(`element-${i}-${'x'.repeat(i % 20)}`));
    const es = [
      { db: 0, key: b('list'), value: { type: 'list' as const, value: long } },
      { db: 0, key: b('ints'), value: { type: 'set' as const, value: [b('-5'), b('70000'), b('3')] } },
      { db: 0, key: b('z'), value: { type: 'zset' as const, value: [{ member: b('a'), score: 1.5 }, { member: b('b'), score: 2 }] } },
      { db: 0, key: b('n'), value: { type: 'string' as const, value: b('-123456') } },
      { db: 0, key: b('lzf'), value: { type: 'string' as const, value: b('ab'.repeat(40)) } },
    ];
    for (const e of decodeRdb(encodeRdb(es, { compression: true })).databases[0]!.entries) {
      expect(norm(readValue(e))).toEqual(norm(e.value));
    }
  });
});

describe('where an entry keeps its key (one field: a raw key is re-read from the input)', () => {
  it('raw, INT-encoded and LZF-compressed keys read back, and the value after them, before and after a key is assigned', () => {
    const keys = [b('plain'), b('12345'), b('-7'), b('k'.repeat(50)), b('')];
    const es = keys.map((key, i) => ({ db: 0, key, value: { type: 'list' as const, value: [b(`v${i}`), b('w')] } }));
    const got = decodeRdb(encodeRdb(es, { compression: true })).databases[0]!.entries;
    expect(got.map((e) => hex(e.key))).toEqual(keys.map(hex));
    got.forEach((e, i) => {
      const other = b(`renamed-${i}`);
      e.key = other;
      expect(e.key).toBe(other);
      expect(readValue(e)).toEqual({ type: 'list', value: [b(`v${i}`), b('w')] });
      expect(e.value.value).toEqual([b(`v${i}`), b('w')]);
    });
    // a string value after each kind of key, read after the key was assigned
    const strs = decodeRdb(encodeRdb(keys.map((key) => ({ db: 0, key, value: { type: 'string' as const, value: key } })), { compression: true })).databases[0]!.entries;
    strs.forEach((e, i) => {
      e.key = b('x');
      expect(hex(e.value.value as Uint8Array)).toBe(hex(keys[i]!));
    });
  });
});

describe('the CRC-64 is computed over spans of records, not one record at a time', () => {
  it('a file streamed in any split has computedChecksum = crc64 of every byte up to and including the EOF opcode', () => {
    fc.assert(
      fc.property(arbEntries, fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }), (es, sizes) => {
        const f = encodeRdb(es);
        const eofAt = f.length - 9; // EOF opcode, then the 8-byte CRC
        expect(f[eofAt]).toBe(0xff);
        const dec = new RdbDecoder();
        let got: bigint | undefined;
        const take = (r: { kind: string; computedChecksum?: bigint }): void => {
          if (r.kind === 'eof') got = r.computedChecksum;
        };
        for (let i = 0, k = 0; i < f.length; k++) {
          const n = sizes[k % sizes.length]!;
          dec.feed(f.subarray(i, i + n), take);
          i += n;
        }
        dec.end().forEach(take);
        expect(got).toBe(crc64(f.subarray(0, eofAt + 1)));
        expect(decodeRdb(f).computedChecksum).toBe(crc64(f.subarray(0, eofAt + 1)));
      }),
      { numRuns: 50 },
    );
  });
});
