/**
 * Replicas and the master link among the clients, side by side with redis-server 7.0.15
 * (redis/redis src/server.c genRedisInfoString "clients": connected_clients is
 * listLength(server.clients) - listLength(server.slaves); src/networking.c acceptCommonHandler
 * refuses at listLength(server.clients) >= maxclients; getClientType / catClientInfoString: type
 * `replica`, flag S; src/replication.c replicationCreateMasterClient: a replica's master client is
 * one of server.clients). A real master and ours, each before and after one real replica attaches,
 * with maxclients 2, after CLIENT KILL TYPE replica, and after the replica is back; then a real
 * replica and ours, each of the real master, link up, with maxclients 2, and after REPLICAOF NO
 * ONE. At each look: the INFO clients fields that do not depend on buffer sizes, connected_slaves,
 * and the flags of CLIENT LIST (all, TYPE replica, TYPE normal; on a replica only TYPE normal: its
 * master client's line is not listed here, README).
 */
import net from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describePeer, type PeerServer } from '@protolab/testkit';
import { startReplicatedRedisServer, type RunningReplicatedRedisServer } from '../src/adapters/replication.js';
import { realServer } from './connection-script.js';
import { cmd, eventually, info } from './replication-harness.js';

const FIELDS = ['connected_clients', 'cluster_connections', 'maxclients', 'blocked_clients', 'tracking_clients', 'clients_in_timeout_table'];

/** The flags= of each line of CLIENT LIST [TYPE type], in order. */
async function flags(port: number, type?: string): Promise<string> {
  const list = String(await cmd(port, 'CLIENT', 'LIST', ...(type === undefined ? [] : ['TYPE', type])));
  return list.split('\n').filter((l) => l !== '').map((l) => / flags=(\S*)/.exec(l)?.[1] ?? '?').join(',');
}

/** What a look at `port` sees (each part over its own short connection, which counts itself). */
async function look(port: number, replicaSide = false): Promise<string> {
  const clients = await info(port, 'clients');
  const repl = await info(port, 'replication');
  const fields = FIELDS.map((f) => `${f}:${clients.get(f) ?? '?'}`);
  const lists = replicaSide ? [`normal=[${await flags(port, 'normal')}]`] : [`all=[${await flags(port)}]`, `replica=[${await flags(port, 'replica')}]`, `normal=[${await flags(port, 'normal')}]`];
  return [...fields, `connected_slaves:${repl.get('connected_slaves') ?? '?'}`, ...lists].join(' ');
}

/** With one connection held open, what a second connection is answered to PING (maxclients). */
async function secondConnection(port: number): Promise<string> {
  const open = (): Promise<{ s: net.Socket; first: Promise<string> }> =>
    new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      let got = '';
      const first = new Promise<string>((done) => {
        s.on('data', (b: Buffer) => {
          got += b.toString('latin1');
          if (got.endsWith('\r\n')) done(got);
        });
        s.on('close', () => {
          done(got);
        });
      });
      s.on('connect', () => {
        s.write('PING\r\n');
        resolve({ s, first });
      });
      s.on('error', reject);
    });
  const a = await open();
  const held = await a.first;
  const b = await open();
  const refused = await b.first;
  b.s.destroy();
  a.s.destroy();
  await new Promise((r) => setTimeout(r, 100));
  return `${held.trim()} then ${refused.trim()}`;
}

/**
 * A connection that has sent REPLCONF but no PSYNC yet is a normal client (CLIENT_SLAVE comes
 * with SYNC/PSYNC, replication.c syncCommand): a look while it is held open.
 */
async function inHandshake(port: number): Promise<string> {
  const s = net.connect(port, '127.0.0.1');
  let got = '';
  s.on('data', (b: Buffer) => {
    got += b.toString('latin1');
  });
  s.write('REPLCONF listening-port 7777\r\nREPLCONF capa eof capa psync2\r\n');
  await eventually('both REPLCONF answered', () => Promise.resolve(got === '+OK\r\n+OK\r\n'), 5_000);
  const seen = await look(port);
  s.destroy();
  await new Promise((r) => setTimeout(r, 100));
  return seen;
}

const online = (port: number): Promise<void> =>
  eventually('the replica is online', async () => /state=online/.test((await info(port, 'replication')).get('slave0') ?? ''), 20_000);
const linkUp = (port: number): Promise<void> =>
  eventually('the master link is up', async () => (await info(port, 'replication')).get('master_link_status') === 'up', 20_000);

describePeer('redis-server', 'replicas and the master client in INFO clients, maxclients and CLIENT LIST against redis-server 7.0.15', () => {
  let realMaster: PeerServer;
  let ours: RunningReplicatedRedisServer;
  const started: PeerServer[] = [];
  let oursReplica: RunningReplicatedRedisServer | undefined;
  beforeAll(async () => {
    realMaster = await realServer();
    ours = await startReplicatedRedisServer({ port: 0 });
  }, 60_000);
  afterAll(async () => {
    await oursReplica?.close();
    for (const s of started) await s.stop();
    await realMaster.stop();
    await ours.close();
  });

  /** The same steps on a master (real or ours); what each look saw. */
  async function masterSteps(port: number): Promise<string[]> {
    const seen: string[] = [`before: ${await look(port)}`];
    const replica = await realServer(['--replicaof', '127.0.0.1', String(port)]);
    started.push(replica);
    await online(port);
    seen.push(`replica online: ${await look(port)}`);
    await cmd(port, 'CONFIG', 'SET', 'maxclients', '2');
    seen.push(`maxclients 2: ${await secondConnection(port)}`);
    await cmd(port, 'CONFIG', 'SET', 'maxclients', '10000');
    seen.push(`in a replica's handshake: ${await inHandshake(port)}`);
    seen.push(`CLIENT KILL TYPE replica: ${String(await cmd(port, 'CLIENT', 'KILL', 'TYPE', 'replica'))}`);
    // No look right after the kill: the replica reconnects at once, and a look during its
    // handshake (REPLCONF before PSYNC) counts it as a normal client, on both (the step above).
    await online(port);
    seen.push(`back online: ${await look(port)}`);
    return seen;
  }

  test('a master: the same INFO clients fields, connected_slaves and CLIENT LIST flags before and after a replica attaches, with maxclients 2, and around CLIENT KILL TYPE replica', async () => {
    const want = await masterSteps(realMaster.port);
    const got = await masterSteps(ours.port);
    expect(got).toEqual(want);
    // What 7.0.15 itself showed: the replica is not a connected client but counts against maxclients.
    expect(want[1]).toContain('connected_clients:1 ');
    expect(want[1]).toContain('connected_slaves:1 all=[S,N] replica=[S] normal=[N]');
    expect(want[2]).toBe('maxclients 2: +PONG then -ERR max number of clients reached');
    expect(want[3]).toContain('connected_clients:2 ');
    expect(want[3]).toContain('all=[S,N,N] replica=[S] normal=[N,N]');
    expect(want[4]).toBe('CLIENT KILL TYPE replica: 1');
  }, 90_000);

  test('a replica of the real master: its master client counts in connected_clients and against maxclients, until REPLICAOF NO ONE', async () => {
    const realReplica = started[0] ?? (await realServer(['--replicaof', '127.0.0.1', String(realMaster.port)]));
    oursReplica = await startReplicatedRedisServer({ port: 0, replicaof: { host: '127.0.0.1', port: realMaster.port } });
    const steps = async (port: number): Promise<string[]> => {
      await linkUp(port);
      const seen = [`link up: ${await look(port, true)}`];
      await cmd(port, 'CONFIG', 'SET', 'maxclients', '2');
      seen.push(`maxclients 2: ${await secondConnection(port)}`);
      await cmd(port, 'CONFIG', 'SET', 'maxclients', '10000');
      await cmd(port, 'REPLICAOF', 'NO', 'ONE');
      seen.push(`REPLICAOF NO ONE: ${await look(port, true)}`);
      return seen;
    };
    const want = await steps(realReplica.port);
    const got = await steps(oursReplica.port);
    expect(got).toEqual(want);
    expect(want[0]).toContain('connected_clients:2 ');
    expect(want[1]).toBe('maxclients 2: +PONG then -ERR max number of clients reached');
    expect(want[2]).toContain('connected_clients:1 ');
  }, 90_000);
});
