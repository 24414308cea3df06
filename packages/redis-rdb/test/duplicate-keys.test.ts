import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRdb, encodeRdb, RdbDecoder, RdbFormatError, type KeyEntry } from '@protolab/redis-rdb';
import { fnv1a } from '../src/entry.js';
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
