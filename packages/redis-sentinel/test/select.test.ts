import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { compareSlavesForPromotion, plantedCompareIgnoringOffset, sentinelSelectSlave, type SlaveCandidate } from '../src/index.js';

const base: SlaveCandidate = { name: 'x', runid: 'b'.repeat(40), slave_priority: 100, slave_repl_offset: 1000, down: false, disconnected: false, last_avail_time: 10_000, info_refresh: 10_000, master_link_down_time: 0 };
const ctx = { nowMs: 10_000, masterSdown: true, downAfterMs: 5000, masterDownForMs: 5000 };

describe('sentinel.c sentinelSelectSlave / compareSlavesForPromotion (Redis 7.0)', () => {
  test('the lowest replica-priority wins first, even against a greater offset', () => {
    const a = { ...base, name: 'a', slave_priority: 10, slave_repl_offset: 1 };
    const b = { ...base, name: 'b', slave_priority: 100, slave_repl_offset: 9999 };
    expect(sentinelSelectSlave([b, a], ctx)?.name).toBe('a');
  });

  test('at equal priority the greatest replication offset wins', () => {
    const a = { ...base, name: 'a', slave_repl_offset: 500 };
    const b = { ...base, name: 'b', slave_repl_offset: 900 };
    expect(sentinelSelectSlave([a, b], ctx)?.name).toBe('b');
  });

  test('at equal priority and offset the lexicographically smaller run id wins; a missing run id loses', () => {
    const a = { ...base, name: 'a', runid: 'f'.repeat(40) };
    const b = { ...base, name: 'b', runid: '0'.repeat(40) };
    const c = { ...base, name: 'c', runid: undefined };
    expect(sentinelSelectSlave([c, a, b], ctx)?.name).toBe('b');
  });

  test('replica-priority 0 is never promoted, nor a down or disconnected replica, nor one with stale INFO', () => {
    const zero = { ...base, name: 'zero', slave_priority: 0, slave_repl_offset: 10 ** 9 };
    const down = { ...base, name: 'down', down: true, slave_repl_offset: 10 ** 9 };
    const disc = { ...base, name: 'disc', disconnected: true, slave_repl_offset: 10 ** 9 };
    const stale = { ...base, name: 'stale', info_refresh: 10_000 - 5001, slave_repl_offset: 10 ** 9 };
    expect(sentinelSelectSlave([zero, down, disc, stale], ctx)).toBeUndefined();
    expect(sentinelSelectSlave([zero, down, disc, stale, { ...base, name: 'ok' }], ctx)?.name).toBe('ok');
  });

  const arbCandidate = fc.record({
    name: fc.string({ minLength: 1, maxLength: 3 }),
    runid: fc.option(fc.constantFrom('00', '0a', '7f', 'ff'), { nil: undefined }),
    slave_priority: fc.integer({ min: 1, max: 3 }),
    slave_repl_offset: fc.integer({ min: 0, max: 5 }),
  });

  test('sentinel.c compareSlavesForPromotion: the chosen replica has the lowest priority and, among those, the greatest offset', () => {
    fc.assert(
      fc.property(fc.array(arbCandidate, { minLength: 1, maxLength: 8 }), (cs) => {
        const all = cs.map((c) => ({ ...base, ...c }));
        const chosen = sentinelSelectSlave(all, ctx);
        const minPrio = Math.min(...all.map((c) => c.slave_priority));
        const maxOff = Math.max(...all.filter((c) => c.slave_priority === minPrio).map((c) => c.slave_repl_offset));
        expect(chosen?.slave_priority).toBe(minPrio);
        expect(chosen?.slave_repl_offset).toBe(maxOff);
      }),
    );
  });

  test('planted bug: an order that ignores the offset is caught by the property above', () => {
    const r = fc.check(
      fc.property(fc.array(arbCandidate, { minLength: 1, maxLength: 8 }), (cs) => {
        const all = cs.map((c) => ({ ...base, ...c }));
        const chosen = sentinelSelectSlave(all, ctx, plantedCompareIgnoringOffset);
        const minPrio = Math.min(...all.map((c) => c.slave_priority));
        const maxOff = Math.max(...all.filter((c) => c.slave_priority === minPrio).map((c) => c.slave_repl_offset));
        return chosen?.slave_repl_offset === maxOff;
      }),
      { numRuns: 2000, seed: 19 },
    );
    expect(r.failed).toBe(true);
  });

  test('the order is a total preorder: antisymmetric', () => {
    fc.assert(
      fc.property(arbCandidate, arbCandidate, (a, b) => {
        const x = { ...base, ...a };
        const y = { ...base, ...b };
        expect(Math.sign(compareSlavesForPromotion(x, y)) + Math.sign(compareSlavesForPromotion(y, x))).toBe(0);
      }),
    );
  });
});
