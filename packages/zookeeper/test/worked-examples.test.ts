// The reference's worked examples (docs/zookeeper-worked-examples.md §A–C), each run as a
// seeded simulation of whole servers on @protolab/sim with ZooKeeper's timing defaults.
import { describe, expect, it } from 'vitest';
import { Ensemble, makeZxid, SafetyMonitor, zxidToHex } from '@protolab/zookeeper';

/** Start servers one at a time, each gapMs after the previous one entered the election. */
function staggered(n: number, order: number[], seed = 1, gapMs = 3000): Ensemble {
  const e = new Ensemble({ n, seed });
  for (const sid of order) {
    e.start(sid);
    e.runFor(gapMs);
  }
  e.runUntil((x) => x.stable(), { maxMs: 60_000 });
  return e;
}

function writes(e: Ensemble, count: number, prefix: string): void {
  for (let i = 0; i < count; i++) e.write(`${prefix}${i}`);
  e.runFor(1000);
}

describe('worked example A: start-up election, all zxid 0 (leader = largest sid of the first majority up together)', () => {
  for (const [order, leader] of [
    [[1, 2, 3, 4, 5], 3],
    [[5, 4, 3, 2, 1], 5],
    [[2, 4, 1, 5, 3], 4],
  ] as const) {
    it(`5 servers started ${order.join(',')} elect ${leader}, as the real 3.8.0 ensemble did`, () => {
      for (const seed of [1, 2, 3]) {
        const e = staggered(5, [...order], seed);
        expect(e.leader()).toBe(leader);
        expect(e.stable()).toBe(true);
        expect(e.epochs(leader)).toEqual({ acceptedEpoch: 1, currentEpoch: 1 });
      }
    });
  }

  it('3 servers started 1,2,3 elect 2 (the first majority is {1,2}), as the real 3-server runs did', () => {
    expect(staggered(3, [1, 2, 3]).leader()).toBe(2);
  });

  it('servers 4 and 5 follow 3 although 4 > 3: they join through FOLLOWING/LEADING notifications of round 1', () => {
    const e = staggered(5, [1, 2, 3, 4, 5]);
    const via = e.events.filter((x) => x.event.type === 'decided' && (x.sid === 4 || x.sid === 5)).map((x) => (x.event.type === 'decided' ? x.event.via : ''));
    expect(via).toEqual(['in-round', 'in-round']);
    expect(e.vote(4)).toMatchObject({ leader: 3, electionEpoch: 1 });
  });

  it('a fresh leader reports Zxid 0x100000000 (srvr), followers report peerEpoch 1 in their votes', () => {
    const e = staggered(5, [1, 2, 3, 4, 5]);
    expect(zxidToHex(e.zxid(3)!)).toBe('0x100000000');
    expect(e.vote(1)).toMatchObject({ leader: 3, peerEpoch: 1 });
  });
});

describe('worked example B: run-time re-election, a larger zxid beats a larger sid', () => {
  it('s4, s5 stopped at 0x100000006; {1,2,3} reach 0x100000013; s3 stops; s2 leads epoch 2 and s4/s5 sync by DIFF', () => {
    const e = staggered(5, [1, 2, 3, 4, 5]);
    const monitor = new SafetyMonitor(e);
    writes(e, 6, 'a');
    expect(zxidToHex(e.zxid(5)!)).toBe('0x100000006');
    e.stop(4);
    e.stop(5);
    writes(e, 13, 'b');
    expect(zxidToHex(e.zxid(1)!)).toBe('0x100000013');
    e.stop(3);
    e.runFor(15_000); // followers notice after syncLimit * tickTime and go LOOKING
    expect(e.role(1)).toBe('LOOKING');
    expect(e.peer(1)!.fle.logicalclock).toBe(2);
    expect(e.peer(1)!.fle.proposal).toEqual({ leader: 2, zxid: makeZxid(1, 0x13), peerEpoch: 1 });
    expect(e.leader()).toBeUndefined(); // 2 votes < 3
    e.start(4);
    e.start(5);
    expect(e.runUntil((x) => x.stable(), { maxMs: 60_000 })).toBe(true);
    expect(e.leader()).toBe(2);
    expect(e.epochs(2)).toEqual({ acceptedEpoch: 2, currentEpoch: 2 });
    expect(zxidToHex(e.zxid(2)!)).toBe('0x200000000');
    expect(e.syncModes()).toMatchObject({ 4: 'DIFF', 5: 'DIFF' });
    expect(zxidToHex(e.zxid(4)!)).toBe('0x100000013');
    expect(monitor.violations).toEqual([]);
  });
});

describe('the three sync modes, one follower each', () => {
  it('DIFF: a follower 13 txns behind gets "Using committedLog" DIFF(leader max) + PROPOSAL/COMMIT pairs', () => {
    const e = staggered(3, [1, 2, 3]);
    writes(e, 2, 'x');
    e.stop(3);
    writes(e, 13, 'y');
    e.start(3);
    e.runUntil((x) => x.stable());
    const sent = e.events.filter((x) => x.event.type === 'syncSent').at(-1)!.event;
    expect(sent).toMatchObject({ type: 'syncSent', learner: 3, mode: 'DIFF', reason: 'committedLog', peerLastZxid: makeZxid(1, 2) });
    expect(sent.type === 'syncSent' && sent.packets[0]).toBe('DIFF 0x10000000f');
    expect(e.peer(3)!.historyZxids()).toEqual(e.peer(2)!.historyZxids());
  });

  it('TRUNC: an old leader with one logged-but-uncommitted proposal rejoins and is truncated to the new leader\'s maxCommittedLog', () => {
    const e = staggered(3, [1, 2, 3]); // leader 2
    const monitor = new SafetyMonitor(e);
    writes(e, 4, 'c');
    e.isolate(2);
    e.write('lost', 2); // logged by the old leader only, never committed
    e.runFor(30_000); // {1,3} elect 3 in epoch 2; 2 steps down
    expect(e.leader()).toBe(3);
    expect(e.durableLog(2).at(-1)!.zxid).toBe(makeZxid(1, 5));
    e.heal();
    expect(e.runUntil((x) => x.stable(), { maxMs: 120_000 })).toBe(true);
    const sent = e.events.filter((x) => x.event.type === 'syncSent' && x.event.learner === 2).at(-1)!.event;
    expect(sent).toMatchObject({ mode: 'TRUNC', reason: 'peerAhead', peerLastZxid: makeZxid(1, 5) });
    expect(e.durableLog(2).map((t) => t.zxid)).not.toContain(makeZxid(1, 5));
    expect(e.syncModes()[2]).toBe('TRUNC');
    expect(monitor.violations).toEqual([]);
  });

  it('SNAP: a brand-new server joining a leader whose txn log does not reach back to zxid 0', () => {
    const e = new Ensemble({ n: 3, seed: 4 });
    e.start(1);
    e.start(2);
    e.runUntil((x) => x.leader() !== undefined);
    writes(e, 5, 's');
    e.start(3);
    e.runUntil((x) => x.stable());
    const sent = e.events.filter((x) => x.event.type === 'syncSent' && x.event.learner === 3).at(-1)!.event;
    expect(sent).toMatchObject({ mode: 'SNAP', reason: 'txnLogUnavailable' });
    expect(e.peer(3)!.historyZxids()).toHaveLength(5);
  });

  it('SNAP: a follower behind the committedLog window when the leader has several txn log files (Txnlog size exceeds sizeLimit)', () => {
    // commitLogCount 20 and snapCount 10 stand in for 500 and 100 000 so the run stays small.
    const e = new Ensemble({ n: 3, seed: 5, commitLogCount: 20, snapCount: 10 });
    for (const s of [1, 2, 3]) e.start(s);
    e.runUntil((x) => x.stable());
    writes(e, 3, 'p');
    const lagging = [1, 2, 3].find((s) => s !== e.leader())!;
    e.stop(lagging);
    for (let i = 0; i < 6; i++) writes(e, 10, `q${i}`);
    e.start(lagging);
    e.runUntil((x) => x.stable());
    const sent = e.events.filter((x) => x.event.type === 'syncSent' && x.event.learner === lagging).at(-1)!.event;
    expect(sent).toMatchObject({ mode: 'SNAP', reason: 'txnLogUnavailable' });
    expect(e.peer(lagging)!.historyZxids()).toEqual(e.peer(e.leader()!)!.historyZxids());
  });
});
