// Quorum verifiers: flexible/QuorumMaj, flexible/QuorumHierarchical, SyncedLearnerTracker.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BuggyHalfQuorum, QuorumHierarchical, QuorumMaj, SyncedLearnerTracker, ZkError } from '@protolab/zookeeper';

describe('QuorumMaj: more than half of the voting members', () => {
  it('3 of 5 and 2 of 3 are quorums; 2 of 4 is not', () => {
    const q5 = new QuorumMaj([1, 2, 3, 4, 5]);
    expect(q5.containsQuorum(new Set([1, 2, 3]))).toBe(true);
    expect(q5.containsQuorum(new Set([4, 5]))).toBe(false);
    expect(new QuorumMaj([1, 2, 3]).containsQuorum(new Set([2, 3]))).toBe(true);
    expect(new QuorumMaj([1, 2, 3, 4]).containsQuorum(new Set([1, 2]))).toBe(false);
  });

  it('property: any two majority quorums of the same ensemble intersect', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }), fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }), (n, ma, mb) => {
        const q = new QuorumMaj(Array.from({ length: n }, (_, i) => i + 1));
        const a = new Set([...Array(n).keys()].filter((i) => ma[i]).map((i) => i + 1));
        const b = new Set([...Array(n).keys()].filter((i) => mb[i]).map((i) => i + 1));
        if (!q.containsQuorum(a) || !q.containsQuorum(b)) return true;
        return [...a].some((x) => b.has(x));
      }),
    );
  });

  it('planted bug caught: "a quorum is n/2" lets two disjoint halves of 4 servers both be quorums', () => {
    const q = new BuggyHalfQuorum([1, 2, 3, 4]);
    expect(q.containsQuorum(new Set([1, 2])) && q.containsQuorum(new Set([3, 4]))).toBe(true);
  });

  it('an empty ensemble is a typed configuration error', () => {
    expect(() => new QuorumMaj([])).toThrow(ZkError);
  });
});

describe('QuorumHierarchical: a majority of the weight in a majority of the groups', () => {
  // group.1=1:2:3 group.2=4:5:6 group.3=7:8:9, all weights 1
  const groups = new Map([[1, [1, 2, 3]], [2, [4, 5, 6]], [3, [7, 8, 9]]]);
  it('two servers in each of two groups are a quorum; five servers spread badly are not', () => {
    const q = new QuorumHierarchical({ groups });
    expect(q.containsQuorum(new Set([1, 2, 4, 5]))).toBe(true);
    expect(q.containsQuorum(new Set([1, 2, 3, 4, 7]))).toBe(false);
  });
  it('weight 0 servers never help a quorum and have weight 0 in the vote order', () => {
    const q = new QuorumHierarchical({ groups, weights: new Map([[3, 0], [6, 0], [9, 0]]) });
    expect(q.getWeight(3)).toBe(0);
    // group weight 2: more than 1 needed in a group
    expect(q.containsQuorum(new Set([1, 3, 4, 6]))).toBe(false);
    expect(q.containsQuorum(new Set([1, 2, 4, 5]))).toBe(true);
  });
  it('a server in two groups is rejected', () => {
    expect(() => new QuorumHierarchical({ groups: new Map([[1, [1, 2]], [2, [2, 3]]]) })).toThrow(/one group/);
  });
});

describe('SyncedLearnerTracker', () => {
  it('only voting members of each verifier count, and every verifier must see a quorum', () => {
    const t = new SyncedLearnerTracker(new QuorumMaj([1, 2, 3]), new QuorumMaj([3, 4, 5]));
    t.addAck(1);
    t.addAck(2);
    expect(t.hasAllQuorums()).toBe(false); // the next config has no ack yet
    t.addAck(4);
    t.addAck(5);
    expect(t.hasAllQuorums()).toBe(true);
    const u = new SyncedLearnerTracker(new QuorumMaj([1, 2, 3]));
    u.addAck(7);
    u.addAck(8);
    expect(u.hasAllQuorums()).toBe(false); // observers / strangers never count
  });
});
