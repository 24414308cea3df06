// Properties of LearnerHandler.syncFollower (reference §3.3), on generated Zab histories:
// a leader history over several epochs, a committedLog window and a readable txn log, and a
// learner that is behind, in sync, or holds uncommitted txns past the leader's last txn of
// some epoch (what an old leader or its followers keep after a crash).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochOf, makeZxid, syncFollower, type SyncFollowerResult, type Zxid } from '@protolab/zookeeper';

interface Case {
  leader: Zxid[];
  lastProcessedZxid: Zxid;
  committedLog: Zxid[];
  txnLog: Zxid[];
  withinSizeLimit: boolean;
  peerLog: Zxid[];
}

const arbCase: fc.Arbitrary<Case> = fc
  .record({
    counts: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }),
    newEpochLeader: fc.boolean(),
    windowFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    txnFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    withinSizeLimit: fc.boolean(),
    peerPick: fc.double({ min: 0, max: 1, noNaN: true }),
    extra: fc.integer({ min: 0, max: 3 }),
  })
  .map((g) => {
    const leader: Zxid[] = [];
    g.counts.forEach((n, i) => { for (let c = 1; c <= n; c++) leader.push(makeZxid(i + 1, c)); });
    const lastEpoch = g.counts.length;
    const lastProcessedZxid = g.newEpochLeader || leader.length === 0 ? makeZxid(lastEpoch + 1, 0) : leader[leader.length - 1]!;
    const w = Math.floor(g.windowFrac * (leader.length + 1));
    const committedLog = leader.slice(leader.length - w);
    const t = Math.floor(g.txnFrac * (leader.length + 1));
    const txnLog = leader.slice(t);
    // The learner: a prefix of the leader's history, maybe with uncommitted txns past the
    // leader's last txn of the prefix's epoch.
    const cut = Math.floor(g.peerPick * (leader.length + 1));
    const peerLog = leader.slice(0, cut);
    const last = peerLog[peerLog.length - 1];
    if (last !== undefined && g.extra > 0) {
      const e = epochOf(last);
      const leaderLastInEpoch = leader.filter((z) => epochOf(z) === e).at(-1)!;
      if (leaderLastInEpoch === last) for (let k = 1; k <= g.extra; k++) peerLog.push(last + BigInt(k));
    }
    return { leader, lastProcessedZxid, committedLog, txnLog, withinSizeLimit: g.withinSizeLimit, peerLog };
  });

function run(c: Case): SyncFollowerResult {
  return syncFollower({
    peerLastZxid: c.peerLog[c.peerLog.length - 1] ?? 0n,
    lastProcessedZxid: c.lastProcessedZxid,
    committedLog: c.committedLog,
    txnLog: { zxids: c.txnLog, withinSizeLimit: c.withinSizeLimit },
  });
}

/** Learner.syncWithLeader applied to a log of zxids. */
function apply(c: Case, r: SyncFollowerResult): Zxid[] {
  let log = c.peerLog.slice();
  for (const p of r.packets) {
    if (p.type === 'TRUNC') log = log.filter((z) => z <= p.zxid);
    else if (p.type === 'SNAP') log = c.leader.filter((z) => z <= p.zxid);
    else if (p.type === 'PROPOSAL') log.push(p.zxid);
  }
  return log;
}

describe('LearnerHandler.syncFollower properties', () => {
  it('exactly one of DIFF/TRUNC/SNAP comes first and no other op packet follows', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const r = run(c);
        const ops = r.packets.filter((p) => p.type === 'DIFF' || p.type === 'TRUNC' || p.type === 'SNAP');
        const first = r.packets[0];
        return ops.length === 1 && first === ops[0];
      }),
    );
  });

  it('every PROPOSAL is immediately followed by its COMMIT; proposals strictly increase and are above the peer (and the TRUNC point)', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const r = run(c);
        const peer = c.peerLog[c.peerLog.length - 1] ?? 0n;
        let prev = -1n;
        for (let i = 0; i < r.packets.length; i++) {
          const p = r.packets[i]!;
          if (p.type !== 'PROPOSAL') continue;
          const next = r.packets[i + 1];
          if (next?.type !== 'COMMIT' || next.zxid !== p.zxid) return false;
          if (p.zxid <= prev) return false;
          const floor = r.packets[0]!.type === 'TRUNC' ? r.packets[0]!.zxid : peer;
          if (p.zxid <= floor) return false;
          prev = p.zxid;
        }
        return true;
      }),
    );
  });

  it("after applying the packets the learner's log equals the leader's history up to the forwarding point (SNAP: up to lastProcessedZxid)", () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const r = run(c);
        const upTo = r.needSnap ? c.lastProcessedZxid : r.startForwardingZxid;
        const expected = c.leader.filter((z) => z <= upTo);
        expect(apply(c, r)).toEqual(expected);
      }),
    );
  });

  it('TRUNC only cuts txns the leader does not have, and a TRUNC chosen by queueCommittedProposals never crosses an epoch', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const r = run(c);
        const first = r.packets[0]!;
        if (first.type !== 'TRUNC') return true;
        const removed = c.peerLog.filter((z) => z > first.zxid);
        if (removed.some((z) => c.leader.includes(z))) return false;
        if (r.reason === 'committedLog' || r.reason === 'txnLogAndCommittedLog') {
          const peer = c.peerLog[c.peerLog.length - 1]!;
          return epochOf(first.zxid) === epochOf(peer) || first.zxid === -1n;
        }
        return true;
      }),
    );
  });

  it('DIFF carries maxCommittedLog, or the peer zxid when already in sync', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const r = run(c);
        const first = r.packets[0]!;
        if (first.type !== 'DIFF') return true;
        const max = c.committedLog[c.committedLog.length - 1] ?? c.lastProcessedZxid;
        return r.reason === 'alreadyInSync' ? first.zxid === c.lastProcessedZxid : first.zxid === max;
      }),
    );
  });

  it('sometimes: each of DIFF, TRUNC and SNAP is generated', () => {
    // From a fixed seed with room to spare: the generator makes DIFF in ~1.3 % of cases and TRUNC
    // in ~3.4 % (counted over 200 seeds × 500 runs), so 500 random runs missed DIFF in 1 of
    // those 200 seeds, and once in a fresh-clone `npm test` (2026-12-06).
    const seen = new Set<string>();
    fc.assert(fc.property(arbCase, (c) => { seen.add(run(c).syncMode); }), { numRuns: 2000, seed: 19 });
    expect([...seen].sort()).toEqual(['DIFF', 'SNAP', 'TRUNC']);
  });

  it('planted bug caught: a sync that never TRUNCs leaves learners with txns the leader never had', () => {
    const r = fc.check(
      fc.property(arbCase, (c) => {
        const res = syncFollower({
          peerLastZxid: c.peerLog[c.peerLog.length - 1] ?? 0n,
          lastProcessedZxid: c.lastProcessedZxid,
          committedLog: c.committedLog,
          txnLog: { zxids: c.txnLog, withinSizeLimit: c.withinSizeLimit },
          plantedBugNeverTrunc: true,
        });
        const upTo = res.needSnap ? c.lastProcessedZxid : res.startForwardingZxid;
        return JSON.stringify(apply(c, res).map(String)) === JSON.stringify(c.leader.filter((z) => z <= upTo).map(String));
      }),
      { numRuns: 2000, seed: 19 },
    );
    expect(r.failed).toBe(true);
  });
});
