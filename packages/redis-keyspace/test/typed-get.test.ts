import { describe, expect, test } from 'vitest';
import { executeFromMaster, Keyspace } from '../src/index.js';

/**
 * The typed `get` is the GET command without the RESP wrapping: db.c lookupKeyRead's lazy expiry,
 * its hits/misses count and lookupKey's access update must be the same as for `GET`.
 */
describe('Keyspace.get reads a key as the GET command does (db.c lookupKeyRead)', () => {
  test('a typed get touches the key: OBJECT IDLETIME is 0 after it, as after GET', () => {
    let now = 1_000_000;
    const ks = new Keyspace({ now: () => now });
    ks.execute(['SET', 'k', 'v']);
    now += 100_000;
    expect(ks.execute(['OBJECT', 'IDLETIME', 'k'])).toEqual({ type: 'integer', value: 100n });
    expect(ks.get('k')).toBe('v');
    expect(ks.execute(['OBJECT', 'IDLETIME', 'k'])).toEqual({ type: 'integer', value: 0n });
    now += 7_000;
    expect(ks.execute(['GET', 'k'])).toEqual({ type: 'bulk', value: new TextEncoder().encode('v') });
    expect(ks.execute(['OBJECT', 'IDLETIME', 'k'])).toEqual({ type: 'integer', value: 0n });
  });

  test('under allkeys-lfu typed gets raise the LFU counter as GET does (evict.c updateLFU)', () => {
    const viaGet = new Keyspace({ now: () => 1_700_000_040_000, maxmemoryPolicy: 'allkeys-lfu' });
    const viaTyped = new Keyspace({ now: () => 1_700_000_040_000, maxmemoryPolicy: 'allkeys-lfu' });
    for (const ks of [viaGet, viaTyped]) ks.execute(['SET', 'a', 'b']);
    for (let i = 0; i < 200; i++) {
      viaGet.execute(['GET', 'a']);
      viaTyped.get('a');
    }
    const freq = (ks: Keyspace): number => Number((ks.execute(['OBJECT', 'FREQ', 'a']) as { value: bigint }).value);
    // Both started at LFU_INIT_VAL 5; 200 hits at lfu-log-factor 10 land near 10 (redis.conf table).
    expect(freq(viaTyped)).toBeGreaterThanOrEqual(8);
    expect(freq(viaGet)).toBeGreaterThanOrEqual(8);
  });

  test('on a replica a typed get hides an expired key and leaves it for the master\'s DEL', () => {
    let now = 1_000_000;
    const propagated: string[] = [];
    const ks = new Keyspace({ now: () => now, onPropagate: (_db, argv) => propagated.push(argv.map((a) => Buffer.from(a).toString()).join(' ')) });
    ks.replica = true;
    executeFromMaster(ks, ['SET', 'k', 'v', 'PX', '100']);
    propagated.length = 0;
    now += 101;
    expect(ks.get('k')).toBeUndefined();
    expect(ks.execute(['DBSIZE'])).toEqual({ type: 'integer', value: 1n });
    expect(ks.stats.expiredKeys).toBe(0);
    expect(propagated).toEqual([]);
  });

  test('on a master a typed get of an expired key deletes it, counts it and propagates DEL', () => {
    let now = 1_000_000;
    const propagated: string[] = [];
    const ks = new Keyspace({ now: () => now, onPropagate: (_db, argv) => propagated.push(argv.map((a) => Buffer.from(a).toString()).join(' ')) });
    ks.execute(['SET', 'k', 'v', 'PX', '100']);
    propagated.length = 0;
    now += 101;
    expect(ks.get('k')).toBeUndefined();
    expect(ks.execute(['DBSIZE'])).toEqual({ type: 'integer', value: 0n });
    expect(ks.stats.expiredKeys).toBe(1);
    expect(propagated).toEqual(['DEL k']);
  });
});
