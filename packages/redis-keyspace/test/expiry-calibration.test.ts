// The calibrated active-expire cost model against the two quiet reference runs of the real
// experiment (redis-server 7.0.15, 200 000 keys with TTLs spread over 1 s + 200 000 without,
// DBSIZE every 100 ms; docs/redis-expiry.md §3). The expected numbers are those measured runs,
// typed in from the table, not computed by the code under test.
import { describe, expect, it } from 'vitest';
import { expiryExperiment } from '../src/index.js';

const REAL = {
  10: [{ peak: 132_118, peakMs: 980, zeroMs: 1680 }, { peak: 119_010, peakMs: 1030, zeroMs: 1830 }],
  100: [{ peak: 81_473, peakMs: 730, zeroMs: 1230 }, { peak: 77_336, peakMs: 670, zeroMs: 1270 }],
} as const;

describe('expire.c activeExpireCycle, calibrated: the simulated curve agrees with the quiet real runs', () => {
  for (const hz of [10, 100] as const) {
    it(`hz ${String(hz)}: peak height and time to zero within 15 % of each real run, peak time within 150 ms`, () => {
      const sim = expiryExperiment({ hz });
      expect(sim.reclaimedAtMs).toBeDefined();
      for (const real of REAL[hz]) {
        expect(sim.peak.stale / real.peak).toBeGreaterThanOrEqual(0.85);
        expect(sim.peak.stale / real.peak).toBeLessThanOrEqual(1.15);
        expect(Math.abs(sim.peak.tMs - real.peakMs)).toBeLessThanOrEqual(150);
        expect((sim.reclaimedAtMs ?? 0) / real.zeroMs).toBeGreaterThanOrEqual(0.85);
        expect((sim.reclaimedAtMs ?? 0) / real.zeroMs).toBeLessThanOrEqual(1.15);
      }
    });
  }
});
