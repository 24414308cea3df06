/**
 * Seeded fault schedules for an ensemble: the seed picks the ensemble size, the link fault
 * rates, the start order and a sequence of crashes, restarts, partitions, heals and client
 * writes. Then faults stop (heal, restart everyone, clean links) and the run must settle:
 * one leader, every server following it (liveness), and the SafetyMonitor must be clean.
 */
import { Prng, randomLinkOptions } from '@protolab/sim';
import { Ensemble, type EnsembleOptions } from './ensemble.js';
import { SafetyMonitor, type Violation } from './monitor.js';
import type { PeerTimings, PlantedBugs } from './peer-types.js';
import type { SyncMode } from './sync.js';

export interface ScheduleOptions {
  /** Ensemble sizes to pick from (default [3, 5]). */
  sizes?: readonly number[];
  /** Virtual ms of faults (default 40 000). */
  faultMs?: number;
  /** Virtual ms allowed to settle once faults stop (default 180 000). */
  settleMs?: number;
  /** Mean ms between schedule actions (default 700). */
  actionEveryMs?: number;
  planted?: PlantedBugs & { quorumOfHalf?: boolean };
  timings?: Partial<PeerTimings>;
  commitLogCount?: number;
  snapCount?: number;
  /** Max loss rate drawn for links during the fault phase (default 0.05). */
  maxLoss?: number;
  trace?: boolean;
}

export interface ScheduleResult {
  seed: number;
  n: number;
  violations: Violation[];
  /** Whether the ensemble settled (leader + all following) after faults stopped. */
  settled: boolean;
  settleMs: number;
  committed: number;
  syncModes: Partial<Record<SyncMode, number>>;
  epochs: number;
  messages: number;
  /** Case-3 TRUNCs that cut a proposal committed meanwhile (legal in ZooKeeper; see monitor). */
  truncatedLaterCommitted: number;
  ensemble: Ensemble;
}

export function runSchedule(seed: number, opts: ScheduleOptions = {}): ScheduleResult {
  const rnd = new Prng(seed);
  const sizes = opts.sizes ?? [3, 5];
  const n = rnd.pick(sizes);
  const link = randomLinkOptions(rnd, { lossRate: opts.maxLoss ?? 0.05, dupRate: 0.05, reorderRate: 0.02, minDelayMs: 5, maxExtraDelayMs: 20 });
  const eo: EnsembleOptions = { n, seed, link, trace: opts.trace ?? false };
  if (opts.planted !== undefined) eo.planted = opts.planted;
  if (opts.timings !== undefined) eo.timings = opts.timings;
  eo.commitLogCount = opts.commitLogCount ?? 500;
  eo.snapCount = opts.snapCount ?? 100_000;
  const e = new Ensemble(eo);
  const monitor = new SafetyMonitor(e);
  const sids = [...e.voters];
  const order = rnd.shuffle(sids.slice());
  for (const sid of order) {
    e.start(sid);
    e.runFor(rnd.int(0, 1500));
  }
  const faultEnd = e.sim.now() + (opts.faultMs ?? 40_000);
  const every = opts.actionEveryMs ?? 700;
  let w = 0;
  while (e.sim.now() < faultEnd && monitor.ok) {
    e.runFor(Math.max(1, Math.round(rnd.exp(every))));
    const r = rnd.float();
    const up = sids.filter((s) => e.isUp(s));
    const down = sids.filter((s) => !e.isUp(s));
    if (r < 0.55) {
      const l = e.leader();
      if (l !== undefined) for (let k = rnd.int(1, 6); k > 0; k--) e.write(`w${seed}.${w++}`, l);
    } else if (r < 0.67) {
      if (up.length > 0) e.crash(rnd.pick(up));
    } else if (r < 0.8) {
      if (down.length > 0) e.restart(rnd.pick(down));
    } else if (r < 0.88) {
      const shuffled = rnd.shuffle(sids.slice());
      const cut = rnd.int(1, shuffled.length);
      e.partition(shuffled.slice(0, cut), shuffled.slice(cut));
    } else if (r < 0.94) {
      e.heal();
    } else {
      const l = e.leader();
      if (l !== undefined) e.crash(l);
    }
  }
  // Faults stop.
  e.heal();
  e.sim.setDefaultLink({ lossRate: 0, dupRate: 0, reorderRate: 0 });
  for (const s of sids) e.start(s);
  const settleStart = e.sim.now();
  const settled = monitor.ok && e.runUntil((x) => x.stable(), { maxMs: opts.settleMs ?? 180_000 });
  const settleMs = e.sim.now() - settleStart;
  if (settled) {
    // One more write must commit everywhere.
    e.write(`final${seed}`);
    e.runFor(2000);
    monitor.finalCheck();
  }
  const syncModes: Partial<Record<SyncMode, number>> = {};
  for (const [k, v] of monitor.syncModesSeen) syncModes[k as SyncMode] = v;
  return {
    seed,
    n,
    violations: monitor.violations,
    settled,
    settleMs,
    committed: monitor.committed.size,
    syncModes,
    epochs: monitor.establishedLeaders.size,
    messages: e.sim.stats().sent,
    truncatedLaterCommitted: monitor.truncatedLaterCommitted,
    ensemble: e,
  };
}
