// The typed API beside execute(): same semantics, errors thrown as KeyspaceError with Redis's text.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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

  it('Redis keys are binary-safe byte strings (sds): the typed fast paths keep a text key (its UTF-8 bytes) and a byte key with the same JS char codes distinct', () => {
    // A byte key 0xE9 and the text "é" (UTF-8 C3 A9) are different keys, though "\xe9" === "é" in JS.
    const latin1able = (t: string): boolean => {
      for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) > 255) return false;
      return true;
    };
    const chars = fc.constantFrom('a', 'b', '\u00e9', '\u00c3', '\u00a9', '\u20ac', '\u{1f600}');
    const text = fc.array(chars, { maxLength: 3 }).map((cs) => cs.join(''));
    // A key is given as text (sent as UTF-8) or as bytes: either that text's UTF-8 or its char codes as bytes (latin1).
    const key = fc.tuple(text, fc.constantFrom('text', 'utf8', 'latin1')).filter(([t, how]) => how !== 'latin1' || latin1able(t));
    const toArg = ([t, how]: [string, string]): string | Uint8Array =>
      how === 'text' ? t : new Uint8Array(Buffer.from(t, how === 'utf8' ? 'utf8' : 'latin1'));
    const hexOf = (k: string | Uint8Array): string => (typeof k === 'string' ? Buffer.from(k, 'utf8') : Buffer.from(k)).toString('hex');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key, value: fc.tuple(text, fc.constantFrom('text', 'utf8', 'latin1')).filter(([t, how]) => how !== 'latin1' || latin1able(t)), px: fc.option(fc.integer({ min: 1, max: 3 })) }),
      fc.record({ kind: fc.constant('get' as const), key }),
      fc.record({ kind: fc.constant('append' as const), key, value: text }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('flushdb' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const clock = { now: 1_700_000_000_000 };
        const k = new Keyspace({ now: () => clock.now });
        const model = new Map<string, { bytes: Buffer; deadline: number | undefined }>();
        const live = (h: string): { bytes: Buffer; deadline: number | undefined } | undefined => {
          const e = model.get(h);
          if (e?.deadline !== undefined && clock.now > e.deadline) {
            model.delete(h);
            return undefined;
          }
          return e;
        };
        for (const o of ops) {
          if (o.kind === 'tick') clock.now += o.ms;
          else if (o.kind === 'flushdb') {
            k.execute(['FLUSHDB']); // resets the db's sticky "holds non-ASCII keys/strings" flags
            model.clear();
          } else if (o.kind === 'set') {
            const arg = toArg(o.key);
            const v = toArg(o.value);
            k.set(arg, v, o.px === null ? undefined : { px: o.px });
            model.set(hexOf(arg), { bytes: Buffer.from(hexOf(v), 'hex'), deadline: o.px === null ? undefined : clock.now + o.px });
          } else if (o.kind === 'append') {
            const arg = toArg(o.key);
            k.execute(['APPEND', arg, o.value]);
            const e = live(hexOf(arg));
            const add = Buffer.from(o.value, 'utf8');
            if (e) e.bytes = Buffer.concat([e.bytes, add]);
            else model.set(hexOf(arg), { bytes: add, deadline: undefined });
          } else {
            const arg = toArg(o.key);
            const e = live(hexOf(arg));
            expect(k.get(arg)).toBe(e?.bytes.toString('utf8'));
            const b = k.getBuffer(arg);
            expect(b === undefined ? undefined : Buffer.from(b).toString('hex')).toBe(e?.bytes.toString('hex'));
          }
        }
      }),
    );
  });
});
