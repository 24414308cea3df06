import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { toHex } from '@protolab/redis-common';
import { computeDatasetDigest, debugPopulate, digestValue, Keyspace } from '../src/index.js';

const NOW = 1_700_000_000_000;
const te = new TextEncoder();
const b = (s: string): Uint8Array => te.encode(s);
const fresh = (thresholds?: ConstructorParameters<typeof Keyspace>[0]['thresholds']): Keyspace =>
  new Keyspace({ now: () => NOW, ...(thresholds !== undefined ? { thresholds } : {}) });
const run = (ks: Keyspace, lines: readonly string[]): void => {
  for (const l of lines) ks.execute(l.split(' '));
};
const digest = (ks: Keyspace): string => toHex(computeDatasetDigest(ks));
const valueDigest = (ks: Keyspace, key: string, db = 0): string => toHex(digestValue(ks, db, b(key)));

/** A dataset of every type and encoding (int/embstr/raw strings, intset and hashtable sets, listpack and skiplist zsets, a TTL, db 3). */
const DATASET = [
  'SET s hello', 'SET n 12345', 'SET big 123456789012345678901234567890', 'RPUSH l a b 3 c', 'SADD st x y 1 2', 'SADD si 1 2 3 100',
  'ZADD z 1.5 a 2 b -0.1 c 1e300 d inf e',
  // a zset of 128 members (over zset-max-listpack-entries: a skiplist)
  'ZADD zbig 1 a 2 b 3 c 4 d 5 e 6 f 7 g 8 h 9 i 10 j 11 k 12 l 13 m 14 n 15 o 16 p 17 q 18 r 19 s 20 t 21 u 22 v 23 w 24 x 25 y 26 z 27 aa 28 bb 29 cc 30 dd 31 ee 32 ff 33 gg 34 hh 35 ii 36 jj 37 kk 38 ll 39 mm 40 nn 41 oo 42 pp 43 qq 44 rr 45 ss 46 tt 47 uu 48 vv 49 ww 50 xx 51 yy 52 zz 53 a1 54 a2 55 a3 56 a4 57 a5 58 a6 59 a7 60 a8 61 a9 62 b1 63 b2 64 b3 65 b4 66 b5 67 b6 68 b7 69 b8 70 b9 71 c1 72 c2 73 c3 74 c4 75 c5 76 c6 77 c7 78 c8 79 c9 80 d1 81 d2 82 d3 83 d4 84 d5 85 d6 86 d7 87 d8 88 d9 89 e1 90 e2 91 e3 92 e4 93 e5 94 e6 95 e7 96 e8 97 e9 98 f1 99 f2 100 f3 101 f4 102 f5 103 f6 104 f7 105 f8 106 f9 107 g1 108 g2 109 g3 110 g4 111 g5 112 g6 113 g7 114 g8 115 g9 116 h1 117 h2 118 h3 119 h4 120 h5 121 h6 122 h7 123 h8 124 h9 125 i1 126 i2 127 i3 128 i4 129 i5 130 i6 131 i7',
  'HSET h f1 v1 f2 2 f3 v3', 'SET e v EX 1000', 'SELECT 3', 'SET other 1', 'SELECT 0',
];

describe('DEBUG DIGEST (debug.c computeDatasetDigest, xorObjectDigest, 7.0)', () => {
  // Expected values: what redis-server 7.0.15 answered to the same commands (`redis-cli DEBUG DIGEST`,
  // `DEBUG DIGEST-VALUE …`, --enable-debug-command yes), 2026-12-05. The peer differential
  // (packages/redis-server/test/differential.peer.test.ts) compares them live.
  test('a dataset of every type and encoding has redis-server 7.0.15\'s digest, and each value its DIGEST-VALUE', () => {
    const ks = fresh();
    run(ks, DATASET);
    expect(ks.encoding('zbig')).toBe('skiplist');
    expect(digest(ks)).toBe('757b5cdbc9ad1bedb51d00ca310b9d70eea3b95e');
    expect(valueDigest(ks, 's')).toBe('36b23a1456b2dce2c3ed252c456761301dba8060');
    expect(valueDigest(ks, 'l')).toBe('226c2112f4bc5d6412d156490c291101b43ddc83');
    expect(valueDigest(ks, 'st')).toBe('d9a5e496512416d64a1c5e6d33afd9f2f9c366c5');
    expect(valueDigest(ks, 'si')).toBe('1b4dacdfe78a590c11722a294e97fc48297a2a2c');
    expect(valueDigest(ks, 'z')).toBe('d2ffb611b02368cf055586ab2b77b0c5eb7d5d3b');
    expect(valueDigest(ks, 'h')).toBe('f539a3b82597f31b5cbc28a65219351ea375200a');
    expect(valueDigest(ks, 'e')).toBe('311b17018163335616e089f6b951c82c477335ac');
    expect(valueDigest(ks, 'nokey')).toBe('0'.repeat(40));
  });

  test('an empty dataset is 40 zeros, as computeDatasetDigest starts from a zeroed digest', () => {
    expect(digest(fresh())).toBe('0'.repeat(40));
  });

  test('property: the order keys, set members and hash fields were written in does not change the digest', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,6}$/), { minLength: 1, maxLength: 12 }), fc.infiniteStream(fc.nat()), (words, picks) => {
        const shuffled = [...words];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (picks.next().value as number) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] ?? '', shuffled[i] ?? ''];
        }
        const fill = (ws: string[]): Keyspace => {
          const ks = fresh();
          for (const w of ws) run(ks, [`SET k${w} ${w}`, `SADD s ${w}`, `HSET h ${w} v${w}`, `ZADD z 1 ${w}`]);
          return ks;
        };
        expect(digest(fill(shuffled))).toBe(digest(fill(words)));
      }),
    );
  });

  test('property: a list\'s order does change it (mixDigest feeds each element back)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z]{1,4}$/), { minLength: 2, maxLength: 8 }), (words) => {
        const a = fresh();
        const z = fresh();
        run(a, [`RPUSH l ${words.join(' ')}`]);
        run(z, [`RPUSH l ${[...words].reverse().join(' ')}`]);
        expect(digest(a)).not.toBe(digest(z));
      }),
    );
  });

  test('the encoding does not matter: an intset and a hashtable set, a listpack and a skiplist zset, of the same members, digest alike', () => {
    const small = fresh();
    const big = fresh({ setMaxIntsetEntries: 0, zsetMaxListpackEntries: 0 });
    for (const ks of [small, big]) run(ks, ['SADD s 1 2 3', 'ZADD z 1 a 2.5 b']);
    expect(small.encoding('s')).toBe('intset');
    expect(big.encoding('s')).toBe('hashtable');
    expect(big.encoding('z')).toBe('skiplist');
    expect(digest(big)).toBe(digest(small));
  });

  test('a TTL adds "!!expire!!" whatever its value; the db a key lives in is part of the digest', () => {
    const a = fresh();
    const c = fresh();
    const d = fresh();
    run(a, ['SET k v EX 100']);
    run(c, ['SET k v EX 5000']);
    run(d, ['SET k v']);
    expect(digest(a)).toBe(digest(c));
    expect(digest(a)).not.toBe(digest(d));
    const moved = fresh();
    run(moved, ['SELECT 1', 'SET k v']);
    expect(digest(moved)).not.toBe(digest(d));
  });
});

describe('DEBUG POPULATE (debug.c, 7.0)', () => {
  test('count keys "key:N" = "value:N", embstr, no propagation and no dirty; an existing key is kept', () => {
    const propagated: string[] = [];
    const ks = new Keyspace({ now: () => NOW, onPropagate: (_db, argv) => propagated.push(argv.map((a) => Buffer.from(a).toString()).join(' ')) });
    run(ks, ['SET key:1 mine']);
    const dirty = ks.dirty;
    const added = debugPopulate(ks, 0, 3);
    expect(added.map((k) => Buffer.from(k).toString())).toEqual(['key:0', 'key:2']);
    expect([ks.get('key:0'), ks.get('key:1'), ks.get('key:2')]).toEqual(['value:0', 'mine', 'value:2']);
    expect(ks.encoding('key:0')).toBe('embstr');
    expect(ks.dirty).toBe(dirty);
    expect(propagated).toEqual(['SET key:1 mine']);
  });

  // Each case as redis-server 7.0.15 answered it (redis-cli, 2026-12-05).
  test('a size pads with zero bytes or cuts the value; over 44 bytes the value is raw', () => {
    const ks = fresh();
    debugPopulate(ks, 0, 1, b('q'), 50);
    expect(ks.getBuffer('q:0')).toEqual(Uint8Array.from([...b('value:0'), ...new Uint8Array(43)]));
    expect(ks.encoding('q:0')).toBe('raw');
    debugPopulate(ks, 0, 1, b('j'), 44);
    expect(ks.encoding('j:0')).toBe('embstr');
    debugPopulate(ks, 0, 2, b('a\0b'), 4);
    expect([ks.get('a:0'), ks.get('a:1')]).toEqual(['valu', 'valu']);
  });

  test('the key is snprintf\'s 127 bytes at most: with a 130-byte prefix both keys are the same 127 x\'s, so only one is added', () => {
    const ks = fresh();
    const added = debugPopulate(ks, 0, 2, b('x'.repeat(130)));
    expect(added.map((k) => k.length)).toEqual([127]);
    expect(ks.dbsize()).toBe(1);
  });

  test('more keys than a db holds (2^24, a JS Map\'s limit) or a value over the longest string is a typed error before anything is added, never a loop of 10^15 (redis-server 7.0.15 aborts: "Out Of Memory allocating")', () => {
    const ks = fresh();
    run(ks, ['SET k v']);
    expect(() => debugPopulate(ks, 0, 2 ** 24)).toThrow(expect.objectContaining({ name: 'KeyspaceError', code: 'POPULATE_TOO_LARGE' }));
    expect(() => debugPopulate(ks, 0, 1e15)).toThrow(expect.objectContaining({ code: 'POPULATE_TOO_LARGE' }));
    expect(() => debugPopulate(ks, 0, 1, b('x'), 2 ** 30)).toThrow(expect.objectContaining({ code: 'POPULATE_TOO_LARGE' }));
    expect(ks.dbsize()).toBe(1);
  });

  test('a key whose deadline passed is deleted first (lookupKeyWrite: DEL propagated) and then populated', () => {
    let now = NOW;
    const propagated: string[] = [];
    const ks = new Keyspace({ now: () => now, onPropagate: (_db, argv) => propagated.push(argv.map((a) => Buffer.from(a).toString()).join(' ')) });
    run(ks, ['SET key:0 old PX 10']);
    now += 11;
    debugPopulate(ks, 0, 1);
    expect(ks.get('key:0')).toBe('value:0');
    expect(ks.pttl('key:0')).toBe(-1);
    expect(propagated.at(-1)).toBe('DEL key:0');
  });
});
