// Zab's safety properties (Zab paper; zookeeper-specifications ZkV3_7_0.tla) checked by the
// SafetyMonitor on seeded fault schedules: loss, delay, duplication, partitions, crash/restart.
// Each schedule ends with the faults stopped and demands a settled ensemble (liveness).
// Replay one seed with: runSchedule(seed) (see src/schedules.ts); the soak is bench/soak.ts.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ensemble, runSchedule, type ScheduleResult } from '@protolab/zookeeper';

function summarise(rs: ScheduleResult[]): { bad: ScheduleResult[]; unsettled: number[]; modes: Record<string, number> } {
  const modes: Record<string, number> = {};
  for (const r of rs) for (const [k, v] of Object.entries(r.syncModes)) modes[k] = (modes[k] ?? 0) + v;
  return { bad: rs.filter((r) => r.violations.length > 0), unsettled: rs.filter((r) => !r.settled).map((r) => r.seed), modes };
}

function seeds(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

describe('Zab safety under seeded faults (200 schedules of 3 or 5 servers)', () => {
  let results: ScheduleResult[] = [];
  let s: ReturnType<typeof summarise> = { bad: [], unsettled: [], modes: {} };
  beforeAll(() => {
    results = seeds(1, 200).map((seed) => runSchedule(seed));
    s = summarise(results);
  });

  it('all 200 schedules ran', () => {
    expect(results).toHaveLength(200);
  });

  it('no schedule breaks Leadership, PrimaryIntegrity, PrefixConsistency, Integrity, epoch or zxid monotonicity, or TRUNC safety', () => {
    expect(s.bad.map((r) => ({ seed: r.seed, v: r.violations[0] }))).toEqual([]);
  });

  it('liveness: once faults stop and everyone is up and connected, one leader is established and every server follows it within 180 s', () => {
    expect(s.unsettled).toEqual([]);
    const worst = Math.max(...results.map((r) => r.settleMs));
    expect(worst).toBeLessThan(180_000);
  });

  it('sometimes: DIFF, TRUNC and SNAP each actually happen in these runs', () => {
    expect(s.modes['DIFF'] ?? 0).toBeGreaterThan(0);
    expect(s.modes['TRUNC'] ?? 0).toBeGreaterThan(0);
    expect(s.modes['SNAP'] ?? 0).toBeGreaterThan(0);
  });

  it('sometimes: elections happen in later epochs and transactions commit', () => {
    expect(results.filter((r) => r.epochs >= 3).length).toBeGreaterThan(10);
    expect(results.reduce((a, r) => a + r.committed, 0)).toBeGreaterThan(1000);
  });
});

describe('4-server ensembles (even sizes are where quorum arithmetic bites)', () => {
  it('QuorumMaj with n=4: 60 partition-heavy schedules stay safe', () => {
    const rs = seeds(1000, 60).map((seed) => runSchedule(seed, { sizes: [4] }));
    expect(summarise(rs).bad.map((r) => r.violations[0])).toEqual([]);
  });
});

describe('planted bugs, each caught', () => {
  it('"a quorum is n/2" (BuggyHalfQuorum) is caught by Leadership or PrimaryIntegrity on 4 servers', () => {
    const rs = seeds(1000, 40).map((seed) => runSchedule(seed, { sizes: [4], planted: { quorumOfHalf: true } }));
    const bad = summarise(rs).bad;
    expect(bad.length).toBeGreaterThan(0);
    const props = new Set(bad.map((r) => r.violations[0]!.property));
    expect([...props].some((p) => /Leadership|PrimaryIntegrity|never lost|Agreement/.test(p))).toBe(true);
  });

  it('"sync never TRUNCs" is caught by PrefixConsistency after sync', () => {
    const rs = seeds(1, 40).map((seed) => runSchedule(seed, { planted: { syncNeverTruncs: true } }));
    const bad = summarise(rs).bad;
    expect(bad.length).toBeGreaterThan(0);
    expect(bad.some((r) => r.violations[0]!.property.includes('PrefixConsistency'))).toBe(true);
  });

  // With every server up at once and delays far below finalizeWait, FLE must pick the
  // server with the largest (currentEpoch, lastLoggedZxid, sid). Histories are planted on disk.
  const history = fc.record({ epoch: fc.integer({ min: 0, max: 3 }), lastEpoch: fc.integer({ min: 0, max: 3 }), counter: fc.integer({ min: 1, max: 4 }) });
  function electAllUp(hs: { epoch: number; lastEpoch: number; counter: number }[], voteOrderIgnoresEpoch: boolean, seed: number): { leader: number | undefined; expected: number } {
    const e = new Ensemble({ n: hs.length, seed, trace: false, planted: { voteOrderIgnoresEpoch } });
    hs.forEach((h, i) => {
      const sid = i + 1;
      const lastEpoch = Math.min(h.lastEpoch, h.epoch);
      e.start(sid);
      e.stop(sid);
      const store = e.sim.storageOf(`s${sid}`);
      store.set('acceptedEpoch', h.epoch);
      store.set('currentEpoch', h.epoch);
      const zxid = (BigInt(lastEpoch) << 32n) | BigInt(h.counter);
      store.set('log.0', { zxid, data: `h${sid}` });
      store.set('log.len', 1);
      store.set('logFiles', [zxid]);
    });
    for (let i = 1; i <= hs.length; i++) e.start(i);
    e.runFor(3000);
    const key = (i: number): [number, bigint, number] => {
      const h = hs[i - 1]!;
      return [h.epoch, (BigInt(Math.min(h.lastEpoch, h.epoch)) << 32n) | BigInt(h.counter), i];
    };
    let best = 1;
    for (let i = 2; i <= hs.length; i++) {
      const [ea, za, sa] = key(i);
      const [eb, zb, sb] = key(best);
      if (ea > eb || (ea === eb && (za > zb || (za === zb && sa > sb)))) best = i;
    }
    const leaders = e.servers.filter((s) => e.role(s) === 'LEADING');
    return { leader: leaders.length === 1 ? leaders[0] : undefined, expected: best };
  }

  it('property: with everyone up at once, FastLeaderElection elects the largest (currentEpoch, lastLoggedZxid, sid)', () => {
    fc.assert(
      fc.property(fc.array(history, { minLength: 3, maxLength: 5 }), fc.integer({ min: 1, max: 1000 }), (hs, seed) => {
        const r = electAllUp(hs, false, seed);
        return r.leader === r.expected;
      }),
      { numRuns: 60 },
    );
  });

  it('"a vote order that ignores the epoch" is caught by that property', () => {
    const r = fc.check(
      fc.property(fc.array(history, { minLength: 3, maxLength: 5 }), fc.integer({ min: 1, max: 1000 }), (hs, seed) => {
        const x = electAllUp(hs, true, seed);
        return x.leader === x.expected;
      }),
      { numRuns: 1000, seed: 19 },
    );
    expect(r.failed).toBe(true);
  });

  it('and with that bug the ensemble can also livelock: an elected leader whose epoch is behind is refused ("Follower is ahead")', () => {
    const rs = seeds(1, 50).map((seed) => runSchedule(seed, { planted: { voteOrderIgnoresEpoch: true }, settleMs: 120_000 }));
    const stuck = rs.filter((r) => !r.settled);
    expect(stuck.length).toBeGreaterThan(0);
    const ahead = stuck.some((r) => (r.ensemble.eventCounts.get('followerAhead') ?? 0) > 0);
    expect(ahead).toBe(true);
  });
});
