import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnTable, IPVS_TIMEOUTS_MS, runWorkload, VirtualService } from '../src/index.js';

describe('ip_vs_conn.c bind/unbind and set_tcp_state drive the counters schedulers read', () => {
  it('a new connection counts as inactive; ESTABLISHED makes it active; leaving it makes it inactive; expiry unbinds', () => {
    const svc = new VirtualService({ scheduler: 'lc' });
    svc.addDest({ name: 'A', weight: 1 });
    const t = new ConnTable(svc);
    const c = t.open({ srcAddr: 1 }, 'tcp', 0)!;
    const a = svc.dest('A');
    expect([a.activeConns, a.inactConns]).toEqual([0, 1]);
    t.setState(c, 'ESTABLISHED', 1);
    expect([a.activeConns, a.inactConns]).toEqual([1, 0]);
    t.setState(c, 'TIME_WAIT', 2);
    expect([a.activeConns, a.inactConns]).toEqual([0, 1]);
    expect(t.expireDue(2 + IPVS_TIMEOUTS_MS.TIME_WAIT - 1)).toBe(0);
    expect(t.expireDue(2 + IPVS_TIMEOUTS_MS.TIME_WAIT)).toBe(1);
    expect([a.activeConns, a.inactConns]).toEqual([0, 0]);
  });
  it('UDP connections stay inactive for their whole life (udp_state_transition never changes the flag)', () => {
    const svc = new VirtualService({ scheduler: 'lc' });
    svc.addDest({ name: 'A', weight: 1 });
    const t = new ConnTable(svc);
    const c = t.open({ srcAddr: 1 }, 'udp', 0)!;
    t.setState(c, 'ESTABLISHED', 5);
    expect([svc.dest('A').activeConns, svc.dest('A').inactConns]).toEqual([0, 1]);
  });
  it('the upper threshold sets OVERLOAD at total ≥ u; without a lower threshold it clears below 3/4·u', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 20 }), (u) => {
      const svc = new VirtualService({ scheduler: 'wlc' });
      svc.addDest({ name: 'A', weight: 1, uThreshold: u });
      const t = new ConnTable(svc);
      const conns = [];
      for (let i = 0; i < u; i++) {
        expect(svc.dest('A').overloaded).toBe(false);
        conns.push(t.open({ srcAddr: i }, 'tcp', 0)!);
      }
      expect(svc.dest('A').overloaded).toBe(true);
      expect(t.open({ srcAddr: 99 }, 'tcp', 0)).toBeNull(); // the only server is OVERLOADed
      let ov = true; // hysteresis: stays set until total·4 < u·3, then stays clear
      while (conns.length > 0) {
        t.expire(conns.pop()!);
        if (conns.length * 4 < u * 3) ov = false;
        expect(svc.dest('A').overloaded).toBe(ov);
      }
    }));
  });
  it('with a lower threshold OVERLOAD clears only once total < l', () => {
    const svc = new VirtualService({ scheduler: 'wlc' });
    svc.addDest({ name: 'A', weight: 1, uThreshold: 4, lThreshold: 2 });
    const t = new ConnTable(svc);
    const cs = [0, 1, 2, 3].map((i) => t.open({ srcAddr: i }, 'tcp', 0)!);
    expect(svc.dest('A').overloaded).toBe(true);
    t.expire(cs[0]!);
    t.expire(cs[1]!);
    expect(svc.dest('A').overloaded).toBe(true); // total 2, not < 2
    t.expire(cs[2]!);
    expect(svc.dest('A').overloaded).toBe(false);
  });
});

describe('seeded workloads on @protolab/sim', () => {
  const base = { servers: [{ name: 'A', weight: 2 }, { name: 'B', weight: 1 }, { name: 'C', weight: 1 }], durationMs: 20_000, arrivalsPerSec: 30, meanConnMs: 2000, sources: 50 };
  it('the same seed gives the same result; the traffic is the same whichever scheduler runs', () => {
    const a = runWorkload({ seed: 3, scheduler: 'wlc', ...base });
    const b = runWorkload({ seed: 3, scheduler: 'wlc', ...base });
    expect(b).toEqual(a);
    const total = (r: typeof a): number => Object.values(r.picks).reduce((x, y) => x + y, 0) + r.none;
    expect(total(runWorkload({ seed: 3, scheduler: 'rr', ...base }))).toBe(total(a));
  });
  it('wlc spreads active connections by weight; rr ignores weight (A gets the same number of picks as B)', () => {
    const w = runWorkload({ seed: 11, scheduler: 'wlc', ...base });
    const r = runWorkload({ seed: 11, scheduler: 'rr', ...base });
    expect(Math.abs(r.picks['A']! - r.picks['B']!)).toBeLessThanOrEqual(1);
    expect(w.picks['A']! / w.picks['B']!).toBeGreaterThan(1.5);
  });
  it('mh moves almost no clients of surviving servers when one is removed; sh re-lays its table and moves many', () => {
    const opts = { ...base, servers: [{ name: 'A', weight: 1 }, { name: 'B', weight: 1 }, { name: 'C', weight: 1 }, { name: 'D', weight: 1 }], sources: 200, durationMs: 40_000, fail: { name: 'B', atMs: 20_000 } };
    const mh = runWorkload({ seed: 5, scheduler: 'mh', ...opts });
    const sh = runWorkload({ seed: 5, scheduler: 'sh', ...opts });
    expect(mh.movedCollateral).toBeLessThan(sh.movedCollateral);
    expect(sh.movedCollateral).toBeGreaterThan(sh.movedSeen / 4);
  });
});

describe('workload variants', () => {
  const base = { servers: [{ name: 'A', weight: 1 }, { name: 'B', weight: 1 }], durationMs: 10_000, arrivalsPerSec: 20, meanConnMs: 1000, sources: 20 };
  it('UDP: every connection stays inactive, so lc balances on inactive counts alone and no server ever has an active one', () => {
    const r = runWorkload({ seed: 9, scheduler: 'lc', proto: 'udp', ...base });
    expect(r.maxActive).toEqual({ A: 0, B: 0 });
    expect(Math.abs(r.picks['A']! - r.picks['B']!)).toBeLessThanOrEqual(1);
  });
  it('Pareto lifetimes (same mean, heavy tail) give a different but equally seeded run', () => {
    const a = runWorkload({ seed: 9, scheduler: 'wlc', durationDist: 'pareto', ...base });
    expect(runWorkload({ seed: 9, scheduler: 'wlc', durationDist: 'pareto', ...base })).toEqual(a);
    expect(a).not.toEqual(runWorkload({ seed: 9, scheduler: 'wlc', ...base }));
  });
});
