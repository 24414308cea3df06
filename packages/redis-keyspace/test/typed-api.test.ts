// The typed API beside execute(): same semantics, errors thrown as KeyspaceError with Redis's text.
import { describe, expect, it } from 'vitest';
import { Keyspace, KeyspaceError } from '../src/index.js';

function ks(): { ks: Keyspace; clock: { now: number } } {
  const clock = { now: 1_700_000_000_000 };
  return { ks: new Keyspace({ now: () => clock.now }), clock };
}

describe('typed API', () => {
  it('set/get/ttl/pttl/expire/persist/incr/del/exists/type/encoding agree with the commands', () => {
    const { ks: k, clock } = ks();
    expect(k.set('a', 'héllo', { ex: 10 })).toBe(true);
    expect(k.get('a')).toBe('héllo');
    expect(Buffer.from(k.getBuffer('a')!).toString('hex')).toBe('68c3a96c6c6f'); // UTF-8 bytes
    expect(k.ttl('a')).toBe(10);
    expect(k.pttl('a')).toBe(10_000);
    expect(k.set('a', 'x', { nx: true })).toBe(false);
    expect(k.set('a', 'y', { keepTtl: true })).toBe(true);
    expect(k.ttl('a')).toBe(10);
    expect(k.persist('a')).toBe(true);
    expect(k.ttl('a')).toBe(-1);
    expect(k.expire('a', 5, 'GT')).toBe(false);
    expect(k.expire('a', 5, 'LT')).toBe(true);
    clock.now += 5001;
    expect(k.get('a')).toBeUndefined();
    expect(k.incr('n', 41)).toBe(41n);
    expect(k.incr('n')).toBe(42n);
    expect(k.encoding('n')).toBe('int');
    expect(k.type('n')).toBe('string');
    expect(k.exists('n', 'n', 'zz')).toBe(2);
    expect(k.del('n', 'zz')).toBe(1);
    expect(k.dbsize()).toBe(0);
  });

  it('errors carry the Redis code and text; bad input leaves the keyspace unchanged', () => {
    const { ks: k } = ks();
    k.execute(['RPUSH', 'l', 'x']);
    const thrown = (f: () => unknown): KeyspaceError => {
      try {
        f();
      } catch (e) {
        if (e instanceof KeyspaceError) return e;
        throw e;
      }
      throw new Error('expected a KeyspaceError');
    };
    expect(thrown(() => k.get('l'))).toMatchObject({ code: 'WRONGTYPE', message: 'WRONGTYPE Operation against a key holding the wrong kind of value' });
    expect(thrown(() => k.set('a', 'v', { ex: 0 }))).toMatchObject({ code: 'ERR', message: "ERR invalid expire time in 'set' command" });
    expect(thrown(() => k.set('a', 'v', { ex: 1, px: 1 }))).toMatchObject({ message: 'ERR syntax error' });
    expect(thrown(() => k.expire('a', 1.5))).toMatchObject({ message: 'ERR value is not an integer or out of range' });
    expect(thrown(() => { k.select(16); })).toMatchObject({ message: 'ERR DB index is out of range' });
    expect(k.dbsize()).toBe(1);
    k.execute(['MULTI']);
    expect(thrown(() => k.get('a'))).toMatchObject({ code: 'IN_MULTI' });
    expect(thrown(() => k.del('a'))).toMatchObject({ code: 'IN_MULTI' });
    k.execute(['DISCARD']);
    expect(() => new Keyspace({ now: () => 0, hz: 0 })).toThrow(KeyspaceError);
    expect(() => new Keyspace({ now: () => 0, activeExpireEffort: 11 })).toThrow(/activeExpireEffort must be an integer in 1..10, found 11/);
    expect(() => k.execute([])).toThrow(/empty argv/);
  });
});
