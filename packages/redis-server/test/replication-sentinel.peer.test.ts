/**
 * issue 18 item 5: a fail-over of protolab nodes driven by a real redis-sentinel 7.0.15. The
 * sentinel monitors a protolab master with two protolab replicas (it finds them in INFO
 * replication's slaveN lines), the master's server is closed, and the sentinel promotes one
 * replica (MULTI / SLAVEOF NO ONE / CONFIG REWRITE / CLIENT KILL TYPE normal / EXEC) and points the
 * other at it (sentinel.c sentinelFailoverSendSlaveOfNoOne, sentinelFailoverReconfNextSlave).
 */
import { afterEach, expect, test } from 'vitest';
import { describePeer, type PeerServer } from '@protolab/testkit';
import { startReplicatedRedisServer, type RunningReplicatedRedisServer } from '../src/adapters/replication.js';
import { cmd, eventually, info, startRealSentinel } from './replication-harness.js';

let sentinel: PeerServer | undefined;
const nodes: RunningReplicatedRedisServer[] = [];
afterEach(async () => {
  await sentinel?.stop();
  for (const n of nodes.splice(0)) await n.close();
});

describePeer('redis-sentinel', 'a real redis-sentinel fails over protolab nodes', () => {
  test('the master is closed: sentinel reaches +odown, promotes a protolab replica, repoints the other, and get-master-addr-by-name names it', async () => {
    const m = await startReplicatedRedisServer({ port: 0 });
    const r1 = await startReplicatedRedisServer({ port: 0, replicaof: { host: '127.0.0.1', port: m.port } });
    const r2 = await startReplicatedRedisServer({ port: 0, replicaof: { host: '127.0.0.1', port: m.port } });
    nodes.push(m, r1, r2);
    await cmd(m.port, 'SET', 'before', 'failover');
    await eventually('both replicas are online', async () => (await info(m.port, 'replication')).get('connected_slaves') === '2');
    sentinel = await startRealSentinel(m.port);
    const s = sentinel;
    await eventually('the sentinel knows both replicas', async () => (await cmd(s.port, 'SENTINEL', 'REPLICAS', 'mymaster') as unknown[]).length === 2, 20_000);
    await m.close();
    nodes.splice(nodes.indexOf(m), 1);
    await eventually('the sentinel switched the master', () => Promise.resolve(s.output().includes('+switch-master')), 30_000);
    const addr = (await cmd(s.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')) as string[];
    const promoted = [r1, r2].find((r) => String(r.port) === addr[1]);
    const other = [r1, r2].find((r) => r !== promoted);
    expect(promoted).toBeDefined();
    expect(s.output()).toMatch(/\+odown master mymaster/);
    expect(s.output()).toMatch(/\+promoted-slave/);
    if (promoted === undefined || other === undefined) return;
    expect((await info(promoted.port, 'replication')).get('role')).toBe('master');
    await eventually('the other replica follows the promoted one', async () => (await info(other.port, 'replication')).get('master_port') === String(promoted.port), 30_000);
    await cmd(promoted.port, 'SET', 'after', 'failover');
    await eventually('a write on the new master reaches the other replica', async () => (await cmd(other.port, 'GET', 'after')) === 'failover', 20_000);
    expect(await cmd(other.port, 'GET', 'before')).toBe('failover');
    // psync2: the other replica asked with the old master's replid, which is the promoted one's replid2.
    expect(promoted.replication.st.stats).toEqual({ sync_full: 0, sync_partial_ok: 1, sync_partial_err: 0 });
  });
});
