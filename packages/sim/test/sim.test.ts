import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvariantViolation,
  Sim,
  SimError,
  randomLinkOptions,
  renderMermaid,
  renderTrace,
  runWithInvariants,
  type NodeHandlers,
} from '@protolab/sim';
import { describePingPong, pinger, ponger, type PingPongMsg, type Pinger } from './ping-pong.js';

/** A ping-pong run under faults drawn from the seed, with a partition in the middle. */
function pingPongRun(seed: number, opts: { count?: number; partitionAt?: number } = {}): Sim<PingPongMsg> {
  const sim = new Sim<PingPongMsg>({ seed, describe: describePingPong });
  sim.setDefaultLink(randomLinkOptions(sim.random('faults'), { lossRate: 0.3 }));
  sim.addNode('ping', pinger('pong', { count: opts.count ?? 5 }));
  sim.addNode('pong', ponger);
  sim.runFor(opts.partitionAt ?? 150);
  sim.partition(['ping'], ['pong']);
  sim.runFor(300);
  sim.heal();
  sim.runUntil((s) => s.node<NodeHandlers<PingPongMsg> & Pinger>('ping').acked() >= (opts.count ?? 5), { maxSteps: 100_000 });
  return sim;
}

/** A node that records what it receives, with the virtual time of each delivery. */
function recorder(log: { from: string; msg: number; t: number }[]) {
  return (ctx: { now(): number }): NodeHandlers<number> => ({
    onMessage(from, msg) { log.push({ from, msg, t: ctx.now() }); },
  });
}

/** A node that sends the numbers 0..n-1 to `to` when poked. */
function sender(to: string, n: number) {
  return (ctx: { send(to: string, m: number): void }): NodeHandlers<number> => ({
    onInput() { for (let i = 0; i < n; i++) ctx.send(to, i); },
  });
}

describe('Sim: determinism', () => {
  it('the same seed gives a byte-identical trace (text and Mermaid)', () => {
    fc.assert(fc.property(fc.integer(), (seed) => {
      const a = pingPongRun(seed);
      const b = pingPongRun(seed);
      expect(renderTrace(b.trace)).toBe(renderTrace(a.trace));
      expect(renderMermaid(b.trace)).toBe(renderMermaid(a.trace));
      expect(b.stats()).toEqual(a.stats());
    }), { numRuns: 30 });
  });

  it('different seeds give different traces (the seed really drives the faults)', () => {
    const traces = new Set([1, 2, 3, 4, 5].map((s) => renderTrace(pingPongRun(s).trace)));
    expect(traces.size).toBeGreaterThan(1);
  });

  it('ping-pong completes despite loss and a partition (retransmission works)', () => {
    fc.assert(fc.property(fc.integer(), (seed) => {
      const sim = pingPongRun(seed);
      expect(sim.node<NodeHandlers<PingPongMsg> & Pinger>('ping').acked()).toBe(5);
    }), { numRuns: 30 });
  });
});

describe('Sim: network', () => {
  const linkArb = fc.record({
    minDelayMs: fc.nat({ max: 20 }),
    maxExtraDelayMs: fc.nat({ max: 50 }),
    lossRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
    dupRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
    reorderRate: fc.double({ min: 0, max: 1, noNaN: true }),
  });

  it('no message is delivered before its link delay', () => {
    fc.assert(fc.property(fc.integer(), linkArb, (seed, link) => {
      const sim = new Sim<number>({ seed, link });
      const log: { from: string; msg: number; t: number }[] = [];
      sim.addNode('a', sender('b', 20));
      sim.addNode('b', recorder(log));
      sim.runFor(7);
      sim.inject('a', 'go');
      const sentAt = sim.now();
      sim.runUntil(() => false);
      for (const r of log) expect(r.t).toBeGreaterThanOrEqual(sentAt + link.minDelayMs);
    }));
  });

  it('a partitioned link delivers nothing, in either direction; heal restores it', () => {
    fc.assert(fc.property(fc.integer(), fc.nat({ max: 30 }), (seed, n) => {
      const sim = new Sim<number>({ seed });
      const logB: { from: string; msg: number; t: number }[] = [];
      const logA: { from: string; msg: number; t: number }[] = [];
      sim.addNode('a', (ctx) => ({ ...recorder(logA)(ctx), ...sender('b', n)(ctx) }));
      sim.addNode('b', (ctx) => ({ ...recorder(logB)(ctx), ...sender('a', n)(ctx) }));
      sim.partition(['a'], ['b']);
      sim.inject('a', 'go');
      sim.inject('b', 'go');
      sim.runUntil(() => false);
      expect(logA).toEqual([]);
      expect(logB).toEqual([]);
      sim.heal();
      sim.inject('a', 'go');
      sim.runUntil(() => false);
      expect(logB.length).toBe(n);
    }));
  });

  it('a partition that starts while messages are in flight drops them at delivery', () => {
    const sim = new Sim<number>({ seed: 1, link: { minDelayMs: 10 } });
    const log: { from: string; msg: number; t: number }[] = [];
    sim.addNode('a', sender('b', 3));
    sim.addNode('b', recorder(log));
    sim.inject('a', 'go');
    sim.step(); // the input: three messages now in flight
    sim.partition(['a'], ['b']);
    sim.runUntil(() => false);
    expect(log).toEqual([]);
    expect(sim.trace.filter((e) => e.kind === 'drop' && e.reason === 'partition')).toHaveLength(3);
  });

  it('a one-way partition blocks only its direction', () => {
    const sim = new Sim<number>({ seed: 3 });
    const logA: { from: string; msg: number; t: number }[] = [];
    const logB: { from: string; msg: number; t: number }[] = [];
    sim.addNode('a', (ctx) => ({ ...recorder(logA)(ctx), ...sender('b', 2)(ctx) }));
    sim.addNode('b', (ctx) => ({ ...recorder(logB)(ctx), ...sender('a', 2)(ctx) }));
    sim.partitionOneWay(['a'], ['b']);
    sim.inject('a', 'go');
    sim.inject('b', 'go');
    sim.runUntil(() => false);
    expect(logB).toEqual([]);
    expect(logA.map((r) => r.msg)).toEqual([0, 1]);
  });

  it('links are FIFO unless reordering is on', () => {
    fc.assert(fc.property(fc.integer(), (seed) => {
      const sim = new Sim<number>({ seed, link: { minDelayMs: 0, maxExtraDelayMs: 100 } });
      const log: { from: string; msg: number; t: number }[] = [];
      sim.addNode('a', sender('b', 50));
      sim.addNode('b', recorder(log));
      sim.inject('a', 'go');
      sim.runUntil(() => false);
      expect(log.map((r) => r.msg)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    }), { numRuns: 50 });
  });

  it('with reordering on, some seed delivers out of send order ("sometimes")', () => {
    let reordered = 0;
    for (let seed = 0; seed < 20; seed++) {
      const sim = new Sim<number>({ seed, link: { minDelayMs: 0, maxExtraDelayMs: 100, reorderRate: 0.5 } });
      const log: { from: string; msg: number; t: number }[] = [];
      sim.addNode('a', sender('b', 20));
      sim.addNode('b', recorder(log));
      sim.inject('a', 'go');
      sim.runUntil(() => false);
      if (log.some((r, i) => r.msg !== i)) reordered++;
    }
    expect(reordered).toBeGreaterThan(0);
  });

  it('a clogged link holds messages and delivers all of them after unclog', () => {
    const sim = new Sim<number>({ seed: 9 });
    const log: { from: string; msg: number; t: number }[] = [];
    sim.addNode('a', sender('b', 4));
    sim.addNode('b', recorder(log));
    sim.clog('a', 'b');
    sim.inject('a', 'go');
    sim.runFor(1000);
    expect(log).toEqual([]);
    expect(sim.heldMessages()).toHaveLength(4);
    sim.unclog('a', 'b');
    sim.runUntil(() => false);
    expect(log.map((r) => r.msg)).toEqual([0, 1, 2, 3]);
  });

  it('duplication delivers a message twice and says so in the trace', () => {
    const sim = new Sim<number>({ seed: 5, link: { dupRate: 1 } });
    const log: { from: string; msg: number; t: number }[] = [];
    sim.addNode('a', sender('b', 1));
    sim.addNode('b', recorder(log));
    sim.inject('a', 'go');
    sim.runUntil(() => false);
    expect(log.map((r) => r.msg)).toEqual([0, 0]);
    expect(sim.stats().duplicated).toBe(1);
  });

  it('rejects bad link options and unknown nodes with typed errors', () => {
    const sim = new Sim<number>({ seed: 1 });
    expect(() => { sim.setDefaultLink({ lossRate: Number.NaN }); }).toThrow(SimError);
    expect(() => { sim.setDefaultLink({ minDelayMs: -1 }); }).toThrow(/minDelayMs/);
    expect(() => { sim.crash('ghost'); }).toThrow(expect.objectContaining({ code: 'UNKNOWN_NODE' }));
    sim.addNode('a', () => ({}));
    expect(() => { sim.addNode('a', () => ({})); }).toThrow(expect.objectContaining({ code: 'DUPLICATE_NODE' }));
    expect(() => { sim.runFor(-1); }).toThrow(SimError);
  });
});

describe('Sim: clock and hand control', () => {
  it('timers fire at their virtual time and runFor moves the clock exactly', () => {
    const fired: number[] = [];
    const sim = new Sim({ seed: 1 });
    sim.addNode('a', (ctx) => {
      ctx.setTimer(30, 't1');
      ctx.setTimer(10, 't2');
      return { onTimer: () => { fired.push(ctx.now()); } };
    });
    expect(sim.nextWakeup()).toBe(10);
    sim.runFor(25);
    expect(fired).toEqual([10]);
    expect(sim.now()).toBe(25);
    sim.runFor(100);
    expect(fired).toEqual([10, 30]);
    expect(sim.now()).toBe(125);
  });

  it('nodes exposing nextWakeup are woken at that time (quinn-style poll_timeout)', () => {
    const wakes: number[] = [];
    const sim = new Sim({ seed: 1 });
    sim.addNode('core', (ctx) => {
      let deadline = 50;
      return {
        nextWakeup: () => deadline,
        onWakeup: () => { wakes.push(ctx.now()); deadline += 50; },
      };
    });
    sim.runFor(175);
    expect(wakes).toEqual([50, 100, 150]);
  });

  it('pending() lists events in run order; deliver(id) runs one out of order; drop(id) loses it', () => {
    const sim = new Sim<number>({ seed: 2, link: { minDelayMs: 10, maxExtraDelayMs: 0 } });
    const log: { from: string; msg: number; t: number }[] = [];
    sim.addNode('a', sender('b', 3));
    sim.addNode('b', recorder(log));
    sim.inject('a', 'go');
    sim.step();
    const p = sim.pending();
    expect(p.map((e) => e.label)).toEqual(['0', '1', '2']);
    sim.deliver(p[2]!.id);
    sim.drop(p[0]!.id);
    sim.runUntil(() => false);
    expect(log.map((r) => r.msg)).toEqual([2, 1]);
    expect(() => { sim.deliver(p[0]!.id); }).toThrow(expect.objectContaining({ code: 'UNKNOWN_EVENT' }));
  });

  it('restore gives the same future as the original run', () => {
    fc.assert(fc.property(fc.integer(), fc.nat({ max: 300 }), (seed, cut) => {
      const sim = pingPongRun(seed, { count: 3 });
      const full = renderTrace(sim.trace);
      // Rebuild the same run, snapshot it part-way, branch it, restore, and run to the end.
      const again = new Sim<PingPongMsg>({ seed, describe: describePingPong });
      again.setDefaultLink(randomLinkOptions(again.random('faults'), { lossRate: 0.3 }));
      again.addNode('ping', pinger('pong', { count: 3 }));
      again.addNode('pong', ponger);
      again.runFor(Math.min(cut, 150));
      const snap = again.snapshot();
      again.crash('pong'); // a branch that never happened in the original
      again.runFor(500);
      again.restore(snap);
      again.runFor(150 - Math.min(cut, 150));
      again.partition(['ping'], ['pong']);
      again.runFor(300);
      again.heal();
      again.runUntil((s) => s.node<NodeHandlers<PingPongMsg> & Pinger>('ping').acked() >= 3, { maxSteps: 100_000 });
      expect(renderTrace(again.trace)).toBe(full);
    }), { numRuns: 25 });
  });
});

describe('Sim: crash and restart', () => {
  it('a restarted node keeps only its durable storage and fsynced (or OS-flushed) disk bytes', () => {
    fc.assert(fc.property(fc.integer(), fc.array(fc.record({ bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }), sync: fc.boolean(), gapMs: fc.nat({ max: 20_000 }) }), { maxLength: 12 }), (seed, writes) => {
      const sim = new Sim({ seed, osFlushDelayMs: 30_000 });
      let memory = 0;
      sim.addNode('n', (ctx) => ({
        onInput(input) {
          const w = input as { bytes: Uint8Array; sync: boolean };
          memory++;
          ctx.disk.write('log', w.bytes);
          if (w.sync) ctx.disk.fsync('log');
          ctx.storage.set('count', memory);
        },
      }));
      let expected: number[] = [];
      let visible: number[] = [];
      const pending: { at: number; bytes: number[] }[] = [];
      for (const w of writes) {
        sim.runFor(w.gapMs);
        sim.inject('n', w);
        sim.step();
        visible = [...visible, ...w.bytes];
        pending.push({ at: sim.now(), bytes: [...w.bytes] });
        if (w.sync) { expected = [...visible]; pending.length = 0; }
      }
      for (const p of pending) if (p.at <= sim.now() - 30_000) expected = [...expected, ...p.bytes]; else break;
      sim.crash('n');
      sim.restart('n');
      const disk = sim.diskOf('n');
      expect(writes.length === 0 ? [] : [...disk.read('log')]).toEqual(expected);
      expect(sim.storageOf('n').get('count') ?? 0).toBe(writes.length);
    }));
  });

  it('after any mix of appends, truncates and fsyncs, a crash leaves exactly the content at the last fsync', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('write' as const), bytes: fc.uint8Array({ maxLength: 12 }) }),
      fc.record({ kind: fc.constant('truncate' as const), length: fc.nat({ max: 40 }) }),
      fc.record({ kind: fc.constant('fsync' as const) }),
    );
    fc.assert(fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
      const sim = new Sim({ seed: 1, osFlushDelayMs: 1_000_000 });
      sim.addNode('n', () => ({}));
      const disk = sim.diskOf('n');
      disk.create('f');
      let model: number[] = [];
      let durable: number[] = [];
      for (const o of ops) {
        if (o.kind === 'write') { disk.write('f', o.bytes); model = [...model, ...o.bytes]; }
        else if (o.kind === 'truncate') { disk.truncate('f', o.length); model = o.length <= model.length ? model.slice(0, o.length) : [...model, ...new Array<number>(o.length - model.length).fill(0)]; }
        else { disk.fsync('f'); durable = [...model]; }
        expect([...disk.read('f')]).toEqual(model);
        expect(disk.size('f')).toBe(model.length);
      }
      sim.crash('n');
      expect([...disk.read('f')]).toEqual(durable);
    }));
  });

  it('with torn writes, the survivor is the durable content plus a prefix of the next write', () => {
    fc.assert(fc.property(fc.integer(), fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.uint8Array({ minLength: 1, maxLength: 20 }), (seed, a, b) => {
      const sim = new Sim({ seed, tornWrites: true });
      sim.addNode('n', () => ({}));
      const disk = sim.diskOf('n');
      disk.write('f', a);
      disk.fsync('f');
      disk.write('f', b);
      sim.crash('n');
      const got = disk.read('f');
      expect([...got.subarray(0, a.length)]).toEqual([...a]);
      expect(got.length).toBeLessThanOrEqual(a.length + b.length);
      expect([...got.subarray(a.length)]).toEqual([...b.subarray(0, got.length - a.length)]);
    }));
  });

  it('a crashed node gets no messages and its timers never fire; in-flight messages to it are lost', () => {
    const sim = new Sim<number>({ seed: 4, link: { minDelayMs: 10 } });
    const log: { from: string; msg: number; t: number }[] = [];
    let fired = 0;
    sim.addNode('a', sender('b', 2));
    sim.addNode('b', (ctx) => { ctx.setTimer(5, 'x'); return { ...recorder(log)(ctx), onTimer: () => { fired++; } }; });
    sim.inject('a', 'go');
    sim.step();
    sim.crash('b');
    sim.runFor(100);
    sim.restart('b');
    sim.runUntil(() => false);
    expect(log).toEqual([]);
    expect(fired).toBe(1); // only the restarted incarnation's timer
    expect(sim.trace.filter((e) => e.kind === 'drop' && e.reason === 'node down')).toHaveLength(2);
  });
});

describe('runWithInvariants', () => {
  it('names the broken invariant, the seed and the states before and after', () => {
    const sim = new Sim<PingPongMsg>({ seed: 11, describe: describePingPong });
    sim.addNode('ping', pinger('pong', { count: 5 }));
    sim.addNode('pong', ponger);
    const run = (): number => runWithInvariants({
      sim,
      invariants: [{ name: 'acked stays below 3 (planted to fail)', check: (s) => s.node<NodeHandlers<PingPongMsg> & Pinger>('ping').acked() < 3 || 'acked reached 3' }],
      state: (s) => ({ acked: s.node<NodeHandlers<PingPongMsg> & Pinger>('ping').acked() }),
      untilMs: 10_000,
    });
    expect(run).toThrow(InvariantViolation);
    try {
      run();
    } catch (e) {
      const v = e as InvariantViolation;
      expect(v.invariant).toBe('acked stays below 3 (planted to fail)');
      expect(v.seed).toBe(11);
      expect(v.message).toContain('seed: 11');
      expect(v.after).toEqual({ acked: 3 });
    }
  });

  it('passes silently and returns the step count when every invariant holds', () => {
    const sim = new Sim<PingPongMsg>({ seed: 12, describe: describePingPong });
    sim.addNode('ping', pinger('pong', { count: 5 }));
    sim.addNode('pong', ponger);
    const steps = runWithInvariants({ sim, invariants: [{ name: 'acked never exceeds count', check: (s) => s.node<NodeHandlers<PingPongMsg> & Pinger>('ping').acked() <= 5 }], untilMs: 10_000 });
    expect(steps).toBeGreaterThan(10);
    expect(sim.node<NodeHandlers<PingPongMsg> & Pinger>('ping').acked()).toBe(5);
  });
});

describe('renderings', () => {
  it('the text trace has fixed columns and a legend; Mermaid shows lost messages with -x', () => {
    const sim = new Sim<PingPongMsg>({ seed: 1, describe: describePingPong, link: { minDelayMs: 5, maxExtraDelayMs: 0 } });
    sim.addNode('pong', ponger);
    sim.partition(['ping'], ['pong']);
    sim.addNode('ping', pinger('pong', { count: 1, retryMs: 100 }));
    sim.runFor(50);
    sim.heal();
    sim.runUntil(() => false);
    const text = renderTrace(sim.trace);
    expect(text).toContain('legend:');
    expect(text).toContain('        0  drop      ping -x pong           #1     ping 1 (partition)');
    expect(text).toContain('      105  deliver   ping -> pong           #3     ping 1');
    const mermaid = renderMermaid(sim.trace, { times: false });
    expect(mermaid.split('\n').slice(0, 3)).toEqual(['sequenceDiagram', '    participant pong as pong', '    participant ping as ping']);
    expect(mermaid).toContain('    ping-xpong: ping 1 lost (partition)');
    expect(mermaid).toContain('    pong->>ping: pong 1');
  });
});
