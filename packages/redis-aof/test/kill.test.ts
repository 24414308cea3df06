/**
 * A real kill test: a child process appends with appendfsync always to real files and
 * acknowledges each write to the parent only after write(2) + fdatasync; the parent sends SIGKILL
 * at a random moment; every acknowledged write must be in the AOF it left behind.
 * (A few runs here; `bench/kill-soak.ts` does hundreds.)
 */
import { describe, expect, it } from 'vitest';
import { killRun } from './killtest.js';

describe('SIGKILL at a random moment under appendfsync always (real files, real fsync)', () => {
  for (const [seed, ms] of [[1, 150], [2, 400], [3, 700]] as const) {
    it(`run ${seed}: killed ${ms} ms after start, every acknowledged write is recovered`, async () => {
      const r = await killRun(seed, ms);
      expect(r.acked).toBeGreaterThan(0);
      expect(r.missing).toEqual([]);
    }, 30_000);
  }
});
