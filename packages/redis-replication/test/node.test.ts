import { describe, expect, test } from 'vitest';
import { DEFAULT_REPLICATION_CONFIG, NOREPLICAS_ERROR, READONLY_ERROR, ReplicationError, ReplicationNode, NULL_REPLID, type ReplicationConfig } from '../src/index.js';
import { cron, ids, pump } from './pump.js';

function pair(config: Partial<ReplicationConfig> = {}) {
  const next = ids();
  const cfg = { ...DEFAULT_REPLICATION_CONFIG, ...config };
  const m = new ReplicationNode('m', next, cfg);
  const r = new ReplicationNode('r', next, cfg);
  const nodes = new Map([
    ['m', m],
    ['r', r],
  ]);
  return { m, r, nodes };
}

describe('replication.c handshake (syncWithMaster, Redis 7.0)', () => {
  test('a fresh replica goes PING, REPLCONF listening-port, REPLCONF capa eof capa psync2, PSYNC, then +FULLRESYNC and the diskless RDB', () => {
    const { m, r, nodes } = pair();
    m.write(['SET', 'a', '1'], 0);
    r.replicaof('m', 0);
    const log = cron(nodes, 0);
    expect(log).toEqual([
      'r → m: PING',
      'm → r: PONG',
      'r → m: REPLCONF listening-port 6379',
      'm → r: OK',
      'r → m: REPLCONF capa eof capa psync2',
      'm → r: OK',
      // the replica's own id (B…) and offset + 1: PSYNC with a cached "myself" master
      'r → m: PSYNC BBBB… 1',
      'm → r: +FULLRESYNC AAAA… 27',
      'm → r: RDB diskless $EOF:CCCC (1 keys)',
      'r → m: REPLCONF ACK 27',
    ]);
    expect(r.repl_state).toBe('REPL_STATE_CONNECTED');
    expect(r.read('a', 0).reply).toEqual({ type: 'bulk', value: '1' });
    expect(r.replid).toBe(m.replid);
  });

  test('with repl-diskless-sync no the RDB comes framed as $<len>', () => {
    const { r, nodes } = pair({ replDisklessSync: false });
    r.replicaof('m', 0);
    expect(cron(nodes, 0)).toContain('m → r: RDB disk $2 (0 keys)');
  });

  test('a replica is read-only: -READONLY You can\'t write against a read only replica.', () => {
    const { r } = pair();
    r.replicaof('m', 0);
    expect(r.write(['SET', 'a', '1'], 0).reply).toEqual({ type: 'error', message: READONLY_ERROR });
    expect(READONLY_ERROR).toBe("READONLY You can't write against a read only replica.");
  });

  test('a command the core does not model is a typed ReplicationError, not a crash', () => {
    const { m } = pair();
    expect(() => m.write(['INCR', 'a'], 0)).toThrow(ReplicationError);
    expect(() => m.write([], 0)).toThrow(ReplicationError);
  });
});

describe('replication.c partial resync (masterTryPartialResynchronization)', () => {
  test('a replica that reconnects with an offset still in the backlog gets +CONTINUE and only the missing commands', () => {
    const { m, r, nodes } = pair();
    r.replicaof('m', 0);
    cron(nodes, 0);
    r.replicaof('m', 1000); // the link drops: reconnect with the cached master
    m.write(['SET', 'b', '2'], 1000); // written while the replica was away
    const log = cron(nodes, 1000);
    expect(log).toContain('m → r: +CONTINUE AAAA…');
    expect(log).toContain('m → r: STREAM @1 SET b 2');
    expect(r.master_repl_offset).toBe(m.master_repl_offset);
    expect(m.stats).toMatchObject({ fullResyncs: 1, partialResyncs: 1 });
  });

  test('a backlog overrun (repl-backlog-size exceeded while away) forces a full resync', () => {
    const { m, r, nodes } = pair({ replBacklogSize: 64 });
    r.replicaof('m', 0);
    cron(nodes, 0);
    m.slaves.clear(); // the master dropped the link
    for (let i = 0; i < 10; i++) m.write(['SET', `k${i}`, 'v'], 0);
    r.replicaof('m', 1000);
    const log = cron(nodes, 1000);
    expect(log.some((l) => l.startsWith('m → r: +FULLRESYNC'))).toBe(true);
    expect(m.stats.backlogMisses).toBe(1);
    expect(r.data.size).toBe(10);
  });

  test('after REPLICAOF NO ONE the promoted replica keeps the old id as replid2 and serves +CONTINUE to a sibling (psync2)', () => {
    const next = ids();
    const m = new ReplicationNode('m', next);
    const r1 = new ReplicationNode('r1', next);
    const r2 = new ReplicationNode('r2', next);
    const nodes = new Map([
      ['m', m],
      ['r1', r1],
      ['r2', r2],
    ]);
    r1.replicaof('m', 0);
    r2.replicaof('m', 0);
    cron(nodes, 0);
    pump(nodes, m.write(['SET', 'x', '1'], 0).outputs, 0);
    const old = m.replid;
    const offset = r1.master_repl_offset;
    nodes.delete('m');
    r1.replicaof(null, 2000);
    expect(r1.replid2).toBe(old);
    expect(r1.second_replid_offset).toBe(offset + 1);
    expect(r1.replid).not.toBe(old);
    r2.replicaof('r1', 2000);
    const log = cron(nodes, 2000);
    expect(log).toContain(`r1 → r2: +CONTINUE ${r1.replid.slice(0, 4)}…`);
    expect(r2.replid).toBe(r1.replid);
    expect(r2.replid2).toBe(old);
    expect(r2.read('x', 2000).reply).toEqual({ type: 'bulk', value: '1' });
  });

  test('a full resync clears replid2 (clearReplicationId2)', () => {
    const { r, nodes } = pair();
    r.replicaof('m', 0);
    cron(nodes, 0);
    expect(r.replid2).toBe(NULL_REPLID);
    expect(r.second_replid_offset).toBe(-1);
  });
});

describe('WAIT and min-replicas-to-write', () => {
  test('WAIT blocks, sends REPLCONF GETACK * through the stream, and answers when the replica acks', () => {
    const { m, r, nodes } = pair();
    r.replicaof('m', 0);
    cron(nodes, 0);
    const w = m.write(['SET', 'a', '1'], 10);
    const waited = m.wait(1, 500, w.woff, 10);
    expect(waited.reply).toBeUndefined();
    const log = pump(nodes, [...w.outputs, ...waited.outputs], 10);
    expect(log).toContain('m → r: STREAM @28 REPLCONF GETACK *');
    expect(m.countAcks(w.woff)).toBe(1);
  });

  test('WAIT with no replica times out with the number that acked: 0', () => {
    const { m } = pair();
    const w = m.write(['SET', 'a', '1'], 0);
    const waited = m.wait(1, 100, w.woff, 0);
    expect(m.nextWakeup()).toBe(0);
    m.tick(0);
    expect(m.nextWakeup()).toBe(100);
    expect(m.tick(100)).toEqual([{ kind: 'waitReply', waitId: waited.waitId, replicas: 0 }]);
  });

  test('min-replicas-to-write 1 refuses writes with -NOREPLICAS once the replica lags more than min-replicas-max-lag', () => {
    const { m, r, nodes } = pair({ minReplicasToWrite: 1, minReplicasMaxLagMs: 10_000 });
    expect(m.write(['SET', 'a', '1'], 0).reply).toEqual({ type: 'error', message: NOREPLICAS_ERROR });
    r.replicaof('m', 0);
    cron(nodes, 0);
    expect(m.write(['SET', 'a', '1'], 5000).reply).toEqual({ type: 'ok' });
    expect(m.write(['SET', 'a', '2'], 10_001).reply).toEqual({ type: 'error', message: 'NOREPLICAS Not enough good replicas to write.' });
  });
});

describe('expiry on replicas (expireIfNeeded, Redis 7.0)', () => {
  test('SET PX propagates as an absolute PXAT; the replica hides the expired key but keeps it until the master\'s DEL', () => {
    const { m, r, nodes } = pair();
    r.replicaof('m', 0);
    cron(nodes, 0);
    const log = pump(nodes, m.write(['SET', 'a', '1', 'PX', '100'], 0).outputs, 0);
    expect(log).toContain('m → r: STREAM @1 SET a 1 PXAT 100');
    expect(r.read('a', 150).reply).toEqual({ type: 'bulk', value: null });
    expect(r.data.has('a')).toBe(true); // not deleted: replicas never expire keys themselves
    r.activeExpireCycle(150);
    expect(r.data.has('a')).toBe(true);
    pump(nodes, m.read('a', 150).outputs, 150); // the master's lazy expiry propagates DEL
    expect(r.data.has('a')).toBe(false);
  });
});
