/**
 * The per-command and per-error counters of Redis 7.0 (server.c call / incrCommandStatsOnError /
 * rejectCommand, networking.c afterErrorReply / incrementErrorCount, server.c
 * updateCommandLatencyHistogram) and the INFO sections that print them (genRedisInfoString:
 * `# Commandstats`, `# Errorstats`, `# Latencystats`).
 *
 * When each counter moves (7.0):
 * - calls / usec: once the command ran (call()), whatever its reply; usec is call()'s duration.
 * - rejected_calls: processCommand refused the command before running it (rejectCommand: wrong
 *   arity, OOM, a monitor touching the keyspace, the RESP2 subscribed context, a cluster
 *   redirection, READONLY/MISCONF refusals, a command refused at queue time inside MULTI).
 *   An unknown command or subcommand has no table entry (c->cmd is NULL): no cmdstat moves.
 * - failed_calls: the command ran and replied with an error (WRONGTYPE, a syntax error, EXECABORT…).
 * - errorstat_<PREFIX>: every error reply (afterErrorReply), keyed by the text up to its first
 *   space when that space is within the first 32 bytes of "-PREFIX …", else ERR. 7.0.15 keeps
 *   every prefix (no limit: 300 distinct prefixes give 300 lines; the 128 limit is 7.2's).
 * - the latency histogram: each call's duration (ns) when latency-tracking is yes; created on the
 *   first sample, so a command shows in `# Latencystats` once it has one.
 * CONFIG RESETSTAT clears all of it (resetCommandTableStats, resetErrorTableStats).
 */
import { parseDouble } from '@protolab/redis-keyspace';
import { formatFixed } from '@protolab/redis-common';
import type { ConfigTable } from './config.js';
import { boolParam } from './config.js';
import { HdrHistogram } from './hdr-histogram.js';
import type { StatsLookup } from './call-stats.js';
import { infoSection } from './info.js';
import type { InfoField } from './info.js';

/** struct redisCommand's statistics fields. */
export interface CommandStat {
  calls: number;
  microseconds: number;
  rejectedCalls: number;
  failedCalls: number;
  /** latency_histogram: created on the first sample. */
  histogram: HdrHistogram | undefined;
}

/** The counters of one server (server.commands' stats fields, server.errors). */
export class CommandStats {
  /** By full name (config|get), in the order first seen. */
  readonly commands = new Map<string, CommandStat>();
  /** server.errors: prefix → count. */
  readonly errors = new Map<string, number>();
  /** server.stat_total_error_replies */
  totalErrorReplies = 0;
  /** latency-tracking */
  latencyTracking = true;
  /** latency-tracking-info-percentiles */
  percentiles: readonly number[] = [50, 99, 99.9];
  /** The keyspace commands of the EXEC running now, in queue order (call.ts flushExecSlowlog). */
  execPending: (StatsLookup | undefined)[] = [];

  stat(fullName: string): CommandStat {
    let s = this.commands.get(fullName);
    if (s === undefined) {
      s = { calls: 0, microseconds: 0, rejectedCalls: 0, failedCalls: 0, histogram: undefined };
      this.commands.set(fullName, s);
    }
    return s;
  }

  /** The end of call(): one call that took `durationUs`; `failed` when it replied with an error. */
  called(fullName: string, durationUs: number, failed: boolean, blocked = false): void {
    const s = this.stat(fullName);
    s.calls++;
    s.microseconds += durationUs;
    if (failed) s.failedCalls++;
    // A blocked client's sample is taken when it is served (updateStatsOnUnblock).
    if (!blocked) this.sample(s, durationUs);
  }

  /**
   * blocked.c updateStatsOnUnblock for a served client: the serving time (call() counted the
   * call and its own time), a failure, and the histogram sample of the whole call.
   */
  unblocked(fullName: string, serveUs: number, totalUs: number, failed: boolean): void {
    const s = this.stat(fullName);
    s.microseconds += serveUs;
    if (failed) s.failedCalls++;
    this.sample(s, totalUs);
  }

  private sample(s: CommandStat, durationUs: number): void {
    if (!this.latencyTracking) return;
    s.histogram ??= new HdrHistogram();
    s.histogram.record(durationUs * 1000);
  }

  /** rejectCommand: c->cmd->rejected_calls++ (nothing for an unknown command). */
  rejected(fullName: string | undefined): void {
    if (fullName !== undefined) this.stat(fullName).rejectedCalls++;
  }

  /** networking.c afterErrorReply: stat_total_error_replies and the error's prefix. */
  afterErrorReply(text: string): void {
    this.totalErrorReplies++;
    const prefix = errorPrefix(text);
    this.errors.set(prefix, (this.errors.get(prefix) ?? 0) + 1);
  }

  /** resetCommandTableStats + resetErrorTableStats (CONFIG RESETSTAT). */
  reset(): void {
    this.commands.clear();
    this.errors.clear();
    this.totalErrorReplies = 0;
  }
}

/**
 * afterErrorReply's prefix: the reply is "-" + text; the first space is looked for in its first
 * 32 bytes (memchr(s, ' ', min(len, 32))); found → the bytes between "-" and it, else "ERR".
 */
export function errorPrefix(text: string): string {
  const space = text.indexOf(' ');
  return space >= 0 && space + 1 < 32 ? text.slice(0, space) : 'ERR';
}

/** printf `%.2f` (half-even on exact ties: 1 usec over 8 calls is 0.12, where toFixed says 0.13) */
const f2 = (n: number): string => formatFixed(n, 2);

/** genRedisInfoString "commandstats": commands with any call, rejection or failure. */
export function commandstatsSection(cs: CommandStats): string {
  const fields: InfoField[] = [];
  for (const [name, s] of cs.commands) {
    if (s.calls === 0 && s.failedCalls === 0 && s.rejectedCalls === 0) continue;
    const perCall = s.calls === 0 ? 0 : s.microseconds / s.calls;
    fields.push([`cmdstat_${name}`, `calls=${s.calls},usec=${s.microseconds},usec_per_call=${f2(perCall)},rejected_calls=${s.rejectedCalls},failed_calls=${s.failedCalls}`]);
  }
  return infoSection('Commandstats', fields);
}

/** genRedisInfoString "errorstats": the rax of errors, in byte order. */
export function errorstatsSection(cs: CommandStats): string {
  const names = [...cs.errors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return infoSection('Errorstats', names.map((n) => [`errorstat_${n}`, `count=${cs.errors.get(n) ?? 0}`]));
}

/** sprintf("%f") then util.c trimDoubleString (trailing zeros and a trailing point dropped). */
export function percentileName(p: number): string {
  const s = p.toFixed(6);
  return s.replace(/0+$/, '').replace(/\.$/, '');
}

/** genRedisInfoString "latencystats": p<percentile>=<value in µs, %.3f> per tracked command. */
export function latencystatsSection(cs: CommandStats): string {
  const fields: InfoField[] = [];
  for (const [name, s] of cs.commands) {
    const h = s.histogram;
    if (h === undefined) continue;
    const values = cs.percentiles.map((p) => `p${percentileName(p)}=${(h.valueAtPercentile(p) / 1000).toFixed(3)}`);
    fields.push([`latency_percentiles_usec_${name}`, values.join(',')]);
  }
  return infoSection('Latencystats', fields);
}

/**
 * config.c setConfigLatencyTrackingInfoPercentilesOutputOption: the value split on single spaces,
 * each a double (string2d: no space, no trailing bytes, no NaN, no overflow) in [0, 100];
 * "" is the empty list. Canonical form: each as %f trimmed, joined by a space.
 */
export function parsePercentiles(v: string): { value: string } | { error: string } {
  if (v === '') return { value: '' };
  const out: string[] = [];
  for (const w of v.split(' ')) {
    const n = w === '' || /^\s/.test(w) ? undefined : parseDouble(w);
    if (n === undefined || Number.isNaN(n)) return { error: 'Invalid latency-tracking-info-percentiles parameters' };
    if (n > 100 || n < 0) return { error: 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]' };
    out.push(percentileName(n));
  }
  return { value: out.join(' ') };
}

/** The `latency-tracking` and `latency-tracking-info-percentiles` rows of config.c, applied to `cs`. */
export function registerTrackingConfig(table: ConfigTable, cs: CommandStats): void {
  table.register(boolParam('latency-tracking', true));
  table.register({ name: 'latency-tracking-info-percentiles', defaultValue: '50 99 99.9', parse: parsePercentiles });
  table.onChange('latency-tracking', (v) => void (cs.latencyTracking = v === 'yes'));
  table.onChange('latency-tracking-info-percentiles', (v) => void (cs.percentiles = v === '' ? [] : v.split(' ').map(Number)));
}
