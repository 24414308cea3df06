import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foPick, lcPick, nqPick, ovfPick, sedPick, twosPick, wlcPick, type Dest } from '../src/index.js';
import { listArb, ratioLess, serviceWith, type DestState } from './helpers.js';

/** Reference models written from the reference text, independent of src/. */
const qualifies = (s: DestState): boolean => s.weight > 0 && !s.overloaded;
const oh = (s: DestState): number => s.active * 256 + s.inact;

/** Index of the earliest minimiser of cost (as a rational num/den) among qualifying states. */
function earliestMin(list: readonly DestState[], num: (s: DestState) => number, den: (s: DestState) => number): number {
  let best = -1;
  list.forEach((s, i) => {
    if (!qualifies(s)) return;
    if (best < 0 || ratioLess(num(s), den(s), num(list[best]!), den(list[best]!))) best = i;
  });
  return best;
}

function pickIndex(list: readonly DestState[], pick: (ds: readonly Dest[]) => Dest | null): number {
  const svc = serviceWith('lc', list);
  const d = pick(svc.dests);
  return d === null ? -1 : Number(d.name.slice(1));
}

describe('lc / wlc / sed / nq / fo / ovf choose what the kernel scan chooses', () => {
  it('ip_vs_lc.c: the earliest qualifying server with the least 256·active + inactive; positive weights ignored', () => {
    fc.assert(fc.property(listArb, (l) => {
      expect(pickIndex(l, lcPick)).toBe(earliestMin(l, oh, () => 1));
    }));
  });
  it('ip_vs_wlc.c: the earliest qualifying minimiser of (256a+i)/w, by exact cross-multiplication', () => {
    fc.assert(fc.property(listArb, (l) => {
      expect(pickIndex(l, wlcPick)).toBe(earliestMin(l, oh, (s) => s.weight));
    }));
  });
  it('ip_vs_sed.c: the earliest qualifying minimiser of (a+1)/w; inactive connections never matter', () => {
    fc.assert(fc.property(listArb, fc.array(fc.nat(1000), { minLength: 12, maxLength: 12 }), (l, extra) => {
      const want = earliestMin(l, (s) => s.active + 1, (s) => s.weight);
      expect(pickIndex(l, sedPick)).toBe(want);
      expect(pickIndex(l.map((s, i) => ({ ...s, inact: extra[i]! })), sedPick)).toBe(want);
    }));
  });
  it('ip_vs_nq.c: the earliest qualifying idle (active = 0) server, otherwise the sed choice', () => {
    fc.assert(fc.property(listArb, (l) => {
      const idle = l.findIndex((s) => qualifies(s) && s.active === 0);
      const want = idle >= 0 ? idle : earliestMin(l, (s) => s.active + 1, (s) => s.weight);
      expect(pickIndex(l, nqPick)).toBe(want);
    }));
  });
  it('ip_vs_fo.c: the earliest qualifying server of maximal weight; counts never matter', () => {
    fc.assert(fc.property(listArb, (l) => {
      expect(pickIndex(l, foPick)).toBe(earliestMin(l, () => 1, (s) => s.weight));
    }));
  });
  it('ip_vs_ovf.c: the earliest server of maximal weight among qualifying ones with active ≤ weight', () => {
    fc.assert(fc.property(listArb, (l) => {
      const masked = l.map((s) => (s.active > s.weight ? { ...s, weight: 0 } : s));
      expect(pickIndex(l, ovfPick)).toBe(earliestMin(masked, () => 1, (s) => s.weight));
    }));
  });
  it('ovf: starting idle, Σ(w_i + 1) picks that each add an active connection fill every server to w_i + 1, then none', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 6 }), (ws) => {
      const svc = serviceWith('ovf', ws.map((w) => ({ weight: w, active: 0, inact: 0, overloaded: false })));
      const total = ws.reduce((a, w) => a + w + 1, 0);
      for (let i = 0; i < total; i++) svc.schedule({ srcAddr: 1 })!.activeConns++;
      expect(svc.dests.map((d) => d.activeConns)).toEqual(ws.map((w) => w + 1));
      expect(svc.schedule({ srcAddr: 1 })).toBeNull();
    }));
  });
  it('wlc: multiplying every weight by the same constant never changes the choice', () => {
    fc.assert(fc.property(listArb, fc.integer({ min: 2, max: 50 }), (l, c) => {
      expect(pickIndex(l.map((s) => ({ ...s, weight: s.weight * c })), wlcPick)).toBe(pickIndex(l, wlcPick));
    }));
  });
  it('wlc: all idle → the FIRST qualifying server, not the heaviest; sed: all idle → the earliest of maximal weight', () => {
    const l = [1, 5, 5].map((w) => ({ weight: w, active: 0, inact: 0, overloaded: false }));
    expect(pickIndex(l, wlcPick)).toBe(0);
    expect(pickIndex(l, sedPick)).toBe(1);
  });
  it('ip_vs_dest_conn_overhead wraps like the kernel int: (active << 8) + inactive in 32 bits', () => {
    const svc = serviceWith('wlc', [{ weight: 1, active: 0x800000, inact: 0, overloaded: false }, { weight: 1, active: 5, inact: 0, overloaded: false }]);
    // 0x800000 << 8 = 2^31 → INT_MIN in a C int: the kernel sees a hugely NEGATIVE load and keeps d0
    expect(svc.schedule({ srcAddr: 1 })!.name).toBe('d0');
  });
});

describe('every IPVS scheduler: none only when the kernel returns none; never a quiesced or overloaded server', () => {
  const names = ['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'fo', 'ovf', 'twos', 'sh', 'dh', 'mh', 'lblc', 'lblcr'] as const;
  for (const name of names) {
    it(`${name}: the chosen server has weight > 0 and no OVERLOAD${['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'fo', 'twos'].includes(name) ? '; none iff no server qualifies' : ''}`, () => {
      fc.assert(fc.property(listArb, fc.integer({ min: 0, max: 0xffffffff }), (l, src) => {
        let r = src;
        const svc = serviceWith(name, l, { random: { nextU32: () => (r = (Math.imul(r, 1103515245) + 12345) >>> 0) } });
        for (let k = 0; k < 5; k++) {
          const d = svc.schedule({ srcAddr: (src + k * 7919) >>> 0, dstAddr: (src ^ (k * 31)) >>> 0 });
          if (d !== null) {
            expect(d.weight).toBeGreaterThan(0);
            // lblc's cache-hit path does not consult OVERLOAD (ip_vs_lblc_schedule); fresh caches here never hit
            expect(d.overloaded).toBe(false);
          }
          if (['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'fo', 'twos'].includes(name)) {
            expect(d === null).toBe(!l.some(qualifies));
          }
        }
      }));
    });
  }
});

describe('ip_vs_twos.c with injected randomness', () => {
  it('the result is one of the two sampled servers and never the one with strictly higher overhead/weight', () => {
    fc.assert(fc.property(listArb, fc.nat(), fc.nat(), (l, a, b) => {
      fc.pre(l.some(qualifies));
      const svc = serviceWith('twos', l);
      const total = l.filter(qualifies).reduce((s, x) => s + x.weight, 0);
      const sample = (r: number): number => {
        let x = r % (total + 1);
        for (let i = 0; i < l.length; i++) {
          if (!qualifies(l[i]!)) continue;
          x -= l[i]!.weight;
          if (x <= 0) return i;
        }
        return -1;
      };
      const c1 = sample(a);
      const c2 = sample(b);
      const draws = [a, b];
      const d = twosPick(svc.dests, () => draws.shift()!);
      const got = Number(d!.name.slice(1));
      expect([c1, c2]).toContain(got);
      const worse = got === c1 ? c2 : c1;
      if (got !== worse) expect(ratioLess(oh(l[worse]!), l[worse]!.weight, oh(l[got]!), l[got]!.weight)).toBe(false);
    }));
  });
  it('with one qualifying server it is always that server; r = 0 lands on the first server (its w + 1 outcomes)', () => {
    const svc = serviceWith('twos', [{ weight: 0, active: 0, inact: 0, overloaded: false }, { weight: 3, active: 9, inact: 0, overloaded: false }]);
    for (const r of [0, 1, 2, 3, 99]) expect(twosPick(svc.dests, () => r)!.name).toBe('d1');
  });
});

describe('planted bug: a wlc that ignores weights is caught by the wlc property', () => {
  /** A plausible mistake: compare overheads only (i.e. lc). */
  const wlcIgnoringWeights = lcPick;
  it('the property finds a counterexample for the buggy variant', () => {
    const result = fc.check(fc.property(listArb, (l) => pickIndex(l, wlcIgnoringWeights) === earliestMin(l, oh, (s) => s.weight)), { numRuns: 2000, seed: 19 });
    expect(result.failed).toBe(true);
  });
});
