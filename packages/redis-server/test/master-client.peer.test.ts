/**
 * A replica's master client side by side with redis-server 7.0.15 (redis/redis
 * src/replication.c replicationCreateMasterClient, replicationCacheMaster,
 * replicationResurrectCachedMaster, replicationHandleMasterDisconnection; src/networking.c
 * getClientType, catClientInfoString, clientKillCommand): a real replica and ours of one real
 * master. On each: the CLIENT LIST line of TYPE master (fields that depend on sockets, times and
 * buffer allocations masked), the flags of CLIENT LIST and TYPE normal, after the master wrote
 * in db 3; CLIENT KILL TYPE master USER default; CLIENT KILL TYPE master, ID, and the old
 * one-address form, each followed by the link coming back with the same client id and by a
 * partial resync (the master's sync_partial_ok / sync_full).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describePeer, type PeerServer } from '@protolab/testkit';
import { startReplicatedRedisServer, type RunningReplicatedRedisServer } from '../src/adapters/replication.js';
import { realServer } from './connection-script.js';
import { cmd, eventually, info, pipeline } from './replication-harness.js';

/** Fields of a CLIENT LIST line that differ run to run (ids, sockets, times, allocations). */
const MASKED = new Set(['id', 'laddr', 'fd', 'age', 'idle', 'qbuf-free', 'argv-mem', 'rbs', 'rbp', 'tot-mem']);

const mask = (line: string): string =>
  line
    .split(' ')
    .map((f) => (MASKED.has(f.slice(0, f.indexOf('='))) ? `${f.slice(0, f.indexOf('='))}=*` : f))
    .join(' ');

const lines = async (port: number, ...args: string[]): Promise<string[]> => String(await cmd(port, 'CLIENT', 'LIST', ...args)).split('\n').filter((l) => l !== '');
const flagsOf = (ls: readonly string[]): string => ls.map((l) => / flags=(\S*)/.exec(l)?.[1] ?? '?').join(',');
const idOf = (l: string | undefined): string => (l === undefined ? 'none' : (/^id=(\d+)/.exec(l)?.[1] ?? '?'));

describePeer('redis-server', "a replica's master client in CLIENT LIST and CLIENT KILL against redis-server 7.0.15", () => {
  let master: PeerServer;
  let realReplica: PeerServer;
  let ours: RunningReplicatedRedisServer;
  beforeAll(async () => {
    // No periodic PING in the stream, so the master client's cmd= is the last write on both.
    master = await realServer(['--repl-diskless-sync-delay', '0', '--repl-ping-replica-period', '3600']);
    realReplica = await realServer(['--replicaof', '127.0.0.1', String(master.port)]);
    ours = await startReplicatedRedisServer({ port: 0, replicaof: { host: '127.0.0.1', port: master.port } });
  }, 60_000);
  afterAll(async () => {
    await ours.close();
    await realReplica.stop();
    await master.stop();
  });

  const masterStats = async (): Promise<[number, number]> => {
    const s = await info(master.port, 'stats');
    return [Number(s.get('sync_full')), Number(s.get('sync_partial_ok'))];
  };

  /** The link is up again and the replica has a master client (after a kill). */
  const backUp = (port: number): Promise<void> =>
    eventually('the master client is back', async () => (await info(port, 'replication')).get('master_link_status') === 'up' && (await lines(port, 'TYPE', 'master')).length === 1, 10_000);

  const caughtUp = (port: number): Promise<void> =>
    eventually('the replica has the stream', async () => (await info(port, 'replication')).get('slave_repl_offset') === (await info(master.port, 'replication')).get('master_repl_offset'), 10_000);

  /** The same steps on a replica of `master` (real or ours); what each step saw. */
  async function steps(port: number): Promise<string[]> {
    await backUp(port);
    await pipeline(master.port, [['SELECT', '3'], ['SET', 'k0', 'v']]);
    await caughtUp(port);
    const seen: string[] = [];
    const m = (await lines(port, 'TYPE', 'master'))[0];
    seen.push(`TYPE master: ${mask(m ?? 'none')}`);
    seen.push(`all=[${flagsOf(await lines(port))}] normal=[${flagsOf(await lines(port, 'TYPE', 'normal'))}] replica=[${flagsOf(await lines(port, 'TYPE', 'replica'))}]`);
    seen.push(`KILL TYPE master USER default: ${String(await cmd(port, 'CLIENT', 'KILL', 'TYPE', 'master', 'USER', 'default'))}`);
    const id = idOf(m);
    for (const kill of [['TYPE', 'master'], ['ID', id], [`127.0.0.1:${master.port}`]]) {
      const before = await masterStats();
      const answer = String(await cmd(port, 'CLIENT', 'KILL', ...kill));
      await backUp(port);
      const again = (await lines(port, 'TYPE', 'master'))[0];
      const after = await masterStats();
      seen.push(`KILL ${kill[0] === 'ID' ? 'ID <id>' : kill.join(' ')}: ${answer}; same id: ${String(idOf(again) === id)}; master sync_full +${after[0] - before[0]} sync_partial_ok +${after[1] - before[1]}; ${mask(again ?? 'none')}`);
    }
    return seen;
  }

  test('the same masked master-client line, flags and KILL answers; each kill is followed by a partial resync keeping the client id', async () => {
    const want = await steps(realReplica.port);
    const got = await steps(ours.port);
    expect(got).toEqual(want);
    // What 7.0.15 itself showed.
    expect(want[0]).toBe(`TYPE master: id=* addr=127.0.0.1:${master.port} laddr=* fd=* name= age=* idle=* flags=M db=3 sub=0 psub=0 ssub=0 multi=-1 qbuf=0 qbuf-free=* argv-mem=* multi-mem=0 rbs=* rbp=* obl=0 oll=0 omem=0 tot-mem=* events=r cmd=set user=(superuser) redir=-1 resp=2`);
    expect(want[1]).toBe('all=[M,N] normal=[N] replica=[]');
    expect(want[2]).toBe('KILL TYPE master USER default: 0');
    expect(want[3]).toMatch(/^KILL TYPE master: 1; same id: true; master sync_full \+0 sync_partial_ok \+1; .* flags=M db=3 .* cmd=set /);
    expect(want[5]).toMatch(/^KILL 127\.0\.0\.1:\d+: OK; same id: true; master sync_full \+0 sync_partial_ok \+1;/);
  }, 90_000);
});
