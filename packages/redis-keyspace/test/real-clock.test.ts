// The real-clock adapter runs the same core on timers: untouched keys do disappear on their own.
import { describe, expect, it } from 'vitest';
import { RealClockKeyspace, batchedClock } from '../src/index.js';

describe('adapters/real-clock: serverCron on a timer', () => {
  it('reclaims untouched expired keys without any access (activeExpireCycle on setTimeout at hz 100)', async () => {
    const r = new RealClockKeyspace({ hz: 100 });
    try {
      for (let i = 0; i < 1000; i++) r.execute(['SET', `k${i}`, 'v', 'PX', '20']);
      r.execute(['SET', 'keep', 'v']);
      expect(r.keyspace.dbsize()).toBe(1001);
      const deadline = Date.now() + 20_000; // generous: timers run late on a loaded machine
      while (r.keyspace.dbsize() > 1 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      expect(r.keyspace.dbsize()).toBe(1);
      expect(r.keyspace.stats.activeExpiredKeys).toBe(1000);
    } finally {
      r.close();
    }
  });
});

describe('adapters/real-clock: batchedClock', () => {
  it('reads the clock again after at most maxReads calls in one synchronous run', () => {
    let reads = 0;
    let t = 1000;
    const now = batchedClock(4, () => {
      reads++;
      return t;
    });
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      seen.push(now());
      t++;
    }
    expect(reads).toBe(3); // calls 1, 5 and 9
    expect(seen).toEqual([1000, 1000, 1000, 1000, 1004, 1004, 1004, 1004, 1008, 1008]);
  });

  it('reads the clock again after any yield (a microtask resets it)', async () => {
    let t = 5;
    const now = batchedClock(64, () => t);
    expect(now()).toBe(5);
    t = 9;
    expect(now()).toBe(5);
    await Promise.resolve();
    expect(now()).toBe(9);
  });

  it('with maxReads 1 reads the clock on every call, as redis-server does per command', () => {
    let t = 0;
    const now = batchedClock(1, () => ++t);
    expect([now(), now(), now()]).toEqual([1, 2, 3]);
  });

  it('rejects a maxReads that is not a positive integer with BAD_OPTION', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => batchedClock(bad)).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }) as Error);
    }
  });

  it('never serves a key after its deadline once the program yields', async () => {
    let t = 1_000_000;
    const r = new RealClockKeyspace({ now: () => t });
    try {
      r.keyspace.set('k', 'v', { px: 10 });
      t += 11;
      await Promise.resolve();
      expect(r.keyspace.get('k')).toBeUndefined();
    } finally {
      r.close();
    }
  });
});
