import { describe, expect, test } from 'vitest';
import { harness } from './helpers.js';

// The counts below were recorded from a real redis-server 7.0.15 (redis-cli, then INFO stats)
// with the same commands: the keyspace counts them (db.c lookupKey), INFO prints them.
describe('INFO stats keyspace_hits / keyspace_misses', () => {
  test('read lookups move them as in redis-server 7.0.15, writes do not, CONFIG RESETSTAT zeroes them', () => {
    const h = harness();
    h.connect(1);
    const counters = (): string => {
      const m = /keyspace_hits:(\d+)\r\nkeyspace_misses:(\d+)\r\n/.exec(h.send(1, 'INFO stats\r\n'));
      return m === null ? 'missing' : `${m[1] ?? ''}/${m[2] ?? ''}`;
    };
    h.send(1, 'SET a 1\r\n');
    expect(counters()).toBe('0/0');
    h.send(1, 'GET a\r\nGET nokey\r\nEXISTS a nokey\r\n');
    expect(counters()).toBe('2/2');
    h.send(1, 'MGET a b a\r\nINCR a\r\nDEL a\r\n');
    expect(counters()).toBe('4/3');
    expect(h.send(1, 'CONFIG RESETSTAT\r\n')).toBe('+OK\r\n');
    expect(counters()).toBe('0/0');
    h.send(1, 'GET a\r\n');
    expect(counters()).toBe('0/1');
  });
});
