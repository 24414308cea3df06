/**
 * WireReplication.unblockWaiting: CLIENT UNBLOCK of a client blocked in WAIT (redis/redis
 * src/networking.c clientCommand "unblock", src/blocked.c replyToBlockedClientTimedOut BLOCKED_WAIT
 * and unblockClient → src/replication.c unblockClientWaitingReplicas, 7.0), on a master core with
 * a fake clock and replicas that ACK by hand.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { RespValue } from '@protolab/resp';
import { WireReplication, type ReplIo, type WireReplicationHost } from '../src/index.js';

const UNBLOCKED: RespValue = { type: 'error', value: 'UNBLOCKED client unblocked via CLIENT UNBLOCK' };
const int = (n: number): RespValue => ({ type: 'integer', value: BigInt(n) });

/** A master core with `replicas` online replicas on connections 1…n (disk sync: online at once). */
function master(replicas: number): { repl: WireReplication; clock: { now: number } } {
  const clock = { now: 5_000_000 };
  const host: WireReplicationHost = {
    now: () => clock.now,
    newReplid: () => 'c'.repeat(40),
    listeningPort: 6379,
    rdb: () => new Uint8Array([1]),
    loadRdb: () => 0,
    apply: () => undefined,
  };
  const repl = new WireReplication(host);
  for (let i = 1; i <= replicas; i++) repl.sync(i, '10.0.0.1', { replid: '?', offset: -1 });
  return { repl, clock };
}

/** The WAIT replies among `outs`, as [connId, reply]. */
const replies = (outs: readonly ReplIo[]): [number, RespValue][] => outs.flatMap((o) => (o.type === 'reply' ? [[o.connId, o.value] as [number, RespValue]] : []));

describe('WireReplication.unblockWaiting (CLIENT UNBLOCK of a WAIT, 7.0)', () => {
  test('TIMEOUT: the count of replicas whose ACK reached the waiter\'s offset, now; the waiter leaves the list, a second call finds nothing', () => {
    const { repl } = master(3);
    repl.propagate(0, [new TextEncoder().encode('SET')]);
    const woff = repl.st.master_repl_offset;
    repl.replconf(1, ['ACK', String(woff)]);
    repl.replconf(2, ['ACK', String(woff - 1)]);
    expect(repl.wait(100, 3, 0, woff).count).toBeUndefined();
    expect(repl.unblockWaiting(100, false)).toEqual(int(1));
    expect(repl.st.waiting).toEqual([]);
    expect(repl.unblockWaiting(100, false)).toBeUndefined();
    // Later ACKs would have satisfied it: no reply comes any more.
    expect(replies(repl.replconf(2, ['ACK', String(woff)]).out)).toEqual([]);
    expect(replies(repl.replconf(3, ['ACK', String(woff)]).out)).toEqual([]);
  });

  test('ERROR: -UNBLOCKED client unblocked via CLIENT UNBLOCK; with no replica at all TIMEOUT gives 0; a client not in WAIT gives undefined', () => {
    const { repl } = master(0);
    expect(repl.wait(7, 1, 0, 0).count).toBeUndefined();
    expect(repl.wait(8, 1, 0, 0).count).toBeUndefined();
    expect(repl.unblockWaiting(7, true)).toEqual(UNBLOCKED);
    expect(repl.unblockWaiting(8, false)).toEqual(int(0));
    expect(repl.unblockWaiting(9, false)).toBeUndefined();
    expect(repl.unblockWaiting(9, true)).toBeUndefined();
  });

  test('a WAIT run by EXEC (inMulti, CLIENT_MULTI) never blocks: the count now, no GETACK, nothing to unblock', () => {
    const { repl } = master(2);
    repl.propagate(0, [new TextEncoder().encode('SET')]);
    const woff = repl.st.master_repl_offset;
    repl.replconf(1, ['ACK', String(woff)]);
    const before = repl.st.master_repl_offset;
    expect(repl.wait(50, 2, 0, woff, true)).toEqual({ count: 1, out: [] });
    expect(repl.st.master_repl_offset).toBe(before);
    expect(repl.unblockWaiting(50, false)).toBeUndefined();
    // The same WAIT outside MULTI blocks and asks for ACKs (REPLCONF GETACK * in the stream).
    expect(repl.wait(51, 2, 0, woff).count).toBeUndefined();
    expect(repl.st.master_repl_offset).toBeGreaterThan(before);
  });

  test('an unblocked waiter is never answered again, by ACKs or by its deadline, and every other waiter is answered exactly as without the unblock', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.record({ numreplicas: fc.integer({ min: 1, max: 4 }), timeoutMs: fc.constantFrom(0, 100, 1_000) }), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.boolean(),
        fc.array(fc.record({ replica: fc.integer({ min: 1, max: 3 }), back: fc.integer({ min: 0, max: 3 }) }), { maxLength: 6 }),
        (replicas, waits, pick, unblockError, acks) => {
          const run = (unblock: boolean): { later: [number, RespValue][] } => {
            const { repl, clock } = master(replicas);
            repl.propagate(0, [new TextEncoder().encode('SET')]);
            const woff = repl.st.master_repl_offset;
            const acked = new Map<number, number>();
            const blocked: number[] = [];
            waits.forEach((w, i) => {
              if (repl.wait(200 + i, w.numreplicas, w.timeoutMs, woff).count === undefined) blocked.push(200 + i);
            });
            // ACKs before the unblock: some at the waiters' offset, some short of it.
            const later: [number, RespValue][] = [];
            const ack = (a: { replica: number; back: number }): void => {
              if (a.replica > replicas) return;
              acked.set(a.replica, Math.max(acked.get(a.replica) ?? 0, woff - a.back));
              later.push(...replies(repl.replconf(a.replica, ['ACK', String(woff - a.back)]).out));
            };
            acks.slice(0, 3).forEach(ack);
            // One of the clients still blocked (the same in both runs: everything here is deterministic).
            const still = blocked.filter((id) => !later.some(([r]) => r === id));
            const target = still[pick % Math.max(still.length, 1)];
            let got: RespValue | undefined;
            if (unblock && target !== undefined) {
              got = repl.unblockWaiting(target, unblockError);
              // The expected count, from the ACKs this test sent: replicas at or past the offset.
              const want = [...acked.values()].filter((o) => o >= woff).length;
              expect(got).toEqual(unblockError ? UNBLOCKED : int(want));
            }
            acks.slice(3).forEach(ack);
            for (let t = 0; t < 12; t++) {
              clock.now += 100;
              later.push(...replies(repl.tick()));
            }
            if (unblock && target !== undefined) expect(later.filter(([id]) => id === target)).toEqual([]);
            return { later: later.filter(([id]) => id !== target) };
          };
          const plain = run(false);
          const withUnblock = run(true);
          // Other waiters: the same replies as if nobody had been unblocked (their order kept).
          expect(withUnblock.later).toEqual(plain.later);
          // Without the unblock, no waiter is answered twice either.
          expect(new Set(plain.later.map(([id]) => id)).size).toBe(plain.later.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
