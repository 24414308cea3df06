import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRdb, encodeRdb, RdbDecoder, RdbFormatError, type KeyEntry } from '@protolab/redis-rdb';
import { fnv1a } from '../src/entry.js';
import { firstDuplicateIndex, PAIRWISE_RUN_MAX } from '../src/decode-rdb.js';
import { arbEntries, b } from './helpers.js';

// rdb.c rdbLoadRioWithLoadingCtx: dictAdd fails on a key already in the db -> "Duplicated key found
// in RDB file", loading stops there. decodeRdb checks the key hashes once the entries are in (issue
// 19: a hash table probed per key missed the cache on every insert), with the same outcome.

function outcome(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof RdbFormatError) return `${e.code}@${e.offset}`;
    throw e;
  }
}

describe('duplicate keys (Duplicated key found in RDB file)', () => {
  it('a key repeated in one database is refused with DUPLICATE_KEY at the first record whose key an earlier record had, for any dataset and any repeats', () => {
    fc.assert(
      fc.property(arbEntries.filter((es) => es.length > 0), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 3 }), (es0, picks) => {
        const es = es0.map((e) => ({ ...e, db: 0 }));
        // the file order is the order given; insert copies of chosen keys at chosen later places
        const out: KeyEntry[] = [...es];
        for (const [src, at] of picks) {
          const from = src % out.length;
          const to = from + 1 + (at % (out.length - from));
          out.splice(to, 0, { db: 0, key: out[from]!.key, value: { type: 'string', value: b('dup') } });
        }
        // the oracle: the streaming decoder (which does not look for duplicates) gives every record
        // in file order; the first one whose key an earlier one had is where Redis stops
        const f = encodeRdb(out);
        const seen = new Set<string>();
        let expected = 'ok';
        for (const r of new RdbDecoder().end(f)) {
          if (r.kind !== 'entry') continue;
          const k = Buffer.from(r.entry.key).toString('hex');
          if (expected === 'ok' && seen.has(k)) expected = `DUPLICATE_KEY@${r.entry.offset}`;
          seen.add(k);
        }
        expect(expected).not.toBe('ok');
        expect(outcome(() => decodeRdb(f))).toBe(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('a RESIZEDB hint of any size (decodeRdb presizes its arrays from it) gives exactly the entries the file holds, and duplicates are still found', () => {
    fc.assert(
      fc.property(arbEntries, fc.oneof(fc.nat(5), fc.nat(1 << 20), fc.constant(2 ** 32 - 1)), fc.boolean(), (es0, hint, dup) => {
        const es = es0.map((e) => ({ ...e, db: 0 }));
        if (dup && es.length > 0) es.push({ db: 0, key: es[0]!.key, value: { type: 'string', value: b('dup') } });
        const f0 = encodeRdb(es, { checksum: false });
        // replace db 0's RESIZEDB (FE 00 FB <len> <len>) by one announcing `hint` keys
        const at = f0.findIndex((x, i) => x === 0xfe && f0[i + 1] === 0 && f0[i + 2] === 0xfb);
        if (at < 0) return; // no keys, no RESIZEDB
        const rest = f0.subarray(at + 3);
        const lenSize = (x: number): number => (x >> 6 === 0 ? 1 : x >> 6 === 1 ? 2 : x === 0x80 ? 5 : 9);
        const after = rest.subarray(lenSize(rest[0]!)); // the expires count and the records
        const hintLen = hint < 64 ? [hint] : hint < 16384 ? [0x40 | (hint >> 8), hint & 0xff] : [0x80, hint >>> 24, (hint >>> 16) & 0xff, (hint >>> 8) & 0xff, hint & 0xff];
        const f = new Uint8Array([...f0.subarray(0, at + 3), ...hintLen, ...after]);
        // oracle: the streaming decoder, which presizes nothing and does not look for duplicates
        const streamed = new RdbDecoder().end(f).flatMap((r) => (r.kind === 'entry' ? [r.entry] : []));
        const seen = new Set<string>();
        let expected = 'ok';
        for (const e of streamed) {
          const k = Buffer.from(e.key).toString('hex');
          if (expected === 'ok' && seen.has(k)) expected = `DUPLICATE_KEY@${e.offset}`;
          seen.add(k);
        }
        expect(outcome(() => decodeRdb(f))).toBe(expected);
        if (expected !== 'ok') return;
        const got = decodeRdb(f).databases[0]?.entries ?? [];
        expect(got.length).toBe(streamed.length);
        expect(Object.keys(got).length).toBe(streamed.length); // no holes left by the hint
        expect(got.map((e) => [e.offset, Buffer.from(e.key).toString('hex')])).toEqual(streamed.map((e) => [e.offset, Buffer.from(e.key).toString('hex')]));
      }),
      { numRuns: 150 },
    );
  });

  it('the same key in two databases is not a duplicate', () => {
    const f = encodeRdb([
      { db: 0, key: b('k'), value: { type: 'string', value: b('a') } },
      { db: 3, key: b('k'), value: { type: 'string', value: b('b') } },
    ]);
    expect(decodeRdb(f).databases.map((d) => d.entries.length)).toEqual([1, 1]);
  });

  it('a duplicate key is reported before damage later in the file (Redis stops at the duplicate): a bad checksum, a truncation', () => {
    const es: KeyEntry[] = [
      { db: 0, key: b('a'), value: { type: 'string', value: b('1') } },
      { db: 0, key: b('b'), value: { type: 'list', value: [b('x')] } },
      { db: 0, key: b('a'), value: { type: 'string', value: b('2') } },
      { db: 0, key: b('c'), value: { type: 'string', value: b('3') } },
    ];
    const f = encodeRdb(es);
    const dupAt = new RdbDecoder().end(f).flatMap((r) => (r.kind === 'entry' ? [r.entry.offset] : []))[2];
    expect(outcome(() => decodeRdb(f))).toBe(`DUPLICATE_KEY@${dupAt}`);
    const badCrc = f.slice();
    badCrc[badCrc.length - 1]! ^= 0xff;
    expect(outcome(() => decodeRdb(badCrc))).toBe(`DUPLICATE_KEY@${dupAt}`);
    expect(outcome(() => decodeRdb(f.subarray(0, f.length - 12)))).toBe(`DUPLICATE_KEY@${dupAt}`);
    // damage before the duplicate is reported as itself
    const early = outcome(() => decodeRdb(f.subarray(0, dupAt! - 1)));
    expect(early).not.toMatch(/^DUPLICATE_KEY/);
    expect(early).not.toBe('ok');
  });

  it('two different keys with the same 32-bit FNV-1a hash are not duplicates; the same bytes twice are', () => {
    // a colliding pair among "key:0".."key:999999" (found by the birthday bound, n^2 / 2^33)
    const [x, y] = ['key:539599', 'key:722382'];
    expect(fnv1a(b(x), 0, b(x).length)).toBe(fnv1a(b(y), 0, b(y).length));
    const es: KeyEntry[] = [x, 'middle', y].map((k) => ({ db: 0, key: b(k), value: { type: 'string', value: b(k) } }));
    expect(decodeRdb(encodeRdb(es)).databases[0]!.entries.map((e) => Buffer.from(e.key).toString())).toEqual([x, 'middle', y]);
    es.push({ db: 0, key: b(y), value: { type: 'string', value: b('again') } });
    const f = encodeRdb(es);
    const lastAt = new RdbDecoder().end(f).flatMap((r) => (r.kind === 'entry' ? [r.entry.offset] : []))[3];
    expect(outcome(() => decodeRdb(f))).toBe(`DUPLICATE_KEY@${lastAt}`);
  });
});

// Keys forged to share one 32-bit FNV-1a hash must not make the check quadratic: within a run of
// equal hashes longer than PAIRWISE_RUN_MAX the keys go through a Set. The hash is passed in here,
// so every key can be made to collide; expected answers come from a plain first-repeat scan.
describe('firstDuplicateIndex: the first repeated key, in linear work however the hashes collide', () => {
  const keyBytes = (k: number): Uint8Array => new TextEncoder().encode(`k${k}`);
  function modelFirstRepeat(keys: readonly number[]): number {
    const seen = new Set<number>();
    for (let i = 0; i < keys.length; i++) {
      if (seen.has(keys[i] ?? -1)) return i;
      seen.add(keys[i] ?? -1);
    }
    return -1;
  }

  it('agrees with a first-repeat scan for any keys and any hash function (all colliding, few values, or distinct)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 60 }), { maxLength: 200 }), fc.constantFrom(0, 1, 3, 1 << 20), (keys, buckets) => {
        const hashes = new Int32Array(Math.max(1, keys.length));
        keys.forEach((k, i) => (hashes[i] = buckets === 0 ? 7 : (k % buckets) | 0));
        const got = firstDuplicateIndex(hashes, keys.length, (a, c) => keys[a] === keys[c], (a) => keyBytes(keys[a] ?? -1));
        expect(got).toBe(modelFirstRepeat(keys));
      }),
    );
  });

  it('100 000 distinct keys that all hash alike cost one key read each and no pairwise comparison', () => {
    const n = 100_000;
    const hashes = new Int32Array(n).fill(0x5bd1e995);
    let compared = 0;
    let read = 0;
    const got = firstDuplicateIndex(hashes, n, () => (compared++, false), (a) => (read++, keyBytes(a)));
    expect(got).toBe(-1);
    expect(compared).toBe(0);
    expect(read).toBe(n);
    expect(PAIRWISE_RUN_MAX).toBeLessThan(64);
  });
});
