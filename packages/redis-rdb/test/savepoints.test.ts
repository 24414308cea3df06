import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Sim } from '@protolab/sim';
import {
  initialPersistence, persistenceStep, redisRdbNode, writesRefused, parseSaveConfig, DEFAULT_SAVE_PARAMS,
  type PersistenceState, type RedisRdbNode, type RedisRdbNodeOptions,
} from '@protolab/redis-rdb';
import { MiniStore } from './mini-store.js';

const T0 = 1_700_000_000_000; // a Unix ms start time (whole second)

function after(s: PersistenceState, ...inputs: Parameters<typeof persistenceStep>[1][]): { state: PersistenceState; outputs: string[] } {
  const outs: string[] = [];
  for (const i of inputs) {
    const r = persistenceStep(s, i);
    s = r.state;
    for (const o of r.outputs) outs.push(o.type === 'fork' ? 'fork' : o.type === 'reply' ? o.text : o.type === 'save-sync' ? 'save-sync' : `log:${o.text}`);
  }
  return { state: s, outputs: outs };
}

describe('save points (server.c serverCron, rdb.c rdbSaveBackground / backgroundSaveDoneHandler)', () => {
  it('7.0 default when no config sets it: save 3600 1 300 100 60 10000', () => {
    expect(DEFAULT_SAVE_PARAMS).toEqual(parseSaveConfig('3600 1 300 100 60 10000'));
    expect(parseSaveConfig('')).toEqual([]);
  });

  it('serverCron: a rule fires only when dirty >= changes AND now - lastsave > seconds (strictly)', () => {
    const s0 = initialPersistence(T0, parseSaveConfig('60 2'));
    const w = { type: 'write' as const, changes: 1 };
    expect(after(s0, w, w, { type: 'cron', nowMs: T0 + 60_000 }).outputs).not.toContain('fork'); // 60 > 60 is false
    expect(after(s0, w, w, { type: 'cron', nowMs: T0 + 61_000 }).outputs).toContain('fork');
    expect(after(s0, w, { type: 'cron', nowMs: T0 + 3_600_000 }).outputs).not.toContain('fork'); // dirty 1 < 2
  });

  it('seconds are whole Unix seconds (server.unixtime): 60.999 s after lastsave is still 60', () => {
    const s0 = initialPersistence(T0, parseSaveConfig('60 1'));
    expect(after(s0, { type: 'write', changes: 1 }, { type: 'cron', nowMs: T0 + 60_999 }).outputs).not.toContain('fork');
  });

  it('the first matching rule starts the BGSAVE and logs "<changes> changes in <seconds> seconds. Saving..."', () => {
    const s0 = initialPersistence(T0, parseSaveConfig('900 1 300 10 60 10000'));
    const r = after(s0, { type: 'write', changes: 20 }, { type: 'cron', nowMs: T0 + 301_000 });
    expect(r.outputs.find((o) => o.includes('Saving'))).toContain('10 changes in 300 seconds. Saving...');
  });

  it('backgroundSaveDoneHandler: dirty -= dirty_before_bgsave (writes during the save still count), lastsave = now', () => {
    const s0 = initialPersistence(T0, []);
    const r = after(s0, { type: 'write', changes: 5 }, { type: 'bgsave', nowMs: T0 + 1000 }, { type: 'write', changes: 3 }, { type: 'child-done', nowMs: T0 + 4000, ok: true, id: 1 });
    expect(r.state.dirty).toBe(3);
    expect(r.state.lastsaveSec).toBe((T0 + 4000) / 1000);
    expect(r.outputs).toContain('+Background saving started');
  });

  it('SAVE resets dirty to 0; SAVE and BGSAVE are refused while a child runs', () => {
    const s0 = initialPersistence(T0, []);
    expect(after(s0, { type: 'write', changes: 5 }, { type: 'save', nowMs: T0 }).state.dirty).toBe(0);
    const busy = after(s0, { type: 'bgsave', nowMs: T0 }, { type: 'bgsave', nowMs: T0 }, { type: 'save', nowMs: T0 });
    expect(busy.outputs.filter((o) => o === '-ERR Background save already in progress')).toHaveLength(2);
  });

  it('a failed BGSAVE is retried by cron only after CONFIG_BGSAVE_RETRY_DELAY (5 s), and writes get MISCONF meanwhile', () => {
    const s0 = initialPersistence(T0, parseSaveConfig('1 1'));
    const failed = after(s0, { type: 'write', changes: 1 }, { type: 'cron', nowMs: T0 + 2000 }, { type: 'child-done', nowMs: T0 + 2500, ok: false, id: 1 });
    expect(writesRefused(failed.state)).toBe(true);
    expect(after(failed.state, { type: 'cron', nowMs: T0 + 7000 }).outputs).not.toContain('fork'); // 7 - 2 = 5, not > 5
    expect(after(failed.state, { type: 'cron', nowMs: T0 + 8000 }).outputs).toContain('fork');
  });
});

// ---------------------------------------------------------------- the crash model on @protolab/sim

type Op =
  | { op: 'set'; key: string; value: string }
  | { op: 'del'; key: string }
  | { op: 'advance'; ms: number }
  | { op: 'SAVE' }
  | { op: 'BGSAVE' };

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), key: fc.constantFrom('a', 'b', 'c', 'd'), value: fc.string({ maxLength: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('del' as const), key: fc.constantFrom('a', 'b', 'c', 'd') }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 1500 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'SAVE' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'BGSAVE' as const }) },
);

interface CrashRun {
  recovered: Record<string, string>;
  expected: Record<string, string>;
  forks: number;
  writesDuringSave: number;
  crashedMidSave: boolean;
}

/**
 * Drive one schedule, then crash at `crashAfterMs` and restart. The test keeps its own model of
 * the data (the writes it injected), snapshots it when the node logs a fork or a SAVE, and moves
 * the "last completed" pointer when the node logs success. Expected = last completed snapshot.
 */
function crashRun(ops: Op[], save: string, crashAfterMs: number, seed: number, extra: Partial<RedisRdbNodeOptions> = {}): CrashRun {
  const sim = new Sim<never>({ seed, startMs: T0, osFlushDelayMs: 10, tornWrites: true });
  let live = new MiniStore();
  sim.addNode('redis', redisRdbNode({ createStore: () => (live = new MiniStore()), saveParams: parseSaveConfig(save), childBaseMs: 400, ...extra }));
  const model = new Map<string, string>();
  const snaps = new Map<string, Map<string, string>>();
  let completed = new Map<string, string>();
  let seen = 0;
  let inSave: string | undefined;
  let writesDuringSave = 0;
  let forks = 0;
  const scan = (): void => {
    for (; seen < sim.trace.length; seen++) {
      const ev = sim.trace[seen]!;
      if (ev.kind !== 'note') continue;
      const label = ev.label ?? '';
      const m = /Background saving started by pid (\d+)/.exec(label);
      if (m) {
        inSave = m[1]!;
        snaps.set(inSave, new Map(model));
        forks++;
      } else if (label === 'Background saving terminated with success' && inSave !== undefined) {
        completed = snaps.get(inSave)!;
        inSave = undefined;
      } else if (label === 'DB saved on disk') completed = new Map(model);
    }
  };
  const runTo = (t: number): void => {
    while (sim.nextWakeup() !== undefined && sim.nextWakeup()! <= t) {
      sim.step();
      scan();
    }
    sim.runFor(Math.max(0, t - sim.now()));
  };
  const input = (x: unknown, apply?: () => void): void => {
    sim.inject('redis', x);
    apply?.();
    if (inSave !== undefined && apply) writesDuringSave++;
    runTo(sim.now());
  };
  for (const o of ops) {
    if (o.op === 'set') input({ type: 'cmd', argv: ['SET', o.key, o.value] }, () => model.set(o.key, o.value));
    else if (o.op === 'del') input({ type: 'cmd', argv: ['DEL', o.key] }, () => model.delete(o.key));
    else if (o.op === 'advance') runTo(sim.now() + o.ms);
    else input({ type: o.op });
  }
  runTo(sim.now() + crashAfterMs);
  const crashedMidSave = inSave !== undefined;
  sim.crash('redis');
  sim.restart('redis');
  const node = sim.node<RedisRdbNode>('redis');
  expect(node.loadError).toBeUndefined();
  return {
    recovered: Object.fromEntries(live.map),
    expected: Object.fromEntries(completed),
    forks,
    writesDuringSave,
    crashedMidSave,
  };
}

const arbSchedule = fc.record({
  ops: fc.array(arbOp, { maxLength: 40 }),
  save: fc.constantFrom('', '1 1', '2 3', '1 1 5 2', '3600 1 300 100 60 10000'),
  crashAfterMs: fc.integer({ min: 0, max: 2000 }),
  seed: fc.nat(),
});

describe('crash model: what a crash leaves is exactly the last completed snapshot (rdb.c rdbSave: temp file, fsync, rename)', () => {
  it('for any schedule of writes, SAVE, BGSAVE, save points and a crash, the restarted server holds the fork-time state of the last completed save', () => {
    fc.assert(
      fc.property(arbSchedule, ({ ops, save, crashAfterMs, seed }) => {
        const r = crashRun(ops, save, crashAfterMs, seed);
        expect(r.recovered).toEqual(r.expected);
      }),
      { numRuns: 80 },
    );
  });

  it('the interesting states are reached: writes land while a child is saving, and crashes hit mid-save', () => {
    let during = 0;
    let mid = 0;
    fc.assert(
      fc.property(arbSchedule, ({ ops, save, crashAfterMs, seed }) => {
        const r = crashRun(ops, save, crashAfterMs, seed);
        if (r.writesDuringSave > 0) during++;
        if (r.crashedMidSave) mid++;
      }),
      { numRuns: 80, seed: 7 },
    );
    expect(during).toBeGreaterThan(5);
    expect(mid).toBeGreaterThan(2);
  });

  it('planted bug "snapshot-at-exit" (no copy-on-write: the child saves the keyspace as it is when it finishes) is caught', () => {
    const r = fc.check(
      fc.property(arbSchedule, ({ ops, save, crashAfterMs, seed }) => {
        const x = crashRun(ops, save, crashAfterMs, seed, { plantedBug: 'snapshot-at-exit' });
        expect(x.recovered).toEqual(x.expected);
      }),
      { numRuns: 200, seed: 1 },
    );
    expect(r.failed).toBe(true);
  });

  it('planted bug "write-in-place" (the child rewrites dump.rdb directly, no temp file + rename) is caught', () => {
    const r = fc.check(
      fc.property(arbSchedule, ({ ops, save, crashAfterMs, seed }) => {
        const x = crashRun(ops, save, crashAfterMs, seed, { plantedBug: 'write-in-place' });
        expect(x.recovered).toEqual(x.expected);
      }),
      { numRuns: 200, seed: 1 },
    );
    expect(r.failed).toBe(true);
  });
});
