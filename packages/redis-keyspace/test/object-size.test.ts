import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { debugPopulate, jemallocSizeClass, keyMemoryUsage, Keyspace, sdsZmallocSize } from '../src/index.js';

const NOW = 1_700_000_000_000;
const te = new TextEncoder();
const fresh = (): Keyspace => new Keyspace({ now: () => NOW });
const run = (ks: Keyspace, argvs: readonly (readonly string[])[]): void => {
  for (const a of argvs) ks.execute([...a]);
};
const usage = (ks: Keyspace, key: string, samples = 5): number | undefined => keyMemoryUsage(ks, 0, te.encode(key), samples);
const x = (n: number, c = 'x'): string => c.repeat(n);

// Expected values: what redis-server 7.0.15 (jemalloc 5.3.0, x86-64) answered to MEMORY USAGE after
// the same commands, 2026-12-05 (redis-cli; the peer differential memory-usage.peer.test.ts compares live).
describe('MEMORY USAGE (object.c objectComputeSize, 7.0): redis-server 7.0.15’s numbers', () => {
  test('after DEBUG POPULATE 2000, key:1 (type-5 key sds 8 + dictEntry 24 + one embstr allocation 32) is 64', () => {
    const ks = fresh();
    debugPopulate(ks, 0, 2000);
    expect(usage(ks, 'key:1')).toBe(64);
    expect(usage(ks, 'key:1999')).toBe(72); // a 8-byte key: sds 10 → 16
  });

  test('RPUSH biglist a b c d e f is 168, HSET hh a 1 b 2 is 80, SADD ss 1 2 3 is 64, ZADD zz 1 a is 64', () => {
    const ks = fresh();
    run(ks, [['RPUSH', 'biglist', 'a', 'b', 'c', 'd', 'e', 'f'], ['HSET', 'hh', 'a', '1', 'b', '2'], ['SADD', 'ss', '1', '2', '3'], ['ZADD', 'zz', '1', 'a']]);
    expect([usage(ks, 'biglist'), usage(ks, 'hh'), usage(ks, 'ss'), usage(ks, 'zz')]).toEqual([168, 80, 64, 64]);
  });

  test('raw strings count sdshdr8/16/32 + length + 1 in its jemalloc class, large classes included (100 → 160 … 200000 → 229432)', () => {
    const ks = fresh();
    const cases: [number, number][] = [[100, 160], [1000, 1080], [20000, 20536], [32765, 41016], [40000, 41016], [70000, 81976], [200000, 229432]];
    for (const [n] of cases) ks.execute(['SET', `big${n}`, x(n)]);
    expect(cases.map(([n]) => usage(ks, `big${n}`))).toEqual(cases.map(([, u]) => u));
    ks.execute(['SET', 'b40954', x(40954)]);
    ks.execute(['SET', 'b40955', x(40955)]);
    expect([usage(ks, 'b40954'), usage(ks, 'b40955')]).toEqual([41008, 49200]);
  });

  test('SET k (50 bytes) is 112 (raw sds 54 → 64)', () => {
    const ks = fresh();
    ks.execute(['SET', 'k', x(50)]);
    expect(usage(ks, 'k')).toBe(112);
  });

  test('a listpack zset score is d2string’s text, stored as an integer entry when it is one: 1.1 → 80, 1e100 → 80, -0.0 → 64 (stored as 0), 1e15 with a 14-byte member → 96', () => {
    const ks = fresh();
    run(ks, [['ZADD', 'q1', '1.1', 'a'], ['ZADD', 'q2', '1e100', 'a'], ['ZADD', 'q3', '-0.0', 'a'], ['ZADD', 'q4', '1e15', x(14, 'm')], ['ZADD', 'q5', '1e15', x(13, 'm')]]);
    expect(['q1', 'q2', 'q3', 'q4', 'q5'].map((k) => usage(ks, k))).toEqual([80, 80, 64, 96, 80]);
    // Up to ±2^62 an integral score is an integer entry (10 bytes); 4.7e18 is the string "4.7e+18" (9).
    run(ks, [['ZADD', 'q6', '-100000000000000000', x(14, 'm')], ['ZADD', 'q7', '4611686018427387904', x(14, 'm')], ['ZADD', 'q8', '4.7e18', x(14, 'm')], ['ZADD', 'q9', '4.7e18', x(15, 'm')]]);
    expect(['q6', 'q7', 'q8', 'q9'].map((k) => usage(ks, k))).toEqual([96, 96, 80, 96]);
  });

  test('a hashtable set of 12 one-letter members, its rehash finished, is 616 with SAMPLES 0', () => {
    const ks = fresh();
    ks.execute(['SADD', 's2', ...'abcdefghijkl'.split('')]);
    expect(ks.encoding('s2')).toBe('hashtable');
    expect(usage(ks, 's2', Infinity)).toBe(616);
  });

  test('a hashtable hash of 600 fields f1..f600 = v1..v600, its rehash finished, is 32296 with SAMPLES 0', () => {
    const ks = fresh();
    const args: string[] = [];
    for (let i = 1; i <= 600; i++) args.push(`f${i}`, `v${i}`);
    ks.execute(['HSET', 'h', ...args]);
    expect(usage(ks, 'h', Infinity)).toBe(32296);
  });

  test('APPEND-grown strings: SET a abc, APPEND a def is 64 (sdsMakeRoomFor doubled 6 to 12: sdshdr8 + 12 + 1 in class 16)', () => {
    const ks = fresh();
    run(ks, [['SET', 'a', 'abc'], ['APPEND', 'a', 'def']]);
    expect(usage(ks, 'a')).toBe(64);
  });

  test('a missing key has no usage; an expired key not yet reclaimed still has one (dictFind, no expiry check)', () => {
    let now = NOW;
    const ks = new Keyspace({ now: () => now });
    run(ks, [['SET', 'e', 'v', 'PX', '10']]);
    now += 1000;
    expect(usage(ks, 'nope')).toBeUndefined();
    expect(usage(ks, 'e')).toBe(64);
  });
});

describe('jemalloc size classes and sds sizes', () => {
  test('the small classes are 8, 16, 32, 48 … 128, then four per doubling', () => {
    expect([1, 8, 9, 17, 24, 33, 128, 129, 161, 257, 513, 14337, 16385, 20481].map(jemallocSizeClass)).toEqual(
      [8, 8, 16, 32, 32, 48, 128, 160, 192, 320, 640, 16384, 20480, 24576],
    );
  });

  test('every request fits its class, and the class is less than 25 % (or 16 bytes) bigger', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1 << 26 }), (n) => {
      const c = jemallocSizeClass(n);
      expect(c).toBeGreaterThanOrEqual(n);
      expect(c - n).toBeLessThan(Math.max(16, n / 4));
    }));
  });

  test('sds headers follow sdsReqType: type 5 below 32 bytes, 8 below 256, 16 below 65536, 32 beyond', () => {
    expect([0, 5, 31, 32, 255, 256, 65535, 65536].map(sdsZmallocSize)).toEqual([8, 8, 48, 48, 320, 320, 81920, 81920]);
  });
});
