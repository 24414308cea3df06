import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { sentinelGetLeader, sentinelVoteLeader, type VoteState } from '../src/index.js';

describe('sentinel.c sentinelVoteLeader / sentinelGetLeader (Redis 7.0)', () => {
  test('one vote per epoch: the first candidate that asks in an epoch gets the vote; a later candidate in the same epoch gets the same answer', () => {
    const s: VoteState = { current_epoch: 0, leader: undefined, leader_epoch: 0 };
    expect(sentinelVoteLeader(s, 1, 'A')).toEqual({ leader: 'A', leader_epoch: 1, votedNow: true });
    expect(sentinelVoteLeader(s, 1, 'B')).toEqual({ leader: 'A', leader_epoch: 1, votedNow: false });
    expect(sentinelVoteLeader(s, 2, 'B')).toEqual({ leader: 'B', leader_epoch: 2, votedNow: true });
    expect(s.current_epoch).toBe(2);
  });

  test('a request from an older epoch never changes the vote', () => {
    const s: VoteState = { current_epoch: 5, leader: 'A', leader_epoch: 5 };
    expect(sentinelVoteLeader(s, 4, 'B')).toEqual({ leader: 'A', leader_epoch: 5, votedNow: false });
  });

  test('a leader needs a majority of all sentinels (voters / 2 + 1) and at least quorum votes', () => {
    const votes = new Map([
      ['s1', 'A'],
      ['s2', 'A'],
    ]);
    expect(sentinelGetLeader(votes, 3, 2)).toBe('A');
    expect(sentinelGetLeader(votes, 5, 2)).toBeUndefined(); // 2 < 5/2+1
    expect(sentinelGetLeader(votes, 3, 3)).toBeUndefined(); // 2 < quorum 3
  });

  const arbRequests = fc.array(fc.record({ epoch: fc.integer({ min: 1, max: 4 }), runid: fc.constantFrom('A', 'B', 'C') }), { maxLength: 20 });

  function votesPerEpoch(reqs: readonly { epoch: number; runid: string }[], planted: boolean): Map<number, Set<string>> {
    const s: VoteState = { current_epoch: 0, leader: undefined, leader_epoch: 0 };
    const given = new Map<number, Set<string>>();
    for (const r of reqs) {
      const v = sentinelVoteLeader(s, r.epoch, r.runid, planted);
      if (v.votedNow && v.leader !== undefined) given.set(v.leader_epoch, new Set([...(given.get(v.leader_epoch) ?? []), v.leader]));
    }
    return given;
  }

  test('sentinel.c sentinelVoteLeader: under any order of requests a sentinel votes for at most one run id per epoch', () => {
    fc.assert(
      fc.property(arbRequests, (reqs) => {
        for (const [, who] of votesPerEpoch(reqs, false)) expect(who.size).toBe(1);
      }),
    );
  });

  test('planted bug: voting for whoever asks (two votes per epoch) is caught by the property above', () => {
    const r = fc.check(fc.property(arbRequests, (reqs) => [...votesPerEpoch(reqs, true).values()].every((w) => w.size <= 1)), { numRuns: 2000, seed: 19 });
    expect(r.failed).toBe(true);
  });

  test('with one vote per sentinel per epoch, two leaders can never both reach a majority in one epoch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.array(fc.constantFrom('A', 'B', 'C', undefined), { minLength: 7, maxLength: 7 }), (n, vs) => {
        const votes = new Map(vs.slice(0, n).map((v, i) => [`s${i}`, v] as const));
        const leader = sentinelGetLeader(votes, n, 1);
        const counts = ['A', 'B', 'C'].filter((c) => [...votes.values()].filter((v) => v === c).length >= Math.floor(n / 2) + 1);
        expect(counts.length).toBeLessThanOrEqual(1);
        if (leader !== undefined) expect(counts).toEqual([leader]);
      }),
    );
  });
});
