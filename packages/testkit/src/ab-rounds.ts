/**
 * The same-process A/B loop the benches share (packages/redis-cluster/bench/slot-ab.ts, packages/resp/bench/decode-ab.ts): in each
 * round both sides run once, the one going first alternating round by round, timed in CPU time
 * (`process.cpuUsage`, so time spent descheduled on a loaded machine is not counted); the first
 * `warmup` rounds are dropped. Returns per round the ratio a ÷ b (above 1: b is faster) and each
 * side's ns per unit of work.
 */
export interface AbRounds {
  readonly ratios: number[];
  readonly aNs: number[];
  readonly bNs: number[];
}

const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

export function abRounds(rounds: number, warmup: number, units: number, a: () => void, b: () => void): AbRounds {
  const out: AbRounds = { ratios: [], aNs: [], bNs: [] };
  for (let r = 0; r < rounds + warmup; r++) {
    let ta = 0;
    let tb = 0;
    for (const which of r % 2 === 0 ? [0, 1] : [1, 0]) {
      const t0 = cpuUs();
      if (which === 0) a();
      else b();
      const dt = cpuUs() - t0;
      if (which === 0) ta = dt;
      else tb = dt;
    }
    if (r < warmup) continue;
    out.ratios.push(ta / tb);
    out.aNs.push((ta * 1000) / units);
    out.bNs.push((tb * 1000) / units);
  }
  return out;
}

/** The median of `xs` (the mean of the two middle values for an even count). */
export function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

/** A Markdown row `| name | a ns | b ns | **median×** | min–max× |` for an A/B result. */
export function abRow(name: string, r: AbRounds, digits: number): string {
  return `| ${name} | ${medianOf(r.aNs).toFixed(digits)} | ${medianOf(r.bNs).toFixed(digits)} | **${medianOf(r.ratios).toFixed(2)}×** | ${Math.min(...r.ratios).toFixed(2)}–${Math.max(...r.ratios).toFixed(2)}× |`;
}
