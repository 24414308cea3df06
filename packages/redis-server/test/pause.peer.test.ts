/**
 * CLIENT PAUSE / UNPAUSE / UNBLOCK side by side (networking.c clientCommand, pauseClients,
 * blocked.c, 7.0): one script over three connections runs on redis-server 7.0.15 and on
 * protolab-redis; after each step every connection's bytes received so far are recorded, so a
 * postponed write must be answered at the same step on both (only after CLIENT UNPAUSE or the
 * pause's timeout). Not in the script: CLIENT UNBLOCK TIMEOUT of a postponed client, which makes
 * redis-server 7.0.15 crash (see client-unblock.ts).
 */
import net from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describePeer, startServer } from '@protolab/testkit';
import type { PeerServer } from '@protolab/testkit';
import { startRedisServer } from '../src/index.js';
import { frame } from './peer-client.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A step: connection (a, b or d), commands (`$b` / `$d` stand for that connection's CLIENT ID), then wait `ms`. */
type Step = readonly [who: 'a' | 'b' | 'd', cmds: readonly string[], ms?: number];

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

/** Run the script on `port`: per step, what each connection received during it. */
async function run(port: number): Promise<string[]> {
  const conns = new Map<string, { s: net.Socket; got: string }>();
  for (const who of ['a', 'b', 'd']) {
    const s = net.connect(port, '127.0.0.1');
    const c = { s, got: '' };
    s.on('data', (b: Buffer) => {
      c.got += b.toString('latin1');
    });
    conns.set(who, c);
  }
  const ids = new Map<string, string>();
  for (const [who, c] of conns) {
    c.s.write(frame(['CLIENT', 'ID']));
    while (!c.got.endsWith('\r\n')) await sleep(5);
    ids.set(`$${who}`, c.got.slice(1, -2));
    c.got = '';
  }
  const record: string[] = [];
  for (const [who, cmds, ms = 150] of SCRIPT) {
    const c = conns.get(who);
    if (c === undefined) throw new Error(who);
    c.s.write(cmds.map((cmd) => frame(cmd.split(' ').map((w) => ids.get(w) ?? w))).join(''));
    await sleep(ms);
    const got = [...conns].map(([w, x]) => `${w}: ${JSON.stringify(x.got)}`);
    for (const x of conns.values()) x.got = '';
    record.push(`${who} ${JSON.stringify(cmds)} -> ${got.join(' | ')}`);
  }
  for (const x of conns.values()) x.s.destroy();
  return record;
}

describePeer('redis-server', 'CLIENT PAUSE / UNPAUSE / UNBLOCK against redis-server 7.0.15', () => {
  let real: PeerServer;
  let ours: Awaited<ReturnType<typeof startRedisServer>>;
  beforeAll(async () => {
    real = await startServer({ name: 'redis-server', command: 'redis-server', args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no'] });
    ours = await startRedisServer({ port: 0 });
  });
  afterAll(async () => {
    await real.stop();
    await ours.close();
  });

  test('the same script gives the same bytes to every connection at every step (postponed writes answered only after UNPAUSE on both)', async () => {
    const want = await run(real.port);
    const got = await run(ours.port);
    expect(got).toEqual(want);
    // The script did postpone: connection b's SET was answered at the UNPAUSE step, not before.
    expect(want[1]).toContain('b: "$1\\r\\nv\\r\\n"');
    expect(want[4]).toContain('b: "+OK\\r\\n$1\\r\\nw\\r\\n"');
  }, 30_000);
});
