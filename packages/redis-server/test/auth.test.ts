/**
 * `requirepass` with the client libraries users have (ioredis's and node-redis's `password`
 * options send AUTH on connect), and the encoding thresholds as CONFIG parameters. The byte-level
 * comparison with redis-server 7.0.15 is auth.peer.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startRedisServer } from '../src/index.js';
import type { RunningRedisServer } from '../src/index.js';
import { connection } from './peer-client.js';

let srv: RunningRedisServer;
beforeAll(async () => {
  srv = await startRedisServer({ port: 0, config: new Map([['requirepass', 's3cret'], ['hash-max-ziplist-entries', '2']]) });
});
afterAll(async () => {
  await srv.close();
});

describe('requirepass', () => {
  test('ioredis with the password works; without it every command is refused with NOAUTH', async () => {
    const good = new Redis({ port: srv.port, host: '127.0.0.1', password: 's3cret', lazyConnect: true });
    await good.connect();
    expect(await good.set('a:k', 'v')).toBe('OK');
    expect(await good.get('a:k')).toBe('v');
    good.disconnect();
    const bad = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0 });
    await bad.connect();
    await expect(bad.get('a:k')).rejects.toThrow('NOAUTH Authentication required.');
    bad.disconnect();
  });

  test('node-redis with the password (AUTH on connect, then RESP2 commands)', async () => {
    const c = createClient({ socket: { port: srv.port, host: '127.0.0.1' }, password: 's3cret' });
    await c.connect();
    expect(await c.get('a:k')).toBe('v');
    await c.quit();
  });

  test('a wrong password leaves an authenticated connection authenticated; RESET ends it', async () => {
    const c = connection(srv.port);
    expect(await c.ask(['AUTH', 's3cret'])).toEqual({ type: 'simple', value: 'OK' });
    expect(await c.ask(['AUTH', 'nope'])).toEqual({ type: 'error', value: 'WRONGPASS invalid username-password pair or user is disabled.' });
    expect(await c.ask(['PING'])).toEqual({ type: 'simple', value: 'PONG' });
    expect(await c.ask(['RESET'])).toEqual({ type: 'simple', value: 'RESET' });
    expect(await c.ask(['PING'])).toEqual({ type: 'error', value: 'NOAUTH Authentication required.' });
    c.socket.destroy();
  });
});

describe('encoding thresholds as CONFIG parameters', () => {
  test('hash-max-ziplist-entries given at start (the 6.2 alias) converts a hash past two fields', async () => {
    const c = connection(srv.port);
    await c.ask(['AUTH', 's3cret']);
    expect(await c.ask(['HSET', 't:h', 'a', '1', 'b', '2'])).toEqual({ type: 'integer', value: 2n });
    expect(await c.ask(['OBJECT', 'ENCODING', 't:h'])).toEqual({ type: 'bulk', value: new TextEncoder().encode('listpack') });
    expect(await c.ask(['HSET', 't:h', 'c', '3'])).toEqual({ type: 'integer', value: 1n });
    expect(await c.ask(['OBJECT', 'ENCODING', 't:h'])).toEqual({ type: 'bulk', value: new TextEncoder().encode('hashtable') });
    c.socket.destroy();
  });

  test('CONFIG SET set-max-intset-entries / zset-max-listpack-value take effect at the next write', async () => {
    const c = connection(srv.port);
    await c.ask(['AUTH', 's3cret']);
    expect(await c.ask(['CONFIG', 'SET', 'set-max-intset-entries', '1', 'zset-max-listpack-value', '3'])).toEqual({ type: 'simple', value: 'OK' });
    await c.ask(['SADD', 't:s', '1', '2']);
    expect(await c.ask(['OBJECT', 'ENCODING', 't:s'])).toEqual({ type: 'bulk', value: new TextEncoder().encode('hashtable') });
    await c.ask(['ZADD', 't:z', '1', 'abcd']);
    expect(await c.ask(['OBJECT', 'ENCODING', 't:z'])).toEqual({ type: 'bulk', value: new TextEncoder().encode('skiplist') });
    expect(await c.ask(['CONFIG', 'SET', 'hash-max-listpack-entries', '-1'])).toEqual({
      type: 'error',
      value: "ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - argument must be between 0 and 9223372036854775807 inclusive",
    });
    c.socket.destroy();
  });
});
