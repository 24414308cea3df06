import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualService } from '../src/index.js';
import { lettered, picks, serviceWith } from './helpers.js';

describe('ip_vs_wrr.c — hand-traced kernel sequences', () => {
  it('weights A4 B3 C2 give AABABCABC per period (passes at cw = 4, 3, 2, 1)', () => {
    expect(picks(lettered('wrr', [4, 3, 2]), 18)).toBe('AABABCABC'.repeat(2));
  });
  it('weights A5 B1 C1 give the bursty AAAAABC (nginx gives AABACAA for the same weights)', () => {
    expect(picks(lettered('wrr', [5, 1, 1]), 14)).toBe('AAAAABC'.repeat(2));
  });
  it('gcd stepping: A4 B2 C2 (gcd 2) gives AABC with mw = 4 − 1 = 3 and cw = 3, 1', () => {
    expect(picks(lettered('wrr', [4, 2, 2]), 8)).toBe('AABCAABC');
  });
  it('ip_vs_wrr_dest_changed mid-period: A4 B3 C2 after AABA, B→1: the scan restarts at the head at cw = 3', () => {
    const svc = lettered('wrr', [4, 3, 2]);
    expect(picks(svc, 4)).toBe('AABA');
    svc.editDest('B', { weight: 1 });
    expect(picks(svc, 5 + 14)).toBe('ACABC' + 'AAACABC'.repeat(2));
  });
  it('ip_vs_wrr_dest_changed with a new gcd: A4 B3 C2 after AABA, B→2: cw snaps 2 → 3, then AABC', () => {
    const svc = lettered('wrr', [4, 3, 2]);
    expect(picks(svc, 4)).toBe('AABA');
    svc.editDest('B', { weight: 2 });
    expect(picks(svc, 12)).toBe('AABC'.repeat(3));
  });
  it('adding servers one by one to an empty wrr service leaves cw at 1: one pass of ABC precedes the first period', () => {
    // init_service on an empty list: mw = 0, cw = 0; add C(2): di 2, mw 1, cw 0 → 1; add B(3), A(4): cw stays 1
    const svc = new VirtualService({ scheduler: 'wrr' });
    svc.addDest({ name: 'C', weight: 2 });
    svc.addDest({ name: 'B', weight: 3 });
    svc.addDest({ name: 'A', weight: 4 });
    expect(picks(svc, 3 + 9)).toBe('ABC' + 'AABABCABC');
  });
  it('all weights 0: mw = 0 and no destination', () => {
    expect(picks(lettered('wrr', [0, 0]), 3)).toBe('---');
  });
  it('all overloaded: null, and the next pick after clearing resumes', () => {
    const svc = lettered('wrr', [2, 1]);
    svc.dest('A').overloaded = true;
    svc.dest('B').overloaded = true;
    expect(picks(svc, 2)).toBe('--');
    svc.dest('B').overloaded = false;
    expect(picks(svc, 3)).toBe('BBB');
  });
});

const weightsArb = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 7 });
const gcdOf = (ws: number[]): number => ws.filter((w) => w > 0).reduce((a, b) => { while (b) [a, b] = [b, a % b]; return a; }, 0);

describe('ip_vs_wrr.c — properties', () => {
  it('from a fresh period every block of Σw/g picks chooses server i exactly w_i/g times', () => {
    fc.assert(
      fc.property(weightsArb, fc.integer({ min: 1, max: 3 }), (ws, blocks) => {
        const g = gcdOf(ws);
        fc.pre(g > 0);
        const svc = serviceWith('wrr', ws.map((w) => ({ weight: w, active: 0, inact: 0, overloaded: false })));
        const period = ws.reduce((a, b) => a + b, 0) / g;
        for (let b = 0; b < blocks; b++) {
          const counts = new Array<number>(ws.length).fill(0);
          for (let i = 0; i < period; i++) {
            const d = svc.schedule({ srcAddr: 1 });
            expect(d).not.toBeNull();
            counts[Number(d!.name.slice(1))]!++;
          }
          expect(counts).toEqual(ws.map((w) => w / g));
        }
      }),
    );
  });
  it('pass j of a period picks exactly the servers with weight ≥ mw − j·g, in list order', () => {
    fc.assert(
      fc.property(weightsArb, (ws) => {
        const g = gcdOf(ws);
        fc.pre(g > 0);
        const svc = serviceWith('wrr', ws.map((w) => ({ weight: w, active: 0, inact: 0, overloaded: false })));
        const mw = Math.max(...ws) - (g - 1);
        const expected: number[] = [];
        for (let cw = mw; cw > 0; cw -= g) ws.forEach((w, i) => { if (w >= cw) expected.push(i); });
        const got = expected.map(() => Number(svc.schedule({ srcAddr: 1 })!.name.slice(1)));
        expect(got).toEqual(expected);
      }),
    );
  });
  it('scaling every weight by c leaves the sequence unchanged; connection counts never matter', () => {
    fc.assert(
      fc.property(weightsArb, fc.integer({ min: 2, max: 5 }), fc.array(fc.nat(50), { minLength: 7, maxLength: 7 }), (ws, c, conns) => {
        const a = serviceWith('wrr', ws.map((w) => ({ weight: w, active: 0, inact: 0, overloaded: false })));
        const b = serviceWith('wrr', ws.map((w, i) => ({ weight: w * c, active: conns[i]!, inact: conns[6 - i]!, overloaded: false })));
        expect(picks(b, 40)).toBe(picks(a, 40));
      }),
    );
  });
  it('equal weights behave exactly like rr', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 9 }), (n, w) => {
        const ds = Array.from({ length: n }, () => ({ weight: w, active: 0, inact: 0, overloaded: false }));
        expect(picks(serviceWith('wrr', ds), 3 * n)).toBe(picks(serviceWith('rr', ds), 3 * n));
      }),
    );
  });
});

describe('ip_vs_rr.c', () => {
  it('over k·n picks each qualifying server is chosen k times, cyclically in list order; weights are only a yes/no', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 4 }), (ws, k) => {
        const svc = serviceWith('rr', ws.map((w) => ({ weight: w, active: 0, inact: 0, overloaded: false })));
        const live = ws.flatMap((w, i) => (w > 0 ? [String(i)] : []));
        expect(picks(svc, k * live.length)).toBe(live.join('').repeat(k));
      }),
    );
  });
  it('ip_vs_rr_del_dest: deleting the cursor server makes its successor next', () => {
    const svc = lettered('rr', [1, 1, 1, 1]);
    expect(picks(svc, 2)).toBe('AB');
    svc.delDest('B');
    expect(picks(svc, 4)).toBe('CDAC');
  });
  it('a single live server is returned again (the walk ends on the cursor itself); none when all quiesced', () => {
    const svc = lettered('rr', [0, 3, 0]);
    expect(picks(svc, 3)).toBe('BBB');
    svc.editDest('B', { weight: 0 });
    expect(picks(svc, 1)).toBe('-');
  });
  it('a server added later is linked at the FRONT and reached after the walk wraps', () => {
    const svc = lettered('rr', [1, 1]);
    expect(picks(svc, 1)).toBe('A');
    svc.addDest({ name: 'Z', weight: 1 });
    expect(svc.dests.map((d) => d.name).join('')).toBe('ZAB');
    expect(picks(svc, 4)).toBe('BZAB');
  });
});

describe('ip_vs_wrr.c — OVERLOAD is only a skip', () => {
  it('setting and clearing OVERLOAD mid-period never resets the mark: the period continues where it was', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 5 }), fc.nat(30), fc.nat(4), (ws, before, who) => {
        const plain = serviceWith('wrr', ws.map((w) => ({ weight: w, active: 0, inact: 0, overloaded: false })));
        const flagged = serviceWith('wrr', ws.map((w) => ({ weight: w, active: 0, inact: 0, overloaded: false })));
        picks(plain, before);
        picks(flagged, before);
        const d = flagged.dests[who % ws.length]!;
        d.overloaded = true;
        d.overloaded = false; // no hook fires: same cursor, same cw
        expect(picks(flagged, 20)).toBe(picks(plain, 20));
      }),
    );
  });
  it('an OVERLOADed server is skipped in every pass while the others keep their order', () => {
    const svc = lettered('wrr', [4, 3, 2]);
    svc.dest('B').overloaded = true;
    expect(picks(svc, 6)).toBe('AAACAC');
  });
});
