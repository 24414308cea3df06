// Contract C2 (helpers/CONTRACTS.md): entries / restore / fork / dirty, the surface the RDB and AOF
// packages build on.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Keyspace } from '../src/index.js';
import type { KeyEntry } from '../src/index.js';
import { clocked, show } from './helpers.js';

const txt = (u: Uint8Array): string => Buffer.from(u).toString('latin1');
const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');

function summary(entries: Iterable<KeyEntry>): string[] {
  const out: string[] = [];
  for (const e of entries) {
    const v = e.value;
    let val: string;
    if (v.type === 'string') val = txt(v.value);
    else if (v.type === 'list') val = v.value.map(txt).join(',');
    else if (v.type === 'set') val = v.value.map(txt).sort().join(',');
    else if (v.type === 'zset') val = v.value.map((m) => `${txt(m.member)}=${m.score}`).join(',');
    else val = v.value.map(([f, x]) => `${txt(f)}=${txt(x)}`).join(',');
    out.push(`${e.db}/${txt(e.key)} ${v.type}:${e.encoding ?? '?'} ${val}${e.expireAtMs !== undefined ? ` @${e.expireAtMs}` : ''}`);
  }
  return out.sort();
}

describe('Keyspace.entries(): every key of every db with its 7.0 encoding', () => {
  it('includes logically expired keys not yet reclaimed (rdbSave writes them with their deadline)', () => {
    const { ks, run, clock } = clocked(1000);
    run('SET', 'a', '12');
    run('SET', 'e', 'v', 'PXAT', '1500');
    run('SELECT', '2');
    run('RPUSH', 'l', 'x', 'y');
    run('SADD', 's', '3', '1', '2');
    run('ZADD', 'z', '2', 'b', '1', 'a');
    run('HSET', 'h', 'f', 'v');
    clock.now = 5000;
    expect(summary(ks.entries())).toEqual([
      '0/a string:int 12',
      '0/e string:embstr v @1500',
      '2/h hash:listpack f=v',
      '2/l list:quicklist x,y',
      '2/s set:intset 1,2,3',
      '2/z zset:listpack a=1,b=2',
    ]);
  });
});

describe('Keyspace.restore(): load without propagation, dirty or expiry; encoding derived as rdbLoadObject does', () => {
  it('restores every type; a hashtable-sized set of small ints loads as intset; wide hash values load as hashtable', () => {
    const log: unknown[] = [];
    const ks = new Keyspace({ now: () => 10_000, onPropagate: (...a) => log.push(a) });
    ks.restore({ db: 0, key: b('s'), value: { type: 'set', value: [b('1'), b('2')] }, encoding: 'hashtable' });
    ks.restore({ db: 1, key: b('h'), value: { type: 'hash', value: [[b('f'), b('x'.repeat(65))]] } });
    ks.restore({ db: 0, key: b('old'), value: { type: 'string', value: b('v') }, expireAtMs: 5 });
    ks.restore({ db: 0, key: b('z'), value: { type: 'zset', value: Array.from({ length: 129 }, (_, i) => ({ member: b(`m${i}`), score: i })) } });
    expect(log).toEqual([]);
    expect(ks.dirty).toBe(0);
    const all = summary(ks.entries()).map((s) => s.slice(0, 40));
    expect(all.filter((s) => s.startsWith('0/s') || s.startsWith('1/h') || s.startsWith('0/old'))).toEqual([
      '0/old string:embstr v @5',
      '0/s set:intset 1,2',
      '1/h hash:hashtable f=xxxxxxxxxxxxxxxxxxx',
    ]);
    expect(ks.encoding('z')).toBe('skiplist');
    // Restored with a past deadline: the first lookup reclaims it (we are a master, not loading).
    expect(show(ks.execute(['GET', 'old']))).toBe('(nil)');
  });

  it('round trip: restore(entries()) reproduces entries(), for random datasets', () => {
    const member = fc.string({ unit: 'binary-ascii', maxLength: 70 });
    const value = fc.oneof(
      fc.record({ type: fc.constant('string' as const), v: member }),
      fc.record({ type: fc.constant('list' as const), v: fc.array(member, { minLength: 1, maxLength: 5 }) }),
      fc.record({ type: fc.constant('set' as const), v: fc.uniqueArray(fc.oneof(member, fc.integer().map(String)), { minLength: 1, maxLength: 600 }) }),
      fc.record({ type: fc.constant('zset' as const), v: fc.uniqueArray(member, { minLength: 1, maxLength: 140 }) }),
      fc.record({ type: fc.constant('hash' as const), v: fc.uniqueArray(member, { minLength: 1, maxLength: 20 }) }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 15 }), member, value, fc.option(fc.integer({ min: 1, max: 2 ** 45 }))), { maxLength: 15 }), (rows) => {
        const a = new Keyspace({ now: () => 0 });
        for (const [db, key, v, exp] of rows) {
          const rv =
            v.type === 'string' ? { type: 'string' as const, value: b(v.v) }
            : v.type === 'list' ? { type: 'list' as const, value: v.v.map(b) }
            : v.type === 'set' ? { type: 'set' as const, value: v.v.map(b) }
            : v.type === 'zset' ? { type: 'zset' as const, value: v.v.map((m, i) => ({ member: b(m), score: i })) }
            : { type: 'hash' as const, value: v.v.map((f): [Uint8Array, Uint8Array] => [b(f), b(f + f)]) };
          a.restore({ db, key: b(key), value: rv, ...(exp !== null ? { expireAtMs: exp } : {}) });
        }
        const c = new Keyspace({ now: () => 0 });
        for (const e of a.entries()) c.restore(e);
        expect(summary(c.entries())).toEqual(summary(a.entries()));
      }),
      { numRuns: 40 },
    );
  });
});

describe('Keyspace.fork(): the point-in-time view a BGSAVE child sees', () => {
  it('later writes, deletes and in-place changes do not show in the fork', () => {
    const { ks, run } = clocked();
    run('SET', 'a', '1');
    run('RPUSH', 'l', 'x');
    run('HSET', 'h', 'f', 'v');
    const child = ks.fork();
    run('SET', 'a', '2');
    run('RPUSH', 'l', 'y');
    run('HSET', 'h', 'f', 'w');
    run('DEL', 'h');
    run('SET', 'new', '1');
    expect(summary(child.entries())).toEqual(['0/a string:int 1', '0/h hash:listpack f=v', '0/l list:quicklist x']);
  });
});

describe('server.dirty: incremented as Redis does per change', () => {
  it('SET +1, DEL +n deleted, RPUSH +elements, SADD +added, HSET +pairs, FLUSHALL +keys+1, reads 0', () => {
    const { ks, run } = clocked();
    const d = (argv: string[]): number => {
      const before = ks.dirty;
      run(...argv);
      return ks.dirty - before;
    };
    expect(d(['SET', 'a', '1'])).toBe(1);
    expect(d(['GET', 'a'])).toBe(0);
    expect(d(['RPUSH', 'l', 'a', 'b', 'c'])).toBe(3);
    expect(d(['SADD', 's', 'a', 'b', 'a'])).toBe(2);
    expect(d(['HSET', 'h', 'a', '1', 'a', '2'])).toBe(2);
    expect(d(['DEL', 'a', 'zz', 'l'])).toBe(2);
    expect(d(['EXPIRE', 's', '10'])).toBe(1);
    expect(d(['EXPIRE', 's', '10', 'NX'])).toBe(0);
    expect(d(['FLUSHALL'])).toBe(3);
  });
});
