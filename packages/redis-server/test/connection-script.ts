/**
 * Side-by-side scripts over several connections for the peer tests of blocking and pausing
 * (pause.peer, client-unblock-wait.peer, wait-blocked-clients.peer): the same steps run against a
 * real redis-server and against ours, recording per step what every connection received; and a
 * real master / protolab master pair, each with one real redis-server 7.0.15 replica.
 */
import net from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { startServer, type PeerServer } from '@protolab/testkit';
import { startReplicatedRedisServer, type RunningReplicatedRedisServer } from '../src/adapters/replication.js';
import { frame } from './peer-client.js';
import { eventually, info } from './replication-harness.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A step: the connection that sends, its commands (`$<name>` stands for that connection's CLIENT
 * ID), how long to wait for the replies (150 ms), and `close` to close the connection after.
 */
export type Step<N extends string> = readonly [who: N, cmds: readonly string[], ms?: number, close?: 'close'];

/**
 * Runs `script` on `port` over one connection per name; per step, a line of what each connection
 * received during it (`show` may mask it; `ids` maps a CLIENT ID to its connection's name).
 */
export async function runScript<N extends string>(port: number, names: readonly N[], script: readonly Step<N>[], show: (who: N, got: string, ids: ReadonlyMap<string, N>) => string = (_, got) => got): Promise<string[]> {
  const conns = new Map<N, { s: net.Socket; got: string; open: boolean }>();
  for (const who of names) {
    const s = net.connect(port, '127.0.0.1');
    const c = { s, got: '', open: true };
    s.on('data', (b: Buffer) => {
      c.got += b.toString('latin1');
    });
    conns.set(who, c);
  }
  const ids = new Map<string, N>();
  const byName = new Map<string, string>();
  for (const [who, c] of conns) {
    c.s.write(frame(['CLIENT', 'ID']));
    while (!c.got.endsWith('\r\n')) await sleep(5);
    ids.set(c.got.slice(1, -2), who);
    byName.set(`$${who}`, c.got.slice(1, -2));
    c.got = '';
  }
  const record: string[] = [];
  for (const [who, cmds, ms = 150, close] of script) {
    const c = conns.get(who);
    if (c === undefined) throw new Error(who);
    c.s.write(cmds.map((cmd) => frame(cmd.split(' ').map((x) => byName.get(x) ?? x))).join(''));
    await sleep(ms);
    if (close === 'close') {
      c.s.destroy();
      c.open = false;
      await sleep(150);
    }
    const got = [...conns].map(([x, y]) => `${x}: ${JSON.stringify(show(x, y.got, ids))}`);
    for (const y of conns.values()) y.got = '';
    record.push(`${who} ${JSON.stringify(cmds)}${close === undefined ? '' : ' close'} -> ${got.join(' | ')}`);
  }
  for (const y of conns.values()) if (y.open) y.s.destroy();
  return record;
}

/** A real redis-server on a free port, nothing saved. */
export const realServer = (extra: readonly string[] = []): Promise<PeerServer> =>
  startServer({
    name: 'redis-server',
    command: 'redis-server',
    args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', ...extra],
  });

/** Until the master on `port` lists its replica online. */
const replicaOnline = (port: number): Promise<void> =>
  eventually('the replica is online', async () => /state=online/.test((await info(port, 'replication')).get('slave0') ?? ''), 20_000);

/** A real master and our master, each with a real replica online; `stop` stops all four. */
export interface MasterPairs {
  readonly realMaster: PeerServer;
  readonly ours: RunningReplicatedRedisServer;
  stop(): Promise<void>;
}

export async function startMasterPairs(): Promise<MasterPairs> {
  const realMaster = await realServer();
  const realReplica = await realServer(['--replicaof', '127.0.0.1', String(realMaster.port)]);
  const ours = await startReplicatedRedisServer({ port: 0 });
  const oursReplica = await realServer(['--replicaof', '127.0.0.1', String(ours.port)]);
  await replicaOnline(realMaster.port);
  await replicaOnline(ours.port);
  return {
    realMaster,
    ours,
    async stop() {
      await realReplica.stop();
      await oursReplica.stop();
      await realMaster.stop();
      await ours.close();
    },
  };
}

/**
 * The suite's master pairs (`startMasterPairs`), started before its tests and stopped after them;
 * `scriptOnBoth` runs one script on the real master, then on ours, with the same `show`.
 */
export function masterPairsForSuite(): { pairs: () => MasterPairs; scriptOnBoth: <N extends string>(names: readonly N[], script: readonly Step<N>[], show?: (who: N, got: string, ids: ReadonlyMap<string, N>) => string) => Promise<{ want: string[]; got: string[] }> } {
  let started: MasterPairs | undefined;
  beforeAll(async () => {
    started = await startMasterPairs();
  }, 60_000);
  afterAll(async () => {
    await started?.stop();
  });
  const pairs = (): MasterPairs => {
    if (started === undefined) throw new Error('master pairs not started (beforeAll failed?)');
    return started;
  };
  return {
    pairs,
    scriptOnBoth: async (names, script, show) => {
      const want = await runScript(pairs().realMaster.port, names, script, show);
      const got = await runScript(pairs().ours.port, names, script, show);
      return { want, got };
    },
  };
}
