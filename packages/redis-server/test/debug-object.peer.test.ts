/**
 * DEBUG OBJECT beside redis-server 7.0.15: the same keys of every type and encoding on both
 * servers (strings shared, int, embstr, raw and LZF-compressible; lists of one and many quicklist
 * nodes; intsets, listpacks, hashtables, skiplists), the status lines compared field by field
 * except `Value at` (an address) and the LRU clock fields (each server's own clock), which are
 * checked to be near each other for a key just written.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describePeer, startServer } from '@protolab/testkit';
import type { PeerServer } from '@protolab/testkit';
import { startRedisServer } from '../src/index.js';
import { pipeline } from './peer-client.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const word = (i: number, len: number): string => `${i}:`.padEnd(len, String.fromCharCode(97 + (i % 26)));

/** [key, commands building it] */
const KEYS: [string, string[][]][] = [
  ['shared', [['SET', 'shared', '5']]],
  ['int', [['SET', 'int', '123456']]],
  ['neg', [['SET', 'neg', '-42']]],
  ['big-int-text', [['SET', 'big-int-text', '123456789012345678901']]],
  ['embstr', [['SET', 'embstr', 'hello world']]],
  ['raw-44', [['SET', 'raw-44', 'x'.repeat(45)]]],
  ['lzf', [['SET', 'lzf', 'abc'.repeat(3000)]]],
  ['random-ish', [['SET', 'random-ish', range(300).map((i) => ((i * 7919) % 251).toString(36)).join('')]]],
  ['appended', [['SET', 'appended', 'a'], ['APPEND', 'appended', 'bcdef'], ['APPEND', 'appended', '0'.repeat(100)]]],
  ['incr', [['INCR', 'incr'], ['INCRBY', 'incr', '99999']]],
  ['list-1', [['RPUSH', 'list-1', 'a', 'b', 'c', '1', '2', '300000']]],
  ['list-many', [['RPUSH', 'list-many', ...range(800).map((i) => word(i, 40 + (i % 30)))]]],
  ['list-ints', [['LPUSH', 'list-ints', ...range(3000).map((i) => String(i * 37 - 1000))]]],
  ['intset', [['SADD', 'intset', ...range(100).map((i) => String(i * 1000))]]],
  ['intset-64', [['SADD', 'intset-64', '1', '5000000000']]],
  ['set-ht', [['SADD', 'set-ht', ...range(40).map((i) => word(i, 12))]]],
  ['zset-lp', [['ZADD', 'zset-lp', '1', 'a', '2.5', 'b', '-3', 'c']]],
  ['zset-sl', [['ZADD', 'zset-sl', ...range(200).flatMap((i) => [String(i / 3), word(i, 10)])]]],
  ['hash-lp', [['HSET', 'hash-lp', 'f1', 'v1', 'f2', '22', 'f3', word(3, 30)]]],
  ['hash-ht', [['HSET', 'hash-ht', ...range(600).flatMap((i) => [word(i, 8), String(i)])]]],
];

const maskClock = (line: string): string => line.replace(/^Value at:0x[0-9a-f]+ /, '').replace(/ lru:\d+ lru_seconds_idle:\d+/, ' lru:* lru_seconds_idle:*');
const field = (line: string, name: string): number => Number(new RegExp(` ${name}:(\\d+)`).exec(line)?.[1] ?? NaN);

async function run(port: number): Promise<Map<string, string>> {
  await pipeline(port, [['FLUSHALL'], ...KEYS.flatMap(([, cmds]) => cmds)]);
  const replies = await pipeline(port, [...KEYS.map(([k]) => ['DEBUG', 'OBJECT', k]), ['DEBUG', 'OBJECT', 'missing'], ['DEBUG', 'OBJECT']]);
  const text = replies.map((r) => (r.type === 'simple' || r.type === 'error' ? r.value : JSON.stringify(r)));
  return new Map([...KEYS.map(([k]) => k), 'missing', '(no key)'].map((k, i) => [k, text[i] ?? '']));
}

describePeer('redis-server', 'DEBUG OBJECT as redis-server 7.0.15 answers it', () => {
  let real: PeerServer;
  let ours: { port: number; close: () => Promise<void> };
  beforeAll(async () => {
    real = await startServer({ name: 'redis-server', command: 'redis-server', args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'] });
    ours = await startRedisServer({ port: 0 });
  });
  afterAll(async () => {
    await ours.close();
    await real.stop();
  });

  test('refcount, encoding, serializedlength and the quicklist fields of 20 keys equal the real server’s', async () => {
    const expected = await run(real.port);
    const got = await run(ours.port);
    for (const [k, line] of expected) expect(`${k} ${maskClock(got.get(k) ?? '')}`).toBe(`${k} ${maskClock(line)}`);
    // the cases do cover what they are for
    expect(expected.get('list-many')).toMatch(/ql_nodes:([2-9]|\d\d)/);
    expect(field(expected.get('lzf') ?? '', 'serializedlength')).toBeLessThan(9000 / 10); // LZF-compressed
    expect(expected.get('shared')).toContain('refcount:2147483647');
    expect(expected.get('missing')).toBe('ERR no such key');
    // LRU clock (seconds, 24 bits) and idle time of a key written just now: each server's own clock
    for (const k of ['int', 'zset-sl']) {
      expect(Math.abs(field(got.get(k) ?? '', 'lru') - field(expected.get(k) ?? '', 'lru'))).toBeLessThanOrEqual(3);
      expect(field(got.get(k) ?? '', 'lru_seconds_idle')).toBeLessThanOrEqual(3);
    }
  });
});
