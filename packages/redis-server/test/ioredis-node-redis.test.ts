import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startRedisServer } from '../src/index.js';
import type { RunningRedisServer } from '../src/index.js';

let srv: RunningRedisServer;
beforeAll(async () => {
  srv = await startRedisServer({ port: 0 });
});
afterAll(async () => {
  await srv.close();
});

describe('real client libraries against startRedisServer', () => {
  test('ioredis: a pipeline, MULTI/EXEC, Pub/Sub between two connections', async () => {
    const r = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true, enableReadyCheck: false });
    const sub = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true, enableReadyCheck: false });
    await r.connect();
    await sub.connect();
    const piped = await r.pipeline().set('io:k', 'v').get('io:k').incr('io:n').exec();
    expect(piped).toEqual([[null, 'OK'], [null, 'v'], [null, 1]]);
    expect(await r.multi().incr('io:n').incr('io:n').exec()).toEqual([[null, 2], [null, 3]]);
    const got = new Promise<string>((resolve) => sub.on('message', (_ch: string, msg: string) => { resolve(msg); }));
    await sub.subscribe('news');
    expect(await r.publish('news', 'hello')).toBe(1);
    expect(await got).toBe('hello');
    r.disconnect();
    sub.disconnect();
  });

  test('node-redis (RESP2): SET/GET, a blocking pop served by another connection', async () => {
    const a = createClient({ socket: { port: srv.port, host: '127.0.0.1' } });
    const b = createClient({ socket: { port: srv.port, host: '127.0.0.1' } });
    await a.connect();
    await b.connect();
    expect(await a.set('nr:k', 'v')).toBe('OK');
    expect(await a.get('nr:k')).toBe('v');
    const popped = a.blPop('nr:q', 0);
    await b.ping();
    await b.rPush('nr:q', 'job');
    expect(await popped).toEqual({ key: 'nr:q', element: 'job' });
    await a.quit();
    await b.quit();
  });
});

describe('real client libraries: the server commands', () => {
  test('ioredis: PSUBSCRIBE gets pmessage, CONFIG GET/SET, CLIENT SETNAME shows in CLIENT LIST, INFO parses', async () => {
    const r = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true, enableReadyCheck: false });
    const sub = new Redis({ port: srv.port, host: '127.0.0.1', lazyConnect: true, enableReadyCheck: false });
    await r.connect();
    await sub.connect();
    const got = new Promise<string[]>((resolve) => sub.on('pmessage', (p: string, ch: string, msg: string) => { resolve([p, ch, msg]); }));
    await sub.psubscribe('news.*');
    expect(await r.publish('news.tech', 'hi')).toBe(1);
    expect(await got).toEqual(['news.*', 'news.tech', 'hi']);
    expect(await r.config('SET', 'maxmemory-policy', 'allkeys-lru')).toBe('OK');
    expect(await r.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lru']);
    await r.client('SETNAME', 'io-client');
    expect(String(await r.client('LIST'))).toMatch(/name=io-client /);
    expect(await r.info('replication')).toMatch(/^# Replication\r\nrole:master\r\n/);
    await r.config('SET', 'maxmemory-policy', 'noeviction');
    r.disconnect();
    sub.disconnect();
  });

  test('node-redis: BLMPOP served by another connection (node-redis 4 speaks only RESP2)', async () => {
    const a = createClient({ socket: { port: srv.port, host: '127.0.0.1' } });
    const b = createClient({ socket: { port: srv.port, host: '127.0.0.1' } });
    await a.connect();
    await b.connect();
    const popped = a.sendCommand(['BLMPOP', '0', '2', 'nr:m1', 'nr:m2', 'LEFT', 'COUNT', '2']);
    await b.ping();
    await b.rPush('nr:m2', ['x', 'y', 'z']);
    expect(await popped).toEqual(['nr:m2', ['x', 'y']]);
    await a.quit();
    await b.quit();
  });
});
