import fc from 'fast-check';
import { Prng } from '@protolab/sim';
import { describe, expect, it } from 'vitest';
import { DirectorCore, IPVS_TIMEOUTS_MS, LvsError, TrafficCore } from '../src/index.js';

const noRandom = { nextU32: (): number => 0 };

describe('the workload as pure cores (no simulator)', () => {
  it('DirectorCore by hand: a SYN is scheduled (rr, list order), the ACK makes it active, the FIN asks for a TIME_WAIT expiry timer (ip_vs_proto_tcp.c tcp_timeouts)', () => {
    const d = new DirectorCore({ seed: 1, scheduler: 'rr', servers: [{ name: 'A', weight: 1 }, { name: 'B', weight: 1 }], durationMs: 10_000, arrivalsPerSec: 1, meanConnMs: 100, sources: 1 }, noRandom);
    expect(d.start()).toEqual([{ afterMs: 1000, input: { type: 'sample' } }]);
    d.step(0, { type: 'syn', cid: 1, src: 7, sport: 1000 });
    d.step(0, { type: 'syn', cid: 2, src: 8, sport: 1000 });
    d.step(2, { type: 'ack', cid: 1 });
    expect(d.svc.dest('A').activeConns).toBe(1);
    expect(d.step(50, { type: 'fin', cid: 1 })).toEqual([{ afterMs: IPVS_TIMEOUTS_MS.TIME_WAIT, input: { type: 'expire', cid: 1 } }]);
    expect(d.svc.dest('A').activeConns).toBe(0);
    expect(d.svc.dest('A').inactConns).toBe(1);
    d.step(50 + IPVS_TIMEOUTS_MS.TIME_WAIT, { type: 'expire', cid: 1 });
    expect(d.svc.dest('A').inactConns).toBe(0);
    expect(d.result().picks).toEqual({ A: 1, B: 1 });
  });
  it('TrafficCore replays from its stream: the same seed gives the same arrivals, and none at or after durationMs', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 50 }), (seed, sources) => {
      const opts = { durationMs: 5000, arrivalsPerSec: 20, meanConnMs: 300, sources };
      const a = new TrafficCore(opts, new Prng(seed));
      const b = new TrafficCore(opts, new Prng(seed));
      for (let t = 0; t < 5000; t += 250) expect(a.arrive(t)).toEqual(b.arrive(t));
      expect(a.arrive(5000)).toBeNull();
      expect(a.pool.length).toBe(sources);
    }));
  });
  it('bad workload options are typed errors before any work (no unbounded runs)', () => {
    const base = { seed: 1, scheduler: 'wlc' as const, servers: [{ name: 'A', weight: 1 }], durationMs: 1000, arrivalsPerSec: 1, meanConnMs: 10, sources: 1 };
    for (const bad of [{ durationMs: Infinity }, { arrivalsPerSec: 0 }, { meanConnMs: Number.NaN }, { sources: 0 }, { arrivalsPerSec: 1e12 }, { sampleMs: 0 }]) {
      expect(() => new DirectorCore({ ...base, ...bad }, noRandom)).toThrow(LvsError);
    }
  });
});
