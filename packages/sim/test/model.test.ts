import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sim, renderTrace, type NodeContext, type NodeHandlers, type SimOptions, type TraceEvent } from '@protolab/sim';

/**
 * Model-based test of the kernel (fc.commands): random schedules of sends, named timers (arm,
 * re-arm, disarm), anonymous timers (set, cancel), crashes, restarts, partitions, hand drops and
 * snapshot/restore, run against a deliberately simple reference model — a plain array of pending
 * events sorted by (time, sequence). After every command the kernel's pending events must equal
 * the model's, and every delivery, drop and timer the kernel ran must be the one the model
 * predicts, in the same order and at the same time.
 */

const NODES = ['a', 'b', 'c'] as const;
type NodeName = (typeof NODES)[number];
/** Fixed delay per directed link (no random extra, no loss): the model knows every arrival time. */
const DELAY_MS = new Map<string, number>([['a>b', 3], ['b>a', 5], ['a>c', 7], ['c>a', 2], ['b>c', 4], ['c>b', 6]]);
const delayOf = (from: string, to: string): number => DELAY_MS.get(`${from}>${to}`) ?? 1;

type Input =
  | { readonly op: 'send'; readonly to: NodeName; readonly payload: string }
  | { readonly op: 'arm'; readonly name: string; readonly delayMs: number }
  | { readonly op: 'disarm'; readonly name: string }
  | { readonly op: 'set'; readonly name: string; readonly delayMs: number }
  | { readonly op: 'cancel'; readonly k: number };

/** The node under test: it does what its inputs say. Anonymous timer ids live in its memory. */
function actor(ctx: NodeContext<string>): NodeHandlers<string, Input> {
  const anon: number[] = [];
  return {
    onInput(input) {
      switch (input.op) {
        case 'send': ctx.send(input.to, input.payload); break;
        case 'arm': ctx.armTimer(input.name, input.delayMs); break;
        case 'disarm': ctx.disarmTimer(input.name); break;
        case 'set': anon.push(ctx.setTimer(input.delayMs, input.name)); break;
        case 'cancel': { const id = anon[input.k % Math.max(1, anon.length)]; if (id !== undefined) ctx.cancelTimer(id); break; }
      }
    },
  };
}

/** Interesting situations the random schedules reached (a test that nothing broke must also show they happened). */
const REACHED = new Set<string>();

interface ModelEvent { kind: 'deliver' | 'timer'; at: number; seq: number; node: string; from?: string; label: string; toInc?: number; anon?: boolean }

/** The reference: everything the kernel does, written as plainly as possible. */
class Model {
  now = 0;
  seq = 0;
  names = 0;
  pending: ModelEvent[] = [];
  up = new Map<string, boolean>(NODES.map((n) => [n, true]));
  inc = new Map<string, number>(NODES.map((n) => [n, 0]));
  /** Anonymous timers per node in creation order (the node's `anon` array); cancelled/fired stay listed. */
  anon = new Map<string, ModelEvent[]>(NODES.map((n) => [n, []]));
  blocked = new Set<string>();
  lastDelivery = new Map<string, number>();
  /** Expected trace lines (deliver/drop/timer) not yet matched against the kernel. */
  expected: string[] = [];

  private add(e: Omit<ModelEvent, 'seq'>): ModelEvent {
    const ev = { ...e, seq: this.seq++ };
    this.pending.push(ev);
    this.pending.sort((x, y) => x.at - y.at || x.seq - y.seq);
    return ev;
  }
  private remove(e: ModelEvent): void {
    this.pending = this.pending.filter((x) => x !== e);
  }
  input(): void { this.seq++; } // `inject` queues the input (a sequence number) before deliver(id) runs it
  send(from: string, to: string, payload: string): void {
    if (this.blocked.has(`${from}>${to}`)) { this.expected.push(`t=${this.now} drop ${from}->${to} ${payload} (partition)`); return; }
    const key = `${from}>${to}`;
    const at = Math.max(this.now + delayOf(from, to), this.lastDelivery.get(key) ?? 0);
    this.lastDelivery.set(key, at);
    this.add({ kind: 'deliver', at, node: to, from, label: payload, toInc: this.inc.get(to) ?? 0 });
  }
  named(node: string, name: string): ModelEvent | undefined {
    return this.pending.find((e) => e.kind === 'timer' && e.node === node && e.label === name && e.anon !== true);
  }
  arm(node: string, name: string, delayMs: number): void {
    const old = this.named(node, name);
    if (old !== undefined) { this.remove(old); REACHED.add('re-arm of a pending named timer'); }
    this.add({ kind: 'timer', at: this.now + delayMs, node, label: name });
  }
  disarm(node: string, name: string): void {
    const old = this.named(node, name);
    if (old !== undefined) { this.remove(old); REACHED.add('disarm of a pending named timer'); }
  }
  set(node: string, name: string, delayMs: number): void {
    this.anon.get(node)?.push(this.add({ kind: 'timer', at: this.now + delayMs, node, label: name, anon: true }));
  }
  cancel(node: string, k: number): void {
    const list = this.anon.get(node) ?? [];
    const e = list[k % Math.max(1, list.length)];
    if (e !== undefined && this.pending.includes(e)) { this.remove(e); REACHED.add('cancel of a pending anonymous timer'); }
  }
  crash(node: string): void {
    this.up.set(node, false);
    this.inc.set(node, (this.inc.get(node) ?? 0) + 1);
    this.pending = this.pending.filter((e) => !(e.kind === 'timer' && e.node === node));
    this.anon.set(node, []);
  }
  /** Runs the next event the way the kernel must. */
  private fire(e: ModelEvent): void {
    this.remove(e);
    this.now = Math.max(this.now, e.at);
    if (e.kind === 'timer') { this.expected.push(`t=${this.now} timer @${e.node} ${e.label}`); REACHED.add('timer fired'); return; }
    const from = e.from ?? '';
    let reason: string | undefined;
    if (this.blocked.has(`${from}>${e.node}`)) reason = 'partition';
    else if (this.up.get(e.node) !== true) reason = 'node down';
    else if (this.inc.get(e.node) !== e.toInc) reason = 'node restarted';
    REACHED.add(reason === undefined ? 'message delivered' : `message dropped (${reason})`);
    this.expected.push(`t=${this.now} ${reason === undefined ? 'deliver' : 'drop'} ${from}->${e.node} ${e.label}${reason === undefined ? '' : ` (${reason})`}`);
  }
  step(): void {
    const e = this.pending[0];
    if (e !== undefined) this.fire(e);
  }
  runFor(ms: number): void {
    const target = this.now + ms;
    for (let e = this.pending[0]; e !== undefined && e.at <= target; e = this.pending[0]) this.fire(e);
    this.now = target;
  }
  dropPending(k: number): void {
    const e = this.pending[k % this.pending.length];
    if (e === undefined) return;
    this.remove(e);
    REACHED.add(`${e.kind} dropped by hand`);
    this.expected.push(e.kind === 'deliver'
      ? `t=${this.now} drop ${e.from ?? ''}->${e.node} ${e.label} (by hand)`
      : `t=${this.now} drop @${e.node} timer ${e.label} (by hand)`);
  }
  pendingLines(): string[] {
    return this.pending.map((e) => `${e.kind} t=${e.at} ${e.from ?? ''}>${e.node} ${e.label}`);
  }
}

interface Real { sim: Sim<string, Input>; seen: number }

function traceLine(e: TraceEvent): string | undefined {
  if (e.kind === 'timer') return `t=${e.t} timer @${e.node ?? ''} ${e.label ?? ''}`;
  if (e.kind !== 'deliver' && e.kind !== 'drop') return undefined;
  const where = e.from !== undefined ? `${e.from}->${e.to ?? ''}` : `@${e.node ?? ''}`;
  return `t=${e.t} ${e.kind} ${where} ${e.label ?? ''}${e.reason !== undefined ? ` (${e.reason})` : ''}`;
}

/** After every command: the kernel ran exactly what the model predicted, and holds what it holds. */
function agree(m: Model, r: Real): void {
  const ran = r.sim.trace.slice(r.seen).map(traceLine).filter((l): l is string => l !== undefined);
  r.seen = r.sim.trace.length;
  expect(ran, 'delivery order = (time, seq) order; disarmed/cancelled timers never fire; crashed nodes receive nothing').toEqual(m.expected);
  m.expected = [];
  expect(r.sim.pending().map((p) => `${p.kind} t=${p.at} ${p.from ?? ''}>${p.node} ${p.label}`), 'pending events = the model\'s sorted array').toEqual(m.pendingLines());
  expect(r.sim.now()).toBe(m.now);
}

const up = (m: Model, n: string): boolean => m.up.get(n) === true;

/** Runs an input on `node` right now (inject queues it, deliver runs it out of order). */
function act(r: Real, node: NodeName, input: Input): void {
  r.sim.deliver(r.sim.inject(node, input));
}

type Cmd = fc.Command<Model, Real>;
const cmd = (label: string, check: (m: Model) => boolean, run: (m: Model, r: Real) => void): Cmd => ({
  check,
  run(m, r) { run(m, r); agree(m, r); },
  toString: () => label,
});

const node = fc.constantFrom(...NODES);
const timerName = fc.constantFrom('election', 'ping');
const delay = fc.nat({ max: 40 });

const commands = [
  fc.tuple(node, node, fc.nat({ max: 99 })).map(([from, to, p]) => cmd(`send ${from}->${to} m${p}`, (m) => up(m, from) && from !== to, (m, r) => {
    m.input(); m.send(from, to, `m${p}`); act(r, from, { op: 'send', to, payload: `m${p}` });
  })),
  fc.tuple(node, timerName, delay).map(([n, name, d]) => cmd(`arm ${n} ${name} ${d}ms`, (m) => up(m, n), (m, r) => {
    m.input(); m.arm(n, name, d); act(r, n, { op: 'arm', name, delayMs: d });
  })),
  fc.tuple(node, timerName).map(([n, name]) => cmd(`disarm ${n} ${name}`, (m) => up(m, n), (m, r) => {
    m.input(); m.disarm(n, name); act(r, n, { op: 'disarm', name });
  })),
  fc.tuple(node, delay).map(([n, d]) => cmd(`setTimer ${n} ${d}ms`, (m) => up(m, n), (m, r) => {
    const name = `anon${m.names++}`;
    m.input(); m.set(n, name, d); act(r, n, { op: 'set', name, delayMs: d });
  })),
  fc.tuple(node, fc.nat({ max: 5 })).map(([n, k]) => cmd(`cancelTimer ${n} #${k}`, (m) => up(m, n), (m, r) => {
    m.input(); m.cancel(n, k); act(r, n, { op: 'cancel', k });
  })),
  node.map((n) => cmd(`crash ${n}`, (m) => up(m, n), (m, r) => { m.crash(n); r.sim.crash(n); })),
  node.map((n) => cmd(`restart ${n}`, (m) => !up(m, n), (m, r) => { m.up.set(n, true); r.sim.restart(n); })),
  node.map((n) => cmd(`crash ${n} and restart it at once`, (m) => up(m, n), (m, r) => {
    m.crash(n); m.up.set(n, true); r.sim.crash(n); r.sim.restart(n);
  })),
  fc.tuple(node, node).map(([x, y]) => cmd(`partition ${x} | ${y}`, () => x !== y, (m, r) => {
    m.blocked.add(`${x}>${y}`); m.blocked.add(`${y}>${x}`); r.sim.partition([x], [y]);
  })),
  fc.constant(cmd('heal', () => true, (m, r) => { m.blocked.clear(); r.sim.heal(); })),
  fc.nat({ max: 9 }).map((k) => cmd(`drop pending #${k}`, (m) => m.pending.length > 0, (m, r) => {
    const p = r.sim.pending();
    m.dropPending(k);
    const e = p[k % p.length];
    if (e !== undefined) r.sim.drop(e.id);
  })),
  fc.constant(cmd('step', () => true, (m, r) => { m.step(); r.sim.step(); })),
  fc.nat({ max: 60 }).map((ms) => cmd(`run ${ms}ms`, () => true, (m, r) => { m.runFor(ms); r.sim.runFor(ms); })),
  fc.nat({ max: 300 }).map((ms) => cmd(`snapshot, branch ${ms}ms with a crash, restore`, () => true, (_m, r) => {
    const before = renderTrace(r.sim.trace);
    const pendingBefore = r.sim.pending();
    const snap = r.sim.snapshot();
    if (r.sim.isUp('a')) r.sim.crash('a');
    r.sim.runFor(ms);
    r.sim.restore(snap);
    expect(renderTrace(r.sim.trace), 'restore + replay gives the identical trace').toBe(before);
    if (pendingBefore.length > 0) REACHED.add('restore with events pending');
    expect(r.sim.pending()).toEqual(pendingBefore);
  })),
];

function setup(opts: Partial<SimOptions<string>> = {}): () => { model: Model; real: Real } {
  return () => {
    const sim = new Sim<string, Input>({ seed: 7, link: { minDelayMs: 1, maxExtraDelayMs: 0 }, ...opts });
    for (const [key, ms] of DELAY_MS) {
      const [from = '', to = ''] = key.split('>');
      sim.setLink(from, to, { minDelayMs: ms });
    }
    for (const n of NODES) sim.addNode(n, actor);
    return { model: new Model(), real: { sim, seen: sim.trace.length } };
  };
}

describe('Sim kernel against a sorted-array model (fc.commands)', () => {
  it('every delivery, drop and timer happens in (time, seq) order at the time the model says; pending events always equal the model\'s', () => {
    fc.assert(fc.property(fc.commands(commands, { maxCommands: 60, size: '+1' }), (cmds) => {
      fc.modelRun(setup(), cmds);
    }), { numRuns: 300 });
    expect([...REACHED].sort()).toEqual([
      'cancel of a pending anonymous timer', 'deliver dropped by hand', 'disarm of a pending named timer',
      'message delivered', 'message dropped (node down)', 'message dropped (node restarted)', 'message dropped (partition)',
      're-arm of a pending named timer', 'restore with events pending', 'timer dropped by hand', 'timer fired',
    ]);
  });

  it('planted bug: a re-arm that keeps the old generation (the old deadline stays live) is caught', () => {
    const result = fc.check(fc.property(fc.commands(commands, { maxCommands: 60, size: '+1' }), (cmds) => {
      fc.modelRun(setup({ planted: 'rearm-keeps-generation' }), cmds);
    }), { numRuns: 2000, seed: 19 });
    expect(result.failed).toBe(true);
    expect((result.counterexample ?? []).map(String).join(',')).toMatch(/arm (a|b|c) (election|ping)[\s\S]*arm (a|b|c) (election|ping)/);
  });

  it('regression: arm election 10ms, re-arm it to 30ms at t=5 → it fires once, at t=35', () => {
    const { model, real } = setup()();
    for (const c of [
      () => { model.input(); model.arm('a', 'election', 10); act(real, 'a', { op: 'arm', name: 'election', delayMs: 10 }); },
      () => { model.runFor(5); real.sim.runFor(5); },
      () => { model.input(); model.arm('a', 'election', 30); act(real, 'a', { op: 'arm', name: 'election', delayMs: 30 }); },
      () => { model.runFor(100); real.sim.runFor(100); },
    ]) { c(); }
    expect(real.sim.trace.filter((e) => e.kind === 'timer').map((e) => e.t)).toEqual([35]);
    agree(model, real);
  });
});
