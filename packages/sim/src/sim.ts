import { DurableStore, SimDisk } from './disk.js';
import { SimError } from './errors.js';
import { DEFAULT_MAX_STEPS, DEFAULT_MAX_STEPS_PER_RUN, SimKernel, checkFinite, defaultDescribe, type NodeRecord } from './kernel.js';
import type { LinkOptions } from './link.js';
import type { PrngState } from './prng.js';
import type { NodeContext, NodeHandlers, NodeRef, PendingEvent, RequestOptions, SimOptions, SimSnapshot } from './types.js';

/** A recorded call, replayed by `restore` at the same step. */
interface Action<M, I, R> { readonly step: number; readonly apply: (sim: Sim<M, I, R>) => void }
/**
 * The deterministic simulator: one virtual clock, one event queue, a faulty network between
 * named nodes, per-node durable storage and disks, and a trace of everything that happened.
 * Same seed and same calls → same trace, byte for byte.
 *
 * `M` is the message type, `I` the type of external inputs (`inject`, `request`), `R` the type
 * of the replies nodes give with `ctx.reply`.
 */
export class Sim<M = unknown, I = unknown, R = unknown> extends SimKernel<M, I, R> {
  private readonly maxStepsPerRun: number;
  private actions: Action<M, I, R>[] = [];
  private replaying = false;

  constructor(options: SimOptions<M>) {
    super(options);
    this.maxStepsPerRun = options.maxStepsPerRun ?? DEFAULT_MAX_STEPS_PER_RUN;
    if (!(this.maxStepsPerRun >= 1)) throw new SimError('BAD_OPTION', `maxStepsPerRun must be >= 1, got ${this.maxStepsPerRun}`);
  }

  /**
   * Adds a node; `factory` builds its handlers now and again after every restart. The returned
   * reference gives typed access to them (`ref.handlers().acked()`), no cast needed.
   */
  addNode<H extends NodeHandlers<M, I>>(name: string, factory: (ctx: NodeContext<M, R>) => H): NodeRef<H> {
    if (this.nodes.has(name)) throw new SimError('DUPLICATE_NODE', `node ${name} already exists`);
    this.record((s) => { s.addNode(name, factory); });
    const rec: NodeRecord<M, I, R> = {
      name,
      factory,
      handlers: {},
      up: true,
      incarnation: 0,
      random: this.random(`node:${name}`),
      storage: new DurableStore(),
      disk: new SimDisk(() => this.clock, {
        osFlushDelayMs: this.options.osFlushDelayMs ?? 30_000,
        tornWrites: this.options.tornWrites ?? false,
      }),
      wake: undefined,
      timers: new Map(),
    };
    this.nodes.set(name, rec);
    this.emit('add', { node: name });
    rec.handlers = factory(this.contextFor(rec));
    this.scheduleWake(rec);
    return {
      name,
      handlers: () => {
        const r = this.rec(name);
        if (!r.up) throw new SimError('NODE_DOWN', `node ${name} is down; it has no handlers until restart`);
        return r.handlers as H; // built by `factory` (restore replays addNode with the same one)
      },
    };
  }

  nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  /**
   * The node's current handlers object (`{}` while it is down). The type argument is the
   * caller's claim; `addNode`'s returned NodeRef is the checked way.
   */
  node<H extends object = NodeHandlers<M, I>>(name: string): H {
    return this.rec(name).handlers as H;
  }

  isUp(name: string): boolean {
    return this.rec(name).up;
  }

  /** The node's durable storage (readable while it is down, e.g. to check what survived). */
  storageOf(name: string): DurableStore {
    return this.rec(name).storage;
  }

  diskOf(name: string): SimDisk {
    return this.rec(name).disk;
  }

  /** Crash: in-memory state and timers are gone, unsynced disk writes are lost (see SimDisk). */
  crash(name: string): void {
    const rec = this.rec(name);
    if (!rec.up) throw new SimError('NODE_DOWN', `node ${name} is already down`);
    this.record((s) => { s.crash(name); });
    rec.up = false;
    rec.incarnation++;
    rec.handlers = {};
    rec.wake = undefined;
    rec.timers.clear();
    for (const e of this.queue.removeWhere((x) => x.kind !== 'deliver' && x.node === name)) this.anonTimers.delete(e.id);
    rec.disk.crash(this.random(`disk:${name}`));
    this.emit('crash', { node: name });
  }

  /** Restart a crashed node: its factory runs again with the same storage and disk. */
  restart(name: string): void {
    const rec = this.rec(name);
    if (rec.up) throw new SimError('NODE_UP', `node ${name} is up; crash it first`);
    this.record((s) => { s.restart(name); });
    rec.up = true;
    this.emit('restart', { node: name });
    rec.handlers = rec.factory(this.contextFor(rec));
    this.scheduleWake(rec);
  }

  /**
   * An external input (a client request, an operator command) delivered to a node now. Returns
   * the input's id, which the node's `onInput` receives too (to `ctx.reply` to it).
   */
  inject(name: string, input: I): number {
    const rec = this.rec(name);
    this.record((s) => { s.inject(name, input); });
    const id = this.nextId++;
    this.queue.push({ kind: 'input', id, at: this.clock, seq: this.seq++, node: name, input, incarnation: rec.incarnation });
    return id;
  }

  /**
   * Injects `input` into `name` and runs the simulation until the node answers it with
   * `ctx.reply(inputId, value)`; returns that value. Throws SimError NO_REPLY (with the time and
   * the number of events run) when no reply came before `untilMs`, within `maxSteps` events
   * (default 1 000 000), or before the queue ran dry. Events after the reply are not run.
   */
  request(name: string, input: I, opts: RequestOptions = {}): R {
    if (opts.untilMs !== undefined) checkFinite('request untilMs', opts.untilMs);
    const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
    const id = this.inject(name, input);
    const waiting: { reply?: { value: R } } = {};
    this.awaiting.set(id, waiting);
    const fail = (n: number, why: string): SimError =>
      new SimError('NO_REPLY', `no reply from ${name} to input #${id} (${defaultDescribe(input)}) after ${n} events, t=${this.clock}: ${why}`);
    try {
      for (let n = 0; ; n++) {
        if (waiting.reply !== undefined) return waiting.reply.value;
        const next = this.queue.peek();
        if (next === undefined) throw fail(n, 'the event queue ran dry');
        if (opts.untilMs !== undefined && next.at > opts.untilMs) {
          this.runTo(opts.untilMs);
          throw fail(n, `nothing more happens until t=${next.at} > untilMs=${opts.untilMs}`);
        }
        if (n >= maxSteps) throw fail(n, `maxSteps=${maxSteps} reached`);
        this.step();
      }
    } finally {
      this.awaiting.delete(id);
    }
  }

  setDefaultLink(opts: Partial<LinkOptions>): void {
    this.record((s) => { s.setDefaultLink(opts); });
    this.network.setDefaultLink(opts);
  }

  setLink(from: string, to: string, opts: Partial<LinkOptions>): void {
    this.record((s) => { s.setLink(from, to, opts); });
    this.network.setLink(from, to, opts);
  }

  linkOptions(from: string, to: string): LinkOptions {
    return this.network.linkOptions(from, to);
  }

  /** Two-way partition: nothing crosses between the groups, in either direction. */
  partition(groupA: readonly string[], groupB: readonly string[]): void {
    this.record((s) => { s.partition(groupA, groupB); });
    for (const a of groupA) for (const b of groupB) {
      this.network.block(a, b);
      this.network.block(b, a);
    }
    this.emit('partition', { label: `${groupA.join(',')} | ${groupB.join(',')}` });
  }

  /** One-way partition: messages from `fromGroup` to `toGroup` are lost; the reverse flows. */
  partitionOneWay(fromGroup: readonly string[], toGroup: readonly string[]): void {
    this.record((s) => { s.partitionOneWay(fromGroup, toGroup); });
    for (const a of fromGroup) for (const b of toGroup) this.network.block(a, b);
    this.emit('partition', { label: `${fromGroup.join(',')} -> ${toGroup.join(',')}` });
  }

  /** Cuts a node off from every other node, both ways. */
  isolate(name: string): void {
    this.rec(name);
    this.partition([name], this.nodeNames().filter((n) => n !== name));
  }

  /** Removes every partition (clogs stay until unclogged). */
  heal(): void {
    this.record((s) => { s.heal(); });
    this.network.heal();
    this.emit('heal', {});
  }

  isBlocked(from: string, to: string): boolean {
    return this.network.isBlocked(from, to);
  }

  /** A clogged link holds messages (nothing is lost) until `unclog`. */
  clog(from: string, to: string): void {
    this.record((s) => { s.clog(from, to); });
    this.network.clog(from, to);
    this.emit('clog', { from, to });
  }

  unclog(from: string, to: string): void {
    this.record((s) => { s.unclog(from, to); });
    const released = this.network.unclog(from, to);
    this.emit('unclog', { from, to });
    for (const e of released) this.queue.push({ ...e, at: this.clock, seq: this.seq++ });
  }

  /**
   * Runs every event up to `now + ms`, then moves the clock there. `ms` must be finite and
   * >= 0; more than `maxStepsPerRun` events in one call is a SimError STEP_LIMIT (a livelock).
   */
  runFor(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new SimError('BAD_OPTION', `runFor(ms) needs a finite ms >= 0, got ${ms}`);
    this.runTo(this.clock + ms);
  }

  /**
   * Runs until `until` holds (checked before every event) or, given a number, until that virtual
   * time (finite; bounded like `runFor`). With a predicate, returns true if it held, false if the
   * queue ran dry or `maxSteps` (default 1 000 000) events ran first — a documented bound, so a
   * predicate that never holds over a periodic timer returns false instead of hanging.
   */
  runUntil(until: ((sim: this) => boolean) | number, opts: { maxSteps?: number } = {}): boolean {
    if (typeof until === 'number') {
      checkFinite('runUntil(timeMs)', until);
      this.runTo(until, opts.maxSteps);
      return true;
    }
    const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
    for (let i = 0; i < maxSteps; i++) {
      if (until(this)) return true;
      if (!this.step()) return until(this);
    }
    return until(this);
  }

  private runTo(t: number, maxSteps = this.maxStepsPerRun): void {
    let n = 0;
    for (;;) {
      const next = this.queue.peek();
      if (next === undefined || next.at > t) break;
      if (n++ >= maxSteps) throw new SimError('STEP_LIMIT', `more than ${maxSteps} events before t=${t} (now t=${this.clock})`);
      this.step();
    }
    if (t > this.clock) {
      this.record((s) => { s.advanceClock(t); });
      this.clock = t;
    }
  }

  /** @internal replays a clock jump. */
  advanceClock(t: number): void {
    this.record((s) => { s.advanceClock(t); });
    if (t > this.clock) this.clock = t;
  }

  /** Every pending event in the order it would run (held messages of clogged links excluded). */
  pending(): PendingEvent[] {
    return this.queue.ordered().map((e) => this.toPending(e));
  }

  /** Messages held on clogged links. */
  heldMessages(): PendingEvent[] {
    return this.network.heldMessages().map((e) => this.toPending(e));
  }

  /**
   * Delivers (runs) one pending event now, out of order. A duplicated message has two pending
   * entries with the same id; the one that would run first is taken.
   */
  deliver(id: number): void {
    const e = this.queue.removeFirst((x) => x.id === id);
    if (e === undefined) throw new SimError('UNKNOWN_EVENT', `no pending event #${id}`);
    this.record((s) => { s.deliver(id); });
    this.statsCounters.steps++;
    this.dispatch(e);
  }

  /** Drops one pending event (a message is lost, a timer never fires); duplicates as in `deliver`. */
  drop(id: number): void {
    const e = this.queue.removeFirst((x) => x.id === id);
    if (e === undefined) throw new SimError('UNKNOWN_EVENT', `no pending event #${id}`);
    this.record((s) => { s.drop(id); });
    if (e.kind === 'deliver') {
      this.statsCounters.dropped++;
      this.emit('drop', { from: e.from, to: e.to, msgId: e.id, label: this.describeMsg(e.msg), reason: 'by hand' });
      return;
    }
    const rec = this.rec(e.node);
    if (e.kind === 'timer') this.forgetTimer(rec, e);
    if (rec.wake === e) rec.wake = undefined;
    this.emit('drop', { node: e.node, label: e.kind === 'timer' ? `timer ${e.name}` : e.kind, reason: 'by hand' });
  }

  /**
   * A snapshot of the whole simulation. The simulator is deterministic, so a snapshot is the
   * list of calls made so far plus the step count: `restore` rebuilds the state by replaying
   * them, then resets every PRNG stream to where it was (draws made from outside nodes included).
   * Node state must live in what node factories create, and external inputs must go through
   * `inject`, or they cannot be replayed.
   */
  snapshot(): SimSnapshot {
    const streams = new Map<string, PrngState>();
    for (const [name, p] of this.streams) streams.set(name, p.getState());
    return { steps: this.statsCounters.steps, actionCount: this.actions.length, nowMs: this.clock, streams };
  }

  /** Rewinds this simulator to `snap` (taken from this same simulator). */
  restore(snap: SimSnapshot): void {
    const actions = this.actions.slice(0, snap.actionCount);
    this.reset();
    this.replaying = true;
    try {
      for (const a of actions) {
        while (this.statsCounters.steps < a.step && this.step()) { /* replay */ }
        this.actions.push(a);
        a.apply(this);
      }
      while (this.statsCounters.steps < snap.steps && this.step()) { /* replay */ }
    } finally {
      this.replaying = false;
    }
    if (snap.nowMs > this.clock) this.clock = snap.nowMs;
    for (const [name, st] of snap.streams) this.random(name).setState(st);
  }

  private reset(): void {
    this.clock = this.options.startMs ?? 0;
    this.seq = 0;
    this.nextId = 1;
    this.nextGen = 1;
    this.queue.clear();
    this.nodes.clear();
    this.streams.clear();
    this.network.reset();
    this.anonTimers.clear();
    this.awaiting.clear();
    this.actions = [];
    this.statsCounters = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, timers: 0, steps: 0 };
    this.trace = [];
  }

  /**
   * Records a public call for replay. Calls made while an event is being dispatched (a driver
   * node partitioning the network from a timer, say) are not recorded: replaying the event makes
   * them again.
   */
  private record(apply: (sim: Sim<M, I, R>) => void): void {
    if (this.replaying || this.dispatching > 0) return;
    this.actions.push({ step: this.statsCounters.steps, apply });
  }
}
