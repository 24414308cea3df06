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
 * down-after-milliseconds for both sentinels. sentinelSelectSlave skips a replica whose link to
 * the master has been down longer than down-after × 10 + the time the master has been down; the
 * lagging replica's link is down while we wait up to one 10 s INFO period (lagFirstReplica), so
 * 1 s would let it be skipped for its link rather than lose on its offset.
 */
const DOWN_AFTER_MS = 2000;

/** A sentinel's own view of the replicas: port → the slave_repl_offset its last INFO reported. */
type OffsetView = () => Promise<Map<number, number>> | Map<number, number>;

async function replicaOffset(port: number): Promise<number> {
  return parseInfoReplication(await info(port))?.slave_repl_offset ?? -1;
}

/**
 * Writes on the master that the first replica never receives, while it stays up and answers
 * the sentinel: it is given a master user that does not exist (CONFIG SET masteruser), and the
 * master's replica links are killed. The second replica reconnects with PSYNC and gets the writes
 * from the backlog; the first fails its AUTH on every retry and stays behind by those bytes.
 * Then we wait until the sentinel's own INFO has shown it the difference - a replica's INFO
 * period is 10 s while the master is up (sentinelSendPeriodicCommands), and a sentinel that
 * still holds the pre-write INFO sees equal offsets and lets the run id decide. Both sentinels,
 * real and ours, get the same wait. The returned function lets the first replica authenticate
 * again (called once the master is gone, so there is nothing left for it to catch up from).
 */
async function lagFirstReplica(t: Trio, seenBy: OffsetView): Promise<() => Promise<void>> {
  const [lagging, ahead] = t.replicas;
  const r0 = await RespClient.connect(lagging.port);
  expect(await r0.call('CONFIG', 'SET', 'masteruser', 'protolab-no-such-user', 'masterauth', 'x')).toEqual({ type: 'simple', value: 'OK' });
  const c = await RespClient.connect(t.master.port);
  await c.call('CLIENT', 'KILL', 'TYPE', 'replica');
  for (let i = 0; i < 50; i++) await c.call('SET', `k${i}`, 'x'.repeat(100));
  await c.close();
  await until('second replica caught up', async () => {
    const r = parseInfoReplication(await info(ahead.port));
    return r !== undefined && r.slave_repl_offset > 0 && (await info(t.master.port)).includes(`master_repl_offset:${r.slave_repl_offset}\r`);
  });
  const behind = await replicaOffset(lagging.port);
  const caughtUp = await replicaOffset(ahead.port);
  expect(behind, 'the first replica missed the writes').toBeLessThan(caughtUp - 50 * 100);
  await until('the sentinel saw the offsets differ', async () => {
    const view = await seenBy();
    return (view.get(ahead.port) ?? 0) >= caughtUp && view.get(lagging.port) === behind;
  }, 30_000);
  return async () => {
    expect(await r0.call('CONFIG', 'SET', 'masteruser', '', 'masterauth', '')).toEqual({ type: 'simple', value: 'OK' });
    await r0.close();
  };
}

async function promotedByRealSentinel(sentinelBin: string, t: Trio, lag = false): Promise<number> {
  const port = await freePort();
  const s = await startServer({
    name: 'redis-sentinel',
    command: sentinelBin,
    port,
    args: ({ dir }) => {
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(conf, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor mymaster 127.0.0.1 ${t.master.port} 1`, `sentinel down-after-milliseconds mymaster ${DOWN_AFTER_MS}`, 'sentinel failover-timeout mymaster 10000', ''].join('\n'));
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
  const seen = async (): Promise<Map<number, number>> => {
    const r = await c.call('SENTINEL', 'replicas', 'mymaster');
    const view = new Map<number, number>();
    if (r.type !== 'array') return view;
    for (const row of r.value) {
      if (row.type !== 'array') continue;
      const kv = new Map<string, string>();
      for (let i = 0; i + 1 < row.value.length; i += 2) {
        const k = row.value[i];
        const v = row.value[i + 1];
        if (k?.type === 'bulk' && v?.type === 'bulk') kv.set(Buffer.from(k.value).toString(), Buffer.from(v.value).toString());
      }
      view.set(Number(kv.get('port')), Number(kv.get('slave-repl-offset')));
    }
    return view;
  };
  const resume = lag ? await lagFirstReplica(t, seen) : undefined;
  await t.master.stop();
  await resume?.();
  await until('real sentinel switched master', async () => !(await addr()).endsWith(`:${t.master.port}`), 60_000);
  return Number((await addr()).split(':')[1]);
}

async function promotedByProtolab(t: Trio, lag = false): Promise<{ port: number; sentinel: RealSentinel }> {
  const sentinel = new RealSentinel({
    // failover-timeout 3 s (the real sentinel above has 10 s): the choice of replica does not depend
    // on it, but a fail-over attempt aborted early (this in-process sentinel shares the busy test
    // worker's event loop, so a late PONG can flag +sdown with a short down-after before it knows the
    // replicas: -failover-abort-no-good-slave) blocks the next attempt for 2 × failover-timeout.
    config: { masterName: 'mymaster', masterAddr: `127.0.0.1:${t.master.port}`, quorum: 1, downAfterMs: DOWN_AFTER_MS, failoverTimeoutMs: 3000 },
    myid: 'a'.repeat(40),
    announce: `127.0.0.1:${await freePort()}`,
  });
  sentinel.start();
  stops.push(() => sentinel.stop());
  await until('protolab sentinel knows both replicas', () => [...sentinel.core.slaves.values()].filter((s) => s.runid !== undefined).length === 2);
  const seen = (): Map<number, number> => new Map([...sentinel.core.slaves].map(([addr, s]) => [Number(addr.split(':')[1]), s.slave_repl_offset]));
  const resume = lag ? await lagFirstReplica(t, seen) : undefined;
  await t.master.stop();
  await resume?.();
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
