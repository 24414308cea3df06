import net from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import fc from 'fast-check';
import { describePeer, startServer } from '@protolab/testkit';
import { RespDecoder } from '@protolab/resp';
import type { PeerServer } from '@protolab/testkit';
import { startRedisServer } from '../src/index.js';
import type { RunningRedisServer } from '../src/index.js';

/**
 * Run `script` on two fresh connections: each step's pipeline is written on its connection, and
 * the next step waits until that connection has received one reply per command (no timing:
 * the cross-connection order is the script's order on both servers). All bytes are compared.
 */
async function exchange(port: number, script: readonly (readonly [number, string, number])[]): Promise<string> {
  const socks = [0, 1].map(() => net.connect(port, '127.0.0.1'));
  const got: string[] = ['', ''];
  const replies = [0, 0];
  const decoders = [new RespDecoder(), new RespDecoder()];
  let wake: (() => void) | undefined;
  socks.forEach((s, i) =>
    s.on('data', (b: Buffer) => {
      got[i] = (got[i] ?? '') + b.toString('latin1');
      replies[i] = (replies[i] ?? 0) + (decoders[i]?.push(b).length ?? 0);
      wake?.();
    }),
  );
  await Promise.all(socks.map((s) => new Promise<void>((r) => s.once('connect', () => { r(); }))));
  const want = [0, 0];
  for (const [conn, req, count] of script) {
    want[conn] = (want[conn] ?? 0) + count;
    socks[conn]?.write(req);
    const deadline = Date.now() + 10_000;
    while ((replies[conn] ?? 0) < (want[conn] ?? 0) && Date.now() < deadline) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 100);
      });
    }
  }
  socks.forEach((s) => s.destroy());
  return `A:${got[0] ?? ''}\nB:${got[1] ?? ''}`;
}

const command = fc.constantFrom(
  'SET k 1', 'GET k', 'INCR k', 'DEL k', 'LPUSH l a b', 'LRANGE l 0 -1', 'RPOP l', 'EXISTS k l',
  'WATCH k', 'UNWATCH', 'MULTI', 'EXEC', 'DISCARD', 'SELECT 1', 'SELECT 0', 'PING', 'FOO bar', 'SADD s x', 'SCARD s',
  // blocking pops that are served at once, time out, or run inside MULTI without blocking
  'BLPOP l 0.01', 'BLMPOP 0.01 2 m l RIGHT COUNT 2', 'BZPOPMIN z 0.01', 'BZMPOP 0.01 1 z MAX', 'ZADD z 1.5 a 2 b', 'ZSCORE z a',
  'HSET h f v', 'HGETALL h', 'PUBLISH ch m', 'CONFIG GET maxmemory-policy', 'ECHO hi',
);

describePeer('redis-server', 'differential: the same two-connection command streams to protolab-redis and redis-server 7.0.15 get the same bytes', () => {
  let real: PeerServer;
  let ours: RunningRedisServer;
  beforeAll(async () => {
    real = await startServer({ name: 'redis-server', command: 'redis-server', args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no'] });
    ours = await startRedisServer({ port: 0 });
  });
  afterAll(async () => {
    await real.stop();
    await ours.close();
  });

  test('random pipelines of SET/GET/lists/sets/zsets/hashes/blocking pops/MULTI/EXEC/WATCH on two connections: byte-identical replies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.array(command, { minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 12 }), async (steps) => {
        const script = steps.map(([conn, cmds]) => [conn, cmds.map((c) => `${c}\r\n`).join(''), cmds.length] as const);
        const reset: (readonly [number, string, number])[] = [[0, 'FLUSHALL\r\n', 1]];
        await exchange(real.port, reset);
        await exchange(ours.port, reset);
        expect(await exchange(ours.port, script)).toBe(await exchange(real.port, script));
      }),
      { numRuns: 40 },
    );
  });
});
