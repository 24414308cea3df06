/**
 * server.stat_* counters (server.h struct redisServer) and server.c trackInstantaneousMetric:
 * instantaneous_ops_per_sec is the mean of the last STATS_METRIC_SAMPLES samples, one taken per
 * STATS_METRIC_SAMPLE_INTERVAL ms of serverCron, each (ops since the last sample) / elapsed.
 */

import { CommandStats, registerTrackingConfig } from './commandstats.js';
import type { ConfigTable } from './config.js';
import { LatencyMonitor, registerLatencyConfig } from './latency.js';

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
  /** server.stat_total_reads_processed: the adapter's reads handed to data() (readQueryFromClient calls). */
  totalReadsProcessed: number;
  /** server.stat_total_writes_processed: the writes handed back to the adapter (writeToClient calls). */
  totalWritesProcessed: number;
  /** commandstats, errorstats, the latency histograms and stat_total_error_replies (commandstats.ts). */
  readonly commands: CommandStats;
  /** The latency monitor (latency.ts); CONFIG RESETSTAT leaves it alone, as in Redis. */
  readonly latency: LatencyMonitor;
  /**
   * INFO stats fields another unit counts (sync_full, sync_partial_ok, sync_partial_err,
   * total_forks, latest_fork_usec, total_net_repl_input_bytes …): field name → its value now.
   * A field nobody registered shows 0.
   */
  readonly provided: Map<string, () => number | string>;
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
  /** trackInstantaneousMetric for STATS_METRIC_NET_INPUT / NET_OUTPUT: bytes per second samples. */
  netInputSamples: number[];
  netOutputSamples: number[];
  lastSampleNetInput: number;
  lastSampleNetOutput: number;
}

export function createStats(nowMs: number): ServerStats {
  return {
    startMs: nowMs,
    totalConnectionsReceived: 0,
    totalCommandsProcessed: 0,
    rejectedConnections: 0,
    totalNetInputBytes: 0,
    totalNetOutputBytes: 0,
    totalReadsProcessed: 0,
    totalWritesProcessed: 0,
    commands: new CommandStats(),
    latency: new LatencyMonitor(),
    provided: new Map(),
    outputLimitDisconnections: 0,
    queryLimitDisconnections: 0,
    recentMaxInputBuffer: 0,
    recentMaxOutputBuffer: 0,
    peakMemory: 0,
    base: { expiredKeys: 0, expiredTimeCapReachedCount: 0, expireCycleCpuMilliseconds: 0, evictedKeys: 0 },
    opsSamples: [],
    lastSampleMs: nowMs,
    lastSampleOps: 0,
    netInputSamples: [],
    netOutputSamples: [],
    lastSampleNetInput: 0,
    lastSampleNetOutput: 0,
  };
}

/** server.c resetServerStats (CONFIG RESETSTAT), with the keyspace's counters as the new base. */
export function resetStats(s: ServerStats, base: ServerStats['base']): void {
  s.totalConnectionsReceived = 0;
  s.totalCommandsProcessed = 0;
  s.rejectedConnections = 0;
  s.totalNetInputBytes = 0;
  s.totalNetOutputBytes = 0;
  s.totalReadsProcessed = 0;
  s.totalWritesProcessed = 0;
  s.commands.reset(); // resetCommandTableStats, resetErrorTableStats, stat_total_error_replies
  // stat_keyspace_hits / misses are the keyspace's (Keyspace.resetLookupStats)
  s.outputLimitDisconnections = 0;
  s.queryLimitDisconnections = 0;
  s.base = { ...base };
  s.opsSamples = [];
  s.lastSampleOps = 0;
  s.netInputSamples = [];
  s.netOutputSamples = [];
  s.lastSampleNetInput = 0;
  s.lastSampleNetOutput = 0;
}

/** serverCron's run_with_period(100) trackInstantaneousMetric(STATS_METRIC_COMMAND, …). */
export function trackOps(s: ServerStats, nowMs: number): void {
  const dt = nowMs - s.lastSampleMs;
  if (dt < STATS_METRIC_SAMPLE_INTERVAL_MS) return;
  const ops = s.totalCommandsProcessed - s.lastSampleOps;
  push(s.opsSamples, Math.floor((ops * 1000) / dt));
  push(s.netInputSamples, Math.floor(((s.totalNetInputBytes - s.lastSampleNetInput) * 1000) / dt));
  push(s.netOutputSamples, Math.floor(((s.totalNetOutputBytes - s.lastSampleNetOutput) * 1000) / dt));
  s.lastSampleMs = nowMs;
  s.lastSampleOps = s.totalCommandsProcessed;
  s.lastSampleNetInput = s.totalNetInputBytes;
  s.lastSampleNetOutput = s.totalNetOutputBytes;
}

/** The ring of STATS_METRIC_SAMPLES samples. */
function push(samples: number[], v: number): void {
  samples.push(v);
  if (samples.length > STATS_METRIC_SAMPLES) samples.shift();
}

/** getInstantaneousMetric */
export function opsPerSec(s: ServerStats): number {
  return metricMean(s.opsSamples);
}

/** getInstantaneousMetric: the sum of the ring over STATS_METRIC_SAMPLES (empty slots are 0). */
export function metricMean(samples: readonly number[]): number {
  let sum = 0;
  for (const v of samples) sum += v;
  return Math.floor(sum / STATS_METRIC_SAMPLES);
}

/** instantaneous_input_kbps / output_kbps: getInstantaneousMetric(STATS_METRIC_NET_*) / 1024, %.2f. */
export function kbps(samples: readonly number[]): string {
  return (metricMean(samples) / 1024).toFixed(2);
}

/** config.c's latency-monitor-threshold, latency-tracking and latency-tracking-info-percentiles rows. */
export function registerStatsConfig(table: ConfigTable, s: ServerStats): void {
  registerLatencyConfig(table, s.latency);
  registerTrackingConfig(table, s.commands);
}
