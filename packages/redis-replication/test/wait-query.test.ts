/**
 * WireReplication.isWaiting / waitingCounts: which connections are blocked in WAIT
 * (redis/redis src/blocked.c blockClient with BLOCKED_WAIT from src/replication.c waitCommand,
 * unblockClient; src/timeout.c addClientToTimeoutTable skips a timeout of 0; 7.0), for the host's
 * INFO blocked_clients / clients_in_timeout_table and CLIENT LIST flag b. Checked against a model
 * that follows only the replies: a WAIT that got no answer waits until a reply reaches it, CLIENT
 * UNBLOCK answers it, or its connection closes.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { WireReplication, type WireReplicationHost } from '../src/index.js';

/** A master core with `replicas` online replicas on connections 1…n (disk sync: online at once). */
function master(replicas: number): { repl: WireReplication; clock: { now: number } } {
  const clock = { now: 9_000_000 };
  const host: WireReplicationHost = {
    now: () => clock.now,
    newReplid: () => 'd'.repeat(40),
    listeningPort: 6379,
    rdb: () => new Uint8Array([1]),
    loadRdb: () => 0,
    apply: () => undefined,
  };
  const repl = new WireReplication(host);
  for (let i = 1; i <= replicas; i++) repl.sync(i, '10.0.0.1', { replid: '?', offset: -1 });
  return { repl, clock };
}

describe('WireReplication.isWaiting / waitingCounts (BLOCKED_WAIT, 7.0)', () => {
  test('WAIT 2 0 and WAIT 2 500 waiting: both blocked, only the one with a timeout in the timeout table; a WAIT that answers at once or runs in EXEC is not waiting', () => {
    const { repl, clock } = master(1);
    expect(repl.wait(100, 2, 0, 0).count).toBeUndefined();
    expect(repl.wait(101, 2, 500, 0).count).toBeUndefined();
    expect(repl.wait(102, 1, 0, 0).count).toBe(1);
    expect(repl.wait(103, 2, 0, 0, true).count).toBe(1);
    expect([100, 101, 102, 103].map((c) => repl.isWaiting(c))).toEqual([true, true, false, false]);
    expect(repl.waitingCounts()).toEqual({ blocked: 2, withTimeout: 1 });
    clock.now += 600;
    repl.tick();
    expect([100, 101].map((c) => repl.isWaiting(c))).toEqual([true, false]);
    expect(repl.waitingCounts()).toEqual({ blocked: 1, withTimeout: 0 });
    repl.clientClosed(100);
    expect(repl.isWaiting(100)).toBe(false);
    expect(repl.waitingCounts()).toEqual({ blocked: 0, withTimeout: 0 });
  });

  test('the waiting connections are exactly those whose WAIT got no reply yet, whatever the acks, ticks, unblocks and closes', () => {
    type Op =
      | { op: 'wait'; conn: number; n: number; timeoutMs: number }
      | { op: 'write' }
      | { op: 'ack'; replica: number }
      | { op: 'tick'; ms: number }
      | { op: 'unblock'; conn: number; error: boolean }
      | { op: 'close'; conn: number }
      | { op: 'demote' };
    const conn = fc.integer({ min: 100, max: 103 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('wait' as const), conn, n: fc.integer({ min: 0, max: 3 }), timeoutMs: fc.constantFrom(0, 100, 1_000) }),
      fc.constant({ op: 'write' as const }),
      fc.record({ op: fc.constant('ack' as const), replica: fc.integer({ min: 1, max: 2 }) }),
      fc.record({ op: fc.constant('tick' as const), ms: fc.constantFrom(50, 300, 1_500) }),
      fc.record({ op: fc.constant('unblock' as const), conn, error: fc.boolean() }),
      fc.record({ op: fc.constant('close' as const), conn }),
      fc.constant({ op: 'demote' as const }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.array(op, { maxLength: 20 }), (replicas, ops) => {
        const { repl, clock } = master(replicas);
        const waiting = new Map<number, boolean>(); // conn → has a timeout
        const replied = (outs: readonly { type: string; connId?: number }[]): void => {
          for (const o of outs) if (o.type === 'reply' && o.connId !== undefined) waiting.delete(o.connId);
        };
        for (const o of ops) {
          if (o.op === 'wait' && !waiting.has(o.conn)) {
            const r = repl.wait(o.conn, o.n, o.timeoutMs, repl.st.master_repl_offset);
            if (r.count === undefined) waiting.set(o.conn, o.timeoutMs > 0);
            replied(r.out);
          } else if (o.op === 'write') replied(repl.propagate(0, [new TextEncoder().encode('INCR'), new TextEncoder().encode('n')]));
          else if (o.op === 'ack' && o.replica <= replicas) replied(repl.replconf(o.replica, ['ACK', String(repl.st.master_repl_offset)]).out);
          else if (o.op === 'tick') {
            clock.now += o.ms;
            replied(repl.tick());
          } else if (o.op === 'unblock') {
            if (repl.unblockWaiting(o.conn, o.error) !== undefined) waiting.delete(o.conn);
          } else if (o.op === 'close') {
            repl.clientClosed(o.conn);
            waiting.delete(o.conn);
          } else if (o.op === 'demote') {
            // REPLICAOF host port (replicationSetMaster → disconnectAllBlockedClients: -UNBLOCKED to every waiter), then NO ONE.
            replied(repl.replicaof('10.0.0.9', 6380).out);
            replied(repl.replicaof(undefined, 0).out);
          }
          repl.checkWaitingIndex();
          for (const c of [100, 101, 102, 103]) expect(repl.isWaiting(c)).toBe(waiting.has(c));
          expect(repl.waitingCounts()).toEqual({ blocked: waiting.size, withTimeout: [...waiting.values()].filter(Boolean).length });
        }
      }),
      { numRuns: 200 },
    );
  });

  test('the index of waiting ids is the WAIT list: checkWaitingIndex throws BAD_STATE when they differ, and a connection already waiting cannot WAIT again', () => {
    const { repl } = master(1);
    expect(repl.wait(100, 2, 0, 0).count).toBeUndefined();
    expect(repl.wait(101, 2, 0, 0).count).toBeUndefined();
    expect(() => {
      repl.checkWaitingIndex();
    }).not.toThrow();
    expect(() => repl.wait(100, 2, 0, 0)).toThrow(/connection 100 is already blocked in WAIT/);
    expect(repl.st.waiting.map((w) => w.connId)).toEqual([100, 101]);
    repl.st.waitingIds.delete(101); // what a mutation of st.waiting that forgot the index leaves
    expect(() => {
      repl.checkWaitingIndex();
    }).toThrow(/waiting ids \[100\] differ from the WAIT list \[100,101\]/);
    expect(repl.isWaiting(101)).toBe(false);
    repl.st.waitingIds.add(101);
    repl.st.waitingIds.add(102);
    expect(() => {
      repl.checkWaitingIndex();
    }).toThrow(/BAD_STATE|differ/);
  });
});
