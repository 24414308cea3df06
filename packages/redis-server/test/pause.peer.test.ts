/**
 * CLIENT PAUSE / UNPAUSE / UNBLOCK side by side (networking.c clientCommand, pauseClients,
 * blocked.c, 7.0): one script over three connections runs on redis-server 7.0.15 and on
 * protolab-redis; after each step every connection's bytes received so far are recorded, so a
 * postponed write must be answered at the same step on both (only after CLIENT UNPAUSE or the
 * pause's timeout). Not in the script: CLIENT UNBLOCK TIMEOUT of a postponed client, which makes
 * redis-server 7.0.15 crash (see client-unblock.ts).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describePeer } from '@protolab/testkit';
import type { PeerServer } from '@protolab/testkit';
import { startRedisServer } from '../src/index.js';
import { realServer, runScript, type Step as ScriptStep } from './connection-script.js';

/** A step: connection (a, b or d), commands (`$b` / `$d` stand for that connection's CLIENT ID), then wait `ms`. */
type Step = ScriptStep<'a' | 'b' | 'd'>;

const SCRIPT: readonly Step[] = [
  ['a', ['FLUSHALL', 'SET k v', 'PFADD h x', 'CLIENT PAUSE 100000 WRITE']],
  ['b', ['GET k', 'SET k w', 'GET k']],
  ['d', ['PFCOUNT h', 'PUBLISH ch m']],
  ['a', ['GET k', 'CLIENT UNBLOCK $d ERROR']],
  ['a', ['CLIENT UNPAUSE', 'GET k']],
  ['d', ['BLPOP l 0']],
  ['a', ['CLIENT UNBLOCK $d TIMEOUT', 'CLIENT UNBLOCK $d']],
  ['d', ['BRPOP l 0', 'PING after']],
  ['a', ['CLIENT UNBLOCK $d ERROR', 'CLIENT UNBLOCK $b', 'CLIENT UNBLOCK 999999 TIMEOUT', 'CLIENT UNBLOCK -1']],
  ['a', ['CLIENT PAUSE', 'CLIENT PAUSE abc', 'CLIENT PAUSE -1', 'CLIENT PAUSE 10 foo', 'CLIENT PAUSE 1.5 bar', 'CLIENT PAUSE 10 write x', 'client Pause 10 write x', 'CLIENT UNPAUSE x']],
  ['a', ['CLIENT UNBLOCK', 'CLIENT UNBLOCK abc', 'CLIENT UNBLOCK 1 foo', 'CLIENT UNBLOCK abc foo', 'CLIENT UNBLOCK 1 timeout x', 'CLIENT PAUSE 0 ALL', 'GET k']],
  ['a', ['MULTI', 'SET m 1', 'CLIENT PAUSE 100000 WRITE', 'SET m 2', 'EXEC']],
  ['b', ['MULTI', 'PING', 'EXEC', 'MULTI', 'SET x 1', 'EXEC']],
  ['a', ['CLIENT UNPAUSE']],
  // ALL: every command waits, until the pause's own timeout (the cron notices it).
  ['b', ['CLIENT PAUSE 300 ALL']],
  ['d', ['GET k', 'DBSIZE']],
  ['a', ['PING'], 700],
  // A TTL that passes during a pause: reads see nothing, nothing is deleted until it ends.
  ['a', ['SET e 1 PX 50', 'CLIENT PAUSE 100000 WRITE'], 200],
  ['a', ['GET e', 'EXISTS e', 'DBSIZE']],
  ['a', ['CLIENT UNPAUSE', 'DBSIZE', 'GET e', 'DBSIZE']],
];

describePeer('redis-server', 'CLIENT PAUSE / UNPAUSE / UNBLOCK against redis-server 7.0.15', () => {
  let real: PeerServer;
  let ours: Awaited<ReturnType<typeof startRedisServer>>;
  beforeAll(async () => {
    real = await realServer();
    ours = await startRedisServer({ port: 0 });
  });
  afterAll(async () => {
    await real.stop();
    await ours.close();
  });

  test('the same script gives the same bytes to every connection at every step (postponed writes answered only after UNPAUSE on both)', async () => {
    const want = await runScript(real.port, ['a', 'b', 'd'], SCRIPT);
    const got = await runScript(ours.port, ['a', 'b', 'd'], SCRIPT);
    expect(got).toEqual(want);
    // The script did postpone: connection b's SET was answered at the UNPAUSE step, not before.
    expect(want[1]).toContain('b: "$1\\r\\nv\\r\\n"');
    expect(want[4]).toContain('b: "+OK\\r\\n$1\\r\\nw\\r\\n"');
  }, 30_000);
});
