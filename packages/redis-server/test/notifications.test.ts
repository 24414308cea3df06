/**
 * Keyspace notifications (notify.c, 7.0) on the sans-I/O server with a virtual clock: the cases
 * of Redis's tests/unit/pubsub.tcl "Keyspace notifications: …" by name, the CONFIG GET/SET bytes
 * of notify-keyspace-events recorded from redis-server 7.0.15, and the events of active expiry
 * and eviction, which the clock makes deterministic.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { RedisServer } from '../src/index.js';

const frame = (argv: readonly string[]): string => `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`;

/** A server on a virtual clock with a client (1) and a PSUBSCRIBE __key*__:* subscriber (2). */
function setup(flags: string, db = 9) {
  let now = 1_700_000_000_000;
  const srv = new RedisServer({ now: () => now });
  srv.connect(1);
  srv.connect(2);
  const events: string[] = [];
  const collect = (out: ReturnType<RedisServer['data']>): string => {
    let mine = '';
    for (const o of out) {
      if (o.type !== 'write') continue;
      const t = Buffer.from(o.bytes).toString('latin1');
      if (o.id === 1) mine += t;
      if (o.id !== 2) continue;
      // *4 $8 pmessage $pattern $channel $message
      for (const m of t.matchAll(/\*4\r\n\$8\r\npmessage\r\n\$\d+\r\n[^\r]*\r\n\$\d+\r\n([^\r]*)\r\n\$\d+\r\n([^\r]*)\r\n/g)) events.push(`${m[1] ?? ''} ${m[2] ?? ''}`);
    }
    return mine;
  };
  const send = (...argv: string[]): string => collect(srv.data(1, Buffer.from(frame(argv), 'latin1')));
  send('SELECT', String(db));
  send('CONFIG', 'SET', 'notify-keyspace-events', flags);
  collect(srv.data(2, Buffer.from(frame(['PSUBSCRIBE', '__key*__:*']), 'latin1')));
  return {
    srv,
    send,
    events,
    advance(ms: number) {
      now += ms;
    },
    tick() {
      collect(srv.tick().outputs);
    },
  };
}

describe("tests/unit/pubsub.tcl 'Keyspace notifications: …' (7.0)", () => {
  test('Keyspace notifications: we receive keyspace notifications', () => {
    const t = setup('KA');
    t.send('SET', 'foo', 'bar');
    expect(t.events).toEqual(['__keyspace@9__:foo set']);
  });

  test('Keyspace notifications: we receive keyevent notifications', () => {
    const t = setup('EA');
    t.send('SET', 'foo', 'bar');
    expect(t.events).toEqual(['__keyevent@9__:set foo']);
  });

  test('Keyspace notifications: we can receive both kind of events', () => {
    const t = setup('KEA');
    t.send('SET', 'foo', 'bar');
    expect(t.events).toEqual(['__keyspace@9__:foo set', '__keyevent@9__:set foo']);
  });

  test('Keyspace notifications: we are able to mask events', () => {
    const t = setup('KEl');
    t.send('DEL', 'mylist');
    t.send('SET', 'foo', 'bar');
    t.send('LPUSH', 'mylist', 'a');
    expect(t.events).toEqual(['__keyspace@9__:mylist lpush', '__keyevent@9__:lpush mylist']);
  });

  test('Keyspace notifications: general events test', () => {
    const t = setup('KEg');
    t.send('SET', 'foo', 'bar');
    t.send('EXPIRE', 'foo', '1');
    t.send('DEL', 'foo');
    expect(t.events).toEqual(['__keyspace@9__:foo expire', '__keyevent@9__:expire foo', '__keyspace@9__:foo del', '__keyevent@9__:del foo']);
  });

  test('Keyspace notifications: list events test', () => {
    const t = setup('KEl');
    t.send('LPUSH', 'mylist', 'a');
    t.send('RPUSH', 'mylist', 'a');
    t.send('RPOP', 'mylist');
    expect(t.events).toEqual([
      '__keyspace@9__:mylist lpush', '__keyevent@9__:lpush mylist',
      '__keyspace@9__:mylist rpush', '__keyevent@9__:rpush mylist',
      '__keyspace@9__:mylist rpop', '__keyevent@9__:rpop mylist',
    ]);
  });

  test('Keyspace notifications: set events test', () => {
    const t = setup('Ks');
    t.send('SADD', 'myset', 'a', 'b', 'c', 'd');
    t.send('SREM', 'myset', 'x');
    t.send('SADD', 'myset', 'x', 'y', 'z');
    t.send('SREM', 'myset', 'x');
    expect(t.events).toEqual(['__keyspace@9__:myset sadd', '__keyspace@9__:myset sadd', '__keyspace@9__:myset srem']);
  });

  test('Keyspace notifications: zset events test', () => {
    const t = setup('Kz');
    t.send('ZADD', 'myzset', '1', 'a', '2', 'b');
    t.send('ZREM', 'myzset', 'x');
    t.send('ZADD', 'myzset', '3', 'x', '4', 'y', '5', 'z');
    t.send('ZREM', 'myzset', 'x');
    expect(t.events).toEqual(['__keyspace@9__:myzset zadd', '__keyspace@9__:myzset zadd', '__keyspace@9__:myzset zrem']);
  });

  test('Keyspace notifications: hash events test', () => {
    const t = setup('Kh');
    t.send('HMSET', 'myhash', 'yes', '1', 'no', '0');
    t.send('HINCRBY', 'myhash', 'yes', '10');
    expect(t.events).toEqual(['__keyspace@9__:myhash hset', '__keyspace@9__:myhash hincrby']);
  });

  test('Keyspace notifications: expired events (triggered expire)', () => {
    const t = setup('Ex');
    t.send('PSETEX', 'foo', '100', '1');
    t.advance(101);
    expect(t.send('EXISTS', 'foo')).toBe(':0\r\n');
    expect(t.events).toEqual(['__keyevent@9__:expired foo']);
  });

  test('Keyspace notifications: expired events (background expire)', () => {
    const t = setup('Ex');
    t.send('PSETEX', 'foo', '100', '1');
    t.advance(101);
    for (let i = 0; i < 20 && t.events.length === 0; i++) {
      t.tick();
      t.advance(100);
    }
    expect(t.events).toEqual(['__keyevent@9__:expired foo']);
    expect(t.srv.keyspace.info().expiredKeys).toBe(1);
  });

  test('Keyspace notifications: evicted events', () => {
    const t = setup('Ee');
    t.send('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    t.send('FLUSHDB');
    t.send('SET', 'foo', 'bar');
    t.send('CONFIG', 'SET', 'maxmemory', '1');
    t.send('SET', 'other', 'x'); // performEvictions runs before a command
    t.send('CONFIG', 'SET', 'maxmemory', '0');
    expect(t.events[0]).toBe('__keyevent@9__:evicted foo');
    expect(t.events.every((e) => e.startsWith('__keyevent@9__:evicted '))).toBe(true);
  });

  test('Keyspace notifications: test CONFIG GET/SET of event flags', () => {
    const t = setup('');
    const get = (): string => t.send('CONFIG', 'GET', 'notify-keyspace-events');
    const reply = (v: string): string => `*2\r\n$22\r\nnotify-keyspace-events\r\n$${v.length}\r\n${v}\r\n`;
    t.send('CONFIG', 'SET', 'notify-keyspace-events', 'gKE');
    expect(get()).toBe(reply('gKE'));
    t.send('CONFIG', 'SET', 'notify-keyspace-events', '$lshzxeKE');
    expect(get()).toBe(reply('$lshzxeKE'));
    t.send('CONFIG', 'SET', 'notify-keyspace-events', 'KA');
    expect(get()).toBe(reply('AK'));
    t.send('CONFIG', 'SET', 'notify-keyspace-events', 'EA');
    expect(get()).toBe(reply('AE'));
  });

  test('Keyspace notifications: new key test', () => {
    const t = setup('En');
    t.send('SET', 'foo', 'bar');
    // a second SET overwrites: no "new"
    t.send('SET', 'foo', 'baz');
    expect(t.events).toEqual(['__keyevent@9__:new foo']);
  });
});

describe('notify-keyspace-events: CONFIG GET / SET bytes of redis-server 7.0.15', () => {
  // Each input's CONFIG GET answer, recorded from redis-server 7.0.15 on 2026-12-05.
  const RECORDED: [string, string][] = [
    ['KEA', 'AKE'], ['AKE', 'AKE'], ['A', 'A'], ['K', 'K'], ['E', 'E'], ['Kg', 'gK'], ['$lshzxetmdn', '$lshzxetdnm'],
    ['KEA$', 'AKE'], ['gKE', 'gKE'], ['mK', 'Km'], ['nK', 'nK'], ['Ex', 'xE'], ['Kl', 'lK'], ['AKEn', 'AKE'], ['AKEm', 'AKEm'],
    ['KEdn', 'dnKE'], ['g$lshzxetd', 'A'], ['g$lshzxet', 'g$lshzxet'], ['', ''],
  ];
  test.each(RECORDED)('CONFIG SET %j then CONFIG GET answers %j', (input, canonical) => {
    const t = setup('');
    expect(t.send('CONFIG', 'SET', 'notify-keyspace-events', input)).toBe('+OK\r\n');
    expect(t.send('CONFIG', 'GET', 'notify-keyspace-events')).toBe(`*2\r\n$22\r\nnotify-keyspace-events\r\n$${canonical.length}\r\n${canonical}\r\n`);
  });

  test('a character outside Ag$lshzxeKEtmdn (or a space) is refused with 7.0.15\'s text, and the value stays', () => {
    const t = setup('KEl');
    for (const bad of ['q', 'KEA ', 'xyz', 'a']) {
      expect(t.send('CONFIG', 'SET', 'notify-keyspace-events', bad)).toBe(
        "-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n",
      );
    }
    expect(t.send('CONFIG', 'GET', 'notify-keyspace-events')).toBe('*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nlKE\r\n');
  });

  test('"AKEn" reads back as "AKE" but new-key events stay on (keyspaceEventsFlagsToString writes no n after A)', () => {
    const t = setup('AKEn', 0);
    t.send('SET', 'k', 'v');
    expect(t.events).toEqual(['__keyspace@0__:k new', '__keyevent@0__:new k', '__keyspace@0__:k set', '__keyevent@0__:set k']);
  });

  test('a refused CONFIG SET of several parameters leaves the flags as they were, hidden "n" included', () => {
    const t = setup('AKEn', 0);
    expect(t.send('CONFIG', 'SET', 'notify-keyspace-events', 'Kg', 'maxmemory-policy', 'nope').startsWith('-ERR')).toBe(true);
    t.send('SET', 'k', 'v');
    expect(t.events.slice(0, 2)).toEqual(['__keyspace@0__:k new', '__keyevent@0__:new k']);
  });
});

describe('what is published', () => {
  test('with notifications off (the default) no command publishes anything, and keymiss needs m', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(['SET', 'a', '1'], ['GET', 'zz'], ['DEL', 'a'], ['LPUSH', 'l', 'x'], ['EXPIRE', 'a', '-1'], ['INCR', 'n']), { maxLength: 20 }), fc.constantFrom('', 'A', 'KE'), (cmds, flags) => {
        const t = setup(flags);
        for (const c of cmds) t.send(...c);
        expect(t.events).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });

  test('keymiss (m) is raised by reads of a missing key, not by writes nor by OBJECT (LOOKUP_NONOTIFY)', () => {
    const t = setup('Em');
    t.send('GET', 'a');
    t.send('SET', 'a', '1');
    t.send('OBJECT', 'ENCODING', 'b');
    t.send('LPUSH', 'l', 'x');
    t.send('EXISTS', 'c');
    t.send('TTL', 'd');
    expect(t.events).toEqual(['__keyevent@9__:keymiss a', '__keyevent@9__:keymiss c', '__keyevent@9__:keymiss d']);
  });

  test('a key read after its deadline: "expired" then "keymiss" (expireIfNeeded inside lookupKey)', () => {
    const t = setup('KExm');
    t.send('SET', 'a', '1', 'PX', '10');
    t.advance(11);
    expect(t.send('GET', 'a')).toBe('$-1\r\n');
    expect(t.events).toEqual(['__keyspace@9__:a expired', '__keyevent@9__:expired a', '__keyspace@9__:a keymiss', '__keyevent@9__:keymiss a']);
  });

  test('active expiry raises one "expired" per key the cycles remove, in each key\'s db', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 3 }), (ids, db) => {
        const t = setup('Ex', db);
        for (const i of ids) t.send('SET', `k${i}`, 'v', 'PX', String(10 + i));
        t.send('SET', 'keep', 'v');
        t.advance(200);
        for (let i = 0; i < 200 && t.events.length < ids.length; i++) {
          t.tick();
          t.advance(100);
        }
        expect([...t.events].sort()).toEqual(ids.map((i) => `__keyevent@${db}__:expired k${i}`).sort());
      }),
      { numRuns: 20 },
    );
  });

  test('eviction raises "evicted" for every key evicted (INFO evicted_keys of them)', () => {
    const t = setup('Ke', 0);
    for (let i = 0; i < 50; i++) t.send('SET', `k${i}`, 'x'.repeat(100));
    t.send('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random');
    t.send('CONFIG', 'SET', 'maxmemory', '1');
    t.send('SET', 'trigger', 'y');
    t.send('CONFIG', 'SET', 'maxmemory', '0');
    expect(t.events.length).toBeGreaterThan(10);
    expect(t.events.length).toBe(t.srv.evictedKeys());
    for (const e of t.events) expect(e).toMatch(/^__keyspace@0__:(k\d+|trigger) evicted$/);
  });
});
