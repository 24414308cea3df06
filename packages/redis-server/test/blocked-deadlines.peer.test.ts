/**
 * When a blocked client's deadline is answered, side by side with redis-server 7.0.15: at the
 * first beforeSleep after it (redis/redis src/server.c beforeSleep → src/timeout.c
 * handleBlockedClientsTimeout, 7.0). On an idle server that is serverCron's, every 1000/hz ms
 * (src/ae.c aeProcessEvents sleeps until the nearest time event unless a socket event comes
 * first, and serverCron is the only time event), so the answer comes up to a cron period late;
 * another client's command answers it at once.
 *
 * Each request below is sent right after the previous answer, which came at a cron tick, so its
 * deadline falls just after one tick and is seen at the next. Measured by hand on 7.0.15 (five
 * each): hz 10 `BLPOP nokey 0.03` 97.8–103.5 ms, `WAIT 1 30` 51.6–101.0, `WAIT 1 300` 301–401;
 * hz 100 `WAIT 1 30` 30.6–40.1, `BLPOP nokey 0.03` 34.6–41.4. The bounds are loose enough
 * for 7.0.15 to pass 20 runs in a row (checked) and tight enough to fail an answer at the
 * deadline itself at hz 10 or on a fixed 100 ms grid at hz 100.
 */
import net from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describePeer, type PeerServer } from '@protolab/testkit';
import { startReplicatedRedisServer, type RunningReplicatedRedisServer } from '../src/adapters/replication.js';
import { realServer } from './connection-script.js';
import { cmd } from './replication-harness.js';

/** `n` times back to back on one connection: the ms from sending `line` to its answer. */
async function timings(port: number, line: string, n: number): Promise<number[]> {
  const s = net.connect(port, '127.0.0.1');
  await new Promise<void>((r) => s.once('connect', () => { r(); }));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const answered = new Promise<void>((r) => s.once('data', () => { r(); }));
    s.write(`${line}\r\n`);
    await answered;
    out.push(performance.now() - t0);
  }
  s.destroy();
  return out;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** What both servers must show (the bounds hold for 7.0.15; see the header). */
async function deadlines(port: number): Promise<void> {
  await cmd(port, 'CONFIG', 'SET', 'hz', '10');
  const pop = await timings(port, 'BLPOP nokey 0.03', 7);
  expect(Math.min(...pop), `BLPOP 0.03 at hz 10: ${pop.join(' ')}`).toBeGreaterThanOrEqual(29);
  expect(median(pop), `BLPOP 0.03 at hz 10: ${pop.join(' ')}`).toBeGreaterThanOrEqual(70); // the next tick, not the deadline
  expect(Math.max(...pop), `BLPOP 0.03 at hz 10: ${pop.join(' ')}`).toBeLessThanOrEqual(250);
  const wait = await timings(port, 'WAIT 1 300', 3);
  expect(Math.min(...wait), `WAIT 1 300 at hz 10: ${wait.join(' ')}`).toBeGreaterThanOrEqual(299);
  expect(Math.max(...wait), `WAIT 1 300 at hz 10: ${wait.join(' ')}`).toBeLessThanOrEqual(520);
  await cmd(port, 'CONFIG', 'SET', 'hz', '100');
  const fast = await timings(port, 'WAIT 1 30', 7);
  expect(Math.min(...fast), `WAIT 1 30 at hz 100: ${fast.join(' ')}`).toBeGreaterThanOrEqual(29);
  expect(median(fast), `WAIT 1 30 at hz 100: ${fast.join(' ')}`).toBeLessThanOrEqual(65); // a 10 ms grid
  const fastPop = await timings(port, 'BLPOP nokey 0.03', 7);
  expect(median(fastPop), `BLPOP 0.03 at hz 100: ${fastPop.join(' ')}`).toBeLessThanOrEqual(65);
  await cmd(port, 'CONFIG', 'SET', 'hz', '10');
}

describePeer('redis-server', 'blocked-client deadlines are answered on the serverCron grid, as redis-server 7.0.15 answers them', () => {
  let real: PeerServer;
  let ours: RunningReplicatedRedisServer;
  beforeAll(async () => {
    real = await realServer();
    ours = await startReplicatedRedisServer({ port: 0 });
  }, 60_000);
  afterAll(async () => {
    await ours.close();
    await real.stop();
  });

  test('redis-server 7.0.15: BLPOP and WAIT timeouts at hz 10 and hz 100 within the bounds', async () => {
    await deadlines(real.port);
  }, 30_000);

  test('protolab: the same bounds', async () => {
    await deadlines(ours.port);
  }, 30_000);
});
