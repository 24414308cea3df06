/**
 * Replica selection for promotion (sentinel.c sentinelSelectSlave / compareSlavesForPromotion,
 * Redis 7.0), as pure functions over what the sentinel knows of each replica.
 */

/** What sentinelSelectSlave reads of one replica's sentinelRedisInstance. */
export interface SlaveCandidate {
  readonly name: string;
  /** run_id from INFO, or undefined if not known yet. */
  readonly runid: string | undefined;
  /** slave_priority (replica-priority); 0 means "never promote". */
  readonly slave_priority: number;
  /** slave_repl_offset from INFO. */
  readonly slave_repl_offset: number;
  /** SRI_S_DOWN or SRI_O_DOWN. */
  readonly down: boolean;
  /** The link is disconnected. */
  readonly disconnected: boolean;
  /** Virtual ms of the last valid PING reply. */
  readonly last_avail_time: number;
  /** Virtual ms of the last INFO reply. */
  readonly info_refresh: number;
  /** master_link_down_since_seconds × 1000 from INFO (0 when the link is up). */
  readonly master_link_down_time: number;
}

/** sentinel.c SENTINEL_PING_PERIOD and SENTINEL_INFO_PERIOD. */
export const SENTINEL_PING_PERIOD = 1000;
export const SENTINEL_INFO_PERIOD = 10_000;

/**
 * compareSlavesForPromotion: lower slave_priority first, then greater slave_repl_offset, then the
 * lexicographically smaller run id; a replica with no run id sorts after one with a run id.
 */
export function compareSlavesForPromotion(a: SlaveCandidate, b: SlaveCandidate): number {
  if (a.slave_priority !== b.slave_priority) return a.slave_priority - b.slave_priority;
  if (a.slave_repl_offset > b.slave_repl_offset) return -1;
  if (a.slave_repl_offset < b.slave_repl_offset) return 1;
  if (a.runid === undefined && b.runid === undefined) return 0;
  if (a.runid === undefined) return 1;
  if (b.runid === undefined) return -1;
  return a.runid < b.runid ? -1 : a.runid > b.runid ? 1 : 0;
}

/** A deliberately wrong order (ignores the offset), kept so tests show it is caught. */
export function plantedCompareIgnoringOffset(a: SlaveCandidate, b: SlaveCandidate): number {
  return compareSlavesForPromotion({ ...a, slave_repl_offset: 0 }, { ...b, slave_repl_offset: 0 });
}

export interface SelectContext {
  readonly nowMs: number;
  /** The master is SDOWN (then INFO must be fresher: 5 × ping period instead of 3 × info period). */
  readonly masterSdown: boolean;
  /** down-after-milliseconds of the master. */
  readonly downAfterMs: number;
  /** ms since the master has been down (0 if it is not SDOWN). */
  readonly masterDownForMs: number;
}

/** sentinelSelectSlave: filter out unsuitable replicas, then take the best by the order above. */
export function sentinelSelectSlave(
  slaves: readonly SlaveCandidate[],
  ctx: SelectContext,
  compare: (a: SlaveCandidate, b: SlaveCandidate) => number = compareSlavesForPromotion,
): SlaveCandidate | undefined {
  const ok = eligibleSlaves(slaves, ctx);
  ok.sort(compare);
  return ok[0];
}

/** The filter half of sentinelSelectSlave: the replicas that may be promoted at all. */
export function eligibleSlaves(slaves: readonly SlaveCandidate[], ctx: SelectContext): SlaveCandidate[] {
  const infoValidityMs = ctx.masterSdown ? SENTINEL_PING_PERIOD * 5 : SENTINEL_INFO_PERIOD * 3;
  const maxMasterDownMs = ctx.downAfterMs * 10 + ctx.masterDownForMs;
  return slaves.filter(
    (s) =>
      !s.down &&
      !s.disconnected &&
      ctx.nowMs - s.last_avail_time <= SENTINEL_PING_PERIOD * 5 &&
      s.slave_priority !== 0 &&
      ctx.nowMs - s.info_refresh <= infoValidityMs &&
      s.master_link_down_time <= maxMasterDownMs,
  );
}
