// The vote order and vote equality of FastLeaderElection, pinned with ZooKeeper's own vectors:
// FLEPredicateTest (zookeeper-server/src/test/java/org/apache/zookeeper/test/FLEPredicateTest.java)
// and FLEOutOfElectionTest (…/server/quorum/FLEOutOfElectionTest.java).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FastLeaderElection,
  makeZxid,
  QuorumMaj,
  totalOrderPredicate,
  totalOrderPredicateIgnoringEpoch,
  voteEquals,
  voteTracker,
  type FleHost,
  type ServerState,
  type Vote,
  type VoteKey,
} from '@protolab/zookeeper';

const v = (leader: number, zxid: bigint, peerEpoch: number): VoteKey => ({ leader, zxid, peerEpoch });

/** Vote(version, id, zxid, electionEpoch, peerEpoch, state); Java's shorter constructors give version 0. */
const vote = (version: number, leader: number, zxid: bigint, electionEpoch: number, peerEpoch: number, state: ServerState): Vote => ({ version, leader, zxid, electionEpoch, peerEpoch, state });

describe('ZooKeeper FLEPredicateTest: totalOrderPredicate(newId, newZxid, newEpoch, curId, curZxid, curEpoch)', () => {
  it('testPredicate: (4,0,0 | 3,0,2) false — a lower epoch loses even with a higher sid', () => {
    expect(totalOrderPredicate(v(4, 0n, 0), v(3, 0n, 2))).toBe(false);
  });
  it('testPredicate: (0,0,1 | 1,0,0) true — a higher epoch wins', () => {
    expect(totalOrderPredicate(v(0, 0n, 1), v(1, 0n, 0))).toBe(true);
  });
  it('testPredicate: (0,1,0 | 1,0,0) true — same epoch, a higher zxid wins', () => {
    expect(totalOrderPredicate(v(0, 1n, 0), v(1, 0n, 0))).toBe(true);
  });
  it('testPredicate: (1,1,0 | 0,1,0) true — same epoch and zxid, the higher sid wins', () => {
    expect(totalOrderPredicate(v(1, 1n, 0), v(0, 1n, 0))).toBe(true);
  });
  it('a candidate with weight 0 (hierarchical quorums) never wins', () => {
    expect(totalOrderPredicate(v(9, 100n, 9), v(1, 0n, 0), (sid) => (sid === 9 ? 0 : 1))).toBe(false);
  });
  it('the reference peerEpoch example: A (2, 0x100000032) beats B (1, 0x10000003c) because peerEpoch comes first', () => {
    const a = v(1, makeZxid(1, 50), 2);
    const b = v(2, makeZxid(1, 60), 1);
    expect(totalOrderPredicate(a, b)).toBe(true);
    expect(totalOrderPredicate(b, a)).toBe(false);
    // The planted bug gets it backwards.
    expect(totalOrderPredicateIgnoringEpoch(b, a)).toBe(true);
  });

  const arbVote = fc.record({ leader: fc.integer({ min: 1, max: 9 }), zxid: fc.bigInt({ min: 0n, max: 1n << 40n }), peerEpoch: fc.integer({ min: 0, max: 5 }) });

  it('property: FastLeaderElection.totalOrderPredicate is a strict total order on (peerEpoch, zxid, sid)', () => {
    fc.assert(
      fc.property(arbVote, arbVote, arbVote, (a, b, c) => {
        const same = a.leader === b.leader && a.zxid === b.zxid && a.peerEpoch === b.peerEpoch;
        if (totalOrderPredicate(a, a)) return false; // irreflexive
        if (!same && totalOrderPredicate(a, b) === totalOrderPredicate(b, a)) return false; // total, antisymmetric
        if (totalOrderPredicate(a, b) && totalOrderPredicate(b, c) && !totalOrderPredicate(a, c)) return false; // transitive
        return true;
      }),
    );
  });

  it('property: a higher peerEpoch wins before zxid and sid', () => {
    fc.assert(
      fc.property(arbVote, arbVote, (a, b) => {
        fc.pre(a.peerEpoch !== b.peerEpoch);
        return totalOrderPredicate(a, b) === a.peerEpoch > b.peerEpoch;
      }),
    );
  });

  it('planted bug caught: the order that ignores peerEpoch disagrees with ZooKeeper on some votes', () => {
    const r = fc.check(fc.property(arbVote, arbVote, (a, b) => totalOrderPredicateIgnoringEpoch(a, b) === totalOrderPredicate(a, b)), { numRuns: 2000, seed: 19 });
    expect(r.failed).toBe(true);
  });
});

describe('ZooKeeper FLEOutOfElectionTest: getVoteTracker and checkLeader (5 voters 0..4, myid 3)', () => {
  const host = (myid: number, voters: number[]): FleHost => ({
    myid,
    verifier: new QuorumMaj(voters),
    isParticipant: true,
    getLastLoggedZxid: () => 0n,
    getCurrentEpoch: () => 0,
    getPeerState: () => 'LOOKING',
    getCurrentVote: () => vote(2, myid, 0n, 0, 0, 'LOOKING'),
  });
  const fle = new FastLeaderElection(host(3, [0, 1, 2, 3, 4]));

  it('testIgnoringZxidElectionEpoch: FOLLOWING/LEADING votes for 4 with different zxids and rounds form a quorum', () => {
    const votes = new Map<number, Vote>([
      [0, vote(1, 4, makeZxid(1, 1), 1, 2, 'FOLLOWING')],
      [1, vote(1, 4, makeZxid(1, 2), 1, 2, 'FOLLOWING')],
      [3, vote(1, 4, makeZxid(2, 1), 2, 2, 'FOLLOWING')],
      [4, vote(1, 4, makeZxid(2, 1), 2, 2, 'LEADING')],
    ]);
    expect(fle.getVoteTracker(votes, vote(0, 4, makeZxid(2, 1), 2, 2, 'FOLLOWING')).hasAllQuorums()).toBe(true);
  });

  it('testElectionWIthDifferentVersion: a version-0 vote matches version-1 votes on the leader id alone', () => {
    const votes = new Map<number, Vote>([
      [0, vote(1, 4, makeZxid(1, 1), 1, 1, 'FOLLOWING')],
      [1, vote(1, 4, makeZxid(1, 1), 1, 1, 'FOLLOWING')],
      [3, vote(0, 4, makeZxid(2, 1), 2, 2, 'FOLLOWING')],
      [4, vote(0, 4, makeZxid(2, 1), 2, 2, 'LEADING')],
    ]);
    expect(fle.getVoteTracker(votes, vote(0, 4, makeZxid(2, 1), 2, 2, 'FOLLOWING')).hasAllQuorums()).toBe(true);
  });

  it('testLookingNormal: four equal LOOKING votes (4, 0x200000001, round 1, epoch 1) are a quorum', () => {
    const votes = new Map<number, Vote>([
      [0, vote(0, 4, makeZxid(2, 1), 1, 1, 'LOOKING')],
      [1, vote(0, 4, makeZxid(2, 1), 1, 1, 'LOOKING')],
      [3, vote(0, 4, makeZxid(2, 1), 1, 1, 'LOOKING')],
      [4, vote(0, 4, makeZxid(2, 1), 1, 1, 'LEADING')],
    ]);
    expect(fle.getVoteTracker(votes, vote(0, 4, makeZxid(2, 1), 1, 1, 'LOOKING')).hasAllQuorums()).toBe(true);
  });

  it('testLookingDiffRounds: LOOKING votes from rounds 1, 2, 3 — only one equals a round-2 vote, no quorum', () => {
    const votes = new Map<number, Vote>([
      [0, vote(0, 4, makeZxid(1, 1), 1, 1, 'LOOKING')],
      [1, vote(0, 4, makeZxid(2, 1), 2, 2, 'LOOKING')],
      [3, vote(0, 4, makeZxid(2, 1), 3, 2, 'LOOKING')],
      [4, vote(0, 4, makeZxid(2, 1), 3, 2, 'LEADING')],
    ]);
    expect(fle.getVoteTracker(votes, vote(0, 4, makeZxid(2, 1), 2, 2, 'LOOKING')).hasAllQuorums()).toBe(false);
  });

  it('testOutofElection: outofelection votes for leader 5 (with a LEADING vote from 5) pass the quorum and leader checks', () => {
    const outofelection = new Map<number, Vote>([
      [1, vote(0, 5, makeZxid(15, 0), 0xa, 0x17, 'FOLLOWING')],
      [2, vote(0, 5, makeZxid(15, 0), 0xa, 0x17, 'FOLLOWING')],
      [4, vote(1, 5, makeZxid(15, 0), 0xa, 0x18, 'FOLLOWING')],
    ]);
    const leaderVote = vote(1, 5, makeZxid(15, 0), 0xa, 0x18, 'LEADING');
    outofelection.set(5, leaderVote);
    fle.logicalclock = 1;
    expect(fle.getVoteTracker(outofelection, leaderVote).hasAllQuorums()).toBe(true);
    expect(fle.checkLeader(outofelection, 5, 0xa)).toBe(true);
  });

  it('voteTracker (the pure getVoteTracker): 3 of 5 equal LOOKING votes are a quorum, 2 are not, and observers never count', () => {
    const q = new QuorumMaj([1, 2, 3, 4, 5]);
    const mine = vote(0, 5, 7n, 3, 1, 'LOOKING');
    const votes = new Map<number, Vote>([[1, mine], [2, mine], [9, mine], [4, vote(0, 4, 7n, 3, 1, 'LOOKING')]]);
    expect(voteTracker(votes, mine, q).hasAllQuorums()).toBe(false); // 9 is not a voter
    votes.set(3, mine);
    expect(voteTracker(votes, mine, q).hasAllQuorums()).toBe(true);
    expect(voteTracker(votes, mine, q).ackSids()).toEqual([1, 2, 3]);
  });

  it('Vote.equals: zxid and electionEpoch are ignored between non-LOOKING votes of the same version, peerEpoch is not', () => {
    expect(voteEquals(vote(2, 4, 1n, 1, 2, 'FOLLOWING'), vote(2, 4, 9n, 7, 2, 'LEADING'))).toBe(true);
    expect(voteEquals(vote(2, 4, 1n, 1, 2, 'FOLLOWING'), vote(2, 4, 1n, 1, 3, 'LEADING'))).toBe(false);
    expect(voteEquals(vote(2, 4, 1n, 1, 2, 'LOOKING'), vote(2, 4, 1n, 2, 2, 'FOLLOWING'))).toBe(false);
  });
});
