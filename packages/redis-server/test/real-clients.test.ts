import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RespClient } from '@protolab/resp';
import { findBinary } from '@protolab/testkit';
import { startRedisServer } from '../src/index.js';
import type { RunningRedisServer } from '../src/index.js';

let srv: RunningRedisServer;
beforeAll(async () => {
  srv = await startRedisServer({ port: 0 });
});
afterAll(async () => {
  await srv.close();
});

describe('startRedisServer over node:net', () => {
  test('a pipeline of 1000 commands gets 1000 replies in order', async () => {
    const c = await RespClient.connect(srv.port);
    const replies = await Promise.all(Array.from({ length: 1000 }, (_, i) => c.call('INCR', 'counter').then((r) => (r.type === 'integer' ? Number(r.value) : -i))));
    expect(replies).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    await c.close();
  });

  test('BLPOP on one connection is served by RPUSH on another; a BLPOP with a timeout answers null after it', async () => {
    const a = await RespClient.connect(srv.port);
    const b = await RespClient.connect(srv.port);
    const waiting = a.call('BLPOP', 'jobs', '0');
    await b.call('PING');
    expect(await b.call('RPUSH', 'jobs', 'j1')).toEqual({ type: 'integer', value: 1n });
    const served = await waiting;
    expect(served.type === 'array' ? served.value.map((v) => (v.type === 'bulk' ? Buffer.from(v.value).toString() : '?')) : served).toEqual(['jobs', 'j1']);
    const t0 = Date.now();
    expect(await a.call('BLPOP', 'none', '0.2')).toEqual({ type: 'null', resp2: 'array' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    await a.close();
    await b.close();
  });

  test('MULTI/EXEC with WATCH across two connections: the other connection\'s write makes EXEC answer null', async () => {
    const a = await RespClient.connect(srv.port);
    const b = await RespClient.connect(srv.port);
    await a.call('SET', 'balance', '10');
    await a.call('WATCH', 'balance');
    await b.call('INCRBY', 'balance', '5');
    await a.call('MULTI');
    await a.call('SET', 'balance', '0');
    expect(await a.call('EXEC')).toEqual({ type: 'null', resp2: 'array' });
    expect(await a.call('GET', 'balance')).toEqual({ type: 'bulk', value: new Uint8Array(Buffer.from('15')) });
    await a.close();
    await b.close();
  });

  const redisCli = findBinary('redis-cli');
  // (spawned asynchronously: a spawnSync would block the event loop this server runs on)
  test.skipIf(redisCli === undefined)('redis-cli (spawned) talks to it: SET, GET, a RESP3 HELLO, an unknown command', async () => {
    const run = async (...args: string[]): Promise<string> => (await promisify(execFile)(redisCli ?? 'redis-cli', ['-p', String(srv.port), ...args], { encoding: 'utf8' })).stdout;
    expect(await run('SET', 'greeting', 'hello')).toBe('OK\n');
    expect(await run('GET', 'greeting')).toBe('hello\n');
    expect(await run('-3', 'HELLO', '3')).toContain('proto 3\n');
    expect(await run('NOSUCHCMD', 'x')).toBe("ERR unknown command 'NOSUCHCMD', with args beginning with: 'x' \n\n"); // as redis-cli prints it for redis-server 7.0.15 too
  });
});
