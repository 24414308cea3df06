/**
 * The keyspace's share of server.c's timers: serverCron (dynamic hz, then databasesCron:
 * activeExpireCycle SLOW and the hash-table resize walk) and beforeSleep (activeExpireCycle
 * FAST), driving expire.c activeExpireCycle (expire-cycle.ts) with this connection's config.
 * `Keyspace` delegates its serverCron / beforeSleep / activeExpireCycle / info methods here.
 */
import type { KeyspaceCore } from './core.js';
import type { CycleClock, CycleResult, CycleState, CostModel, CycleType } from './expire-cycle.js';
import { activeExpireCycle, newCycleState, CostModelClock, CRON_DBS_PER_CALL } from './expire-cycle.js';
import { CONFIG_MAX_HZ, MAX_CLIENTS_PER_CLOCK_TICK } from './keyspace-options.js';

export interface CronResult {
  /** the effective hz after dynamic-hz */
  hz: number;
  /** serverCron's return value: ms until the next tick (1000/hz) */
  periodMs: number;
  cycle: CycleResult;
}

/** The config directives the timers read (Keyspace.config). */
export interface CronConfig {
  hz: number;
  dynamicHz: boolean;
  activeExpireEffort: number;
  activeExpireEnabled: boolean;
  costModel: CostModel;
}

/** What the drivers read and update on the keyspace: its core, config and effective hz. */
export interface CronHost {
  readonly core: KeyspaceCore;
  readonly config: CronConfig;
  hz: number;
}

/** INFO-style numbers for programs (Keyspace.info). */
export interface KeyspaceInfo {
  expiredKeys: number;
  expiredStalePerc: number;
  expiredTimeCapReachedCount: number;
  expireCycleCpuMilliseconds: number;
  keyspace: { db: number; keys: number; expires: number; avgTtl: number }[];
}

const NOT_RUN: CycleResult = { ran: false, elapsedUs: 0, sampled: 0, expired: 0, timelimitHit: false, timelimitUs: 0 };

/** The static state the drivers keep between calls (activeExpireCycle's statics, databasesCron's resize_db). */
export class ServerCron {
  private readonly cycleState: CycleState = newCycleState();
  private resizeDb = 0;

  /** expire.c activeExpireCycle(type). `clock` defaults to a CostModelClock starting at now(). */
  activeExpireCycle(host: CronHost, type: CycleType, clock?: CycleClock): CycleResult {
    const c = clock ?? new CostModelClock(host.core.nowFn(), host.config.costModel);
    return activeExpireCycle(host.core, this.cycleState, type, { effort: host.config.activeExpireEffort, hz: host.hz }, c);
  }

  /**
   * server.c serverCron, the parts that concern the keyspace: dynamic hz, then databasesCron
   * (activeExpireCycle SLOW on a master, then tryResizeHashTables over CRON_DBS_PER_CALL dbs).
   * `clients` is the number of connected clients (for dynamic-hz).
   */
  serverCron(host: CronHost, clock?: CycleClock, clients = 1): CronResult {
    host.hz = host.config.hz;
    if (host.config.dynamicHz) {
      while (clients / host.hz > MAX_CLIENTS_PER_CLOCK_TICK) {
        host.hz *= 2;
        if (host.hz > CONFIG_MAX_HZ) {
          host.hz = CONFIG_MAX_HZ;
          break;
        }
      }
    }
    // databasesCron: activeExpireCycle only on a master (a read-only replica expires nothing).
    const cycle = host.config.activeExpireEnabled && !host.core.replica && !host.core.paused ? this.activeExpireCycle(host, 'slow', clock) : { ...NOT_RUN };
    const dbs = host.core.dbs;
    const perCall = Math.min(CRON_DBS_PER_CALL, dbs.length);
    for (let j = 0; j < perCall; j++) {
      const db = dbs[this.resizeDb % dbs.length];
      if (db === undefined) break;
      if (db.expires.needsResize()) db.expires.resize();
      db.resizeMainDict();
      this.resizeDb++;
    }
    return { hz: host.hz, periodMs: Math.floor(1000 / host.hz), cycle };
  }

  /** server.c beforeSleep: the fast expire cycle (masters, active expire enabled). */
  beforeSleep(host: CronHost, clock?: CycleClock): CycleResult {
    if (!host.config.activeExpireEnabled || host.core.replica || host.core.paused) return { ...NOT_RUN };
    return this.activeExpireCycle(host, 'fast', clock);
  }
}

/** The expiry fields of INFO stats and the INFO keyspace rows, as numbers. */
export function keyspaceInfo(core: KeyspaceCore): KeyspaceInfo {
  const s = core.stats;
  return {
    expiredKeys: s.expiredKeys,
    expiredStalePerc: s.expiredStalePerc * 100,
    expiredTimeCapReachedCount: s.expiredTimeCapReachedCount,
    expireCycleCpuMilliseconds: Math.floor(s.expireCycleTimeUsedUs / 1000),
    keyspace: core.dbs.filter((d) => d.size > 0).map((d) => ({ db: d.id, keys: d.size, expires: d.expires.used, avgTtl: d.avgTtl })),
  };
}
