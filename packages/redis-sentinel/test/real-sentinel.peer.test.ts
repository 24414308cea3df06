import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { RespClient } from '@protolab/resp';
import { describePeer, freePort, startServer, type PeerServer } from '@protolab/testkit';
import { parseInfoReplication, RealSentinel } from '../src/index.js';

/**
 * protolab's Sentinel core watching real redis-servers, side by side with a real redis-sentinel
 * on an identical deployment: a master and two replicas, the master killed, and the replica each
 * promotes for the same priorities and offsets.
 */
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

async function info(port: number): Promise<string> {
  const c = await RespClient.connect(port);
  try {
    const r = await c.call('INFO', 'replication');
    return r.type === 'bulk' || r.type === 'verbatim' ? Buffer.from(r.value).toString() : '';
  } finally {
    await c.close();
  }
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Trio {
  master: PeerServer;
  replicas: [PeerServer, PeerServer];
}

/** A real master and two real replicas with the given replica-priority. */
async function trio(redis: string, priorities: [number, number]): Promise<Trio> {
  const base = ['--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'];
  const master = await startServer({ name: 'redis-server', command: redis, args: ({ port }) => ['--port', String(port), ...base] });
  stops.push(() => master.stop());
  const replicas: PeerServer[] = [];
  for (const p of priorities) {
    const r = await startServer({ name: 'redis-server', command: redis, args: ({ port }) => ['--port', String(port), ...base, '--replicaof', '127.0.0.1', String(master.port), '--replica-priority', String(p)] });
    stops.push(() => r.stop());
    replicas.push(r);
  }
  for (const r of replicas) await until('replica link up', async () => (await info(r.port)).includes('master_link_status:up'));
  const [a, b] = replicas as [PeerServer, PeerServer];
  return { master, replicas: [a, b] };
}

/**
 * Writes on the master that the first replica never receives: it is stopped (SIGSTOP) and the
 * master's replica links are killed before the writes, so nothing of them sits in its socket
 * buffer to be read when it is resumed (it would then catch up and tie). The second replica
 * reconnects with PSYNC and gets them from the backlog; the first stays behind by those bytes.
 */
async function lagFirstReplica(t: Trio): Promise<() => void> {
  process.kill(t.replicas[0].pid, 'SIGSTOP');
  const c = await RespClient.connect(t.master.port);
  await c.call('CLIENT', 'KILL', 'TYPE', 'replica');
  for (let i = 0; i < 50; i++) await c.call('SET', `k${i}`, 'x'.repeat(100));
  await c.close();
  await until('second replica caught up', async () => {
    const r = parseInfoReplication(await info(t.replicas[1].port));
    return r !== undefined && r.slave_repl_offset > 0 && (await info(t.master.port)).includes(`master_repl_offset:${r.slave_repl_offset}\r`);
  });
  return () => process.kill(t.replicas[0].pid, 'SIGCONT');
}

async function promotedByRealSentinel(sentinelBin: string, t: Trio, lag = false): Promise<number> {
  const port = await freePort();
  const s = await startServer({
    name: 'redis-sentinel',
    command: sentinelBin,
    port,
    args: ({ dir }) => {
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(conf, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor mymaster 127.0.0.1 ${t.master.port} 1`, 'sentinel down-after-milliseconds mymaster 1000', 'sentinel failover-timeout mymaster 10000', ''].join('\n'));
      return [conf];
    },
  });
  stops.push(() => s.stop());
  const c = await RespClient.connect(port);
  stops.push(() => c.close());
  const addr = async (): Promise<string> => {
    const r = await c.call('SENTINEL', 'get-master-addr-by-name', 'mymaster');
    return r.type === 'array' ? r.value.map((v) => (v.type === 'bulk' ? Buffer.from(v.value).toString() : '')).join(':') : '';
  };
  await until('real sentinel knows both replicas', async () => {
    const r = await c.call('SENTINEL', 'replicas', 'mymaster');
    return r.type === 'array' && r.value.length === 2;
  });
  const resume = lag ? await lagFirstReplica(t) : undefined;
  await t.master.stop();
  resume?.();
  await until('real sentinel switched master', async () => !(await addr()).endsWith(`:${t.master.port}`), 60_000);
  return Number((await addr()).split(':')[1]);
}

async function promotedByProtolab(t: Trio, lag = false): Promise<{ port: number; sentinel: RealSentinel }> {
  const sentinel = new RealSentinel({
    // failover-timeout 3 s (the real sentinel above has 10 s): the choice of replica does not depend
    // on it, but a fail-over attempt aborted early (this in-process sentinel shares the busy test
    // worker's event loop, so a late PONG can flag +sdown with down-after 1 s before it knows the
    // replicas: -failover-abort-no-good-slave) blocks the next attempt for 2 × failover-timeout.
    config: { masterName: 'mymaster', masterAddr: `127.0.0.1:${t.master.port}`, quorum: 1, downAfterMs: 1000, failoverTimeoutMs: 3000 },
    myid: 'a'.repeat(40),
    announce: `127.0.0.1:${await freePort()}`,
  });
  sentinel.start();
  stops.push(() => sentinel.stop());
  await until('protolab sentinel knows both replicas', () => [...sentinel.core.slaves.values()].filter((s) => s.runid !== undefined).length === 2);
  const resume = lag ? await lagFirstReplica(t) : undefined;
  await t.master.stop();
  resume?.();
  await until('protolab sentinel switched master', () => sentinel.core.getMasterAddrByName('mymaster') !== `127.0.0.1:${t.master.port}`, 90_000);
  await until('failover ended', () => sentinel.core.master.failover_state === 'SENTINEL_FAILOVER_STATE_NONE');
  return { port: Number(sentinel.core.getMasterAddrByName('mymaster').split(':')[1]), sentinel };
}

describePeer('redis-sentinel', 'protolab Sentinel against real redis-server 7.0, beside real redis-sentinel', (sentinelBin) => {
  const redis = 'redis-server';

  test('both promote the replica with the lower replica-priority (10 beats 100)', async () => {
    const a = await trio(redis, [100, 10]);
    const real = await promotedByRealSentinel(sentinelBin, a);
    expect(real).toBe(a.replicas[1].port);
    const b = await trio(redis, [100, 10]);
    const ours = await promotedByProtolab(b);
    expect(ours.port).toBe(b.replicas[1].port);
    // The promoted real server is a master and the other replica follows it.
    expect(await info(ours.port)).toContain('role:master');
    await until('other replica follows the promoted one', async () => (await info(b.replicas[0].port)).includes(`master_port:${ours.port}`));
    expect(ours.sentinel.core.events).toContain(`+selected-slave slave 127.0.0.1:${ours.port}`);
  });

  test('with equal priorities both promote the replica with the greater replication offset', async () => {
    const a = await trio(redis, [100, 100]);
    const real = await promotedByRealSentinel(sentinelBin, a, true);
    expect(real).toBe(a.replicas[1].port);
    const b = await trio(redis, [100, 100]);
    const ours = await promotedByProtolab(b, true);
    expect(ours.port).toBe(b.replicas[1].port);
  });
});
