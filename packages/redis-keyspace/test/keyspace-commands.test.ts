// Keyspace commands: Redis's own tests/unit/keyspace.tcl and scan.tcl cases by name (replies as
// redis-server 7.0 gives them), and the SCAN guarantee of dict.c dictScan as a property.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Prng } from '@protolab/sim';
import { clocked, show } from './helpers.js';

describe('tests/unit/keyspace.tcl', () => {
  it('KEYS with pattern / KEYS to get all keys / DBSIZE', () => {
    const { run } = clocked();
    for (const k of ['key_x', 'key_y', 'key_z', 'foo_a', 'foo_b', 'foo_c']) run('SET', k, 'hello');
    expect(show(run('KEYS', 'foo*')).slice(1, -1).split(', ').sort()).toEqual(['$foo_a', '$foo_b', '$foo_c']);
    expect(show(run('KEYS', '*')).slice(1, -1).split(', ').length).toBe(6);
    expect(show(run('DBSIZE'))).toBe(':6');
  });

  it('RENAME against non existing source key / RENAME where source and dest key are the same (existing) / RENAMENX basic usage', () => {
    const { run } = clocked();
    expect(show(run('RENAME', 'nokey', 'foobar'))).toBe('-ERR no such key');
    run('SET', 'mykey', 'foo');
    expect(show(run('RENAME', 'mykey', 'mykey'))).toBe('+OK');
    expect(show(run('RENAMENX', 'mykey', 'mykey'))).toBe(':0');
    run('SET', 'foo', 'bar');
    expect(show(run('RENAMENX', 'foo', 'mykey'))).toBe(':0');
    expect(show(run('RENAMENX', 'foo', 'foo2'))).toBe(':1');
    expect(show(run('GET', 'foo2'))).toBe('$bar');
  });

  it('COPY basic usage for string / COPY for string does not replace an existing key without REPLACE option / COPY ... DB', () => {
    const { run } = clocked();
    run('SET', 'mykey', 'foobar', 'EX', '100');
    expect(show(run('COPY', 'mykey', 'mynewkey'))).toBe(':1');
    expect(show(run('GET', 'mynewkey'))).toBe('$foobar');
    expect(show(run('TTL', 'mynewkey'))).toBe(':100');
    run('SET', 'mynewkey', 'other');
    expect(show(run('COPY', 'mykey', 'mynewkey'))).toBe(':0');
    expect(show(run('COPY', 'mykey', 'mynewkey', 'REPLACE'))).toBe(':1');
    expect(show(run('COPY', 'mykey', 'mykey'))).toBe('-ERR source and destination objects are the same');
    expect(show(run('COPY', 'mykey', 'mykey', 'DB', '9'))).toBe(':1');
    run('SELECT', '9');
    expect(show(run('GET', 'mykey'))).toBe('$foobar');
  });

  it('MOVE basic usage / MOVE against key existing in the target DB / SWAPDB', () => {
    const { run } = clocked();
    run('SET', 'mykey', 'foobar');
    expect(show(run('MOVE', 'mykey', '9'))).toBe(':1');
    expect(show(run('EXISTS', 'mykey'))).toBe(':0');
    run('SET', 'mykey', 'again');
    expect(show(run('MOVE', 'mykey', '9'))).toBe(':0');
    expect(show(run('MOVE', 'mykey', '0'))).toBe('-ERR source and destination objects are the same');
    expect(show(run('SWAPDB', '0', '9'))).toBe('+OK');
    expect(show(run('GET', 'mykey'))).toBe('$foobar'); // the client stays on db 0, which now holds db 9's data
    expect(show(run('SWAPDB', 'x', '0'))).toBe('-ERR invalid first DB index');
    expect(show(run('SWAPDB', '0', '16'))).toBe('-ERR DB index is out of range');
  });
});

describe('tests/unit/scan.tcl', () => {
  it('SCAN basic / SCAN COUNT / SCAN MATCH / SCAN TYPE / SCAN with invalid cursor', () => {
    const { run } = clocked();
    for (let i = 0; i < 1000; i++) run('SET', `key:${i}`, String(i));
    run('RPUSH', 'list', 'a');
    const all = new Set<string>();
    let cursor = '0', calls = 0;
    do {
      const r = run('SCAN', cursor, 'COUNT', '5');
      if (r.type !== 'array') throw new Error('SCAN reply is not an array');
      const [cur, keys] = r.value;
      cursor = cur?.type === 'bulk' ? Buffer.from(cur.value).toString() : '0';
      if (keys?.type === 'array') for (const k of keys.value) if (k.type === 'bulk') all.add(Buffer.from(k.value).toString());
      calls++;
    } while (cursor !== '0');
    expect(all.size).toBe(1001);
    expect(calls).toBeGreaterThan(100); // COUNT 5 over 1001 keys takes many calls
    expect(show(run('SCAN', '0', 'MATCH', 'list', 'COUNT', '100000'))).toBe('[$0, [$list]]');
    expect(show(run('SCAN', '0', 'TYPE', 'list', 'COUNT', '100000'))).toBe('[$0, [$list]]');
    expect(show(run('SCAN', 'x'))).toBe('-ERR invalid cursor');
    expect(show(run('SCAN', '0', 'COUNT', '0'))).toBe('-ERR syntax error');
  });
});

describe('dict.c dictScan', () => {
  it('every key present from the first to the last SCAN call is returned, while other keys are added and removed (the table grows and the cron shrinks it)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 20 }), (seed, initial, count) => {
        const { ks, run } = clocked();
        const r = new Prng(seed);
        for (let i = 0; i < initial; i++) run('SET', `stable:${i}`, '1');
        const seen = new Set<string>();
        let cursor = '0', n = 0;
        do {
          const rep = run('SCAN', cursor, 'COUNT', String(count));
          if (rep.type !== 'array') throw new Error('SCAN reply is not an array');
          const [cur, keys] = rep.value;
          cursor = cur?.type === 'bulk' ? Buffer.from(cur.value).toString() : '0';
          if (keys?.type === 'array') for (const k of keys.value) if (k.type === 'bulk') seen.add(Buffer.from(k.value).toString());
          // churn between calls: grow with new keys (at most 500 in all: under unbounded growth a
          // small COUNT never catches up, in Redis too), delete some, let the cron shrink the table
          for (let j = r.int(0, 40); j > 0 && n < 500; j--) run('SET', `churn:${n++}`, '1');
          for (let j = r.int(0, 40); j > 0; j--) run('DEL', `churn:${r.int(0, n + 1)}`);
          if (r.int(0, 4) === 0) ks.serverCron();
        } while (cursor !== '0');
        for (let i = 0; i < initial; i++) expect(seen.has(`stable:${i}`)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
