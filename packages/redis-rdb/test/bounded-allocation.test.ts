import { describe, expect, it } from 'vitest';
import { decodeRdb, encodeRdb, LZF_MAX_EXPANSION, lzfDecompress, RdbDecoder, RdbFormatError, type KeyEntry } from '@protolab/redis-rdb';
import { allocationMeter, resetAllocationMeter } from '../src/bytes.js';
import { b } from './helpers.js';

/**
 * Defect 13.3: an LZF string announcing 2^32 + 8 bytes threw V8's untyped "RangeError: Invalid
 * typed array length". A length or count read from the file must never allocate more than the
 * bytes present can justify (rdb.c rdbGenericLoadStringObject / rdbLoadLzfStringObject allocate
 * the announced size; we check it first): at most the input itself, or LZF's 88x expansion of it.
 */

/** Every type and the encodings 7.0 writes, small enough to forge a length at every byte. */
const entries: KeyEntry[] = [
  { db: 0, key: b('str'), value: { type: 'string', value: b('hello') } },
  { db: 0, key: b('lzf'), value: { type: 'string', value: b('abcabcabc'.repeat(8)) } },
  { db: 0, key: b('list'), value: { type: 'list', value: [b('a'), b('bb'), b('12')] } },
  { db: 0, key: b('intset'), value: { type: 'set', value: [b('1'), b('2'), b('300')] } },
  { db: 0, key: b('set'), value: { type: 'set', value: [b('m1'), b('m2')] } }, // not all integers: RDB_TYPE_SET
  { db: 1, key: b('zlp'), value: { type: 'zset', value: [{ member: b('x'), score: 1.5 }, { member: b('y'), score: 2 }] } },
  { db: 1, key: b('hlp'), value: { type: 'hash', value: [[b('f'), b('v')]] } },
  { db: 1, key: b('h'), value: { type: 'hash', value: [[b('f'.repeat(70)), b('v')]] } },
  { db: 1, key: b('z'), value: { type: 'zset', value: [{ member: b('m'.repeat(70)), score: 3 }] } },
];

/** Forged lengths and counts: 32-bit, 2^32 + 8 and 2^53 as 64-bit, and LZF headers announcing 2^32 + 8. */
const FORGED: readonly (readonly number[])[] = [
  [0x80, 0xff, 0xff, 0xff, 0xff],
  [0x81, 0, 0, 0, 0x01, 0, 0, 0, 0x08],
  [0x81, 0, 0x20, 0, 0, 0, 0, 0, 0],
  [0xc3, 0x05, 0x81, 0, 0, 0, 0x01, 0, 0, 0, 0x08],
  [0xc3, 0x80, 0x7f, 0xff, 0xff, 0xff, 0x81, 0, 0, 0, 0x01, 0, 0, 0, 0x08],
];

function decodeAll(f: Uint8Array, chunk: number | undefined): void {
  if (chunk === undefined) {
    decodeRdb(f, { verifyChecksum: false });
    return;
  }
  const d = new RdbDecoder({ verifyChecksum: false });
  for (let i = 0; i < f.length && !d.done; i += chunk) d.feed(f.subarray(i, i + chunk), () => {});
  if (!d.done) d.finish(undefined, () => {});
}

function outcome(f: () => void): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof RdbFormatError) return e.code;
    throw e; // anything else fails the property: only the package's error class may escape
  }
}

describe('bounded allocation: forged lengths and counts (defect 13.3)', () => {
  it('lzf_decompress: a declared output of 2^32 + 8 bytes is RdbFormatError LZF_CORRUPT, even where 88x the input would allow it', () => {
    const input = new Uint8Array(48_900_000); // 88 x this > 2^32 + 8: the expansion bound alone lets it through
    resetAllocationMeter();
    expect(outcome(() => lzfDecompress(input, 2 ** 32 + 8))).toBe('LZF_CORRUPT');
    expect(allocationMeter.largest).toBe(0);
  });

  it('a forged length or count at every byte position of a file: the decode gives only RdbFormatError and allocates at most what the bytes present justify (LZF: 88x)', () => {
    const base = encodeRdb(entries, { compression: true });
    let refused = 0;
    for (const forged of FORGED) {
      for (let at = 9; at < base.length; at++) {
        const f = base.slice();
        f.set(forged.slice(0, f.length - at), at);
        for (const chunk of [undefined, 13]) {
          resetAllocationMeter();
          if (outcome(() => { decodeAll(f, chunk); }) !== 'ok') refused++;
          expect(allocationMeter.largest).toBeLessThanOrEqual(LZF_MAX_EXPANSION * f.length);
        }
      }
    }
    expect(refused).toBeGreaterThan(0);
  });

  it('a forged length inserted (not overwritten) at every byte position: same guarantees', () => {
    const base = encodeRdb(entries.slice(0, 4), { compression: true });
    for (const forged of FORGED) {
      for (let at = 9; at < base.length; at++) {
        const f = new Uint8Array(base.length + forged.length);
        f.set(base.subarray(0, at), 0);
        f.set(forged, at);
        f.set(base.subarray(at), at + forged.length);
        resetAllocationMeter();
        outcome(() => { decodeAll(f, undefined); });
        expect(allocationMeter.largest).toBeLessThanOrEqual(LZF_MAX_EXPANSION * f.length);
      }
    }
  });
});
