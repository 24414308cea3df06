/**
 * The expiry experiment of docs/redis-expiry.md §3, on @protolab/sim: `volatile` keys whose
 * deadlines are spread evenly over [E0, E0 + spreadMs), plus `persistent` keys without TTL,
 * never touched; DBSIZE sampled every `sampleEveryMs`. Reports the "expired but not yet reclaimed"
 * count over time (DBSIZE − keys still alive).
 */
import { Sim } from '@protolab/sim';
import { redisSimNode } from './sim-server.js';
import type { RedisSimNode } from './sim-server.js';
import type { CostModel } from '../expire-cycle.js';

export interface ExperimentOptions {
  hz: number;
  volatile?: number;
  persistent?: number;
  spreadMs?: number;
  sampleEveryMs?: number;
  /** how long after E0 to keep sampling (default: until reclaimed, at most 10 s) */
  maxAfterMs?: number;
  seed?: number;
  effort?: number;
  costModel?: CostModel;
  /**
   * How long before the first deadline (E0) the bulk load ends, in ms (default 1700, as the
   * reference runs were made: the load finished 1.7 s before E0). The simulated load is instant.
   */
  loadEndsBeforeMs?: number;
  /** When the first serverCron fires, in ms after the load ended (default 1000/hz). */
  tickPhaseMs?: number;
  /** DBSIZE is sampled at E0 + k·sampleEveryMs + samplePhaseMs (default 0). */
  samplePhaseMs?: number;
}

export interface CurvePoint {
  /** ms after E0 */
  tMs: number;
  dbsize: number;
  /** DBSIZE − live keys */
  stale: number;
}

export interface ExperimentResult {
  hz: number;
  points: CurvePoint[];
  peak: CurvePoint;
  /** first sample at which stale == 0 after the last deadline (ms after E0), or undefined */
  reclaimedAtMs: number | undefined;
  cpuMs: number;
  timeCapHits: number;
  expiredKeys: number;
}

const E0 = 1_700_000_010_000;

export function expiryExperiment(o: ExperimentOptions): ExperimentResult {
  const volatile = o.volatile ?? 200_000;
  const persistent = o.persistent ?? 200_000;
  const spreadMs = o.spreadMs ?? 1000;
  const every = o.sampleEveryMs ?? 100;
  const maxAfter = o.maxAfterMs ?? 10_000;
  const loadEndsBeforeMs = o.loadEndsBeforeMs ?? 1700;
  const phase = o.samplePhaseMs ?? 0;
  const sim = new Sim<never>({ seed: o.seed ?? 1, startMs: E0 - loadEndsBeforeMs, trace: false });
  sim.addNode(
    'redis',
    redisSimNode({
      hz: o.hz,
      activeExpireEffort: o.effort ?? 1,
      recordCycles: false,
      ...(o.tickPhaseMs !== undefined ? { firstCronDelayMs: o.tickPhaseMs } : {}),
      ...(o.costModel ? { costModel: o.costModel } : {}),
    }),
  );
  const node = sim.node<RedisSimNode>('redis');
  const ks = node.keyspace;
  // Load: interleave volatile and persistent keys, as a pipelined loader would.
  const deadlines: number[] = [];
  for (let i = 0; i < Math.max(volatile, persistent); i++) {
    if (i < volatile) {
      const at = E0 + Math.floor((i * spreadMs) / volatile);
      deadlines.push(at);
      ks.execute(['SET', `v:${i}`, 'x', 'PXAT', String(at)]);
    }
    if (i < persistent) ks.execute(['SET', `p:${i}`, 'x']);
  }
  const points: CurvePoint[] = [];
  let reclaimedAtMs: number | undefined;
  for (let t = -every * 2; t <= maxAfter; t += every) {
    const now = E0 + t + phase;
    sim.runUntil(now);
    sim.inject('redis', { type: 'command', argv: ['DBSIZE'] });
    sim.runUntil(now); // deliver the injected command at the same instant
    const reply = node.replies[node.replies.length - 1];
    const dbsize = reply?.type === 'integer' ? Number(reply.value) : ks.dbsize();
    // Alive: persistent keys + volatile keys with deadline >= now (strictly-after rule).
    const expiredCount = Math.min(volatile, Math.max(0, countBefore(deadlines, now)));
    const stale = dbsize - (persistent + volatile - expiredCount);
    points.push({ tMs: t, dbsize, stale });
    if (t >= spreadMs && stale === 0 && reclaimedAtMs === undefined) {
      reclaimedAtMs = t;
      if (o.maxAfterMs === undefined) break;
    }
  }
  const peak = points.reduce((a, b) => (b.stale > a.stale ? b : a), { tMs: 0, dbsize: 0, stale: -1 });
  const s = ks.stats;
  return { hz: o.hz, points, peak, reclaimedAtMs, cpuMs: s.expireCycleTimeUsedUs / 1000, timeCapHits: s.expiredTimeCapReachedCount, expiredKeys: s.expiredKeys };
}

/** How many sorted deadlines are strictly before `now` (i.e. expired at `now`). */
function countBefore(sorted: number[], now: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? Infinity) < now) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
