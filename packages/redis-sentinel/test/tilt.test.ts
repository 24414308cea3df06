import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SentinelNode, type SentinelOutput } from '../src/index.js';
import { SENTINEL_TILT_PERIOD, SENTINEL_TILT_TRIGGER } from '../src/tilt.js';

/**
 * TILT mode (redis/redis src/sentinel.c, 7.0): sentinelCheckTiltCondition runs first in every
 * timer run and enters TILT when the time since the previous run is negative or more than
 * SENTINEL_TILT_TRIGGER (2000 ms); sentinelHandleRedisInstance then skips its acting half until
 * SENTINEL_TILT_PERIOD (30 000 ms) has passed since TILT began. Expected values are computed here
 * from the gaps the test chose, never read back from the core.
 */
const M = '127.0.0.1:16400';
const R = '127.0.0.1:16401';

function core(quorum = 1): SentinelNode {
  return new SentinelNode('127.0.0.1:26400', 'a'.repeat(40), { masterName: 'mymaster', masterAddr: M, quorum, downAfterMs: 5000, failoverTimeoutMs: 60_000 }, () => 0);
}

const tilts = (n: SentinelNode): string[] => n.events.filter((e) => /^[+-]tilt /.test(e));

describe('sentinel.c sentinelCheckTiltCondition', () => {
  test('TILT_TRIGGER and TILT_PERIOD are 7.0\'s values (2 s, 30 pings of 1 s)', () => {
    expect(SENTINEL_TILT_TRIGGER).toBe(2000);
    expect(SENTINEL_TILT_PERIOD).toBe(30_000);
  });

  test('a timer gap over 2000 ms, or a clock that goes back, enters TILT ("+tilt #tilt mode entered"); gaps of at most 2000 ms never do', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 2001, max: 100_000 }), fc.integer({ min: -5000, max: -1 })), { minLength: 1, maxLength: 40 }), (gaps) => {
        const n = core();
        let t = 1_000_000;
        n.tick(t);
        // The test's own model: enter on a bad gap (restarting the 30 s), leave on the first run 30 s on.
        let entries = 0;
        let exits = 0;
        let inTilt = false;
        let start = 0;
        for (const g of gaps) {
          t += g;
          n.tick(t);
          if (g < 0 || g > 2000) [entries, inTilt, start] = [entries + 1, true, t];
          if (inTilt && t - start >= 30_000) [exits, inTilt] = [exits + 1, false];
        }
        expect(n.events.filter((e) => e === '+tilt #tilt mode entered').length).toBe(entries);
        expect(n.events.filter((e) => e === '-tilt #tilt mode exited').length).toBe(exits);
        expect(n.tilt.tilt).toBe(inTilt);
      }),
    );
  });

  test('the first tick never enters TILT, however late it comes (initSentinel stamps previous_time at start-up)', () => {
    const n = core();
    n.tick(1_765_000_000_000);
    expect(tilts(n)).toEqual([]);
  });
});

describe('sentinel.c sentinelHandleRedisInstance: in TILT the acting half is skipped for 30 s', () => {
  /** Ticks every `stepMs` from `from` to `to` (inclusive); PONGs only from `answering`; returns every output. */
  function run(n: SentinelNode, from: number, to: number, stepMs: number, answering: ReadonlySet<string>): SentinelOutput[] {
    const all: SentinelOutput[] = [];
    for (let t = from; t <= to; t += stepMs) {
      const outs = n.tick(t);
      all.push(...outs);
      for (const o of outs) if (o.msg.type === 'PING' && answering.has(o.to)) n.onMessage(o.to, { type: 'PONG' }, t);
    }
    return all;
  }

  test('a master silent through TILT gets no +sdown, no fail-over, and is-master-down-by-addr says 0, until the first tick 30 s after TILT began; PING and INFO go on all along', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2001, max: 20_000 }), fc.integer({ min: 100, max: 1000 }), (jump, step) => {
        const n = core();
        n.tick(0);
        n.onMessage(M, { type: 'INFO_REPLY', info: { runid: 'm'.repeat(40), role: 'master', master_host: undefined, slave_repl_offset: 0, slave_priority: 100, slaves: [R], master_link_down_time: 0 } }, 0);
        run(n, step, 1000, step, new Set([M, R]));
        const tiltAt = 1000 + jump; // the timer was held up: a stopped process
        const during = run(n, tiltAt, tiltAt + SENTINEL_TILT_PERIOD - 1, step, new Set([R])); // the master stops answering too
        expect(n.events).toContain('+tilt #tilt mode entered');
        expect(n.events.some((e) => e.startsWith('+sdown master') || e.startsWith('+odown') || e.startsWith('+try-failover'))).toBe(false);
        expect(n.isMasterDownByAddr(M, 0, '*', tiltAt + 10_000).down).toBe(false);
        expect(during.some((o) => o.to === M && o.msg.type === 'PING')).toBe(true);
        expect(during.some((o) => o.to === M && o.msg.type === 'INFO')).toBe(true);
        expect(n.tilt.tilt).toBe(true);
        // The first timer run at or after tiltAt + 30 s leaves TILT and acts at once.
        let t = tiltAt + SENTINEL_TILT_PERIOD - 1;
        while (n.tilt.tilt) n.tick((t += step));
        expect(t - tiltAt).toBeGreaterThanOrEqual(SENTINEL_TILT_PERIOD);
        expect(t - tiltAt).toBeLessThan(SENTINEL_TILT_PERIOD + step);
        const after = n.events.slice(n.events.indexOf('-tilt #tilt mode exited'));
        expect(after[1]).toBe(`+sdown master mymaster ${M}`);
        expect(n.isMasterDownByAddr(M, 0, '*', t).down).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  test('in TILT an INFO reply is recorded but not acted on: a replica that reports itself master is not converted back to a replica', () => {
    const n = core();
    n.tick(0);
    n.onMessage(M, { type: 'INFO_REPLY', info: { runid: 'm'.repeat(40), role: 'master', master_host: undefined, slave_repl_offset: 0, slave_priority: 100, slaves: [R], master_link_down_time: 0 } }, 0);
    for (let t = 1000; t <= 20_000; t += 1000) n.tick(t); // settled (past the 8 s after a config change)
    n.tick(25_000); // held up 5 s: TILT
    const replyOuts = n.onMessage(R, { type: 'INFO_REPLY', info: { runid: 'r'.repeat(40), role: 'master', master_host: undefined, slave_repl_offset: 10, slave_priority: 100, slaves: [], master_link_down_time: 0 } }, 25_000);
    expect(replyOuts).toEqual([]);
    expect(n.events).not.toContain(`+convert-to-slave slave ${R}`);
    expect(n.slaves.get(R)?.role).toBe('master'); // what INFO said is kept
    // Without TILT the same reply is acted on (so the check above can fail).
    const m = core();
    m.tick(0);
    m.onMessage(M, { type: 'INFO_REPLY', info: { runid: 'm'.repeat(40), role: 'master', master_host: undefined, slave_repl_offset: 0, slave_priority: 100, slaves: [R], master_link_down_time: 0 } }, 0);
    for (let t = 1000; t <= 25_000; t += 1000) {
      m.tick(t);
      m.onMessage(M, { type: 'PONG' }, t);
      m.onMessage(M, { type: 'INFO_REPLY', info: { runid: 'm'.repeat(40), role: 'master', master_host: undefined, slave_repl_offset: 0, slave_priority: 100, slaves: [R], master_link_down_time: 0 } }, t);
    }
    const acted = m.onMessage(R, { type: 'INFO_REPLY', info: { runid: 'r'.repeat(40), role: 'master', master_host: undefined, slave_repl_offset: 10, slave_priority: 100, slaves: [], master_link_down_time: 0 } }, 25_000);
    expect(acted).toEqual([{ to: R, msg: { type: 'REPLICAOF', host: M } }]);
  });
});
