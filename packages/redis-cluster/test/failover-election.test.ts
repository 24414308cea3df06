import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  clusterGetSlaveRank,
  clusterHandleConfigEpochCollision,
  clusterSendFailoverAuthIfNeeded,
  failoverAuthDelayMs,
  neededQuorum,
  type AuthRequest,
  type VoterState,
} from '../src/failover/election.js';

const req: AuthRequest = { currentEpoch: 5, masterId: 'M', masterFailed: true, forceAck: false, configEpoch: 3, maxOwnerConfigEpoch: 3 };
const voter = (): VoterState => ({ currentEpoch: 5, lastVoteEpoch: 4, votedTime: new Map() });

describe('cluster.c replica election (Redis 7.0)', () => {
  test('clusterGetSlaveRank: rank counts the siblings with a greater offset that can fail over', () => {
    expect(clusterGetSlaveRank(100, [])).toBe(0);
    expect(clusterGetSlaveRank(100, [{ repl_offset: 200, cantFailover: false }, { repl_offset: 50, cantFailover: false }])).toBe(1);
    expect(clusterGetSlaveRank(100, [{ repl_offset: 200, cantFailover: true }])).toBe(0);
    expect(clusterGetSlaveRank(100, [{ repl_offset: 100, cantFailover: false }])).toBe(0);
  });

  test('clusterHandleSlaveFailover: the delay is 500 ms + random(0..499) + rank × 1000 ms', () => {
    expect(failoverAuthDelayMs(0, 0)).toBe(500);
    expect(failoverAuthDelayMs(0, 499)).toBe(999);
    expect(failoverAuthDelayMs(2, 123)).toBe(2623);
    expect(() => failoverAuthDelayMs(0, 500)).toThrow(RangeError);
  });

  test('cluster.c: the best-ranked replica always asks first, whatever the random draws', () => {
    fc.assert(
      fc.property(fc.nat(8), fc.integer({ min: 0, max: 499 }), fc.integer({ min: 0, max: 499 }), (rank, a, b) => {
        expect(failoverAuthDelayMs(rank, a)).toBeLessThan(failoverAuthDelayMs(rank + 1, b));
      }),
    );
  });

  test('needed_quorum is a majority of the masters serving slots', () => {
    expect(neededQuorum(3)).toBe(2);
    expect(neededQuorum(4)).toBe(3);
    expect(neededQuorum(1)).toBe(1);
  });

  test('clusterSendFailoverAuthIfNeeded: one vote per epoch, refusals with their reasons', () => {
    const s = voter();
    expect(clusterSendFailoverAuthIfNeeded(s, req, 0, 15_000)).toEqual({ vote: true });
    expect(clusterSendFailoverAuthIfNeeded(s, { ...req, masterId: 'N' }, 0, 15_000)).toEqual({ vote: false, reason: 'already-voted' });
    expect(clusterSendFailoverAuthIfNeeded(voter(), { ...req, currentEpoch: 4 }, 0, 15_000)).toEqual({ vote: false, reason: 'old-epoch' });
    expect(clusterSendFailoverAuthIfNeeded(voter(), { ...req, masterFailed: false }, 0, 15_000)).toEqual({ vote: false, reason: 'master-not-failed' });
    expect(clusterSendFailoverAuthIfNeeded(voter(), { ...req, masterFailed: false, forceAck: true }, 0, 15_000)).toEqual({ vote: true });
    expect(clusterSendFailoverAuthIfNeeded(voter(), { ...req, maxOwnerConfigEpoch: 4 }, 0, 15_000)).toEqual({ vote: false, reason: 'stale-slots' });
    const again = voter();
    clusterSendFailoverAuthIfNeeded(again, req, 0, 15_000);
    again.currentEpoch = 6;
    expect(clusterSendFailoverAuthIfNeeded(again, { ...req, currentEpoch: 6 }, 29_999, 15_000)).toEqual({ vote: false, reason: 'voted-recently' });
    expect(clusterSendFailoverAuthIfNeeded(again, { ...req, currentEpoch: 6 }, 30_000, 15_000)).toEqual({ vote: true });
  });

  const arbReqs = fc.array(fc.record({ masterId: fc.constantFrom('M1', 'M2'), currentEpoch: fc.integer({ min: 1, max: 4 }) }), { maxLength: 12 });
  function votesPerEpoch(reqs: readonly { masterId: string; currentEpoch: number }[], planted: boolean): number[] {
    const s: VoterState = { currentEpoch: 0, lastVoteEpoch: 0, votedTime: new Map() };
    const count = new Map<number, number>();
    let t = 0;
    for (const r of reqs) {
      if (r.currentEpoch > s.currentEpoch) s.currentEpoch = r.currentEpoch; // a master adopts a greater epoch from any packet
      t += 100_000; // far apart: only the one-vote-per-epoch rule can refuse
      if (clusterSendFailoverAuthIfNeeded(s, { ...req, ...r }, t, 15_000, planted).vote) count.set(s.currentEpoch, (count.get(s.currentEpoch) ?? 0) + 1);
    }
    return [...count.values()];
  }

  test('cluster.c clusterSendFailoverAuthIfNeeded: a master grants at most one vote per epoch, under any order of requests', () => {
    fc.assert(fc.property(arbReqs, (reqs) => votesPerEpoch(reqs, false).every((n) => n <= 1)));
  });

  test('planted bug: a master that votes twice per epoch is caught by the property above', () => {
    expect(fc.check(fc.property(arbReqs, (reqs) => votesPerEpoch(reqs, true).every((n) => n <= 1)), { numRuns: 2000, seed: 19 }).failed).toBe(true);
  });

  test('clusterHandleConfigEpochCollision: the smaller node id moves to currentEpoch + 1', () => {
    const cluster = { currentEpoch: 7 };
    const a = { id: 'aaaa', configEpoch: 7 };
    expect(clusterHandleConfigEpochCollision(a, { id: 'bbbb', configEpoch: 7 }, cluster)).toBe(true);
    expect(a.configEpoch).toBe(8);
    expect(cluster.currentEpoch).toBe(8);
    const b = { id: 'bbbb', configEpoch: 7 };
    expect(clusterHandleConfigEpochCollision(b, { id: 'aaaa', configEpoch: 7 }, { currentEpoch: 7 })).toBe(false);
    expect(b.configEpoch).toBe(7);
  });
});
