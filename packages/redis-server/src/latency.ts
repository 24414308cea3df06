/**
 * latency.c / latency.h (Redis 7.0): the latency monitor and the LATENCY command.
 *
 * An event ("command", "fast-command", as call() names them) gets a sample when it took at least
 * `latency-monitor-threshold` ms (latencyAddSampleIfNeeded; 0, the default, records nothing). Each
 * event keeps LATENCY_TS_LEN samples in a ring, at most one per second (a later one in the same
 * second keeps the larger latency), and its all-time maximum. LATENCY LATEST / HISTORY / RESET /
 * GRAPH (sparkline.c's rendering) / DOCTOR (a report in our own words) / HISTOGRAM (the
 * per-command histograms of commandstats.ts, as server.c fillCommandCDF walks them) / HELP.
 * Seconds come from the server's injected clock.
 */
import type { RespValue } from '@protolab/resp';
import type { Client } from './client.js';
import { keyOf } from './client.js';
import type { ConfigTable } from './config.js';
import { intParam } from './config.js';
import type { CommandStats } from './commandstats.js';
import type { HdrHistogram } from './hdr-histogram.js';
import type { RedisServer } from './server.js';

/** latency.h LATENCY_TS_LEN */
export const LATENCY_TS_LEN = 160;
/** latency.c LATENCY_GRAPH_COLS */
const LATENCY_GRAPH_COLS = 80;

/** struct latencySample: time 0 is an empty slot. */
interface LatencySample {
  time: number;
  latency: number;
}

/** struct latencyTimeSeries */
interface LatencyTimeSeries {
  idx: number;
  max: number;
  readonly samples: LatencySample[];
}

export class LatencyMonitor {
  /** server.latency_events, in the order events first occurred. */
  readonly events = new Map<string, LatencyTimeSeries>();
  /** server.latency_monitor_threshold (ms) */
  threshold = 0;

  /** latency.h latencyAddSampleIfNeeded */
  addSampleIfNeeded(event: string, latencyMs: number, nowSec: number): void {
    if (this.threshold !== 0 && latencyMs >= this.threshold) this.addSample(event, latencyMs, nowSec);
  }

  /** latencyAddSample */
  addSample(event: string, latencyMs: number, nowSec: number): void {
    let ts = this.events.get(event);
    if (ts === undefined) {
      ts = { idx: 0, max: 0, samples: Array.from({ length: LATENCY_TS_LEN }, () => ({ time: 0, latency: 0 })) };
      this.events.set(event, ts);
    }
    if (latencyMs > ts.max) ts.max = latencyMs;
    const prev = ts.samples[(ts.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN];
    if (prev !== undefined && prev.time === nowSec) {
      if (latencyMs > prev.latency) prev.latency = latencyMs;
      return;
    }
    const slot = ts.samples[ts.idx];
    if (slot !== undefined) {
      slot.time = nowSec;
      slot.latency = latencyMs;
    }
    ts.idx = (ts.idx + 1) % LATENCY_TS_LEN;
  }

  /** latencyResetEvent: one event (any case) or all (undefined); how many were dropped. */
  reset(event: string | undefined): number {
    let n = 0;
    for (const name of [...this.events.keys()]) {
      if (event === undefined || name.toLowerCase() === event.toLowerCase()) {
        this.events.delete(name);
        n++;
      }
    }
    return n;
  }

  /** The filled samples of a series, oldest first (latencyCommandReplyWithSamples's order). */
  static samples(ts: LatencyTimeSeries): LatencySample[] {
    const out: LatencySample[] = [];
    for (let j = 0; j < LATENCY_TS_LEN; j++) {
      const s = ts.samples[(ts.idx + j) % LATENCY_TS_LEN];
      if (s !== undefined && s.time !== 0) out.push(s);
    }
    return out;
  }
}

/** The `latency-monitor-threshold` row of config.c (createLongLongConfig 0..LLONG_MAX, default 0). */
export function registerLatencyConfig(table: ConfigTable, lm: LatencyMonitor): void {
  table.register(intParam('latency-monitor-threshold', 0, Number.MAX_SAFE_INTEGER, 0));
  table.onChange('latency-monitor-threshold', (v) => void (lm.threshold = Number(v)));
}

const enc = new TextEncoder();
const bulk = (s: string): RespValue => ({ type: 'bulk', value: enc.encode(s) });
const int = (n: number): RespValue => ({ type: 'integer', value: BigInt(n) });
const verbatim = (c: Client, text: string): RespValue => (c.resp === 3 ? { type: 'verbatim', format: 'txt', value: enc.encode(text) } : bulk(text));

/** sparkline.c charset_fill (SPARKLINE_FILL) and label_margin_top */
const CHARSET_FILL = '_o#';
const LABEL_MARGIN_TOP = 1;

/** sparkline.c sparklineRenderRange with SPARKLINE_FILL (no log scale). */
function renderRange(values: readonly { value: number; label: string }[], min: number, max: number, rows: number, offset: number, len: number): string {
  let out = '';
  const relmax = max - min === 0 ? 1 : max - min;
  const steps = CHARSET_FILL.length * rows;
  const labels = values.some((v) => v.label !== '');
  for (let row = 0; ; row++) {
    let loop = false;
    const chars: string[] = new Array<string>(len).fill(' ');
    for (let j = 0; j < len; j++) {
      const s = values[j + offset];
      if (s === undefined) break;
      let step = Math.trunc(Math.trunc((s.value - min) * steps) / relmax);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < rows) {
        const charidx = step - (rows - row - 1) * CHARSET_FILL.length;
        loop = true;
        if (charidx >= 0 && charidx < CHARSET_FILL.length) chars[j] = CHARSET_FILL[charidx] ?? ' ';
        else if (charidx >= CHARSET_FILL.length) chars[j] = '|';
      } else {
        if (labels && row - rows < LABEL_MARGIN_TOP) {
          loop = true;
          chars.fill(' ');
          break;
        }
        const labelChar = row - rows - LABEL_MARGIN_TOP;
        if (s.label.length > labelChar) {
          loop = true;
          chars[j] = s.label[labelChar] ?? ' ';
        }
      }
    }
    if (!loop) return out;
    out += `${chars.join('')}\n`;
  }
}

/** latencyCommandGenSparkeline: the header, 80 dashes, and the samples as a 4-row sparkline. */
export function latencyGraph(event: string, ts: LatencyTimeSeries, nowSec: number): string {
  const samples = LatencyMonitor.samples(ts);
  let min = 0;
  let max = 0;
  const seq: { value: number; label: string }[] = [];
  for (const s of samples) {
    if (seq.length === 0) min = max = s.latency;
    else {
      max = Math.max(max, s.latency);
      min = Math.min(min, s.latency);
    }
    const elapsed = nowSec - s.time;
    const label = elapsed < 60 ? `${elapsed}s` : elapsed < 3600 ? `${Math.trunc(elapsed / 60)}m` : elapsed < 86400 ? `${Math.trunc(elapsed / 3600)}h` : `${Math.trunc(elapsed / 86400)}d`;
    seq.push({ value: s.latency, label });
  }
  let out = `${event} - high ${max} ms, low ${min} ms (all time high ${ts.max} ms)\n${'-'.repeat(LATENCY_GRAPH_COLS)}\n`;
  // sparklineSequenceAddSample's own min/max (the first sample, then only one of the two per sample).
  let smin = 0;
  let smax = 0;
  seq.forEach((s, i) => {
    if (i === 0) smin = smax = s.value;
    else if (s.value < smin) smin = s.value;
    else if (s.value > smax) smax = s.value;
  });
  for (let j = 0; j < seq.length; j += LATENCY_GRAPH_COLS) {
    if (j !== 0) out += '\n';
    out += renderRange(seq, smin, smax, 4, j, Math.min(LATENCY_GRAPH_COLS, seq.length - j));
  }
  return out;
}

/**
 * LATENCY DOCTOR: per event, the samples' count, average, mean deviation, period and all-time
 * high (analyzeLatencyForEvent's figures), with what the event points to. Our own text.
 */
export function latencyDoctor(srv: RedisServer, lm: LatencyMonitor, nowSec: number): string {
  if (lm.events.size === 0 && lm.threshold === 0) {
    return 'Latency monitoring is off (latency-monitor-threshold is 0) and no event was ever recorded. Turn it on with CONFIG SET latency-monitor-threshold <milliseconds>.\n';
  }
  if (lm.events.size === 0) return `No event reached the latency-monitor-threshold of ${lm.threshold} ms so far.\n`;
  let out = `Latency events recorded (latency-monitor-threshold ${lm.threshold} ms):\n\n`;
  const hints = new Set<string>();
  let n = 0;
  for (const [event, ts] of lm.events) {
    const samples = LatencyMonitor.samples(ts);
    const count = samples.length;
    const sum = samples.reduce((a, s) => a + s.latency, 0);
    const avg = count === 0 ? 0 : Math.floor(sum / count);
    const mad = count === 0 ? 0 : Math.floor(samples.reduce((a, s) => a + Math.abs(avg - s.latency), 0) / count);
    const oldest = samples.reduce((a, s) => Math.min(a, s.time), Number.POSITIVE_INFINITY);
    const period = count === 0 ? 0 : Math.max(1, nowSec - oldest);
    n++;
    out += `${n}. ${event}: ${count} sample(s), average ${avg} ms, mean deviation ${mad} ms, one every ${(count === 0 ? 0 : period / count).toFixed(2)} s, highest ever ${ts.max} ms.\n`;
    if (event === 'command') {
      const slower = srv.slowlog.slowerThan;
      if (slower < 0) hints.add('The slow log is off: CONFIG SET slowlog-log-slower-than <µs> shows which commands are slow.');
      else if (slower / 1000 > lm.threshold) hints.add(`The slow log only keeps commands slower than ${slower} µs, more than this threshold: lower slowlog-log-slower-than to see these commands in SLOWLOG GET.`);
      hints.add('SLOWLOG GET lists the slow commands; commands on large keys (or deleting them) take time proportional to their size.');
    }
    if (event === 'fast-command') hints.add('Commands flagged fast (O(1) or O(log N)) were slow: the process itself was held up (host load, scheduling, garbage collection).');
  }
  if (hints.size > 0) out += `\nWhat to look at:\n${[...hints].map((h) => `- ${h}\n`).join('')}`;
  return out;
}

/** server.c fillCommandCDF: {calls, histogram_usec: {µs bucket: cumulative count}} */
function commandCdf(h: HdrHistogram): RespValue {
  const pairs: [RespValue, RespValue][] = [];
  let previous = 0;
  for (const step of h.logSteps(1024, 2)) {
    if (step.cumulativeCount > previous) pairs.push([int(Math.floor(step.highestEquivalentValue / 1000)), int(step.cumulativeCount)]);
    previous = step.cumulativeCount;
  }
  return { type: 'map', value: [[bulk('calls'), int(h.totalCount)], [bulk('histogram_usec'), { type: 'map', value: pairs }]] };
}

/**
 * latencyAllCommandsFillCDF / latencySpecificCommandsFillCDF: every command with a histogram,
 * or those named (a full name such as config|get, or a container for all its subcommands;
 * unknown names are skipped, a name given twice is answered twice).
 */
function latencyHistogram(cs: CommandStats, names: readonly string[]): RespValue {
  const pairs: [RespValue, RespValue][] = [];
  const add = (full: string): void => {
    const h = cs.commands.get(full)?.histogram;
    if (h !== undefined) pairs.push([bulk(full), commandCdf(h)]);
  };
  if (names.length === 0) for (const full of cs.commands.keys()) add(full);
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (name.includes('|')) add(name);
    else {
      add(name);
      for (const full of cs.commands.keys()) if (full.startsWith(`${name}|`)) add(full);
    }
  }
  return { type: 'map', value: pairs };
}

const HELP = [
  'LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
  'HELP',
  '    Prints this help.',
];

/** The subcommands' arities (7.0's LATENCY rows). */
const SUBCOMMANDS = new Map<string, number>([['doctor', 2], ['graph', 3], ['help', 2], ['histogram', -2], ['history', 3], ['latest', 2], ['reset', -2]]);

/** The LATENCY entry of the server's command registry (server-commands.ts). */
export function latencyCommandProc(srv: RedisServer, c: Client, argv: Uint8Array[]): RespValue {
  return latencyCommand(srv, c, argv, srv.stats.latency, srv.stats.commands);
}

/** latency.c latencyCommand */
export function latencyCommand(srv: RedisServer, c: Client, argv: readonly Uint8Array[], lm: LatencyMonitor, cs: CommandStats): RespValue {
  const args = argv.map(keyOf);
  if (args.length < 2) return { type: 'error', value: "ERR wrong number of arguments for 'latency' command" };
  const raw = args[1] ?? '';
  const sub = raw.toLowerCase();
  const arity = SUBCOMMANDS.get(sub);
  if (arity === undefined) return { type: 'error', value: `ERR unknown subcommand '${raw.slice(0, 128)}'. Try LATENCY HELP.`.replace(/[\r\n]/g, ' ') };
  if ((arity > 0 && args.length !== arity) || args.length < -arity) return { type: 'error', value: `ERR wrong number of arguments for 'latency|${sub}' command` };
  const nowSec = Math.floor(srv.nowMs() / 1000);
  const event = args[2] ?? '';
  switch (sub) {
    case 'history': {
      const ts = lm.events.get(event);
      const samples = ts === undefined ? [] : LatencyMonitor.samples(ts);
      return { type: 'array', value: samples.map((s) => ({ type: 'array', value: [int(s.time), int(s.latency)] })) };
    }
    case 'graph': {
      const ts = lm.events.get(event);
      if (ts === undefined) return { type: 'error', value: `ERR No samples available for event '${event}'` };
      return verbatim(c, latencyGraph(event, ts, nowSec));
    }
    case 'latest':
      return {
        type: 'array',
        value: [...lm.events].map(([name, ts]) => {
          const last = ts.samples[(ts.idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN] ?? { time: 0, latency: 0 };
          return { type: 'array', value: [bulk(name), int(last.time), int(last.latency), int(ts.max)] };
        }),
      };
    case 'doctor':
      return verbatim(c, latencyDoctor(srv, lm, nowSec));
    case 'reset':
      if (args.length === 2) return int(lm.reset(undefined));
      return int(args.slice(2).reduce((n, e) => n + lm.reset(e), 0));
    case 'histogram':
      return latencyHistogram(cs, args.slice(2));
    default:
      return { type: 'array', value: HELP.map((l) => ({ type: 'simple', value: l })) };
  }
}
