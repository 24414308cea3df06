import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng, Sim, streamSeed } from '@protolab/sim';

describe('Prng (xoshiro128**)', () => {
  it('matches the reference xoshiro128** output for a known state', () => {
    // Reference: state (1, 2, 3, 4) → first outputs 11520, 0, 5927040, 70819200 (computed by hand
    // from Blackman & Vigna's C code: result = rotl(s1 * 5, 7) * 9).
    const p = new Prng(0);
    p.setState([1, 2, 3, 4]);
    expect([p.nextU32(), p.nextU32(), p.nextU32(), p.nextU32()]).toEqual([11520, 0, 5927040, 70819200]);
  });

  it('the same seed gives the same sequence', () => {
    fc.assert(fc.property(fc.integer(), (seed) => {
      const a = new Prng(seed);
      const b = new Prng(seed);
      for (let i = 0; i < 20; i++) expect(a.nextU32()).toBe(b.nextU32());
    }));
  });

  it('int(lo, hi) stays in [lo, hi) and float() in [0, 1)', () => {
    fc.assert(fc.property(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 1_000_000 }), (seed, lo, span) => {
      const p = new Prng(seed);
      for (let i = 0; i < 20; i++) {
        const x = p.int(lo, lo + span);
        expect(x).toBeGreaterThanOrEqual(lo);
        expect(x).toBeLessThan(lo + span);
        const f = p.float();
        expect(f >= 0 && f < 1).toBe(true);
      }
    }));
  });

  it('int() is roughly uniform (chi-square over 10 buckets, 10 000 draws)', () => {
    const p = new Prng(7);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) counts[p.int(0, 10)]!++;
    const chi = counts.reduce((s, c) => s + (c - 1000) ** 2 / 1000, 0);
    expect(chi).toBeLessThan(27.88); // p = 0.001 for 9 degrees of freedom
  });

  it('rejects bad arguments with RangeError', () => {
    const p = new Prng(1);
    expect(() => p.int(5, 5)).toThrow(RangeError);
    expect(() => p.chance(Number.NaN)).toThrow(RangeError);
    expect(() => p.pick([])).toThrow(RangeError);
    expect(() => new Prng(1.5)).toThrow(RangeError);
  });

  it('named streams are independent: extra draws in one never change another', () => {
    fc.assert(fc.property(fc.integer(), fc.nat({ max: 50 }), (seed, extra) => {
      const s1 = new Sim({ seed });
      const s2 = new Sim({ seed });
      for (let i = 0; i < extra; i++) s2.random('network').nextU32();
      const w1 = Array.from({ length: 10 }, () => s1.random('workload').nextU32());
      const w2 = Array.from({ length: 10 }, () => s2.random('workload').nextU32());
      expect(w2).toEqual(w1);
    }));
  });

  it('different stream names give different seeds', () => {
    expect(streamSeed(1, 'network')).not.toBe(streamSeed(1, 'workload'));
    expect(new Prng(streamSeed(1, 'a')).nextU32()).not.toBe(new Prng(streamSeed(1, 'b')).nextU32());
  });
});
