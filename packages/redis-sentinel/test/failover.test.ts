import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { EVENTS_KEPT, SentinelNode, sentinelDeployment, type InstanceNode, type SentinelSimNode } from '../src/index.js';

/** The events of the sentinel that ended a fail-over (its leader: +failover-end). */
function leaderEvents(sim: ReturnType<typeof sentinelDeployment>['sim'], sentinels: readonly string[]): string[] | undefined {
  for (const s of sentinels) {
    const ev = sim.node<SentinelSimNode>(s).core.events;
    if (ev.some((e) => e.startsWith('+failover-end'))) return ev;
  }
  return undefined;
}

/** Replicas between +slave-reconf-sent and +slave-reconf-done (or the sent-timeout), at worst. */
function maxInFlight(events: readonly string[]): number {
  const inflight = new Set<string>();
  let max = 0;
  for (const e of events) {
    const [kind, , name] = e.split(' ');
    if (name === undefined) continue;
    if (kind === '+slave-reconf-sent') inflight.add(name);
    if (kind === '+slave-reconf-done' || kind === '-slave-reconf-sent-timeout') inflight.delete(name);
    max = Math.max(max, inflight.size);
  }
  return max;
}

describe('sentinel.c sentinelFailoverReconfNextSlave: parallel-syncs', () => {
  test('with parallel-syncs p, the leader never has more than p replicas resyncing at once, and every replica ends up following the promoted one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(1, 2), (seed, parallelSyncs) => {
        const { sim, sentinels, instances } = sentinelDeployment({ seed, replicas: 4, parallelSyncs, failoverTimeoutMs: 30_000 });
        sim.runFor(12_000);
        sim.crash('m');
        // A split vote retries after 2 × failover-timeout (sentinelStartFailoverIfNeeded).
        sim.runFor(200_000);
        const ev = leaderEvents(sim, sentinels);
        expect(ev, 'a fail-over happened').toBeDefined();
        if (ev === undefined) return;
        expect(maxInFlight(ev)).toBeLessThanOrEqual(parallelSyncs);
        expect(ev.filter((e) => e.startsWith('+slave-reconf-sent ')).length).toBe(3);
        const promoted = sim.node<SentinelSimNode>(sentinels[0] ?? 's1').core.master.addr;
        for (const r of instances.filter((n) => n !== 'm' && n !== promoted)) {
          expect(sim.node<InstanceNode>(r).state.master, `${r} follows ${promoted}`).toBe(promoted);
        }
      }),
      { numRuns: 25 },
    );
  });

  test('with parallel-syncs 1 the second replica is sent REPLICAOF only after the first reports reconf-done', () => {
    const { sim, sentinels } = sentinelDeployment({ seed: 7, replicas: 3, parallelSyncs: 1, failoverTimeoutMs: 60_000 });
    sim.runFor(12_000);
    sim.crash('m');
    sim.runFor(90_000);
    const ev = leaderEvents(sim, sentinels) ?? [];
    const sent = ev.findIndex((e) => e.startsWith('+slave-reconf-sent '));
    const done = ev.findIndex((e) => e.startsWith('+slave-reconf-done '));
    const secondSent = ev.findIndex((e, i) => i > sent && e.startsWith('+slave-reconf-sent '));
    expect(sent).toBeGreaterThanOrEqual(0);
    expect(ev.some((e) => e.startsWith('+slave-reconf-inprog '))).toBe(true);
    expect(done).toBeGreaterThan(sent);
    expect(secondSent).toBeGreaterThan(done);
    expect(ev.indexOf(`+failover-end master mymaster m`)).toBeLessThan(ev.findIndex((e) => e.startsWith('+switch-master')));
  });
});

describe('sentinel.c sentinelCommand "failover" (SENTINEL FAILOVER)', () => {
  test('a user-requested fail-over promotes a replica of a healthy master without ODOWN or an election, and the old master is turned into a replica', () => {
    const { sim, sentinels } = sentinelDeployment({ seed: 11, replicas: 2 });
    sim.runFor(15_000);
    const s1 = sim.node<SentinelSimNode>(sentinels[0] ?? 's1');
    expect(s1.core.failover(sim.now())).toBe('OK');
    expect(s1.core.failover(sim.now())).toBe('-INPROG Failover already in progress');
    sim.runFor(60_000);
    const ev = s1.core.events;
    expect(ev.some((e) => e.startsWith('+odown'))).toBe(false);
    expect(ev.some((e) => e.startsWith('+elected-leader'))).toBe(true);
    const promoted = s1.core.master.addr;
    expect(promoted).not.toBe('m');
    for (const s of sentinels) expect(sim.node<SentinelSimNode>(s).core.getMasterAddrByName('mymaster')).toBe(promoted);
    expect(sim.node<InstanceNode>('m').state).toMatchObject({ role: 'slave', master: promoted });
  });

  test('SENTINEL FAILOVER with no replica to promote answers -NOGOODSLAVE and starts nothing', () => {
    const { sim, sentinels } = sentinelDeployment({ seed: 3, replicas: 0 });
    sim.runFor(15_000);
    const core = sim.node<SentinelSimNode>(sentinels[0] ?? 's1').core;
    expect(core.failover(sim.now())).toBe('-NOGOODSLAVE No suitable replica to promote');
    expect(core.master.failover_state).toBe('SENTINEL_FAILOVER_STATE_NONE');
  });
});

describe('the event log of a long-running sentinel', () => {
  test('after any number of events a sentinel keeps between EVENTS_KEPT and 2 × EVENTS_KEPT of them (or all, if fewer), and they are the latest, in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 * EVENTS_KEPT }), (k) => {
        const node = new SentinelNode('s1', 'a'.repeat(40), { masterName: 'mymaster', masterAddr: 'm:6379', quorum: 1, downAfterMs: 1000, failoverTimeoutMs: 3000 }, () => 0);
        const before = node.events.length;
        for (let i = 0; i < k; i++) node.event(`+test event ${i}`);
        const ev = node.events;
        const total = before + k;
        expect(ev.length).toBeLessThanOrEqual(2 * EVENTS_KEPT);
        expect(ev.length).toBeGreaterThanOrEqual(Math.min(total, EVENTS_KEPT));
        const mine = ev.slice(Math.max(0, ev.length - k));
        const firstKept = k - mine.length;
        expect(mine).toEqual(Array.from({ length: mine.length }, (_, j) => `+test event ${firstKept + j}`));
      }),
      { numRuns: 20, examples: [[0], [2 * EVENTS_KEPT], [2 * EVENTS_KEPT + 1], [5 * EVENTS_KEPT]] },
    );
  });
});
