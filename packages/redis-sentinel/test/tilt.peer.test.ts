import { afterEach, expect, test } from 'vitest';
import { describePeer } from '@protolab/testkit';
import { ask, eventsClient, ourSentinel, pair, realSentinel, stopAll, str, until } from './peer-helpers.js';

/**
 * TILT (redis/redis src/sentinel.c sentinelCheckTiltCondition, 7.0) beside a real redis-sentinel
 * 7.0.15: each sentinel's timer is held up for 3 s — the real one SIGSTOPped, ours by blocking
 * its event loop (`Atomics.wait`), which is what a stopped process looks like to a timer — and
 * each must then publish `+tilt` and, while in TILT, act on nothing: a master stopped past
 * down-after-milliseconds gets no S_DOWN flag and is-master-down-by-addr answers "not down".
 */
afterEach(stopAll);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface TiltView {
  events: string[];
  tiltLine: string;
  sinceSeconds: number;
  flagsWhileMasterStopped: string;
  isMasterDown: string;
}

async function tiltOf(port: number, masterPort: number, masterPid: number, stall: () => Promise<void>): Promise<TiltView> {
  const { c, seen: events } = await eventsClient(port);
  await c.call('SUBSCRIBE', '+tilt', '-tilt', '+sdown');
  await stall();
  await until('+tilt', () => events.length > 0, 10_000);
  const info = str(await ask(port, 'INFO', 'sentinel'));
  const tiltLine = /sentinel_tilt:\d+/.exec(info)?.[0] ?? '';
  const sinceSeconds = Number(/sentinel_tilt_since_seconds:(-?\d+)/.exec(info)?.[1] ?? 'NaN');
  // In TILT: the master stopped for twice down-after (2 s) is not flagged S_DOWN.
  process.kill(masterPid, 'SIGSTOP');
  let flagsWhileMasterStopped: string;
  let isMasterDown: string;
  try {
    await sleep(4500);
    const row = await ask(port, 'SENTINEL', 'master', 'mymaster');
    const fields = row.type === 'array' ? row.value.map(str) : [];
    flagsWhileMasterStopped = (fields[fields.indexOf('flags') + 1] ?? '').replace(',disconnected', '');
    const down = await ask(port, 'SENTINEL', 'is-master-down-by-addr', '127.0.0.1', String(masterPort), '0', '*');
    isMasterDown = down.type === 'array' ? down.value.map((x) => (x.type === 'integer' ? String(x.value) : str(x))).join(' ') : '';
  } finally {
    process.kill(masterPid, 'SIGCONT');
  }
  return { events: [...events], tiltLine, sinceSeconds, flagsWhileMasterStopped, isMasterDown };
}

describePeer('redis-sentinel', 'TILT mode: ours beside a real redis-sentinel', (sentinelBin) => {
  test('a timer held up for 3 s: both publish "+tilt #tilt mode entered", say sentinel_tilt:1, and then flag no S_DOWN and answer "not down" for a stopped master', async () => {
    const a = await pair();
    const real = await realSentinel(sentinelBin, a.master.port);
    const realView = await tiltOf(real.port, a.master.port, a.master.pid, async () => {
      process.kill(real.pid, 'SIGSTOP');
      await sleep(3000);
      process.kill(real.pid, 'SIGCONT');
    });
    const b = await pair();
    const ours = await ourSentinel(b.master.port);
    const ourView = await tiltOf(ours.port, b.master.port, b.master.pid, async () => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
      await Promise.resolve();
    });
    expect(realView.events).toEqual(['+tilt #tilt mode entered']);
    expect(realView.tiltLine).toBe('sentinel_tilt:1');
    expect(realView.sinceSeconds).toBeGreaterThanOrEqual(0);
    expect(realView.sinceSeconds).toBeLessThanOrEqual(2);
    expect(realView.flagsWhileMasterStopped).toBe('master');
    expect(realView.isMasterDown).toBe('0 * 0');
    expect(ourView.events).toEqual(realView.events);
    expect(ourView.tiltLine).toBe(realView.tiltLine);
    expect(ourView.sinceSeconds).toBeGreaterThanOrEqual(0);
    expect(ourView.sinceSeconds).toBeLessThanOrEqual(2);
    expect(ourView.flagsWhileMasterStopped).toBe(realView.flagsWhileMasterStopped);
    expect(ourView.isMasterDown).toBe(realView.isMasterDown);
  }, 90_000);
});
