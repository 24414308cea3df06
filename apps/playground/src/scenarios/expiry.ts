/**
 * Scenario: Redis key expiry. One redis-server event loop (@protolab/redis-keyspace's
 * `redisSimNode`: serverCron at hz, beforeSleep's fast cycle, the cost model's virtual CPU) holding
 * `volatile` keys whose deadlines are spread over [E0, E0 + spread) and `persistent` keys without
 * TTL. The page draws "expired but not yet reclaimed" (DBSIZE − keys still alive) as the clock runs,
 * sampled after every serverCron tick, and lets the learner read keys (lazy expiry on access).
 */
import { Sim } from '@protolab/sim';
import { redisSimNode, type RedisSimNode, type RedisSimInput } from '@protolab/redis-keyspace';
import type { ScenarioRun } from '../timeline.js';

export interface ExpiryParams {
  readonly volatile: number;
  readonly persistent: number;
  readonly spreadMs: number;
  readonly hz: number;
  readonly effort: number;
}

export type ExpiryAction =
  | { readonly type: 'read'; readonly count: number }
  | { readonly type: 'clients'; readonly count: number };

export interface CurveSample {
  /** ms after E0 */
  readonly tMs: number;
  readonly dbsize: number;
  /** keys whose deadline passed but that are still in the keyspace */
  readonly stale: number;
}

/** E0: the first deadline; the run starts `leadMs` before it (the load is instant at the start). */
export const E0 = 1_700_000_010_000;

export class ExpiryRun implements ScenarioRun<ExpiryAction> {
  readonly sim: Sim;
  private samples: CurveSample[] = [];
  private readonly deadlines: number[] = [];
  private reads = 0;

  constructor(readonly params: ExpiryParams, readonly seed: number, readonly leadMs = 500) {
    const p = params;
    if (![p.volatile, p.persistent, p.spreadMs, p.hz, p.effort].every(Number.isInteger)) throw new RangeError('expiry parameters are whole numbers');
    for (let i = 0; i < p.volatile; i++) this.deadlines.push(E0 + Math.floor((i * p.spreadMs) / p.volatile));
    const sim = new Sim<never, RedisSimInput>({ seed, startMs: E0 - leadMs, trace: true, describe: () => '' });
    this.sim = sim as unknown as Sim;
    const base = redisSimNode({ hz: p.hz, activeExpireEffort: p.effort, recordCycles: true });
    // The load runs inside the node's factory, so a restore (replay) rebuilds it too.
    sim.addNode('redis', (ctx) => {
      const node = base(ctx) as RedisSimNode;
      const ks = node.keyspace;
      for (let i = 0; i < Math.max(p.volatile, p.persistent); i++) {
        if (i < p.volatile) ks.execute(['SET', `v:${String(i)}`, 'x', 'PXAT', String(this.deadlines[i] ?? E0)]);
        if (i < p.persistent) ks.execute(['SET', `p:${String(i)}`, 'x']);
      }
      const onTimer = node.onTimer?.bind(node);
      return {
        ...node,
        keyspace: ks,
        replies: node.replies,
        cycles: node.cycles,
        onTimer: (name: string, data: unknown): void => {
          onTimer?.(name, data);
          this.sample(ks.dbsize(), ctx.now());
        },
        onInput: (input: RedisSimInput, id: number): void => { node.onInput?.(input, id); },
      };
    });
  }

  get node(): RedisSimNode {
    return this.sim.node<RedisSimNode>('redis');
  }

  /** Keys whose deadline is strictly before `now` (Redis: expired when now > deadline). */
  expiredAt(now: number): number {
    let lo = 0;
    let hi = this.deadlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.deadlines[mid] ?? 0) < now) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private sample(dbsize: number, now: number): void {
    const alive = this.params.persistent + this.params.volatile - this.expiredAt(now);
    this.samples.push({ tMs: now - E0, dbsize, stale: dbsize - alive });
  }

  apply(a: ExpiryAction): void {
    if (a.type === 'clients') {
      this.sim.inject('redis', { type: 'clients', count: a.count });
      return;
    }
    // Reads of volatile keys, spread over the key range: each lookup runs expireIfNeeded.
    const n = this.params.volatile;
    for (let i = 0; i < a.count && n > 0; i++) {
      const k = (this.reads * 7919 + i * 104729) % n;
      this.sim.inject('redis', { type: 'command', argv: ['GET', `v:${String(k)}`] });
    }
    this.reads++;
  }


  curve(): readonly CurveSample[] {
    return this.samples;
  }

  view(): { tMs: number; dbsize: number; stale: number; expiredKeys: number; cycles: number; timeCapHits: number; lastCycles: string[] } {
    const node = this.node;
    const now = this.sim.now();
    const dbsize = node.keyspace.dbsize();
    const alive = this.params.persistent + this.params.volatile - this.expiredAt(now);
    const s = node.keyspace.stats;
    return {
      tMs: now - E0,
      dbsize,
      stale: dbsize - alive,
      expiredKeys: s.expiredKeys,
      cycles: node.cycles.length,
      timeCapHits: s.expiredTimeCapReachedCount,
      lastCycles: node.cycles.slice(-8).map((c) => `${c.type} @${(c.atMs - E0).toFixed(1)} ms: sampled ${String(c.result.sampled)}, reclaimed ${String(c.result.expired)} in ${(c.result.elapsedUs / 1000).toFixed(2)} ms${c.result.timelimitHit ? ' (time limit)' : ''}`),
    };
  }
}

export function encodeExpiryAction(a: ExpiryAction): string {
  return `${a.type}.${String(a.count)}`;
}

export function decodeExpiryAction(s: string): ExpiryAction {
  const [t, n] = s.split('.');
  const count = Number(n);
  if (!Number.isInteger(count) || count < 0 || count > 100_000) throw new RangeError(`bad count in '${s}'`);
  if (t === 'read' || t === 'clients') return { type: t, count };
  throw new RangeError(`unknown expiry action '${s}'`);
}

export const EXPIRY_REAL = [
  ['Lazy expiry', 'db.c expireIfNeeded: every lookup checks the deadline first; an expired key is deleted there, counted in expired_keys and propagated as DEL.'],
  ['Active expiry', 'expire.c activeExpireCycle(SLOW) from serverCron, hz times a second: sample 20 keys per loop (more with active-expire-effort), reclaim the expired ones, repeat while more than 10 % of the sample was expired, stop at 25 % of a CPU.'],
  ['Fast cycle', 'server.c beforeSleep → activeExpireCycle(FAST): at most 1 ms, only after a slow cycle hit its time limit.'],
  ['dynamic-hz', 'server.c serverCron: the effective hz doubles while clients / hz > 200, up to 500.'],
  ['The curve', 'Almost nothing is reclaimed while few sampled keys are expired (the loop stops at ≤ 10 %); once most are, reclamation runs at its CPU budget: see docs/redis-expiry.md §3 for the real server\'s curve.'],
] as const;
