/**
 * server.stat_* counters (server.h struct redisServer) and server.c trackInstantaneousMetric:
 * instantaneous_ops_per_sec is the mean of the last STATS_METRIC_SAMPLES samples, one taken per
 * STATS_METRIC_SAMPLE_INTERVAL ms of serverCron, each (ops since the last sample) / elapsed.
 */

export const STATS_METRIC_SAMPLES = 16;
export const STATS_METRIC_SAMPLE_INTERVAL_MS = 100;

/** What the adapter knows about the process (INFO memory/cpu/server); zeros in the bare core. */
export interface ProcessInfo {
  readonly pid: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly cpuUserSeconds: number;
  readonly cpuSysSeconds: number;
}
export const NO_PROCESS_INFO: ProcessInfo = { pid: 0, rssBytes: 0, heapUsedBytes: 0, cpuUserSeconds: 0, cpuSysSeconds: 0 };

export interface ServerStats {
  readonly startMs: number;
  totalConnectionsReceived: number;
  totalCommandsProcessed: number;
  rejectedConnections: number;
  totalNetInputBytes: number;
  totalNetOutputBytes: number;
  totalErrorReplies: number;
  /** server.stat_client_outbuf_limit_disconnections (7.2's field; 7.0 only logs). */
  outputLimitDisconnections: number;
  /** server.stat_client_qbuf_limit_disconnections (7.2's field; 7.0 only logs). */
  queryLimitDisconnections: number;
  recentMaxInputBuffer: number;
  recentMaxOutputBuffer: number;
  peakMemory: number;
  /** The keyspace's counters at the last CONFIG RESETSTAT (INFO shows the difference). */
  base: { expiredKeys: number; expiredTimeCapReachedCount: number; expireCycleCpuMilliseconds: number; evictedKeys: number };
  /** trackInstantaneousMetric's state */
  opsSamples: number[];
  lastSampleMs: number;
  lastSampleOps: number;
}

export function createStats(nowMs: number): ServerStats {
  return {
    startMs: nowMs,
    totalConnectionsReceived: 0,
    totalCommandsProcessed: 0,
    rejectedConnections: 0,
    totalNetInputBytes: 0,
    totalNetOutputBytes: 0,
    totalErrorReplies: 0,
    outputLimitDisconnections: 0,
    queryLimitDisconnections: 0,
    recentMaxInputBuffer: 0,
    recentMaxOutputBuffer: 0,
    peakMemory: 0,
    base: { expiredKeys: 0, expiredTimeCapReachedCount: 0, expireCycleCpuMilliseconds: 0, evictedKeys: 0 },
    opsSamples: [],
    lastSampleMs: nowMs,
    lastSampleOps: 0,
  };
}

/** server.c resetServerStats (CONFIG RESETSTAT), with the keyspace's counters as the new base. */
export function resetStats(s: ServerStats, base: ServerStats['base']): void {
  s.totalConnectionsReceived = 0;
  s.totalCommandsProcessed = 0;
  s.rejectedConnections = 0;
  s.totalNetInputBytes = 0;
  s.totalNetOutputBytes = 0;
  s.totalErrorReplies = 0;
  // stat_keyspace_hits / misses are the keyspace's (Keyspace.resetLookupStats)
  s.outputLimitDisconnections = 0;
  s.queryLimitDisconnections = 0;
  s.base = { ...base };
  s.opsSamples = [];
  s.lastSampleOps = 0;
}

/** serverCron's run_with_period(100) trackInstantaneousMetric(STATS_METRIC_COMMAND, …). */
export function trackOps(s: ServerStats, nowMs: number): void {
  const dt = nowMs - s.lastSampleMs;
  if (dt < STATS_METRIC_SAMPLE_INTERVAL_MS) return;
  const ops = s.totalCommandsProcessed - s.lastSampleOps;
  s.opsSamples.push(Math.floor((ops * 1000) / dt));
  if (s.opsSamples.length > STATS_METRIC_SAMPLES) s.opsSamples.shift();
  s.lastSampleMs = nowMs;
  s.lastSampleOps = s.totalCommandsProcessed;
}

/** getInstantaneousMetric */
export function opsPerSec(s: ServerStats): number {
  if (s.opsSamples.length === 0) return 0;
  let sum = 0;
  for (const v of s.opsSamples) sum += v;
  return Math.floor(sum / STATS_METRIC_SAMPLES);
}
