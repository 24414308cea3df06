/**
 * CLIENT UNBLOCK <id> [TIMEOUT|ERROR] of a client blocked in WAIT, side by side (redis/redis
 * src/networking.c clientCommand "unblock", src/blocked.c replyToBlockedClientTimedOut BLOCKED_WAIT,
 * src/replication.c waitCommand / unblockClientWaitingReplicas, 7.0): a real redis-server 7.0.15
 * master and a protolab master, each with one real redis-server 7.0.15 replica, run the same
 * script over two connections; after each step the bytes each connection received are recorded
 * and compared (WAIT inside MULTI/EXEC, which never blocks, included). Not in the script: commands pipelined behind a blocked WAIT (this server runs
 * them at once; see the README).
 */
import net from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describePeer, startServer, type PeerServer } from '@protolab/testkit';
import { startReplicatedRedisServer, type RunningReplicatedRedisServer } from '../src/adapters/replication.js';
import { frame } from './peer-client.js';
import { eventually, info } from './replication-harness.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A step: connection (a or w), commands (`$w` stands for w's CLIENT ID), then wait `ms`. */
type Step = readonly [who: 'a' | 'w', cmds: readonly string[], ms?: number];

const SCRIPT: readonly Step[] = [
  // One replica, which acks the SET: WAIT 2 blocks; unblocked it gets :1 (replicas acked so far).
  ['w', ['SET k v', 'WAIT 2 0'], 300],
  ['a', ['CLIENT UNBLOCK $w', 'CLIENT UNBLOCK $w']],
  ['w', ['SET k v2', 'WAIT 3 0'], 300],
  ['a', ['CLIENT UNBLOCK $w ERROR']],
  ['w', ['PING']],
  ['w', ['WAIT 2 100000'], 300],
  ['a', ['CLIENT UNBLOCK $w timeout']],
  // Enough replicas: WAIT answers at once and there is nothing to unblock.
  ['w', ['WAIT 1 0']],
  ['a', ['CLIENT UNBLOCK $w TIMEOUT', 'CLIENT UNBLOCK $w ERROR', 'CLIENT UNBLOCK 999999 ERROR']],
  // A WAIT whose own timeout fires first: :1 at the deadline, then CLIENT UNBLOCK finds nothing.
  ['w', ['WAIT 2 300'], 700],
  ['a', ['CLIENT UNBLOCK $w']],
  ['w', ['WAIT 5 0'], 300],
  ['a', ['CLIENT UNBLOCK $w eRRoR', 'INFO errorstats']],
  // Inside MULTI/EXEC WAIT never blocks (waitCommand: CLIENT_MULTI): the count in EXEC's reply.
  ['w', ['MULTI', 'WAIT 2 0', 'EXEC'], 300],
  ['a', ['CLIENT UNBLOCK $w']],
];

/** Run the script against the master on `port`: per step, what each connection received during it. */
async function run(port: number): Promise<string[]> {
  const conns = new Map<string, { s: net.Socket; got: string }>();
  for (const who of ['a', 'w']) {
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
    c.s.write(cmds.map((cmd) => frame(cmd.split(' ').map((x) => ids.get(x) ?? x))).join(''));
    await sleep(ms);
    const got = [...conns].map(([x, y]) => `${x}: ${JSON.stringify(y.got)}`);
    for (const y of conns.values()) y.got = '';
    record.push(`${who} ${JSON.stringify(cmds)} -> ${got.join(' | ')}`);
  }
  for (const y of conns.values()) y.s.destroy();
  return record;
}

const realServer = (extra: readonly string[] = []): Promise<PeerServer> =>
  startServer({
    name: 'redis-server',
    command: 'redis-server',
    args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', ...extra],
  });

/** Until the master on `port` lists its replica online. */
const replicaOnline = (port: number): Promise<void> =>
  eventually('the replica is online', async () => /state=online/.test((await info(port, 'replication')).get('slave0') ?? ''), 20_000);

describePeer('redis-server', 'CLIENT UNBLOCK of a client blocked in WAIT against redis-server 7.0.15', () => {
  let realMaster: PeerServer;
  let realReplica: PeerServer;
  let ours: RunningReplicatedRedisServer;
  let oursReplica: PeerServer;
  beforeAll(async () => {
    realMaster = await realServer();
    realReplica = await realServer(['--replicaof', '127.0.0.1', String(realMaster.port)]);
    ours = await startReplicatedRedisServer({ port: 0 });
    oursReplica = await realServer(['--replicaof', '127.0.0.1', String(ours.port)]);
    await replicaOnline(realMaster.port);
    await replicaOnline(ours.port);
  }, 60_000);
  afterAll(async () => {
    await realReplica.stop();
    await oursReplica.stop();
    await realMaster.stop();
    await ours.close();
  });

  test('the same script gives the same bytes to both connections at every step (the waiter\'s :<acked> or -UNBLOCKED, the caller\'s :1 / :0)', async () => {
    const want = await run(realMaster.port);
    const got = await run(ours.port);
    expect(got).toEqual(want);
    // The script did unblock WAITs on the real server: the waiter's count and the error.
    expect(want[1]).toBe('a ["CLIENT UNBLOCK $w","CLIENT UNBLOCK $w"] -> a: ":1\\r\\n:0\\r\\n" | w: ":1\\r\\n"');
    expect(want[3]).toContain('w: "-UNBLOCKED client unblocked via CLIENT UNBLOCK\\r\\n"');
    expect(want[12]).toContain('errorstat_UNBLOCKED:count=2');
    expect(want[13]).toContain('w: "+OK\\r\\n+QUEUED\\r\\n*1\\r\\n:1\\r\\n"');
  }, 60_000);
});
