// maxmemory through the Keyspace (src/maxmemory.ts + src/evict.ts): the -OOM refusal under
// noeviction, eviction before a write under the other policies, evicted_keys, the DELs that
// evictions propagate, OBJECT IDLETIME / FREQ, and the incremental memory estimate.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clocked, show } from './helpers.js';
import { objectMemoryEstimate } from '../src/maxmemory.js';
import type { Keyspace } from '../src/index.js';

const OOM = "-OOM command not allowed when used memory > 'maxmemory'.";

function fullRecount(ks: Keyspace): number {
  let n = 0;
  for (const db of ks.core.dbs) {
    for (const [key, slot] of db.dict) n += objectMemoryEstimate(key, db.valOf[slot] ?? '', db.hasExpire(slot));
  }
  return n;
}

function used(ks: Keyspace): number {
  const mm = ks.core.maxmemory;
  if (mm === undefined) throw new Error('maxmemory not configured');
  return mm.usedMemory();
}

describe('maxmemory-policy noeviction', () => {
  it("server.c processCommand: over maxmemory, commands flagged denyoom get the -OOM error (shared.oomerr); reads and DEL still run, and DEL makes room again", () => {
    const { ks, run } = clocked(1_700_000_000_000, { maxmemory: 1000, maxmemoryPolicy: 'noeviction' });
    let i = 0;
    while (show(run('SET', `k${i}`, 'x'.repeat(50))) === '+OK') i++;
    expect(i).toBeGreaterThan(3);
    expect(show(run('SET', 'more', 'v'))).toBe(OOM);
    expect(show(run('RPUSH', 'l', 'a'))).toBe(OOM);
    expect(show(run('GET', 'k0'))).toBe(`$${'x'.repeat(50)}`);
    expect(show(run('DEL', 'k0', 'k1'))).toBe(':2');
    expect(show(run('SET', 'more', 'v'))).toBe('+OK');
    expect(used(ks)).toBe(fullRecount(ks));
  });

  it('multi.c: inside MULTI, a command queued while over the limit is refused and EXEC aborts', () => {
    const { run } = clocked(1_700_000_000_000, { maxmemory: 200, maxmemoryPolicy: 'noeviction' });
    run('SET', 'a', 'x'.repeat(100));
    run('SET', 'b', 'x'.repeat(100));
    expect(show(run('MULTI'))).toBe('+OK');
    expect(show(run('GET', 'a'))).toBe(OOM);
    expect(show(run('EXEC'))).toBe('-EXECABORT Transaction discarded because of previous errors.');
  });
});

describe('eviction policies through the keyspace', () => {
  it('evict.c performEvictions under allkeys-lru: writes past maxmemory evict least recently used keys (never the hot ones here), count them in INFO evicted_keys and propagate DEL for each', () => {
    const { ks, run, clock, log } = clocked(1_700_000_000_000, { maxmemory: 5_000, maxmemoryPolicy: 'allkeys-lru', maxmemorySamples: 10 });
    for (let i = 0; i < 100; i++) {
      clock.now += 1000;
      run('SET', `k${i}`, 'v'.repeat(60));
      // keys 0..9 stay hot: read after every write
      for (let h = 0; h < 10 && h <= i; h++) run('GET', `k${h}`);
    }
    const info = show(run('INFO', 'stats'));
    const evicted = Number(/evicted_keys:(\d+)/.exec(info)?.[1] ?? NaN);
    expect(evicted).toBeGreaterThan(0);
    expect(log.filter((e) => e.argv[0] === 'DEL').length).toBe(evicted);
    for (let h = 0; h < 10; h++) expect(show(run('EXISTS', `k${h}`))).toBe(':1');
    expect(used(ks)).toBeLessThanOrEqual(5_000);
    expect(used(ks)).toBe(fullRecount(ks));
  });

  it('volatile-ttl evicts only keys with a TTL, nearest deadline first, and gives -OOM once none are left', () => {
    const { run, clock } = clocked(1_700_000_000_000, { maxmemory: 1000, maxmemoryPolicy: 'volatile-ttl', maxmemorySamples: 64 });
    run('SET', 'p1', 'x'.repeat(100));
    run('SET', 'p2', 'x'.repeat(100));
    run('SET', 'late', 'x'.repeat(100), 'EX', '1000');
    run('SET', 'soon', 'x'.repeat(100), 'EX', '10');
    clock.now += 1;
    let i = 0;
    while (show(run('SET', `n${i}`, 'x'.repeat(100))) === '+OK' && i < 50) i++;
    expect(show(run('EXISTS', 'soon'))).toBe(':0');
    expect(show(run('EXISTS', 'p1', 'p2'))).toBe(':2');
    expect(show(run('SET', 'another', 'x'.repeat(100)))).toBe(OOM);
  });
});

describe('OBJECT IDLETIME / OBJECT FREQ', () => {
  it('object.c: FREQ is refused unless an LFU policy is selected, IDLETIME when one is (7.0.15 texts)', () => {
    const lru = clocked(1_700_000_000_000, { maxmemoryPolicy: 'allkeys-lru' });
    lru.run('SET', 'a', 'b');
    expect(show(lru.run('OBJECT', 'FREQ', 'a'))).toMatch(/^-ERR An LFU maxmemory policy is not selected, access frequency not tracked\./);
    const lfu = clocked(1_700_000_000_000, { maxmemoryPolicy: 'allkeys-lfu' });
    lfu.run('SET', 'a', 'b');
    expect(show(lfu.run('OBJECT', 'IDLETIME', 'a'))).toMatch(/^-ERR An LFU maxmemory policy is selected, idle time not tracked\./);
  });

  it('evict.c LFULogIncr: under allkeys-lfu a new key starts at 5 and 200 reads raise its counter logarithmically (about 11 at lfu-log-factor 10, redis.conf table: 100 hits → 10)', () => {
    const { run } = clocked(1_700_000_040_000, { maxmemoryPolicy: 'allkeys-lfu' });
    run('SET', 'a', 'b');
    expect(show(run('OBJECT', 'FREQ', 'a'))).toBe(':5');
    for (let i = 0; i < 200; i++) run('GET', 'a');
    const f = Number(show(run('OBJECT', 'FREQ', 'a')).slice(1));
    expect(f).toBeGreaterThanOrEqual(8);
    expect(f).toBeLessThanOrEqual(15);
  });
});

describe('the memory estimate', () => {
  it('expire.c activeExpireCycle: a key the cycle reclaims leaves used memory at once, without a recount of every key', () => {
    const { ks, run, clock } = clocked(1_700_000_000_000, { maxmemory: 1_000_000, maxmemoryPolicy: 'allkeys-lru' });
    run('SET', 'keep', 'v');
    run('SET', 'gone', 'x'.repeat(100));
    run('EXPIRE', 'gone', '1');
    const before = used(ks);
    clock.now += 3000;
    expect(ks.activeExpireCycle('slow').expired).toBe(1);
    expect(used(ks)).toBe(fullRecount(ks));
    expect(used(ks)).toBeLessThan(before);
  });

  it('maxmemory.ts: the incrementally kept total always equals a full recount of objectMemoryEstimate, whatever commands ran', () => {
    const cmd = fc.oneof(
      fc.tuple(fc.constant('SET'), fc.constantFrom('a', 'b', 'c'), fc.string({ maxLength: 60 })),
      fc.tuple(fc.constant('RPUSH'), fc.constantFrom('l', 'm'), fc.string({ maxLength: 10 })),
      fc.tuple(fc.constant('LPOP'), fc.constantFrom('l', 'm')),
      fc.tuple(fc.constant('LPUSH'), fc.constantFrom('l', 'm'), fc.constantFrom('y', 'x'.repeat(3000))),
      fc.tuple(fc.constant('LSET'), fc.constantFrom('l'), fc.constantFrom('0', '-1'), fc.constantFrom('v', 'w'.repeat(5000))),
      fc.tuple(fc.constant('LINSERT'), fc.constantFrom('l'), fc.constantFrom('BEFORE', 'AFTER'), fc.constantFrom('y', 'v'), fc.constantFrom('i', 'j'.repeat(4000))),
      fc.tuple(fc.constant('LTRIM'), fc.constantFrom('l', 'm'), fc.constantFrom('1', '0'), fc.constantFrom('-2', '3')),
      fc.tuple(fc.constant('LREM'), fc.constantFrom('l'), fc.constantFrom('0', '1', '-1'), fc.constantFrom('y', 'v')),
      fc.tuple(fc.constant('SADD'), fc.constantFrom('s'), fc.constantFrom('1', '2', 'x')),
      fc.tuple(fc.constant('ZADD'), fc.constantFrom('z'), fc.constantFrom('1', '2'), fc.constantFrom('p', 'q', 'r'.repeat(70))),
      fc.tuple(fc.constant('HSET'), fc.constantFrom('h'), fc.constantFrom('f', 'g'), fc.string({ maxLength: 5 })),
      fc.tuple(fc.constant('DEL'), fc.constantFrom('a', 'l', 's', 'z', 'h')),
      fc.tuple(fc.constant('EXPIRE'), fc.constantFrom('a', 'b', 'l'), fc.constantFrom('1', '100')),
      fc.tuple(fc.constant('RENAME'), fc.constantFrom('a', 'l'), fc.constantFrom('b', 'm')),
      fc.tuple(fc.constant('SUNIONSTORE'), fc.constantFrom('s2'), fc.constantFrom('s')),
      fc.tuple(fc.constant('FLUSHDB')),
      fc.tuple(fc.constant('TICK'), fc.integer({ min: 0, max: 3000 })),
    );
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 60 }), (cmds) => {
        const { ks, run, clock } = clocked(1_700_000_000_000, { maxmemory: 1_000_000, maxmemoryPolicy: 'allkeys-lru' });
        for (const c of cmds) {
          if (c[0] === 'TICK') {
            clock.now += c[1];
            ks.activeExpireCycle('slow');
          } else run(...c.map(String));
          expect(used(ks)).toBe(fullRecount(ks));
        }
      }),
    );
  });
});
