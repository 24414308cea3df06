import { Sim } from '@protolab/sim';
import { ConnTable, type Conn } from './conntable.js';
import { VirtualService, type RandomSource, type ServiceFlag } from './service.js';
import type { SchedulerName } from './schedulers/index.js';

export interface WorkloadOptions {
  seed: number;
  scheduler: SchedulerName;
  flags?: readonly ServiceFlag[];
  /** Real servers in list order (front first). */
  servers: readonly { name: string; weight: number }[];
  /** Virtual run length. */
  durationMs: number;
  /** Mean new connections per second (Poisson arrivals). */
  arrivalsPerSec: number;
  /** Mean connection lifetime (ESTABLISHED time for TCP, packet span for UDP). */
  meanConnMs: number;
  /** Lifetime distribution: exponential (default) or Pareto with shape 1.5 (heavy tail, same mean). */
  durationDist?: 'exponential' | 'pareto';
  /** 'tcp' (default) or 'udp' — UDP connections stay inactive and expire 5 min after their last packet. */
  proto?: 'tcp' | 'udp';
  /** Size of the client address pool (addresses drawn once from the seed). */
  sources: number;
  /** Remove this server (keepalived's default on a failed check) at `failAtMs`. */
  fail?: { name: string; atMs: number };
  /** Sample the active counts this often (for charts). Default 1 000 ms. */
  sampleMs?: number;
}

export interface WorkloadResult {
  scheduler: SchedulerName;
  picks: Record<string, number>;
  none: number;
  maxActive: Record<string, number>;
  /** max(picks) / mean(picks) over the servers that were never removed (1 = perfectly even by count). */
  imbalance: number;
  /** Peak over time of max(active) / mean(active), weighted servers compared per unit weight. */
  peakActivePerWeight: number;
  /** Sources that connected both before and after the failure, and how many of them changed server. */
  movedSeen: number;
  moved: number;
  /** Of those that moved, how many had NOT been on the failed server (collateral moves). */
  movedCollateral: number;
  series: { t: number; active: Record<string, number> }[];
}

/** Pareto(shape 1.5) with the given mean: scale = mean·(α−1)/α, x = scale / u^(1/α). */
function pareto(u: number, mean: number): number {
  const alpha = 1.5;
  const scale = (mean * (alpha - 1)) / alpha;
  return scale / Math.pow(1 - u, 1 / alpha);
}

type Msg =
  | { type: 'syn'; cid: number; src: number; sport: number }
  | { type: 'ack'; cid: number }
  | { type: 'fin'; cid: number };

/**
 * Runs one seeded workload through a director on @protolab/sim. A `clients` node draws Poisson
 * arrivals, source addresses and exponential durations from its own PRNG stream (so the traffic
 * is identical whichever scheduler runs); the `director` node owns the VirtualService and the
 * connection table and moves connections SYN_RECV → ESTABLISHED → TIME_WAIT → expired.
 */
export function runWorkload(opts: WorkloadOptions): WorkloadResult {
  const sim = new Sim<Msg>({ seed: opts.seed, trace: false, link: { minDelayMs: 1, maxExtraDelayMs: 2 } });
  const twosRandom: RandomSource = sim.random('twos');
  const clock = { now: 0 };
  const svc = new VirtualService({ scheduler: opts.scheduler, flags: opts.flags ?? [], now: () => clock.now, random: twosRandom });
  for (let i = opts.servers.length - 1; i >= 0; i--) svc.addDest({ name: opts.servers[i]!.name, weight: opts.servers[i]!.weight, addr: `10.0.1.${i + 1}` });
  const table = new ConnTable(svc);
  const byCid = new Map<number, Conn>();
  const picks: Record<string, number> = {};
  const maxActive: Record<string, number> = {};
  for (const s of opts.servers) {
    picks[s.name] = 0;
    maxActive[s.name] = 0;
  }
  let none = 0;
  const before = new Map<number, string>();
  const after = new Map<number, string>();
  const series: WorkloadResult['series'] = [];
  let peak = 0;
  const sampleMs = opts.sampleMs ?? 1000;

  sim.addNode('clients', (ctx) => {
    const pool: number[] = [];
    for (let i = 0; i < opts.sources; i++) pool.push(ctx.random.nextU32());
    let cid = 0;
    const arrive = (): void => {
      if (ctx.now() >= opts.durationMs) return;
      cid++;
      const src = ctx.random.pick(pool);
      const dur = opts.durationDist === 'pareto' ? pareto(ctx.random.float(), opts.meanConnMs) : ctx.random.exp(opts.meanConnMs);
      ctx.send('director', { type: 'syn', cid, src, sport: ctx.random.int(1024, 65536) });
      ctx.setTimer(2, 'ack', cid);
      ctx.setTimer(2 + dur, 'fin', cid);
      ctx.setTimer(ctx.random.exp(1000 / opts.arrivalsPerSec), 'arrive');
    };
    ctx.setTimer(0, 'arrive');
    return {
      onTimer(name, data) {
        if (name === 'arrive') arrive();
        else ctx.send('director', { type: name as 'ack' | 'fin', cid: data as number });
      },
    };
  });

  sim.addNode('director', (ctx) => {
    ctx.setTimer(sampleMs, 'sample');
    if (opts.fail) ctx.setTimer(opts.fail.atMs, 'fail');
    return {
      onMessage(_from, m) {
        clock.now = ctx.now();
        if (m.type === 'syn') {
          const c = table.open({ srcAddr: m.src, srcPort: m.sport, dstAddr: 0x0a0000fe, dstPort: 80 }, opts.proto ?? 'tcp', ctx.now());
          if (c === null) {
            none++;
            return;
          }
          byCid.set(m.cid, c);
          picks[c.dest.name] = (picks[c.dest.name] ?? 0) + 1;
          const log = opts.fail !== undefined && ctx.now() >= opts.fail.atMs ? after : before;
          if (log === before || !after.has(m.src)) log.set(m.src, c.dest.name);
          return;
        }
        const c = byCid.get(m.cid);
        if (c === undefined) return;
        if (m.type === 'ack') {
          table.setState(c, 'ESTABLISHED', ctx.now());
          if (c.dest.activeConns > (maxActive[c.dest.name] ?? 0)) maxActive[c.dest.name] = c.dest.activeConns;
        } else if (c.proto === 'udp') {
          table.setState(c, 'UDP', ctx.now()); // the last packet: the entry lives 5 more minutes
          ctx.setTimer(table.timeoutsMs.UDP, 'expire', m.cid);
        } else {
          table.setState(c, 'TIME_WAIT', ctx.now());
          ctx.setTimer(table.timeoutsMs.TIME_WAIT, 'expire', m.cid);
        }
      },
      onTimer(name, data) {
        clock.now = ctx.now();
        if (name === 'expire') {
          const c = byCid.get(data as number);
          if (c !== undefined) {
            table.expire(c);
            byCid.delete(data as number);
          }
        } else if (name === 'fail' && opts.fail) {
          svc.delDest(opts.fail.name);
        } else if (name === 'sample') {
          const active: Record<string, number> = {};
          let sum = 0;
          let wsum = 0;
          let mx = 0;
          for (const d of svc.dests) {
            active[d.name] = d.activeConns;
            if (d.weight > 0) {
              sum += d.activeConns;
              wsum += d.weight;
              mx = Math.max(mx, d.activeConns / d.weight);
            }
          }
          if (sum > 0) peak = Math.max(peak, mx / (sum / wsum));
          series.push({ t: ctx.now(), active });
          if (ctx.now() + sampleMs <= opts.durationMs) ctx.setTimer(sampleMs, 'sample');
        }
      },
    };
  });

  sim.runUntil(opts.durationMs + 1);
  const kept = opts.servers.filter((s) => s.name !== opts.fail?.name);
  const counts = kept.map((s) => (picks[s.name] ?? 0) / s.weight);
  const mean = counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length);
  let moved = 0;
  let movedSeen = 0;
  let collateral = 0;
  for (const [src, a] of after) {
    const b = before.get(src);
    if (b === undefined) continue;
    movedSeen++;
    if (a !== b) {
      moved++;
      if (b !== opts.fail?.name) collateral++;
    }
  }
  return {
    scheduler: opts.scheduler,
    picks,
    none,
    maxActive,
    imbalance: mean > 0 ? Math.max(...counts) / mean : 0,
    peakActivePerWeight: peak,
    movedSeen,
    moved,
    movedCollateral: collateral,
    series,
  };
}
