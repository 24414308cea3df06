/**
 * The fsync policies under @protolab/sim's crash model (SimDisk: a crash keeps fsynced bytes plus
 * what the simulated OS wrote back, which is every change older than osFlushDelayMs; with torn
 * writes, a random prefix of the first change that was not yet durable).
 */
import fc from 'fast-check';
import { Sim } from '@protolab/sim';
import { describe, expect, it } from 'vitest';
import { aofServer, type AofAck, type AofServerNode, type AppendFsync } from '../src/index.js';
import { TinyKeyspace, dumpOf } from './helpers.js';

type Op =
  | { kind: 'cmd'; argv: string[]; gapMs: number }
  | { kind: 'tx'; cmds: string[][]; gapMs: number }
  | { kind: 'rewrite'; gapMs: number };

const key = fc.constantFrom('a', 'b', 'c', 'd');
const write = fc.oneof(
  fc.tuple(key, fc.string({ maxLength: 6 })).map(([k, v]) => ['SET', k, v]),
  key.map((k) => ['INCR', `n${k}`]),
  fc.tuple(key, fc.string({ maxLength: 4 })).map(([k, v]) => ['RPUSH', `l${k}`, v]),
  key.map((k) => ['DEL', k]),
  fc.integer({ min: 0, max: 2 }).map((db) => ['SELECT', String(db)]),
);
const op = (maxGapMs: number, rewrites = false): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: rewrites ? 1 : 0, arbitrary: fc.record({ kind: fc.constant('rewrite' as const), gapMs: fc.integer({ min: 0, max: maxGapMs }) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('cmd' as const), argv: write, gapMs: fc.integer({ min: 0, max: maxGapMs }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('tx' as const), cmds: fc.array(write.filter((w) => w[0] !== 'SELECT'), { minLength: 1, maxLength: 3 }), gapMs: fc.integer({ min: 0, max: maxGapMs }) }) },
  );

interface RunResult {
  /** Model state after each acknowledged request (index 0 = before any). */
  states: string[][];
  /**
   * The state if the request in flight at the crash (executed and written, not yet acknowledged:
   * its fdatasync had not returned) survived too. Redis promises nothing about it either way.
   */
  withInFlight: string[] | undefined;
  acks: AofAck[];
  crashAtMs: number;
  recovered: string[];
}

const START_MS = 1_700_000_000_000;

/** Run a workload, crash at `crashAfterMs`, restart, and return what the restarted server holds. */
function run(policy: AppendFsync, ops: Op[], crashAfterMs: number, seed: number, sim: { tornWrites: boolean; osFlushDelayMs: number; fsyncDurationMs: number; rewriteDurationMs?: number }): RunResult {
  const s = new Sim<never>({ seed, tornWrites: sim.tornWrites, osFlushDelayMs: sim.osFlushDelayMs, startMs: START_MS, trace: false });
  const acks: AofAck[] = [];
  s.addNode(
    'redis',
    aofServer({
      appendfsync: policy,
      useRdbPreamble: false,
      fsyncDurationMs: sim.fsyncDurationMs,
      rewriteDurationMs: sim.rewriteDurationMs ?? 0,
      keyspace: (_now, onPropagate) => new TinyKeyspace(onPropagate),
      onAck: (a) => acks.push(a),
    }),
  );
  // The model: the same requests applied to a keyspace without any AOF, one state per ack.
  const model = new TinyKeyspace();
  const states: string[][] = [model.dump()];
  const crashAtMs = START_MS + crashAfterMs;
  let t = START_MS;
  let injected = 0;
  ops.forEach((o, id) => {
    t += o.gapMs;
    if (t > crashAtMs) return;
    injected++;
    s.runUntil(t);
    if (o.kind === 'cmd') s.inject('redis', { type: 'command', id, argv: o.argv });
    else if (o.kind === 'tx') s.inject('redis', { type: 'transaction', id, commands: o.cmds });
    else s.inject('redis', { type: 'bgrewriteaof' });
  });
  s.runUntil(crashAtMs);
  const apply = (o: Op): void => {
    if (o.kind === 'cmd') model.execute(o.argv);
    else if (o.kind === 'tx') {
      model.execute(['MULTI']);
      for (const c of o.cmds) model.execute(c);
      model.execute(['EXEC']);
    }
  };
  for (const a of acks) {
    apply(ops[a.id]!);
    states.push(model.dump());
  }
  // The request in flight: the first injected request (in order) that was not acknowledged.
  let withInFlight: string[] | undefined;
  const ackedIds = new Set(acks.map((a) => a.id));
  const nextId = ops.findIndex((o, id) => o.kind !== 'rewrite' && !ackedIds.has(id));
  if (nextId >= 0 && nextId < injected) {
    apply(ops[nextId]!);
    withInFlight = model.dump();
  }
  s.crash('redis');
  s.restart('redis');
  const recovered = dumpOf(s.node<AofServerNode>('redis').ks);
  return { states, withInFlight, acks, crashAtMs, recovered };
}

/** The number of acknowledged requests whose effects the recovered state shows (a prefix), or -1. */
function survivingPrefix(r: RunResult): number {
  for (let k = r.states.length - 1; k >= 0; k--) if (JSON.stringify(r.states[k]) === JSON.stringify(r.recovered)) return k;
  return -1;
}

const workload = (maxGapMs: number, rewrites = false) => fc.array(op(maxGapMs, rewrites), { minLength: 1, maxLength: 40 });

describe('appendfsync under a crash (aof.c flushAppendOnlyFile + beforeSleep ordering)', () => {
  it('always: every acknowledged write survives any crash point, torn writes included', () => {
    fc.assert(
      fc.property(workload(300), fc.integer({ min: 0, max: 15_000 }), fc.integer(), fc.integer({ min: 0, max: 30 }), (ops, crashAfter, seed, fsyncMs) => {
        const r = run('always', ops, crashAfter, seed, { tornWrites: true, osFlushDelayMs: 30_000, fsyncDurationMs: fsyncMs });
        const acked = JSON.stringify(r.recovered) === JSON.stringify(r.states[r.acks.length]);
        const plusInFlight = r.withInFlight !== undefined && JSON.stringify(r.recovered) === JSON.stringify(r.withInFlight);
        expect(acked || plusInFlight, `recovered ${JSON.stringify(r.recovered)}, acknowledged state ${JSON.stringify(r.states[r.acks.length])}`).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('always, with BGREWRITEAOF running (its child taking 0..800 ms) while writes continue: every acknowledged write survives any crash point', () => {
    fc.assert(
      fc.property(fc.array(op(300, true), { minLength: 10, maxLength: 40 }), fc.integer({ min: 0, max: 12_000 }), fc.integer(), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 800 }), (ops, crashAfter, seed, fsyncMs, rewriteMs) => {
        const r = run('always', ops, crashAfter, seed, { tornWrites: true, osFlushDelayMs: 30_000, fsyncDurationMs: fsyncMs, rewriteDurationMs: rewriteMs });
        const acked = JSON.stringify(r.recovered) === JSON.stringify(r.states[r.acks.length]);
        const plusInFlight = r.withInFlight !== undefined && JSON.stringify(r.recovered) === JSON.stringify(r.withInFlight);
        expect(acked || plusInFlight, `recovered ${JSON.stringify(r.recovered)}, acknowledged state ${JSON.stringify(r.states[r.acks.length])}`).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('everysec on a slow disk (fsync 0.5..3 s, writes postponed up to 2 s): the replay is still the state after a prefix of the acknowledged writes', () => {
    let delayedSeen = 0;
    fc.assert(
      fc.property(fc.array(op(150), { minLength: 30, maxLength: 60 }), fc.integer({ min: 2000, max: 8000 }), fc.integer(), fc.integer({ min: 500, max: 3000 }), (ops, crashAfter, seed, fsyncMs) => {
        const r = run('everysec', ops, crashAfter, seed, { tornWrites: true, osFlushDelayMs: 30_000, fsyncDurationMs: fsyncMs });
        expect(survivingPrefix(r)).toBeGreaterThanOrEqual(0);
        if (r.acks.some((a) => a.flush === 'postponed')) delayedSeen++;
      }),
      { numRuns: 40 },
    );
    expect(delayedSeen).toBeGreaterThan(0); // the postponement really happened
  });

  it('everysec on a fast disk: replay is the state after some prefix of the acknowledged writes, and only writes of the last 2 s can be missing', () => {
    let runsWithLoss = 0;
    fc.assert(
      fc.property(fc.array(op(400), { minLength: 10, maxLength: 40 }), fc.integer({ min: 0, max: 6000 }), fc.integer(), fc.integer({ min: 0, max: 50 }), (ops, crashAfter, seed, fsyncMs) => {
        const r = run('everysec', ops, crashAfter, seed, { tornWrites: true, osFlushDelayMs: 30_000, fsyncDurationMs: fsyncMs });
        const k = survivingPrefix(r);
        expect(k).toBeGreaterThanOrEqual(0); // never a state that did not exist
        const lost = r.acks.slice(k);
        if (lost.length > 0) runsWithLoss++;
        for (const a of lost) expect(r.crashAtMs - a.atMs).toBeLessThanOrEqual(2000);
      }),
      { numRuns: 60 },
    );
    expect(runsWithLoss).toBeGreaterThan(0); // everysec really loses something sometimes
  });

  it('no: what survives is exactly what the simulated OS had written back (changes older than osFlushDelayMs)', () => {
    fc.assert(
      fc.property(workload(400), fc.integer({ min: 0, max: 15_000 }), fc.integer(), (ops, crashAfter, seed) => {
        const osFlushDelayMs = 1000;
        const r = run('no', ops, crashAfter, seed, { tornWrites: false, osFlushDelayMs, fsyncDurationMs: 0 });
        const flushed = r.acks.filter((a) => a.atMs <= r.crashAtMs - osFlushDelayMs).length;
        expect(r.recovered).toEqual(r.states[flushed]);
      }),
      { numRuns: 60 },
    );
  });
});
