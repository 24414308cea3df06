/**
 * The seeded client side of a workload, as a pure core: the caller owns time and hands in the
 * PRNG stream (so the traffic is the same whichever balancer serves it). Used by the IPVS
 * director core and by the CLI's nginx runs; driven on @protolab/sim by adapters/sim-workload.ts.
 */
export interface TrafficOptions {
  /** Virtual run length: no arrival at or after it. */
  durationMs: number;
  /** Mean new connections per second (Poisson arrivals). */
  arrivalsPerSec: number;
  /** Mean connection lifetime (ESTABLISHED time for TCP, packet span for UDP). */
  meanConnMs: number;
  /** Lifetime distribution: exponential (default) or Pareto with shape 1.5 (heavy tail, same mean). */
  durationDist?: 'exponential' | 'pareto';
  /** Size of the client address pool (addresses drawn once from the seed). */
  sources: number;
}

/** The draws the traffic needs (`Prng` from @protolab/sim has them all). */
export interface TrafficRandom {
  nextU32(): number;
  float(): number;
  exp(mean: number): number;
  int(lo: number, hiExclusive: number): number;
  pick<T>(items: readonly T[]): T;
}

/** One new connection and what the clients will do next, all relative to now. */
export interface Arrival {
  cid: number;
  src: number;
  sport: number;
  /** The handshake completes (ESTABLISHED) this long after the SYN was sent. */
  ackAfterMs: number;
  /** The client closes (FIN / last UDP packet) this long after the SYN was sent. */
  finAfterMs: number;
  /** The next arrival is due this long from now. */
  nextArrivalMs: number;
}

/** The 3-way handshake's last ACK follows the SYN after this long (a fixed small RTT). */
export const HANDSHAKE_MS = 2;

/** Pareto(shape 1.5) with the given mean: scale = mean·(α−1)/α, x = scale / u^(1/α). */
export function pareto(u: number, mean: number): number {
  const alpha = 1.5;
  const scale = (mean * (alpha - 1)) / alpha;
  return scale / Math.pow(1 - u, 1 / alpha);
}

/** Checks the traffic options: positive finite rates and durations, a non-empty client pool. */
export function checkTraffic(o: TrafficOptions, err: (msg: string) => Error): void {
  const pos = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
  if (!pos(o.durationMs) || !pos(o.arrivalsPerSec) || !pos(o.meanConnMs)) {
    throw err(`workload: durationMs, arrivalsPerSec and meanConnMs must be finite and > 0, found ${String(o.durationMs)}, ${String(o.arrivalsPerSec)}, ${String(o.meanConnMs)}`);
  }
  if (!Number.isInteger(o.sources) || o.sources < 1 || o.sources > 1_000_000) throw err(`workload: sources must be an integer in [1, 1000000], found ${String(o.sources)}`);
  // bounded work: the expected number of connections
  if ((o.durationMs / 1000) * o.arrivalsPerSec > 10_000_000) throw err('workload: more than 10 million expected connections');
}

/**
 * The clients: `start` draws the address pool; each `arrive(now)` is one Poisson arrival — its
 * source, source port and lifetime — or null once the run is over. The order of draws is fixed
 * (pool, then per arrival: source, lifetime, port, gap), so a seed replays exactly.
 */
export class TrafficCore {
  readonly #opts: TrafficOptions;
  readonly #random: TrafficRandom;
  readonly pool: readonly number[];
  #cid = 0;

  constructor(opts: TrafficOptions, random: TrafficRandom) {
    this.#opts = opts;
    this.#random = random;
    const pool: number[] = [];
    for (let i = 0; i < opts.sources; i++) pool.push(random.nextU32());
    this.pool = pool;
  }

  arrive(now: number): Arrival | null {
    const o = this.#opts;
    if (now >= o.durationMs) return null;
    const r = this.#random;
    const cid = ++this.#cid;
    const src = r.pick(this.pool);
    const dur = o.durationDist === 'pareto' ? pareto(r.float(), o.meanConnMs) : r.exp(o.meanConnMs);
    const sport = r.int(1024, 65536);
    return { cid, src, sport, ackAfterMs: HANDSHAKE_MS, finAfterMs: HANDSHAKE_MS + dur, nextArrivalMs: r.exp(1000 / o.arrivalsPerSec) };
  }
}
