// Whole-ensemble behaviours on @protolab/sim beyond the worked examples: observers,
// hierarchical quorums, crash/restart durability, introspection.
import { describe, expect, it } from 'vitest';
import { Ensemble, QuorumHierarchical, SafetyMonitor, ZkError } from '@protolab/zookeeper';

describe('observers (LearnerType.OBSERVER)', () => {
  it('an observer ends OBSERVING, receives every commit (INFORM), and its acks never make a quorum', () => {
    const e = new Ensemble({ voters: [1, 2, 3], observers: [4], seed: 9 });
    const m = new SafetyMonitor(e);
    e.startAll();
    expect(e.runUntil((x) => x.stable())).toBe(true);
    expect(e.role(4)).toBe('OBSERVING');
    for (let i = 0; i < 5; i++) e.write(`o${i}`);
    e.runFor(2000);
    expect(e.peer(4)!.historyZxids()).toEqual(e.peer(e.leader()!)!.historyZxids());
    // Two voters down: leader + observer are not a quorum, so the leader gives up.
    const l = e.leader()!;
    for (const s of [1, 2, 3]) if (s !== l) e.stop(s);
    e.runFor(20_000);
    expect(e.leader()).toBeUndefined();
    expect(m.violations).toEqual([]);
  });
});

describe('hierarchical quorums (group.N / weight.N)', () => {
  // group.1=1:2:3 group.2=4:5:6 group.3=7:8:9; servers 3, 6, 9 have weight 0
  const verifier = new QuorumHierarchical({
    groups: new Map([[1, [1, 2, 3]], [2, [4, 5, 6]], [3, [7, 8, 9]]]),
    weights: new Map([[3, 0], [6, 0], [9, 0]]),
  });

  it('a zero-weight server never leads, and losing one whole group keeps a quorum', () => {
    const e = new Ensemble({ voters: [1, 2, 3, 4, 5, 6, 7, 8, 9], verifier, seed: 3 });
    const m = new SafetyMonitor(e);
    e.startAll();
    expect(e.runUntil((x) => x.stable())).toBe(true);
    const l = e.leader()!;
    expect([3, 6, 9]).not.toContain(l);
    expect(l).toBe(8); // largest sid with weight; all zxids equal
    const group = [7, 8, 9];
    for (const s of group) e.stop(s);
    expect(e.runUntil((x) => x.stable(), { maxMs: 120_000 })).toBe(true);
    expect([3, 6, 9, ...group]).not.toContain(e.leader());
    expect(m.violations).toEqual([]);
  });
});

describe('crash and restart keep exactly what was logged', () => {
  it('a crashed follower comes back with its fsynced txns and epochs, and rejoins by DIFF', () => {
    const e = new Ensemble({ n: 3, seed: 11 });
    e.startAll();
    e.runUntil((x) => x.stable());
    for (let i = 0; i < 4; i++) e.write(`d${i}`);
    e.runFor(1000);
    const f = [1, 2, 3].find((s) => s !== e.leader())!;
    e.crash(f);
    expect(e.durableLog(f)).toHaveLength(4);
    expect(e.epochs(f)).toEqual({ acceptedEpoch: 1, currentEpoch: 1 });
    e.restart(f);
    e.runUntil((x) => x.stable());
    expect(e.peer(f)!.historyZxids()).toHaveLength(4);
    expect(e.syncModes()[f]).toBe('DIFF');
  });

  it('unknown sids are typed errors', () => {
    const e = new Ensemble({ n: 3, seed: 1 });
    expect(() => { e.start(7); }).toThrow(ZkError);
  });

  it('the same seed gives the same trace, byte for byte', () => {
    const run = (): string => {
      const e = new Ensemble({ n: 5, seed: 42, link: { lossRate: 0.05, maxExtraDelayMs: 20 } });
      e.startAll();
      e.runFor(5000);
      for (let i = 0; i < 3; i++) e.write(`t${i}`);
      e.runFor(5000);
      return JSON.stringify(e.sim.trace);
    };
    expect(run()).toBe(run());
  });
});

describe('timing defaults and configuration (tickTime, syncLimit)', () => {
  function lookingAfterLeaderCrash(timings?: { tickTime: number }): number {
    const e = new Ensemble({ n: 3, seed: 21, ...(timings !== undefined ? { timings } : {}) });
    e.startAll();
    e.runUntil((x) => x.stable());
    const l = e.leader()!;
    const f = [1, 2, 3].find((s) => s !== l)!;
    const crashedAt = e.sim.now();
    e.crash(l);
    e.runUntil((x) => x.role(f) === 'LOOKING', { maxMs: 60_000 });
    return e.sim.now() - crashedAt;
  }

  it('a follower gives up on a silent leader after syncLimit × tickTime: about 10 s by default, 2.5 s with tickTime 500', () => {
    const byDefault = lookingAfterLeaderCrash();
    expect(byDefault).toBeGreaterThan(9_000);
    expect(byDefault).toBeLessThanOrEqual(10_000);
    const fast = lookingAfterLeaderCrash({ tickTime: 500 });
    expect(fast).toBeGreaterThan(2_000);
    expect(fast).toBeLessThanOrEqual(2_500);
  });
});
