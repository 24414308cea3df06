import net from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import fc from 'fast-check';
import { describePeer, startServer } from '@protolab/testkit';
import type { PeerServer } from '@protolab/testkit';
import { startRedisServer } from '../src/index.js';
import type { RunningRedisServer } from '../src/index.js';

/** Send `requests` on a fresh connection as one write per item, collect all bytes until idle. */
async function exchange(port: number, script: readonly (readonly [number, string])[]): Promise<string> {
  const socks = [0, 1].map(() => net.connect(port, '127.0.0.1'));
  const got: string[] = ['', ''];
  socks.forEach((s, i) => s.on('data', (b: Buffer) => { got[i] = (got[i] ?? '') + b.toString('latin1'); }));
  await Promise.all(socks.map((s) => new Promise<void>((r) => s.once('connect', () => { r(); }))));
  for (const [conn, req] of script) {
    socks[conn]?.write(req);
    await new Promise((r) => setTimeout(r, 2));
  }
  await new Promise((r) => setTimeout(r, 50));
  socks.forEach((s) => s.destroy());
  return `A:${got[0] ?? ''}\nB:${got[1] ?? ''}`;
}

const command = fc.constantFrom(
  'SET k 1', 'GET k', 'INCR k', 'DEL k', 'LPUSH l a b', 'LRANGE l 0 -1', 'RPOP l', 'EXISTS k l',
  'WATCH k', 'UNWATCH', 'MULTI', 'EXEC', 'DISCARD', 'SELECT 1', 'SELECT 0', 'PING', 'FOO bar', 'SADD s x', 'SCARD s',
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

  test('random pipelines of SET/GET/lists/sets/MULTI/EXEC/WATCH on two connections: byte-identical replies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.array(command, { minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 12 }), async (steps) => {
        const script = steps.map(([conn, cmds]) => [conn, cmds.map((c) => `${c}\r\n`).join('')] as const);
        const reset: (readonly [number, string])[] = [[0, 'FLUSHALL\r\n']];
        await exchange(real.port, reset);
        await exchange(ours.port, reset);
        expect(await exchange(ours.port, script)).toBe(await exchange(real.port, script));
      }),
      { numRuns: 40 },
    );
  });
});
