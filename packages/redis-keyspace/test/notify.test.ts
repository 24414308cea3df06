/**
 * notify.ts (redis/redis src/notify.c, 7.0): the class parsing and canonical text, and the events
 * the keyspace hands to its sink — in the order Redis's code raises them, only for enabled
 * classes, never with notifications off. The expected orders were seen on redis-server 7.0.15
 * (packages/redis-server/test/notifications.peer.test.ts compares whole streams).
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Keyspace } from '../src/index.js';
import {
  NOTIFY_ALL, NOTIFY_KEY_MISS, NOTIFY_NEW, NOTIFY_KEYSPACE, NOTIFY_KEYEVENT,
  keyspaceEventsFlagsToString, keyspaceEventsStringToFlags,
} from '../src/notify.js';

function withSink(classes: string) {
  let now = 1_000_000;
  const events: string[] = [];
  const ks = new Keyspace({
    now: () => now,
    notifyKeyspaceEvents: keyspaceEventsStringToFlags(classes),
    onKeyspaceEvent: (_type, event, key, dbid) => events.push(`${dbid} ${event} ${key}`),
  });
  return { ks, events, advance: (ms: number) => void (now += ms) };
}

describe('keyspaceEventsStringToFlags / keyspaceEventsFlagsToString', () => {
  const chars = fc.constantFrom('A', 'g', '$', 'l', 's', 'h', 'z', 'x', 'e', 'K', 'E', 't', 'm', 'd', 'n');
  test('reading back the canonical text gives the same classes, except an n written after A (7.0 drops it)', () => {
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 12 }).map((a) => a.join('')), (s) => {
        const flags = keyspaceEventsStringToFlags(s);
        const again = keyspaceEventsStringToFlags(keyspaceEventsFlagsToString(flags));
        const lost = (flags & NOTIFY_ALL) === NOTIFY_ALL ? flags & NOTIFY_NEW : 0;
        expect(again).toBe(flags & ~lost);
      }),
    );
  });
  test('any character outside Ag$lshzxeKEtmdn makes the whole text invalid (-1)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !'Ag$lshzxeKEtmdn'.includes(c)), (s, bad) => {
        expect(keyspaceEventsStringToFlags(s + bad)).toBe(-1);
      }),
    );
  });
  test('A is every class but m and n; K and E are channels, not classes', () => {
    const a = keyspaceEventsStringToFlags('A');
    expect(a & NOTIFY_KEY_MISS).toBe(0);
    expect(a & NOTIFY_NEW).toBe(0);
    expect(a & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT)).toBe(0);
    expect(keyspaceEventsFlagsToString(keyspaceEventsStringToFlags('KEA'))).toBe('AKE');
  });
});

describe('events handed to the sink', () => {
  test('with notifications off the sink is never called, whatever runs', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(['SET', 'a', '1'], ['GET', 'b'], ['DEL', 'a'], ['LPUSH', 'l', 'x'], ['RPOP', 'l'], ['EXPIRE', 'a', '-1'], ['SADD', 's', 'm']), { maxLength: 30 }), (cmds) => {
        const t = withSink('');
        for (const c of cmds) t.ks.execute(c);
        t.ks.set('typed', 'v');
        t.ks.get('missing');
        expect(t.events).toEqual([]);
      }),
    );
  });

  test('t_list.c lmoveGenericCommand: the destination\'s push ("new" when created), then the source\'s pop, then its "del"', () => {
    const t = withSink('An');
    t.ks.execute(['RPUSH', 'src', 'x']);
    t.events.length = 0;
    t.ks.execute(['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT']);
    expect(t.events).toEqual(['0 new dst', '0 rpush dst', '0 lpop src', '0 del src']);
  });

  test('the typed API raises what the commands raise (set, expire; keymiss and expired on get)', () => {
    const t = withSink('Anm');
    t.ks.set('k', 'v', { px: 10 });
    t.advance(11);
    expect(t.ks.get('k')).toBeUndefined();
    expect(t.events).toEqual(['0 new k', '0 set k', '0 expire k', '0 expired k', '0 keymiss k']);
  });

  test('restore() (an RDB or AOF load) raises no "new"; a command adding the key does', () => {
    const t = withSink('n');
    t.ks.restore({ db: 0, key: new TextEncoder().encode('loaded'), value: { type: 'string', value: new TextEncoder().encode('v') } });
    expect(t.events).toEqual([]);
    t.ks.execute(['SET', 'cmd', 'v']);
    expect(t.events).toEqual(['0 new cmd']);
  });

  test('the flags and the sink can change at any time (CONFIG SET)', () => {
    const t = withSink('');
    t.ks.execute(['SET', 'a', '1']);
    t.ks.notifyKeyspaceEvents = keyspaceEventsStringToFlags('$');
    t.ks.execute(['SET', 'a', '2']);
    t.ks.execute(['LPUSH', 'l', 'x']);
    t.ks.onKeyspaceEvent = undefined;
    t.ks.execute(['SET', 'a', '3']);
    expect(t.events).toEqual(['0 set a']);
  });

  test('active expiry raises "expired" for each key the cycle removes', () => {
    const t = withSink('x');
    for (let i = 0; i < 30; i++) t.ks.execute(['SET', `k${i}`, 'v', 'PX', String(5 + i)]);
    t.advance(1000);
    for (let i = 0; i < 50 && t.events.length < 30; i++) t.ks.activeExpireCycle('slow');
    expect([...t.events].sort()).toEqual(Array.from({ length: 30 }, (_, i) => `0 expired k${i}`).sort());
  });
});
