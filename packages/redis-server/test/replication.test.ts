/**
 * Replication between protolab servers on a deterministic in-memory network (replication-pump.ts):
 * the server's REPLICAOF / PSYNC / REPLCONF / WAIT / ROLE / INFO replication, the read-only and
 * min-replicas checks, partial and full resyncs, and psync2 after a promotion.
 */
import { describe, expect, test } from 'vitest';
import { NOREPLICAS_ERROR, READONLY_ERROR } from '../src/replication/replication.js';
import { ReplPump, replInfo, text } from './replication-pump.js';

function setup(config = {}): { net: ReplPump; m: ReturnType<ReplPump['add']>; r: ReturnType<ReplPump['add']> } {
  const net = new ReplPump();
  const m = net.add(6379, config);
  const r = net.add(6380, config);
  return { net, m, r };
}

describe('protolab master and protolab replica (replication.c through the server)', () => {
  test('REPLICAOF: full resync with the dataset as an RDB, then the stream (SELECT included) keeps the replica equal to the master', () => {
    const { net, m, r } = setup();
    const c = net.client(6379);
    c.send('SET', 'a', '1');
    c.send('SELECT', '2');
    c.send('RPUSH', 'l', 'x', 'y');
    expect(text(net.client(6380).send('REPLICAOF', '127.0.0.1', 6379)[0])).toBe('OK');
    net.drain();
    expect(r.repl.st.replicaStats.fullLoads).toBe(1);
    expect(text(net.client(6380).send('GET', 'a')[0])).toBe('1');
    c.send('SET', 'b', '2');
    const rc = net.client(6380);
    rc.send('SELECT', '2');
    expect(text(rc.send('GET', 'b')[0])).toBe('2');
    expect(text(rc.send('LLEN', 'l')[0])).toBe(2);
    expect(replInfo(r).get('master_repl_offset')).toBe(replInfo(m).get('master_repl_offset'));
    expect(replInfo(r).get('master_link_status')).toBe('up');
    expect(replInfo(m).get('slave0')).toMatch(/^ip=127\.0\.0\.1,port=6380,state=online,offset=\d+,lag=0$/);
  });

  test('expiry on a replica (db.c expireIfNeeded): a logically expired key reads as missing but stays until the master\'s DEL, which the master sends when it expires the key', () => {
    const { net, m, r } = setup();
    net.client(6380).send('REPLICAOF', '127.0.0.1', 6379);
    net.drain();
    const c = net.client(6379);
    c.send('SET', 'k', 'v', 'PX', '150');
    net.drain();
    // The clock moves with no serverCron anywhere: only a lookup can notice the deadline.
    net.nowMs += 300;
    const rc = net.client(6380);
    expect(text(rc.send('GET', 'k')[0])).toBe(null);
    expect(text(rc.send('EXISTS', 'k')[0])).toBe(0);
    expect(text(rc.send('DBSIZE')[0])).toBe(1);
    expect(r.srv.keyspace.stats.expiredKeys).toBe(0);
    // The master reads it: expired there, deleted, `DEL k` propagated; the replica applies it.
    expect(text(c.send('GET', 'k')[0])).toBe(null);
    net.drain();
    expect(text(rc.send('DBSIZE')[0])).toBe(0);
    // Promoted, the replica expires keys itself again.
    c.send('SET', 'j', 'v', 'PX', '100');
    net.drain();
    expect(text(rc.send('REPLICAOF', 'NO', 'ONE')[0])).toBe('OK');
    net.nowMs += 300;
    expect(text(rc.send('GET', 'j')[0])).toBe(null);
    expect(text(rc.send('DBSIZE')[0])).toBe(0);
    expect(r.srv.keyspace.stats.expiredKeys).toBe(1);
    expect(m.srv.keyspace.stats.expiredKeys).toBe(1);
  });

  test('a full resync empties like emptyData → signalFlushedDb: it propagates nothing, and only WATCHers of keys that existed see EXEC fail', () => {
    const { net, r } = setup();
    net.client(6379).send('SET', 'from-master', '1');
    const propagated: string[] = [];
    const prev = r.srv.keyspace.onPropagate;
    r.srv.keyspace.onPropagate = (db, argv) => {
      propagated.push(argv.map((a) => Buffer.from(a).toString('latin1')).join(' '));
      prev?.(db, argv);
    };
    const rc = net.client(6380);
    rc.send('SET', 'old', 'x');
    const w1 = net.client(6380);
    const w2 = net.client(6380);
    w1.send('WATCH', 'old');
    w2.send('WATCH', 'nope');
    rc.send('REPLICAOF', '127.0.0.1', 6379);
    net.drain();
    expect(text(rc.send('GET', 'from-master')[0])).toBe('1');
    expect(text(rc.send('EXISTS', 'old')[0])).toBe(0);
    w1.send('MULTI');
    expect(text(w1.send('EXEC')[0])).toBe(null);
    w2.send('MULTI');
    expect(w2.send('EXEC')[0]).toEqual({ type: 'array', value: [] });
    // The replica's own writes before REPLICAOF only: the emptying and the load propagate nothing.
    expect(propagated).toEqual(['SET old x']);
  });

  test('a replica refuses writes with -READONLY; reads and REPLICAOF NO ONE are allowed', () => {
    const { net } = setup();
    net.client(6380).send('REPLICAOF', '127.0.0.1', 6379);
    net.drain();
    const rc = net.client(6380);
    expect(text(rc.send('SET', 'x', '1')[0])).toBe(`-${READONLY_ERROR}`);
    expect(text(rc.send('GET', 'x')[0])).toBe(null);
    expect(text(rc.send('REPLICAOF', 'NO', 'ONE')[0])).toBe('OK');
    expect(text(rc.send('SET', 'x', '1')[0])).toBe('OK');
  });

  test('WAIT blocks until the replica ACKs the write (REPLCONF GETACK *), and a WAIT for more replicas than exist times out with the count', () => {
    const { net } = setup();
    net.client(6380).send('REPLICAOF', '127.0.0.1', 6379);
    net.drain();
    const c = net.client(6379);
    c.send('SET', 'k', 'v');
    expect(text(c.send('WAIT', 1, 0)[0])).toBe(1);
    expect(c.send('WAIT', 2, 500)).toEqual([]);
    net.advance(400);
    expect(net.replies.get(`6379/${c.connId}`)?.length).toBe(2);
    net.advance(200);
    expect(text(net.replies.get(`6379/${c.connId}`)?.at(-1))).toBe(1);
  });

  test('min-replicas-to-write 1: -NOREPLICAS until a replica has ACKed within min-replicas-max-lag, and again once it is gone', () => {
    const { net, r } = setup({ minReplicasToWrite: 1, minReplicasMaxLagSec: 10 });
    const c = net.client(6379);
    expect(text(c.send('SET', 'k', 'v')[0])).toBe(`-${NOREPLICAS_ERROR}`);
    net.client(6380).send('REPLICAOF', '127.0.0.1', 6379);
    net.drain();
    expect(text(c.send('SET', 'k', 'v')[0])).toBe('OK');
    net.down.add(6379);
    net.dropLink(r);
    expect(text(c.send('SET', 'k', 'v')[0])).toBe(`-${NOREPLICAS_ERROR}`);
  });

  test('a broken link is resumed with PSYNC <replid> <offset+1> → +CONTINUE; writes beyond repl-backlog-size force a full resync', () => {
    const { net, m, r } = setup({ replBacklogSize: 16 * 1024 });
    net.client(6380).send('REPLICAOF', '127.0.0.1', 6379);
    net.drain();
    const c = net.client(6379);
    net.down.add(6379);
    net.dropLink(r);
    c.send('SET', 'gap', '1');
    net.down.delete(6379);
    net.advance(1000);
    // The first PSYNC carried the replica's own replid (replicationCacheMasterUsingMyself): a counted partial error.
    expect(m.repl.st.stats).toEqual({ sync_full: 1, sync_partial_ok: 1, sync_partial_err: 1 });
    expect(text(net.client(6380).send('GET', 'gap')[0])).toBe('1');
    net.down.add(6379);
    net.dropLink(r);
    for (let i = 0; i < 40; i++) c.send('SET', `big${i}`, 'x'.repeat(1000));
    net.down.delete(6379);
    net.advance(1000);
    expect(m.repl.st.stats).toEqual({ sync_full: 2, sync_partial_ok: 1, sync_partial_err: 2 });
    expect(text(net.client(6380).send('STRLEN', 'big39')[0])).toBe(1000);
  });

  test('psync2 after a promotion: REPLICAOF NO ONE shifts the replid (replid2 = the old one), and the other replica continues from the promoted one with +CONTINUE <newid>', () => {
    const net = new ReplPump();
    const m = net.add(6379);
    const r1 = net.add(6380);
    const r2 = net.add(6381);
    net.client(6380).send('REPLICAOF', '127.0.0.1', 6379);
    net.client(6381).send('REPLICAOF', '127.0.0.1', 6379);
    net.drain();
    net.client(6379).send('SET', 'k', 'v');
    const oldId = m.repl.st.replid;
    const offset = m.repl.st.master_repl_offset;
    expect(r1.repl.st.master_repl_offset).toBe(offset);
    net.down.add(6379); // the master dies
    net.dropLink(r1);
    net.dropLink(r2);
    net.client(6380).send('REPLICAOF', 'NO', 'ONE');
    expect([replInfo(r1).get('master_replid2'), replInfo(r1).get('second_repl_offset')]).toEqual([oldId, String(offset + 1)]);
    net.client(6381).send('REPLICAOF', '127.0.0.1', 6380);
    net.drain();
    expect(r1.repl.st.stats).toEqual({ sync_full: 0, sync_partial_ok: 1, sync_partial_err: 0 });
    expect(r2.repl.st.replid).toBe(r1.repl.st.replid);
    expect(r2.repl.st.replid2).toBe(oldId);
    net.client(6380).send('SET', 'after', 'promotion');
    expect(text(net.client(6381).send('GET', 'after')[0])).toBe('promotion');
  });

  test('ROLE names the role, the link state and the offsets as roleCommand does', () => {
    const { net, m } = setup();
    expect(text(net.client(6379).send('ROLE')[0])).toBe(JSON.stringify({ type: 'array', value: [{ type: 'bulk', value: 'master' }, { type: 'integer', value: 0 }, { type: 'array', value: [] }] }));
    net.client(6380).send('REPLICAOF', '127.0.0.1', 6379);
    net.drain();
    net.advance(1000);
    const off = m.repl.st.master_repl_offset;
    const role = JSON.parse(String(text(net.client(6380).send('ROLE')[0]))) as { value: { value: unknown }[] };
    expect(role.value.map((v) => v.value)).toEqual(['slave', '127.0.0.1', 6379, 'connected', off]);
  });
});
