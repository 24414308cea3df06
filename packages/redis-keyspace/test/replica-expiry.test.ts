import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { executeFromMaster, Keyspace } from '../src/index.js';

/** db.c expireIfNeeded on a replica (server.masterhost set), Redis 7.0. */
describe('a replica never expires keys itself (db.c expireIfNeeded)', () => {
  test('a read hides a logically expired key but does not delete it; the master\'s DEL removes it', () => {
    let now = 1_000_000;
    const ks = new Keyspace({ now: () => now });
    ks.replica = true;
    executeFromMaster(ks, ['SET', 'k', 'v', 'PX', '100']);
    now += 101;
    expect(ks.execute(['GET', 'k'])).toEqual({ type: 'null' });
    expect(ks.execute(['EXISTS', 'k'])).toEqual({ type: 'integer', value: 0n });
    expect(ks.execute(['TTL', 'k'])).toEqual({ type: 'integer', value: -2n });
    // Still there: DBSIZE counts it, expired_keys did not move, nothing was propagated.
    expect(ks.execute(['DBSIZE'])).toEqual({ type: 'integer', value: 1n });
    expect(ks.stats.expiredKeys).toBe(0);
    // Neither expire cycle runs on a replica.
    ks.serverCron();
    ks.beforeSleep();
    expect(ks.execute(['DBSIZE'])).toEqual({ type: 'integer', value: 1n });
    // The master's stream sees the key as the master does, then its DEL removes it.
    executeFromMaster(ks, ['DEL', 'k']);
    expect(ks.execute(['DBSIZE'])).toEqual({ type: 'integer', value: 0n });
  });

  test('commands from the master operate on a logically expired key as if it were live', () => {
    let now = 5_000_000;
    const ks = new Keyspace({ now: () => now });
    ks.replica = true;
    executeFromMaster(ks, ['SET', 'n', '10', 'PX', '50']);
    now += 60;
    expect(executeFromMaster(ks, ['INCR', 'n'])).toEqual({ type: 'integer', value: 11n });
  });

  test('RANDOMKEY on a replica whose keys are all expired answers one of them instead of drawing forever', () => {
    let now = 0;
    const ks = new Keyspace({ now: () => now });
    ks.replica = true;
    for (let i = 0; i < 5; i++) executeFromMaster(ks, ['SET', `k${i}`, 'x', 'PX', '10']);
    now = 100;
    const r = ks.execute(['RANDOMKEY']);
    expect(r.type).toBe('bulk');
  });

  test('after REPLICAOF NO ONE (replica mode off) the same key expires lazily, is counted and its DEL propagated', () => {
    let now = 0;
    const propagated: string[] = [];
    const ks = new Keyspace({ now: () => now, onPropagate: (_db, argv) => propagated.push(argv.map((a) => Buffer.from(a).toString()).join(' ')) });
    ks.replica = true;
    executeFromMaster(ks, ['SET', 'k', 'v', 'PX', '10']);
    now = 20;
    expect(ks.execute(['GET', 'k'])).toEqual({ type: 'null' });
    ks.replica = false;
    propagated.length = 0;
    expect(ks.execute(['GET', 'k'])).toEqual({ type: 'null' });
    expect(ks.stats.expiredKeys).toBe(1);
    expect(propagated).toEqual(['DEL k']);
  });

  test('on a replica, any mix of master writes and client reads at any times deletes nothing but what the master deleted', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('set', 'del', 'read', 'tick'), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 200 })), { maxLength: 60 }), (ops) => {
        let now = 0;
        const ks = new Keyspace({ now: () => now });
        ks.replica = true;
        const model = new Set<string>();
        for (const [op, k, dt] of ops) {
          now += dt;
          const key = `k${k}`;
          if (op === 'set') {
            executeFromMaster(ks, ['SET', key, 'v', 'PX', '100']);
            model.add(key);
          } else if (op === 'del') {
            executeFromMaster(ks, ['DEL', key]);
            model.delete(key);
          } else if (op === 'read') ks.execute(['GET', key]);
          else ks.serverCron();
        }
        expect(ks.execute(['DBSIZE'])).toEqual({ type: 'integer', value: BigInt(model.size) });
      }),
    );
  });
});
