/**
 * expire.c activeExpireCycle, as Redis 7.0 runs it, over the ExpiresDict of each Db.
 *
 * Sans-I/O: the cycle reads time through a `CycleClock` (Redis's ustime()/mstime()). On the
 * simulator the clock is a `CostModelClock`: it starts at the virtual "now" and advances only by
 * the CPU the cycle is charged for, by a documented cost model (per bucket visited, per key
 * sampled, per key reclaimed, per loop). The real-clock adapter passes a clock that reads the
 * process's monotonic time and ignores the charges.
 */
import type { Db } from './db.js';
import type { ExpireStats } from './core.js';

/** expire.c constants (7.0). */
export const ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP = 20;
export const ACTIVE_EXPIRE_CYCLE_FAST_DURATION = 1000; // µs
export const ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC = 25; // % of CPU
export const ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE = 10; // %
/** server.h CRON_DBS_PER_CALL */
export const CRON_DBS_PER_CALL = 16;
/** dict.h DICT_HT_INITIAL_SIZE */
const DICT_HT_INITIAL_SIZE = 4;

export type CycleType = 'slow' | 'fast';

/** What the cycle may charge CPU for. */
export type CostKind = 'loop' | 'bucket' | 'sampled' | 'expired';

export interface CycleClock {
  /** ustime(): microseconds. */
  ustime(): number;
  /** Account for work done (ignored by real clocks). */
  charge(kind: CostKind, n: number): void;
}

/**
 * The cost model (µs per unit of work). Calibrated against the real redis-server 7.0.15 runs of
 * the 200k + 200k experiment on a quiet machine (README, "The two curves"): a live key sampled
 * costs about two thirds of a reclaimed one, so while the backlog builds (about half of each
 * 20-key sample still live) a reclaimed key costs ≈ 1.0 + 0.65 = 1.65 µs of cycle time, and
 * while it drains (nearly every sampled key expired) ≈ 1.0 µs — the 1.5–1.8 µs and 0.6–1.2 µs
 * the real server spent in those phases. A flat per-key cost cannot give both: it drains too
 * early at hz 10 (peak too low) and peaks too early at hz 100.
 */
export interface CostModel {
  /** one do-while iteration of the per-db loop (mstime(), bookkeeping) */
  loopUs: number;
  /** one dictScan call (one bucket; chains are charged per key) */
  bucketUs: number;
  /** one key looked at that was not expired (dict entry and expire read, avg_ttl update) */
  sampledUs: number;
  /** one key reclaimed: delete from both dicts, free, propagate DEL, notify */
  expiredUs: number;
}

export const DEFAULT_COST_MODEL: CostModel = { loopUs: 0.3, bucketUs: 0.03, sampledUs: 0.65, expiredUs: 1.0 };

/** A clock that starts at `startMs` and advances only by charged work. */
export class CostModelClock implements CycleClock {
  private usedUs = 0;
  constructor(
    private readonly startMs: number,
    readonly model: CostModel = DEFAULT_COST_MODEL,
  ) {}
  ustime(): number {
    return this.startMs * 1000 + this.usedUs;
  }
  charge(kind: CostKind, n: number): void {
    const m = this.model;
    this.usedUs += n * (kind === 'loop' ? m.loopUs : kind === 'bucket' ? m.bucketUs : kind === 'sampled' ? m.sampledUs : m.expiredUs);
  }
  get elapsedUs(): number {
    return this.usedUs;
  }
}

/** The static variables of activeExpireCycle. */
export interface CycleState {
  currentDb: number;
  timelimitExit: boolean;
  lastFastCycleUs: number;
}

export function newCycleState(): CycleState {
  return { currentDb: 0, timelimitExit: false, lastFastCycleUs: 0 };
}

export interface CycleParams {
  /** active-expire-effort, 1..10 */
  effort: number;
  /** server.hz (the effective one, after dynamic-hz) */
  hz: number;
}

/** expire.c: the effort-scaled parameters. */
export function cycleConfig(effort: number): {
  keysPerLoop: number;
  fastDurationUs: number;
  slowTimePerc: number;
  acceptableStale: number;
} {
  const e = effort - 1;
  return {
    keysPerLoop: ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP + Math.floor(ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP / 4) * e,
    fastDurationUs: ACTIVE_EXPIRE_CYCLE_FAST_DURATION + Math.floor(ACTIVE_EXPIRE_CYCLE_FAST_DURATION / 4) * e,
    slowTimePerc: ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC + 2 * e,
    acceptableStale: ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE - e,
  };
}

export interface ExpireHost {
  readonly dbs: Db[];
  readonly stats: ExpireStats;
  /** deleteExpiredKeyAndPropagate */
  deleteExpiredKeyAndPropagate(db: Db, slot: number): void;
}

export interface CycleResult {
  ran: boolean;
  elapsedUs: number;
  sampled: number;
  expired: number;
  timelimitHit: boolean;
  /** the time limit this call ran under (µs) */
  timelimitUs: number;
}

/**
 * expire.c activeExpireCycleTryExpire: reclaim the key in `slot` if its time is past `now` (ms).
 * Returns whether it was reclaimed.
 */
function activeExpireCycleTryExpire(host: ExpireHost, db: Db, slot: number, t: number, now: number, clock: CycleClock): boolean {
  if (now > t) {
    host.deleteExpiredKeyAndPropagate(db, slot);
    host.stats.activeExpiredKeys++;
    clock.charge('expired', 1);
    return true;
  }
  clock.charge('sampled', 1);
  return false;
}

/**
 * One sampling round of activeExpireCycle's per-db loop: dictScan buckets of `db.expires` until
 * `num` keys are sampled or num*20 buckets are visited (empty buckets count too), reclaiming the
 * expired ones, then fold the sample's average TTL into `db.avgTtl` as Redis does.
 */
function activeExpireSample(host: ExpireHost, db: Db, num: number, now: number, clock: CycleClock): { sampled: number; expired: number } {
  let sampled = 0;
  let expired = 0;
  let ttlSum = 0;
  let ttlSamples = 0;
  const maxBuckets = num * 20;
  let checkedBuckets = 0;
  while (sampled < num && checkedBuckets < maxBuckets) {
    db.expiresCursor = db.expires.scan(db.expiresCursor, (slot) => {
      const t = db.getExpire(slot);
      const ttl = t - now;
      if (activeExpireCycleTryExpire(host, db, slot, t, now, clock)) expired++;
      if (ttl > 0) {
        ttlSum += ttl;
        ttlSamples++;
      }
      sampled++;
    });
    clock.charge('bucket', 1);
    checkedBuckets++;
  }
  if (ttlSamples) {
    const avg = Math.trunc(ttlSum / ttlSamples);
    if (db.avgTtl === 0) db.avgTtl = avg;
    db.avgTtl = Math.trunc(db.avgTtl / 50) * 49 + Math.trunc(avg / 50);
  }
  return { sampled, expired };
}

const NOT_RUN: CycleResult = { ran: false, elapsedUs: 0, sampled: 0, expired: 0, timelimitHit: false, timelimitUs: 0 };

/**
 * expire.c activeExpireCycle(type). Mutates `state`, the dbs and `host.stats`.
 */
export function activeExpireCycle(host: ExpireHost, state: CycleState, type: CycleType, params: CycleParams, clock: CycleClock): CycleResult {
  const cfg = cycleConfig(params.effort);
  const dbnum = host.dbs.length;
  const start = clock.ustime();

  if (type === 'fast') {
    // Don't start a fast cycle unless the previous cycle hit its time limit, or the stale
    // estimate is high. Quirk kept from 7.0: the estimate is a fraction (0..1) compared with a
    // percentage (e.g. 10), so in practice only the time-limit condition ever fires.
    if (!state.timelimitExit && host.stats.expiredStalePerc < cfg.acceptableStale) return NOT_RUN;
    if (start < state.lastFastCycleUs + cfg.fastDurationUs * 2) return NOT_RUN;
    state.lastFastCycleUs = start;
  }

  let dbsPerCall = CRON_DBS_PER_CALL;
  if (dbsPerCall > dbnum || state.timelimitExit) dbsPerCall = dbnum;

  let timelimit = Math.floor((cfg.slowTimePerc * 1000000) / params.hz / 100);
  state.timelimitExit = false;
  if (timelimit <= 0) timelimit = 1;
  if (type === 'fast') timelimit = cfg.fastDurationUs;

  let totalSampled = 0;
  let totalExpired = 0;
  let iteration = 0;

  for (let j = 0; j < dbsPerCall && !state.timelimitExit; j++) {
    const db = host.dbs[state.currentDb % dbnum];
    if (db === undefined) break; // dbnum ≥ 1 is the Keyspace's invariant
    state.currentDb++;
    let sampled: number;
    let expired: number;
    do {
      iteration++;
      clock.charge('loop', 1);
      let num = db.expires.used;
      if (num === 0) {
        db.avgTtl = 0;
        break;
      }
      const slots = db.expires.size;
      const now = Math.floor(clock.ustime() / 1000); // mstime()
      // Fewer than 1% of the buckets used: sampling is too expensive; wait for the resize.
      if (slots > DICT_HT_INITIAL_SIZE && Math.floor((num * 100) / slots) < 1) break;
      if (num > cfg.keysPerLoop) num = cfg.keysPerLoop;
      ({ sampled, expired } = activeExpireSample(host, db, num, now, clock));
      totalExpired += expired;
      totalSampled += sampled;
      // Check the clock once every 16 iterations.
      if ((iteration & 0xf) === 0) {
        const elapsed = clock.ustime() - start;
        if (elapsed > timelimit) {
          state.timelimitExit = true;
          host.stats.expiredTimeCapReachedCount++;
          break;
        }
      }
    } while (sampled === 0 || Math.floor((expired * 100) / sampled) > cfg.acceptableStale);
  }

  const elapsed = clock.ustime() - start;
  host.stats.expireCycleTimeUsedUs += elapsed;
  const currentPerc = totalSampled ? totalExpired / totalSampled : 0;
  host.stats.expiredStalePerc = currentPerc * 0.05 + host.stats.expiredStalePerc * 0.95;
  if (type === 'slow') host.stats.slowCycles++;
  else host.stats.fastCycles++;
  return { ran: true, elapsedUs: elapsed, sampled: totalSampled, expired: totalExpired, timelimitHit: state.timelimitExit, timelimitUs: timelimit };
}
