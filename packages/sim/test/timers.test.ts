import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sim, SimError, type NodeContext } from '@protolab/sim';

/** A node whose inputs arm/disarm named timers; it logs what fires and when. */
type TimerInput = { readonly op: 'arm'; readonly name: string; readonly delayMs: number; readonly data?: unknown } | { readonly op: 'disarm'; readonly name: string };

function timerNode(log: { name: string; t: number; data: unknown }[]) {
  return (ctx: NodeContext<never>) => ({
    ctx,
    onInput(input: TimerInput) {
      if (input.op === 'arm') ctx.armTimer(input.name, input.delayMs, input.data);
      else ctx.disarmTimer(input.name);
    },
    onTimer(name: string, data: unknown) { log.push({ name, t: ctx.now(), data }); },
  });
}

describe('named timers (armTimer / disarmTimer / timerDeadline)', () => {
  it('a re-armed timer fires once, at its last deadline, with its last data', () => {
    const log: { name: string; t: number; data: unknown }[] = [];
    const sim = new Sim<never, TimerInput>({ seed: 1 });
    const n = sim.addNode('n', timerNode(log));
    sim.inject('n', { op: 'arm', name: 'election', delayMs: 100, data: 'first' });
    sim.runFor(10);
    sim.inject('n', { op: 'arm', name: 'election', delayMs: 200, data: 'second' });
    sim.runFor(1);
    expect(n.handlers().ctx.timerDeadline('election')).toBe(210);
    sim.runFor(1_000);
    expect(log).toEqual([{ name: 'election', t: 210, data: 'second' }]);
    expect(n.handlers().ctx.timerDeadline('election')).toBeUndefined();
  });

  it('a disarmed timer never fires; timers of other names are untouched', () => {
    const log: { name: string; t: number; data: unknown }[] = [];
    const sim = new Sim<never, TimerInput>({ seed: 1 });
    sim.addNode('n', timerNode(log));
    sim.inject('n', { op: 'arm', name: 'a', delayMs: 50 });
    sim.inject('n', { op: 'arm', name: 'b', delayMs: 60 });
    sim.inject('n', { op: 'disarm', name: 'a' });
    sim.inject('n', { op: 'disarm', name: 'never-armed' });
    sim.runFor(1_000);
    expect(log.map((e) => [e.name, e.t])).toEqual([['b', 60]]);
    expect(sim.pending()).toEqual([]);
  });

  it('re-arming a million times keeps the heap bounded (lazy deletion is compacted)', () => {
    let maxHeap = 0;
    const sim = new Sim<never, null>({ seed: 1, trace: false });
    let fired = 0;
    sim.addNode('n', (ctx) => ({
      onInput() {
        for (let i = 0; i < 1_000_000; i++) {
          ctx.armTimer('t', 10 + (i % 7));
          if (i % 10_000 === 0) maxHeap = Math.max(maxHeap, (sim as unknown as { queue: { heapSize: number } }).queue.heapSize);
        }
      },
      onTimer() { fired++; },
    }));
    sim.inject('n', null);
    sim.runFor(100);
    expect(fired).toBe(1);
    expect(maxHeap).toBeLessThan(200);
  });

  it('a crash disarms every named timer; the restarted node starts with none', () => {
    const log: { name: string; t: number; data: unknown }[] = [];
    const sim = new Sim<never, TimerInput>({ seed: 1 });
    const n = sim.addNode('n', timerNode(log));
    sim.inject('n', { op: 'arm', name: 'a', delayMs: 50 });
    sim.runFor(1);
    sim.crash('n');
    sim.restart('n');
    expect(n.handlers().ctx.timerDeadline('a')).toBeUndefined();
    sim.runFor(100);
    expect(log).toEqual([]);
  });

  it('rejects negative, NaN and infinite delays with SimError BAD_OPTION', () => {
    fc.assert(fc.property(fc.constantFrom(-1, Number.NaN, Number.POSITIVE_INFINITY), (delayMs) => {
      const sim = new Sim<never, TimerInput>({ seed: 1 });
      sim.addNode('n', timerNode([]));
      sim.inject('n', { op: 'arm', name: 'x', delayMs });
      expect(() => sim.step()).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
      expect(() => { sim.addNode('m', (ctx) => { ctx.setTimer(delayMs, 'y'); return {}; }); }).toThrow(SimError);
    }));
  });
});
