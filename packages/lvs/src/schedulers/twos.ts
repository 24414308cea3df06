import { connOverhead, mulGt, type Dest } from '../dest.js';
import { defined } from '../errors.js';
import type { Scheduler, ServiceView } from '../service.js';

/**
 * twos — ip_vs_twos.c (Linux 6.2+). Two weighted random samples `r = rand % (total + 1)`;
 * walking the usable dests, each subtracts the weight and the first dest where `r <= 0` is the
 * choice; choice2 wins only if strictly less loaded per weight. The kernel's `prandom_u32()`
 * / `get_random_u32()` is replaced by the injected source: two draws per pick, r1 then r2.
 */
export function twosPick(list: readonly Dest[], nextU32: () => number): Dest | null {
  let total = 0;
  for (const d of list) if (!d.overloaded && d.weight > 0) total += d.weight;
  if (total === 0) return null;
  let r1 = (nextU32() >>> 0) % (total + 1);
  let r2 = (nextU32() >>> 0) % (total + 1);
  let c1: Dest | null = null;
  let c2: Dest | null = null;
  for (const d of list) {
    if (d.overloaded || d.weight <= 0) continue;
    r1 -= d.weight;
    r2 -= d.weight;
    if (r1 <= 0 && c1 === null) c1 = d;
    if (r2 <= 0 && c2 === null) c2 = d;
    if (c1 !== null && c2 !== null) break;
  }
  // r1, r2 <= total, so the walk always sets both choices.
  const a = defined(c1 ?? undefined, 'twos first choice');
  const b = defined(c2 ?? undefined, 'twos second choice');
  return mulGt(b.weight, connOverhead(a), a.weight, connOverhead(b)) ? b : a;
}

export const twos = (): Scheduler => ({
  name: 'twos',
  schedule: (svc: ServiceView) => {
    const r = svc.random();
    return twosPick(svc.dests, () => r.nextU32());
  },
});
