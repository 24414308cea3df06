// keyspace_hits / keyspace_misses (server.stat_keyspace_hits / stat_keyspace_misses): counted by
// read lookups only (db.c lookupKey without LOOKUP_WRITE), including the LOOKUP_NOTOUCH ones
// (EXISTS, TYPE, TTL, OBJECT), per key for MGET, for the sources of SINTERSTORE, and for a hit of
// the wrong type (the count is taken before checkType). The expected pairs below were recorded from
// a real redis-server 7.0.15 (`redis-server --port N --save ''`, each command sent with redis-cli,
// then `INFO stats` read), not computed by this package. The peer test
// keyspace-stats.peer.test.ts checks the same rule on random commands.
import { describe, expect, it } from 'vitest';
import { Keyspace } from '../src/index.js';
import type { PayloadCodec } from '../src/index.js';

/** A stand-in DUMP payload (the counters do not depend on the bytes). */
const codec: PayloadCodec = { dump: () => new Uint8Array([0]), restore: () => 'format' };

/** [command, keyspace_hits, keyspace_misses after it] as redis-server 7.0.15 reported them. */
const RECORDED: readonly [string[], number, number][] = [
  [['SET', 'a', '1'], 0, 0],
  [['GET', 'a'], 1, 0],
  [['GET', 'nokey'], 1, 1],
  [['EXISTS', 'a', 'nokey'], 2, 2],
  [['TYPE', 'a'], 3, 2],
  [['TTL', 'nokey'], 3, 3],
  [['MGET', 'a', 'b', 'a'], 5, 4],
  [['INCR', 'a'], 5, 4],
  [['APPEND', 'a', 'x'], 5, 4],
  [['DEL', 'a'], 5, 4],
  [['RPUSH', 'l', 'x', 'y'], 5, 4],
  [['LRANGE', 'l', '0', '-1'], 6, 4],
  [['LPOP', 'l'], 6, 4],
  [['HGET', 'nokey', 'f'], 6, 5],
  [['RENAME', 'l', 'l2'], 6, 5],
  [['OBJECT', 'ENCODING', 'l2'], 7, 5],
  [['SET', 's', 'v', 'GET'], 7, 6],
  [['GETDEL', 's'], 8, 6],
  [['SADD', 't', '1'], 8, 6],
  [['SINTERSTORE', 'u', 't', 'nokey'], 9, 7],
  [['SINTER', 't', 'nokey'], 10, 8],
  [['SORT', 'l2', 'ALPHA'], 11, 8],
  [['COPY', 'l2', 'l3'], 12, 8],
  [['DUMP', 'l3'], 13, 8],
];

describe('keyspace_hits / keyspace_misses', () => {
  it('a short command sequence moves the counters exactly as redis-server 7.0.15 did', () => {
    const ks = new Keyspace({ now: () => 1_700_000_000_000, payloadCodec: codec });
    for (const [argv, hits, misses] of RECORDED) {
      ks.execute(argv);
      expect({ cmd: argv.join(' '), hits: ks.stats.keyspaceHits, misses: ks.stats.keyspaceMisses }).toEqual({ cmd: argv.join(' '), hits, misses });
    }
  });

  it('CONFIG RESETSTAT (resetLookupStats) zeroes them, and a wrong-type GET after it counts one hit (recorded: 1, 0)', () => {
    const ks = new Keyspace({ now: () => 1_700_000_000_000, payloadCodec: codec });
    for (const [argv] of RECORDED) ks.execute(argv);
    ks.resetLookupStats();
    expect([ks.stats.keyspaceHits, ks.stats.keyspaceMisses]).toEqual([0, 0]);
    expect(ks.execute(['GET', 'l3']).type).toBe('error');
    expect([ks.stats.keyspaceHits, ks.stats.keyspaceMisses]).toEqual([1, 0]);
  });

  it('the typed API counts as the commands it stands for: get() is GET, set() is SET', () => {
    const ks = new Keyspace({ now: () => 1_700_000_000_000 });
    ks.set('k', 'v');
    expect(ks.get('k')).toBe('v');
    expect(ks.get('missing')).toBeUndefined();
    expect(ks.getBuffer('missing')).toBeUndefined();
    expect([ks.stats.keyspaceHits, ks.stats.keyspaceMisses]).toEqual([1, 2]);
  });

  it('INFO stats prints them after evicted_keys, as redis-server 7.0 orders its fields', () => {
    const ks = new Keyspace({ now: () => 1_700_000_000_000 });
    ks.execute(['GET', 'a']);
    const r = ks.execute(['INFO', 'stats']);
    const text = r.type === 'bulk' ? Buffer.from(r.value).toString() : '';
    expect(text).toMatch(/evicted_keys:0\r\nkeyspace_hits:0\r\nkeyspace_misses:1\r\n/);
  });

  it('a key that expired lazily is a miss, as lookupKey counts it after expireIfNeeded', () => {
    let now = 1_700_000_000_000;
    const ks = new Keyspace({ now: () => now });
    ks.execute(['SET', 'k', 'v', 'PX', '10']);
    now += 20;
    expect(ks.execute(['GET', 'k'])).toEqual({ type: 'null' });
    expect([ks.stats.keyspaceHits, ks.stats.keyspaceMisses]).toEqual([0, 1]);
  });
});
