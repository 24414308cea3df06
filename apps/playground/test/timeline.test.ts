// The playground's timeline (step, step back, jump) and its URL, checked against fresh library runs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Ensemble } from '@protolab/zookeeper';
import { Timeline } from '../src/timeline.js';
import { ZkRun, decodeZkAction, encodeZkAction, type ZkAction } from '../src/scenarios/zookeeper.js';
import { ExpiryRun } from '../src/scenarios/expiry.js';
import { PersistenceRun } from '../src/scenarios/persistence.js';
import { decodeLog, encodeLog, formatHash, parseHash, UrlStateError } from '../src/url.js';
import { ClusterRun } from '../src/scenarios/cluster.js';
import { decodeFault, encodeFault } from '../src/scenarios/faults.js';

const fingerprint = (run: ZkRun): string => JSON.stringify({ v: run.view(), trace: run.sim.trace.length, now: run.sim.now() });

function startAll(t: Timeline<ZkRun>, n: number): void {
  for (let sid = 1; sid <= n; sid++) { t.act({ type: 'start', sid }); t.forwardFor(3000); }
}

describe('playground timeline: step back and jump replay the same run (sim.snapshot / sim.restore)', () => {
  it('the seed notes\' "5 servers started 1..5, 3 s apart" elects 3 in the playground as in the library', () => {
    const t = new Timeline(() => new ZkRun({ n: 5 }, 1));
    startAll(t, 5);
    const lib = new Ensemble({ n: 5, seed: 1 });
    for (const sid of [1, 2, 3, 4, 5]) { lib.start(sid); lib.runFor(3000); }
    expect(t.run.view().leader).toBe(3);
    expect(lib.leader()).toBe(3);
  });

  it('property: after any actions, stepping back N events and forward N again gives the identical state', () => {
    const action = fc.oneof(
      fc.record({ type: fc.constantFrom('crash', 'restart', 'stop', 'start'), sid: fc.integer({ min: 1, max: 5 }) }),
      fc.constant({ type: 'write', data: 'x' }),
      fc.constant({ type: 'heal' }),
      fc.record({ type: fc.constant('partition'), a: fc.constant([1, 2]), b: fc.constant([3, 4, 5]) }),
    ) as fc.Arbitrary<ZkAction>;
    fc.assert(fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(fc.tuple(action, fc.integer({ min: 0, max: 40 })), { maxLength: 6 }), fc.integer({ min: 1, max: 200 }), (seed, acts, back) => {
      const t = new Timeline(() => new ZkRun({ n: 5 }, seed));
      startAll(t, 5);
      for (const [a, steps] of acts) {
        try { t.act(a); } catch { /* an action refused by the ensemble (e.g. restart of a running server) is not logged */ }
        for (let i = 0; i < steps; i++) t.forward();
      }
      const before = fingerprint(t.run);
      const pos = t.pos;
      t.back(back);
      expect(t.pos).toBe(Math.max(0, pos - back));
      t.seek(pos);
      expect(fingerprint(t.run)).toBe(before);
    }), { numRuns: 25 });
  });

  it('a position reached by seek equals a fresh run that executes the same log prefix', () => {
    const t = new Timeline(() => new ZkRun({ n: 3 }, 9));
    startAll(t, 3);
    t.act({ type: 'crash', sid: 2 });
    t.forwardFor(2000);
    const target = Math.floor(t.pos / 2);
    t.seek(target);
    // The same log prefix executed on a plain ZkRun, without the timeline.
    const fresh = new ZkRun({ n: 3 }, 9);
    for (const e of t.entries().slice(0, target)) {
      if (e.kind === 'action') fresh.apply(e.action);
      else if (e.kind === 'advance') fresh.sim.advanceClock(e.toMs);
      else fresh.sim.step();
    }
    expect(fingerprint(t.run)).toBe(fingerprint(fresh));
  });

  it('a new action taken while behind cuts the future off', () => {
    const t = new Timeline(() => new ZkRun({ n: 3 }, 2));
    startAll(t, 3);
    const end = t.end;
    t.seek(5);
    t.act({ type: 'write', data: 'branch' });
    expect(t.end).toBe(6);
    expect(end).toBeGreaterThan(6);
  });

  it('the expiry scenario rewinds its curve with the run', () => {
    const t = new Timeline(() => new ExpiryRun({ volatile: 2000, persistent: 2000, spreadMs: 1000, hz: 10, effort: 1 }, 1));
    t.forwardFor(2500);
    const curve = JSON.stringify(t.run.curve());
    const samples = t.run.curve().length;
    expect(t.run.curve().some((s) => s.stale > 0)).toBe(true);
    t.seek(3);
    expect(t.run.curve().length).toBeLessThan(samples);
    t.seek(t.end);
    expect(JSON.stringify(t.run.curve())).toBe(curve);
  });

  it('after a power cut, appendfsync always loses no acknowledged write and appendfsync no loses them all (OS write-back 30 s)', () => {
    const t = new Timeline(() => new PersistenceRun({ everyMs: 50, saveSeconds: 5, saveChanges: 20, osFlushDelayMs: 30_000 }, 7));
    t.forwardFor(8000);
    t.act({ type: 'crash' });
    const rows = new Map(t.run.rows().map((r) => [r.name, r.lastCrash]));
    const always = rows.get('aof-always');
    const no = rows.get('aof-no');
    expect(always?.acked).toBeGreaterThan(100);
    expect(always?.recovered).toBe(always?.acked);
    expect(no?.recovered).toBe(0);
    const everysec = rows.get('aof-everysec');
    expect((everysec?.acked ?? 0) - (everysec?.recovered ?? 0)).toBeLessThanOrEqual(2 * 1000 / 50 + 1);
  });
});

describe('playground URL: scenario, parameters, seed and the log round-trip', () => {
  it('property: encodeLog then decodeLog gives back the entries', () => {
    const entry = fc.oneof(fc.constant({ kind: 'step' as const }), fc.record({ kind: fc.constant('action' as const), action: fc.oneof(
      fc.record({ type: fc.constantFrom('start', 'stop', 'crash', 'restart'), sid: fc.integer({ min: 1, max: 7 }) }),
      fc.record({ type: fc.constant('write'), data: fc.string() }),
      fc.record({ type: fc.constant('drop'), id: fc.nat() }),
    ) }));
    fc.assert(fc.property(fc.array(entry, { maxLength: 60 }), (entries) => {
      const text = encodeLog(entries, encodeZkAction);
      expect(decodeLog(text, decodeZkAction)).toEqual(entries);
      const hash = formatHash('zookeeper', 5, new Map([['n', 5]]), text, 3);
      const parsed = parseHash(hash);
      expect(parsed.scenario).toBe('zookeeper');
      expect(parsed.query.get('log') ?? '').toBe(text);
    }));
  });

  it('a hostile log is a typed UrlStateError, not a hang or a huge allocation', () => {
    expect(() => decodeLog('s9999999,s9999999', decodeZkAction)).toThrow(UrlStateError);
    expect(() => decodeLog('zzz', decodeZkAction)).toThrow(UrlStateError);
    expect(() => decodeLog('a:nope.1', decodeZkAction)).toThrow(RangeError);
  });
});

describe('playground timeline: spares (runs parked at checkpoints) make stepping back cheap without changing what it shows', () => {
  it('a seek served from a spare gives the same state as a replay from the seed', () => {
    const t = new Timeline(() => new ZkRun({ n: 5 }, 4), { checkpointEvery: 50 });
    startAll(t, 5);
    t.act({ type: 'crash', sid: 5 });
    t.forwardFor(6000);
    while (t.prepare(1000)) { /* build every spare */ }
    expect(t.sparePositions().length).toBeGreaterThan(2);
    const targets = [t.end - 1, t.end - 2, Math.floor(t.end / 2), 1, t.end - 3];
    for (const target of targets) {
      t.seek(t.end);
      t.seek(target);
      const fresh = new ZkRun({ n: 5 }, 4);
      for (const e of t.entries().slice(0, target)) {
        if (e.kind === 'action') fresh.apply(e.action);
        else if (e.kind === 'advance') fresh.sim.advanceClock(e.toMs);
        else fresh.sim.step();
      }
      expect(fingerprint(t.run), `position ${String(target)}`).toBe(fingerprint(fresh));
      t.prepare(1000);
    }
  });
});

describe('playground faults: link faults, partitions and drops go through the sim and replay', () => {
  it('property: every fault action survives encodeFault then decodeFault', () => {
    const name = fc.constantFrom('c1', 'admin', 'n1', 'n2', 'n3');
    const fault = fc.oneof(
      fc.record({ type: fc.constant('link' as const), lossPct: fc.integer({ min: 0, max: 100 }), dupPct: fc.integer({ min: 0, max: 100 }), delayMs: fc.integer({ min: 0, max: 5000 }) }),
      fc.record({ type: fc.constant('partition' as const), a: fc.array(name, { minLength: 1, maxLength: 3 }), b: fc.array(name, { minLength: 1, maxLength: 3 }) }),
      fc.constant({ type: 'heal' as const }),
      fc.record({ type: fc.constant('drop' as const), id: fc.nat() }),
    );
    fc.assert(fc.property(fault, (f) => { expect(decodeFault(encodeFault(f))).toEqual(f); }));
    expect(decodeFault('cmd.GET.k')).toBeUndefined();
    expect(() => decodeFault('part.n1.__proto__/x')).toThrow(RangeError);
  });

  it('a client cut off from every master retries until the partition heals; step back over the partition replays it', () => {
    const t = new Timeline(() => new ClusterRun({ masters: 3, pipeline: 1, adminDelayMs: 1 }, 7));
    t.act({ type: 'partition', a: ['c1'], b: ['n1', 'n2', 'n3'] });
    t.act({ type: 'cmd', argv: ['SET', 'k', 'v'] });
    t.forwardFor(1000);
    expect(t.run.cluster.client('c1').history).toHaveLength(0);
    expect(t.run.cluster.client('c1').pending()).toBe(1);
    t.act({ type: 'heal' });
    t.forwardFor(3000);
    const done = t.run.history().at(-1);
    expect(done?.reply).toBe('+OK');
    expect(done?.hops).toContain('connection error');
    const end = t.pos;
    const fp = JSON.stringify(t.run.history());
    t.seek(2);
    t.seek(end);
    expect(JSON.stringify(t.run.history())).toBe(fp);
  });
});
