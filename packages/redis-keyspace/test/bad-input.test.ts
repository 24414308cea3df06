// Bad input never corrupts the keyspace: a command that gets an error reply leaves every key, value
// and deadline as it was, does not change server.dirty and propagates nothing (Redis validates all
// arguments before it writes; ZADD parses every score first, SET validates the expire first, …).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Keyspace } from '../src/index.js';

const NOW = 1_700_000_000_000;
const key = fc.constantFrom('s', 'l', 'z', 'h', 'set', 'none');
const junk = fc.constantFrom('', 'x', '-1', '0', '1.5', ' 1', '9223372036854775807', '9223372036854775808', '-9223372036854775809', 'nan', 'inf', 'EX', 'PX', 'NX', 'XX', 'GT', 'LT', 'GET', 'KEEPTTL', 'PERSIST', 'WITHSCORES', 'LIMIT', 'BYSCORE', 'REV', '(1');
const command = fc.tuple(
  fc.constantFrom('SET', 'GETEX', 'EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT', 'SETEX', 'PSETEX', 'INCRBY', 'DECRBY', 'INCR', 'RPUSH', 'LRANGE', 'SADD', 'ZADD', 'ZRANGE', 'HSET', 'SELECT', 'FLUSHDB', 'OBJECT', 'GETDEL', 'APPEND', 'NOPE', 'TTL', 'PERSIST'),
  key,
  fc.array(junk, { maxLength: 5 }),
).map(([c, k, rest]) => [c, k, ...rest]);

function state(ks: Keyspace): string {
  return JSON.stringify([...ks.entries()].map((e) => [e.db, Buffer.from(e.key).toString(), e.encoding, e.expireAtMs, JSON.stringify(e.value, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString() : v))]));
}

describe('error replies are atomic: no partial writes', () => {
  it('for random malformed commands on every type of key, an error reply means nothing changed', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 30 }), (cmds) => {
        let propagated = 0;
        const ks = new Keyspace({ now: () => NOW, onPropagate: () => { propagated++; } });
        ks.execute(['SET', 's', '10', 'EX', '100']);
        ks.execute(['RPUSH', 'l', 'a', 'b']);
        ks.execute(['ZADD', 'z', '1', 'm']);
        ks.execute(['HSET', 'h', 'f', 'v']);
        ks.execute(['SADD', 'set', '1']);
        for (const argv of cmds) {
          const before = state(ks);
          const dirty = ks.dirty;
          const p = propagated;
          const r = ks.execute(argv);
          if (r.type === 'error') {
            expect(state(ks), argv.join(' ')).toBe(before);
            expect(ks.dirty).toBe(dirty);
            expect(propagated).toBe(p);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('command names are looked up in a Map (server.c lookupCommand over the commands dict)', () => {
  const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__', 'isPrototypeOf'];
  it.each(NAMES)("server.c processCommand: '%s' is an unknown command, not a JS property", (name) => {
    const ks = new Keyspace({ now: () => NOW });
    expect(ks.execute([name, 'k'])).toEqual({ type: 'error', value: `ERR unknown command '${name}', with args beginning with: 'k' ` });
  });
  it('multi.c: an unknown command inside MULTI aborts the whole transaction (EXECABORT), nothing applied', () => {
    let propagated = 0;
    const ks = new Keyspace({ now: () => NOW, onPropagate: () => { propagated++; } });
    expect(ks.execute(['MULTI']).type).toBe('simple');
    expect(ks.execute(['SET', 'a', '1'])).toEqual({ type: 'simple', value: 'QUEUED' });
    expect(ks.execute(['constructor']).type).toBe('error');
    expect(ks.execute(['SET', 'b', '1'])).toEqual({ type: 'simple', value: 'QUEUED' });
    expect(ks.execute(['EXEC'])).toEqual({ type: 'error', value: 'EXECABORT Transaction discarded because of previous errors.' });
    expect(ks.dbsize()).toBe(0);
    expect(propagated).toBe(0);
  });
});

describe('argv elements that are neither strings nor bytes', () => {
  const BAD: unknown[] = [5, null, undefined, {}, [], true, 10n, Symbol('x')];
  it('are refused with KeyspaceError BAD_ARGUMENT before anything runs or is queued (a MULTI stays intact)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BAD), fc.integer({ min: 0, max: 2 }), (bad, pos) => {
        let propagated = 0;
        const ks = new Keyspace({ now: () => NOW, onPropagate: () => { propagated++; } });
        ks.execute(['MULTI']);
        ks.execute(['SET', 'a', '1']);
        const argv = ['SET', 'b', '2'] as unknown[];
        argv[pos] = bad;
        expect(() => ks.execute(argv as string[])).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
        expect(ks.execute(['EXEC'])).toEqual({ type: 'array', value: [{ type: 'simple', value: 'OK' }] });
        expect(ks.dbsize()).toBe(1);
        expect(propagated).toBe(1);
      }),
    );
  });
  it('a non-array argv is a typed error too', () => {
    const ks = new Keyspace({ now: () => NOW });
    expect(() => ks.execute('GET k' as unknown as string[])).toThrow(expect.objectContaining({ code: 'EMPTY_COMMAND' }));
  });
});
