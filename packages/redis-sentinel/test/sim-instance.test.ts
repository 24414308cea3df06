import { describe, expect, test } from 'vitest';
import { sentinelDeployment, type InstanceNode, type SimMsg } from '../src/index.js';

/** A deployment without sentinels: the instances alone, as Sentinel would find them. */
function instances(replicas: number, replTimeoutMs = 60_000): ReturnType<typeof sentinelDeployment> {
  return sentinelDeployment({ seed: 5, sentinels: 0, replicas, replication: { replTimeoutMs } });
}

/** What a sentinel's command link delivers to an instance (outside the network, at the current time). */
function send(d: ReturnType<typeof sentinelDeployment>, to: string, msg: SimMsg): void {
  d.sim.node<InstanceNode>(to).onMessage?.('s1', msg);
}

describe('the simulated Redis instance answers Sentinel from its replication core', () => {
  test('INFO: the master lists the replicas that sent PSYNC; each replica reports role slave, its master, its offset and a link that is up (master_link_down_time 0)', () => {
    const d = instances(2);
    d.sim.runFor(2000);
    const m = d.sim.node<InstanceNode>('m');
    m.write(['SET', 'a', '1']); // *3 $3 SET $1 a $1 1 = 27 bytes of stream
    d.sim.runFor(100);
    expect([...m.info().slaves].sort()).toEqual(['r1', 'r2']);
    expect(m.info()).toMatchObject({ role: 'master', master_host: undefined, master_link_down_time: 0 });
    for (const r of ['r1', 'r2']) {
      const info = d.sim.node<InstanceNode>(r).info();
      expect(info).toMatchObject({ role: 'slave', master_host: 'm', slave_repl_offset: 27, slave_priority: 100, slaves: [], master_link_down_time: 0 });
    }
  });

  test('INFO: a replica whose link was never up reports master_link_down_since_seconds -1, which parseInfoReplication reads as a long time (redis-server 7.0.15 printed -1 for REPLICAOF an absent master)', () => {
    const d = instances(1);
    d.sim.partition(['m'], ['r1']);
    d.sim.runFor(3000);
    expect(d.sim.node<InstanceNode>('r1').info().master_link_down_time).toBe(Number.MAX_SAFE_INTEGER);
  });

  test('INFO: after a connected link breaks (repl-timeout), master_link_down_time counts whole seconds since the break', () => {
    const d = instances(1, 3000);
    d.sim.runFor(1500);
    const r1 = d.sim.node<InstanceNode>('r1');
    expect(r1.info().master_link_down_time).toBe(0);
    d.sim.partition(['m'], ['r1']);
    d.sim.runUntil(() => r1.core.repl_state !== 'REPL_STATE_CONNECTED');
    const first = r1.info().master_link_down_time;
    expect(first).toBeGreaterThanOrEqual(1);
    d.sim.runFor(4000);
    const later = r1.info().master_link_down_time;
    expect(later % 1000).toBe(0);
    expect(later).toBeGreaterThanOrEqual(4000);
    expect(later).toBeLessThanOrEqual(5000);
  });

  test('REPLICAOF the current master changes nothing (replicaofCommand: "+OK Already connected to specified master")', () => {
    const d = instances(1);
    d.sim.runFor(2000);
    const r1 = d.sim.node<InstanceNode>('r1');
    const m = d.sim.node<InstanceNode>('m');
    send(d, 'r1', { type: 'REPLICAOF', host: 'm' });
    d.sim.runFor(2000);
    expect(r1.core.repl_state).toBe('REPL_STATE_CONNECTED');
    expect(r1.core.stats.linkResets).toBe(0);
    expect(m.core.stats.fullResyncs + m.core.stats.partialResyncs).toBe(1);
  });

  test('REPLICAOF NO ONE then REPLICAOF the promoted one: PSYNC2 - the promoted replica keeps the old replid as replid2 and its former sibling continues (+CONTINUE) with every key', () => {
    const d = instances(2);
    d.sim.runFor(2000);
    const m = d.sim.node<InstanceNode>('m');
    for (let i = 0; i < 10; i++) m.write(['SET', `k${String(i)}`, 'v']);
    d.sim.runFor(100);
    const oldReplid = m.core.replid;
    d.sim.crash('m');
    send(d, 'r1', { type: 'REPLICAOF', host: null });
    send(d, 'r2', { type: 'REPLICAOF', host: 'r1' });
    d.sim.runFor(3000);
    const r1 = d.sim.node<InstanceNode>('r1');
    const r2 = d.sim.node<InstanceNode>('r2');
    expect(r1.state.role).toBe('master');
    expect(r1.core.replid2).toBe(oldReplid);
    expect(r1.core.stats).toMatchObject({ partialResyncs: 1, fullResyncs: 0 });
    expect(r2.info()).toMatchObject({ role: 'slave', master_host: 'r1', master_link_down_time: 0 });
    expect(r2.core.data.size).toBe(10);
    expect(r1.write(['SET', 'after', '1']).reply).toEqual({ type: 'ok' });
    expect(r2.write(['SET', 'x', '1']).reply).toEqual({ type: 'error', message: "READONLY You can't write against a read only replica." });
  });

  test('REPLICAOF survives a restart (sentinelSendSlaveOf follows it with CONFIG REWRITE); an instance never told comes back with its startup config, empty', () => {
    const d = instances(2);
    d.sim.runFor(2000);
    d.sim.node<InstanceNode>('m').write(['SET', 'a', '1']);
    send(d, 'r1', { type: 'REPLICAOF', host: null });
    send(d, 'r2', { type: 'REPLICAOF', host: 'r1' });
    d.sim.runFor(2000);
    for (const n of ['m', 'r1', 'r2']) {
      d.sim.crash(n);
      d.sim.restart(n);
    }
    d.sim.runFor(3000);
    expect(d.sim.node<InstanceNode>('r1').state).toMatchObject({ role: 'master', master: undefined });
    expect(d.sim.node<InstanceNode>('r2').state).toMatchObject({ role: 'slave', master: 'r1' });
    expect(d.sim.node<InstanceNode>('m').state).toMatchObject({ role: 'master', master: undefined });
    expect(d.sim.node<InstanceNode>('m').core.data.size).toBe(0);
  });
});
