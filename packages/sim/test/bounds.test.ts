import { describe, expect, it } from 'vitest';
import { Sim, SimError, type NodeContext } from '@protolab/sim';
import { describePingPong, pinger, ponger, type AwaitPong, type PingPongMsg, type PingerStatus } from './ping-pong.js';

/** A node with a periodic timer (every `everyMs`, 0 = a livelock at one instant). */
const ticker = (everyMs: number) => (ctx: NodeContext<never>) => {
  ctx.armTimer('tick', everyMs);
  return { onTimer() { ctx.armTimer('tick', everyMs); } };
};

const code = (c: string): unknown => expect.objectContaining({ name: 'SimError', code: c }) as unknown;

describe('hostile arguments are typed SimErrors or documented bounds, never hangs (issue 13.11)', () => {
  it('new Sim({ seed }) refuses NaN, Infinity, 1.5 and non-seeds with BAD_OPTION', () => {
    for (const seed of [Number.NaN, Number.POSITIVE_INFINITY, 1.5, 2 ** 60, {} as unknown as number]) {
      expect(() => new Sim({ seed }), String(seed)).toThrow(code('BAD_OPTION'));
    }
    expect(() => new Sim({ seed: 'any string' })).not.toThrow();
  });

  it('startMs: NaN (with a periodic timer it could never end) is refused; so are bad osFlushDelayMs and maxStepsPerRun', () => {
    expect(() => new Sim({ seed: 1, startMs: Number.NaN })).toThrow(code('BAD_OPTION'));
    expect(() => new Sim({ seed: 1, startMs: Number.POSITIVE_INFINITY })).toThrow(code('BAD_OPTION'));
    expect(() => new Sim({ seed: 1, osFlushDelayMs: -1 })).toThrow(code('BAD_OPTION'));
    expect(() => new Sim({ seed: 1, maxStepsPerRun: 0 })).toThrow(code('BAD_OPTION'));
    const sim = new Sim({ seed: 1, startMs: 1_000 });
    sim.addNode('t', ticker(10));
    sim.runFor(25);
    expect(sim.now()).toBe(1_025);
    expect(sim.stats().timers).toBe(2);
  });

  it('runFor(Infinity), runFor(NaN), runFor(-1) and runUntil(NaN) are BAD_OPTION, even with a periodic timer', () => {
    const sim = new Sim({ seed: 1 });
    sim.addNode('t', ticker(10));
    expect(() => { sim.runFor(Number.POSITIVE_INFINITY); }).toThrow(code('BAD_OPTION'));
    expect(() => { sim.runFor(Number.NaN); }).toThrow(code('BAD_OPTION'));
    expect(() => { sim.runFor(-1); }).toThrow(code('BAD_OPTION'));
    expect(() => sim.runUntil(Number.NaN)).toThrow(code('BAD_OPTION'));
    expect(() => sim.runUntil(Number.POSITIVE_INFINITY)).toThrow(code('BAD_OPTION'));
    expect(sim.now()).toBe(0);
  });

  it('a zero-delay timer re-armed forever (a livelock at one instant) ends runFor with STEP_LIMIT', () => {
    const sim = new Sim({ seed: 1, maxStepsPerRun: 10_000 });
    sim.addNode('t', ticker(0));
    expect(() => { sim.runFor(1); }).toThrow(code('STEP_LIMIT'));
    expect(sim.stats().steps).toBe(10_000);
  });

  it('runUntil(pred) with a predicate that never holds returns false at maxSteps over a periodic timer', () => {
    const sim = new Sim({ seed: 1 });
    sim.addNode('t', ticker(10));
    expect(sim.runUntil(() => false, { maxSteps: 500 })).toBe(false);
    expect(sim.stats().steps).toBe(500);
    expect(sim.now()).toBe(5_000);
  });
});

describe('sim.request: inject, run until the node replies, return the reply', () => {
  const make = () => {
    const sim = new Sim<PingPongMsg, AwaitPong, PingerStatus>({ seed: 3, describe: describePingPong, link: { minDelayMs: 5, maxExtraDelayMs: 0 } });
    sim.addNode('pong', ponger);
    const ping = sim.addNode('ping', pinger('pong', { count: 3, retryMs: 50 }));
    return { sim, ping };
  };

  it('returns the reply as soon as it is given (pong 2 after two 10 ms round trips), and runs nothing after it', () => {
    const { sim, ping } = make();
    expect(sim.request('ping', { type: 'await-pong', n: 2 })).toEqual({ acked: 2, sent: 3 });
    expect(sim.now()).toBe(20);
    expect(ping.handlers().acked()).toBe(2);
    expect(sim.trace.at(-1)).toMatchObject({ kind: 'reply', node: 'ping', label: expect.stringContaining('"acked":2') as unknown });
  });

  it('no reply before untilMs → NO_REPLY, and the clock is at untilMs', () => {
    const { sim } = make();
    sim.partition(['ping'], ['pong']);
    expect(() => sim.request('ping', { type: 'await-pong', n: 1 }, { untilMs: 400 })).toThrow(code('NO_REPLY'));
    expect(sim.now()).toBe(400);
  });

  it('no reply within maxSteps, or before the queue runs dry → NO_REPLY naming the node and the input', () => {
    const { sim } = make();
    sim.partition(['ping'], ['pong']);
    expect(() => sim.request('ping', { type: 'await-pong', n: 1 }, { maxSteps: 30 })).toThrow(/no reply from ping to input #\d+ \(await-pong\) after 30 events/);
    sim.heal();
    expect(() => sim.request('ping', { type: 'await-pong', n: 4 })).toThrow(/the event queue ran dry/);
  });

  it('a crashed node never replies; its NodeRef says NODE_DOWN instead of handing out stale handlers', () => {
    const { sim, ping } = make();
    sim.crash('ping');
    expect(() => sim.request('ping', { type: 'await-pong', n: 1 }, { untilMs: 1_000 })).toThrow(SimError);
    expect(() => ping.handlers()).toThrow(code('NODE_DOWN'));
  });
});
