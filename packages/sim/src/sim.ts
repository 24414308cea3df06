import { DurableStore, SimDisk } from './disk.js';
import { SimError } from './errors.js';
import { DEFAULT_LINK, checkLink, linkKey, type LinkOptions } from './link.js';
import { Prng, normaliseSeed, streamSeed, type PrngState } from './prng.js';
import { EventQueue, type DeliverEvent, type QueuedEvent, type TimerEvent } from './queue.js';
import type { TraceEvent, TraceKind } from './trace.js';
import type {
  NodeContext, NodeFactory, NodeHandlers, NodeRef, PendingEvent, RequestOptions, SimOptions, SimSnapshot, SimStats,
} from './types.js';

/** The default bound of one `runFor` / `runUntil(timeMs)` call (see SimOptions.maxStepsPerRun). */
export const DEFAULT_MAX_STEPS_PER_RUN = 10_000_000;
/** The default bound of `runUntil(predicate)` and `request`. */
export const DEFAULT_MAX_STEPS = 1_000_000;

interface NodeRecord<M, I, R> {
  readonly name: string;
  readonly factory: NodeFactory<M, I, R>;
  handlers: NodeHandlers<M, I>;
  up: boolean;
  incarnation: number;
  readonly random: Prng;
  readonly storage: DurableStore;
  readonly disk: SimDisk;
  /** The node's pending `nextWakeup` event, if any (an older one in the heap is dead). */
  wake: QueuedEvent<M, I> | undefined;
  /** Named timers: name → the generation and deadline armed last. */
  readonly timers: Map<string, { readonly gen: number; readonly at: number }>;
}

/** A recorded call, replayed by `restore` at the same step. */
interface Action<M, I, R> { readonly step: number; readonly apply: (sim: Sim<M, I, R>) => void }

function defaultDescribe(msg: unknown): string {
  if (typeof msg === 'object' && msg !== null && 'type' in msg && typeof msg.type === 'string') return msg.type;
  if (typeof msg === 'string') return msg;
  try {
    const json = JSON.stringify(msg, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) as string | undefined;
    return json ?? String(msg);
  } catch {
    return String(msg);
  }
}

function checkFinite(what: string, v: number, min = Number.NEGATIVE_INFINITY): number {
  if (!Number.isFinite(v) || v < min) {
    throw new SimError('BAD_OPTION', `${what} must be a finite number${min > Number.NEGATIVE_INFINITY ? ` >= ${min}` : ''}, got ${v}`);
  }
  return v;
}

/**
 * The deterministic simulator: one virtual clock, one event queue, a faulty network between
 * named nodes, per-node durable storage and disks, and a trace of everything that happened.
 * Same seed and same calls → same trace, byte for byte.
 *
 * `M` is the message type, `I` the type of external inputs (`inject`, `request`), `R` the type
 * of the replies nodes give with `ctx.reply`.
 */
export class Sim<M = unknown, I = unknown, R = unknown> {
  readonly seed: number | string;
  private clock: number;
  private seq = 0;
  private nextId = 1;
  private nextGen = 1;
  private readonly queue = new EventQueue<QueuedEvent<M, I>>((e) => this.isLive(e));
  private readonly nodes = new Map<string, NodeRecord<M, I, R>>();
  private readonly streams = new Map<string, Prng>();
  private defaultLink: LinkOptions;
  private readonly links = new Map<string, LinkOptions>();
  private readonly blocked = new Set<string>();
  private readonly clogged = new Set<string>();
  private held: DeliverEvent<M>[] = [];
  private readonly lastDelivery = new Map<string, number>();
  /** Ids of pending `setTimer` timers (cancelTimer deletes, so the heap entry is dead). */
  private readonly anonTimers = new Set<number>();
  /** Inputs a `request` waits on → the first reply, once given. */
  private readonly awaiting = new Map<number, { reply?: { value: R } }>();
  private readonly describeMsg: (msg: M) => string;
  private readonly options: SimOptions<M>;
  private readonly maxStepsPerRun: number;
  private actions: Action<M, I, R>[] = [];
  private replaying = false;
  private dispatching = 0;
  private statsCounters: SimStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, timers: 0, steps: 0 };
  /** Every event, in order (empty when `trace: false`). */
  trace: TraceEvent[] = [];

  constructor(options: SimOptions<M>) {
    try {
      normaliseSeed(options.seed);
    } catch {
      throw new SimError('BAD_OPTION', `seed must be a safe integer or a string, got ${String(options.seed)}`);
    }
    this.options = options;
    this.seed = options.seed;
    this.clock = checkFinite('startMs', options.startMs ?? 0);
    checkFinite('osFlushDelayMs', options.osFlushDelayMs ?? 0, 0);
    this.maxStepsPerRun = options.maxStepsPerRun ?? DEFAULT_MAX_STEPS_PER_RUN;
    if (!(this.maxStepsPerRun >= 1)) throw new SimError('BAD_OPTION', `maxStepsPerRun must be >= 1, got ${this.maxStepsPerRun}`);
    this.defaultLink = checkLink({ ...DEFAULT_LINK, ...options.link });
    this.describeMsg = options.describe ?? defaultDescribe;
  }

  // ---------------------------------------------------------------- randomness and time

  /** The named independent stream (created on first use from the seed and the name). */
  random(name: string): Prng {
    let p = this.streams.get(name);
    if (p === undefined) {
      p = new Prng(streamSeed(this.seed, name));
      this.streams.set(name, p);
    }
    return p;
  }

  now(): number {
    return this.clock;
  }

  stats(): Readonly<SimStats> {
    return { ...this.statsCounters };
  }

  describe(msg: M): string {
    return this.describeMsg(msg);
  }

  // ---------------------------------------------------------------- nodes

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

  // ---------------------------------------------------------------- network faults

  setDefaultLink(opts: Partial<LinkOptions>): void {
    this.record((s) => { s.setDefaultLink(opts); });
    this.defaultLink = checkLink({ ...this.defaultLink, ...opts });
  }

  setLink(from: string, to: string, opts: Partial<LinkOptions>): void {
    this.record((s) => { s.setLink(from, to, opts); });
    this.links.set(linkKey(from, to), checkLink({ ...this.linkOptions(from, to), ...opts }));
  }

  linkOptions(from: string, to: string): LinkOptions {
    return this.links.get(linkKey(from, to)) ?? this.defaultLink;
  }

  /** Two-way partition: nothing crosses between the groups, in either direction. */
  partition(groupA: readonly string[], groupB: readonly string[]): void {
    this.record((s) => { s.partition(groupA, groupB); });
    for (const a of groupA) for (const b of groupB) {
      this.blocked.add(linkKey(a, b));
      this.blocked.add(linkKey(b, a));
    }
    this.emit('partition', { label: `${groupA.join(',')} | ${groupB.join(',')}` });
  }

  /** One-way partition: messages from `fromGroup` to `toGroup` are lost; the reverse flows. */
  partitionOneWay(fromGroup: readonly string[], toGroup: readonly string[]): void {
    this.record((s) => { s.partitionOneWay(fromGroup, toGroup); });
    for (const a of fromGroup) for (const b of toGroup) this.blocked.add(linkKey(a, b));
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
    this.blocked.clear();
    this.emit('heal', {});
  }

  isBlocked(from: string, to: string): boolean {
    return this.blocked.has(linkKey(from, to));
  }

  /** A clogged link holds messages (nothing is lost) until `unclog`. */
  clog(from: string, to: string): void {
    this.record((s) => { s.clog(from, to); });
    this.clogged.add(linkKey(from, to));
    this.emit('clog', { from, to });
  }

  unclog(from: string, to: string): void {
    this.record((s) => { s.unclog(from, to); });
    const key = linkKey(from, to);
    this.clogged.delete(key);
    this.emit('unclog', { from, to });
    const still: DeliverEvent<M>[] = [];
    for (const e of this.held) {
      if (linkKey(e.from, e.to) === key) this.queue.push({ ...e, at: this.clock, seq: this.seq++ });
      else still.push(e);
    }
    this.held = still;
  }

  // ---------------------------------------------------------------- running

  /** Virtual time of the next event, or undefined when nothing is pending. */
  nextWakeup(): number | undefined {
    return this.queue.peek()?.at;
  }

  /** Runs the next event. Returns false when the queue is empty. */
  step(): boolean {
    const e = this.queue.pop();
    if (e === undefined) return false;
    this.statsCounters.steps++;
    if (e.at > this.clock) this.clock = e.at;
    this.dispatch(e);
    return true;
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

  // ---------------------------------------------------------------- hand control

  /** Every pending event in the order it would run (held messages of clogged links excluded). */
  pending(): PendingEvent[] {
    return this.queue.ordered().map((e) => this.toPending(e));
  }

  /** Messages held on clogged links. */
  heldMessages(): PendingEvent[] {
    return this.held.map((e) => this.toPending(e));
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
    this.defaultLink = checkLink({ ...DEFAULT_LINK, ...this.options.link });
    this.links.clear();
    this.blocked.clear();
    this.clogged.clear();
    this.held = [];
    this.lastDelivery.clear();
    this.anonTimers.clear();
    this.awaiting.clear();
    this.actions = [];
    this.statsCounters = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, timers: 0, steps: 0 };
    this.trace = [];
  }

  // ---------------------------------------------------------------- internals

  /**
   * Records a public call for replay. Calls made while an event is being dispatched (a driver
   * node partitioning the network from a timer, say) are not recorded: replaying the event makes
   * them again.
   */
  private record(apply: (sim: Sim<M, I, R>) => void): void {
    if (this.replaying || this.dispatching > 0) return;
    this.actions.push({ step: this.statsCounters.steps, apply });
  }

  private rec(name: string): NodeRecord<M, I, R> {
    const r = this.nodes.get(name);
    if (r === undefined) throw new SimError('UNKNOWN_NODE', `no node named ${name}`);
    return r;
  }

  /** Dead entries (a re-armed timer's old deadline, a cancelled timer, a replaced wake) are skipped. */
  private isLive(e: QueuedEvent<M, I>): boolean {
    if (e.kind === 'timer') {
      if (e.gen === 0) return this.anonTimers.has(e.id);
      return this.nodes.get(e.node)?.timers.get(e.name)?.gen === e.gen;
    }
    if (e.kind === 'wake') return this.nodes.get(e.node)?.wake === e;
    return true;
  }

  private forgetTimer(rec: NodeRecord<M, I, R>, e: TimerEvent): void {
    if (e.gen === 0) this.anonTimers.delete(e.id);
    else if (rec.timers.get(e.name)?.gen === e.gen) rec.timers.delete(e.name);
  }

  private contextFor(rec: NodeRecord<M, I, R>): NodeContext<M, R> {
    const incarnation = rec.incarnation;
    const live = (): boolean => rec.up && rec.incarnation === incarnation;
    const delay = (what: string, ms: number): number => checkFinite(`${what} delay (node ${rec.name})`, ms, 0);
    return {
      name: rec.name,
      now: () => this.clock,
      send: (to, msg) => { if (live()) this.sendMessage(rec.name, to, msg); },
      setTimer: (delayMs, name, data) => {
        const at = this.clock + delay('setTimer', delayMs);
        const id = this.nextId++;
        if (live()) {
          this.anonTimers.add(id);
          this.queue.push({ kind: 'timer', id, at, seq: this.seq++, node: rec.name, name, data, incarnation, gen: 0 });
        }
        return id;
      },
      cancelTimer: (id) => { if (this.anonTimers.delete(id)) this.queue.markDead(); },
      armTimer: (name, delayMs, data) => {
        const at = this.clock + delay(`armTimer(${name})`, delayMs);
        if (!live()) return;
        const old = rec.timers.get(name);
        const gen = old !== undefined && this.options.planted === 'rearm-keeps-generation' ? old.gen : this.nextGen++;
        if (old !== undefined) this.queue.markDead();
        rec.timers.set(name, { gen, at });
        this.queue.push({ kind: 'timer', id: this.nextId++, at, seq: this.seq++, node: rec.name, name, data, incarnation, gen });
      },
      disarmTimer: (name) => { if (live() && rec.timers.delete(name)) this.queue.markDead(); },
      timerDeadline: (name) => (live() ? rec.timers.get(name)?.at : undefined),
      reply: (inputId, value) => {
        if (!live()) return;
        this.emit('reply', { node: rec.name, label: `#${inputId} ${defaultDescribe(value)}` });
        const waiting = this.awaiting.get(inputId);
        if (waiting !== undefined && waiting.reply === undefined) waiting.reply = { value };
      },
      random: rec.random,
      storage: rec.storage,
      disk: rec.disk,
      note: (text) => { this.emit('note', { node: rec.name, label: text }); },
    };
  }

  private sendMessage(from: string, to: string, msg: M): void {
    const net = this.random('network');
    const link = this.linkOptions(from, to);
    const id = this.nextId++;
    const label = this.describeMsg(msg);
    this.statsCounters.sent++;
    this.emit('send', { from, to, msgId: id, label });
    const target = this.nodes.get(to);
    // A message to a name where nothing listens (yet) is lost like a packet, and the trace says
    // why. The loss draw happens only for a message that could be delivered (replay-stable).
    const reason = target === undefined ? 'no such node'
      : this.blocked.has(linkKey(from, to)) ? 'partition'
        : net.chance(link.lossRate) ? 'loss' : undefined;
    if (target === undefined || reason !== undefined) {
      this.statsCounters.dropped++;
      this.emit('drop', { from, to, msgId: id, label, reason: reason ?? 'no such node' });
      return;
    }
    const toIncarnation = target.incarnation;
    this.enqueueDelivery(from, to, msg, id, link, net, toIncarnation, false);
    if (net.chance(link.dupRate)) {
      this.statsCounters.duplicated++;
      this.enqueueDelivery(from, to, msg, id, link, net, toIncarnation, true);
    }
  }

  private enqueueDelivery(from: string, to: string, msg: M, id: number, link: LinkOptions, net: Prng, toIncarnation: number, dup: boolean): void {
    let at = this.clock + link.minDelayMs + (link.maxExtraDelayMs > 0 ? net.int(0, link.maxExtraDelayMs + 1) : 0);
    const key = linkKey(from, to);
    const reorder = net.chance(link.reorderRate);
    if (!reorder) {
      at = Math.max(at, this.lastDelivery.get(key) ?? 0);
      this.lastDelivery.set(key, at);
    }
    this.queue.push({ kind: 'deliver', id, at, seq: this.seq++, from, to, msg, toIncarnation, dup });
  }

  private dispatch(e: QueuedEvent<M, I>): void {
    this.dispatching++;
    try {
      this.dispatchEvent(e);
    } finally {
      this.dispatching--;
    }
  }

  private dispatchEvent(e: QueuedEvent<M, I>): void {
    if (e.kind === 'deliver') {
      this.dispatchDelivery(e);
      return;
    }
    const rec = this.rec(e.node);
    if (e.kind === 'timer') this.forgetTimer(rec, e);
    if (!rec.up || rec.incarnation !== e.incarnation) return;
    if (e.kind === 'timer') {
      this.statsCounters.timers++;
      this.emit('timer', { node: e.node, label: e.name });
      rec.handlers.onTimer?.(e.name, e.data);
    } else if (e.kind === 'input') {
      this.emit('input', { node: e.node, label: defaultDescribe(e.input) });
      rec.handlers.onInput?.(e.input, e.id);
    } else {
      rec.wake = undefined;
      this.emit('wake', { node: e.node });
      rec.handlers.onWakeup?.();
    }
    this.scheduleWake(rec);
  }

  private dispatchDelivery(e: DeliverEvent<M>): void {
    const label = this.describeMsg(e.msg);
    const key = linkKey(e.from, e.to);
    if (this.clogged.has(key)) {
      this.held.push(e);
      return;
    }
    const rec = this.rec(e.to);
    let reason: string | undefined;
    if (this.blocked.has(key)) reason = 'partition';
    else if (!rec.up) reason = 'node down';
    else if (rec.incarnation !== e.toIncarnation) reason = 'node restarted';
    if (reason !== undefined) {
      this.statsCounters.dropped++;
      this.emit('drop', { from: e.from, to: e.to, msgId: e.id, label, reason });
      return;
    }
    this.statsCounters.delivered++;
    this.emit('deliver', { from: e.from, to: e.to, msgId: e.id, label, ...(e.dup ? { reason: 'duplicate' } : {}) });
    rec.handlers.onMessage?.(e.from, e.msg);
    this.scheduleWake(rec);
  }

  /** Keeps one `wake` event per node at `nextWakeup()`; a replaced one stays in the heap, dead. */
  private scheduleWake(rec: NodeRecord<M, I, R>): void {
    if (!rec.up || rec.handlers.nextWakeup === undefined) return;
    const at = rec.handlers.nextWakeup();
    const existing = rec.wake;
    if (existing !== undefined) {
      if (existing.at === at) return;
      rec.wake = undefined;
      this.queue.markDead();
    }
    if (at === undefined) return;
    const wake = { kind: 'wake' as const, id: this.nextId++, at: Math.max(at, this.clock), seq: this.seq++, node: rec.name, incarnation: rec.incarnation };
    rec.wake = wake;
    this.queue.push(wake);
  }

  private toPending(e: QueuedEvent<M, I>): PendingEvent {
    if (e.kind === 'deliver') return { id: e.id, kind: e.kind, at: e.at, node: e.to, from: e.from, label: this.describeMsg(e.msg) };
    const label = e.kind === 'timer' ? e.name : e.kind === 'input' ? defaultDescribe(e.input) : 'wake';
    return { id: e.id, kind: e.kind, at: e.at, node: e.node, label };
  }

  private emit(kind: TraceKind, fields: Omit<TraceEvent, 'index' | 't' | 'kind'>): void {
    if (this.options.trace === false) return;
    this.trace.push({ index: this.trace.length, t: this.clock, kind, ...fields });
  }
}
