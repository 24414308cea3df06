import { DurableStore, SimDisk } from './disk.js';
import { SimError } from './errors.js';
import { EventHeap } from './heap.js';
import { Prng, streamSeed, type PrngState } from './prng.js';
import type { TraceEvent, TraceKind } from './trace.js';

/** How one directed link behaves. All rates are probabilities per message in [0, 1]. */
export interface LinkOptions {
  /** Every message takes at least this long. */
  readonly minDelayMs: number;
  /** Plus a uniform random extra delay in [0, maxExtraDelayMs]. */
  readonly maxExtraDelayMs: number;
  /** Probability a message is lost. */
  readonly lossRate: number;
  /** Probability a message is delivered twice (the copy arrives later). */
  readonly dupRate: number;
  /**
   * Links are FIFO by default, like TCP: a message is never delivered before one sent earlier on
   * the same link. With probability `reorderRate` a message ignores that rule (UDP-like).
   */
  readonly reorderRate: number;
}

export const DEFAULT_LINK: LinkOptions = {
  minDelayMs: 1,
  maxExtraDelayMs: 4,
  lossRate: 0,
  dupRate: 0,
  reorderRate: 0,
};

/** A fault profile drawn from a seed: the seed picks the rates too (as in TigerBeetle's VOPR). */
export function randomLinkOptions(random: Prng, max: Partial<LinkOptions> = {}): LinkOptions {
  const maxLoss = max.lossRate ?? 0.2;
  const maxDup = max.dupRate ?? 0.1;
  const maxReorder = max.reorderRate ?? 0.2;
  return {
    minDelayMs: random.int(0, (max.minDelayMs ?? 10) + 1),
    maxExtraDelayMs: random.int(0, (max.maxExtraDelayMs ?? 50) + 1),
    lossRate: random.float() * maxLoss,
    dupRate: random.float() * maxDup,
    reorderRate: random.float() * maxReorder,
  };
}

export interface SimOptions<M> {
  readonly seed: number | string;
  /** Default behaviour of every link (a partial object fills in from DEFAULT_LINK). */
  readonly link?: Partial<LinkOptions>;
  /** A short label for a message, used by traces and diagrams. Default: `msg.type` or JSON. */
  readonly describe?: (msg: M) => string;
  /** See SimDisk. Default 30 000 ms. */
  readonly osFlushDelayMs?: number;
  /** See SimDisk. Default false. */
  readonly tornWrites?: boolean;
  /** Virtual start time in ms (default 0). */
  readonly startMs?: number;
  /** Keep the trace (default true). Long soaks may turn it off. */
  readonly trace?: boolean;
}

/** What a node's factory returns. Every member is optional. */
export interface NodeHandlers<M> {
  onMessage?(from: string, msg: M): void;
  onTimer?(name: string, data: unknown): void;
  onInput?(input: unknown): void;
  /** For sans-I/O cores that expose `nextWakeup`: the absolute virtual ms to be woken at. */
  nextWakeup?(): number | undefined;
  onWakeup?(): void;
}

/** What the simulator gives a node. Only through this does a node touch time, net, disk. */
export interface NodeContext<M> {
  readonly name: string;
  /** Virtual milliseconds. */
  now(): number;
  send(to: string, msg: M): void;
  setTimer(delayMs: number, name: string, data?: unknown): number;
  cancelTimer(id: number): void;
  /** This node's own PRNG stream (`node:<name>`), kept across restarts. */
  readonly random: Prng;
  /** Durable key-value storage (survives crashes). */
  readonly storage: DurableStore;
  /** Files with a page cache (see SimDisk for the crash model). */
  readonly disk: SimDisk;
  /** Adds a note to the trace. */
  note(text: string): void;
}

export type NodeFactory<M> = (ctx: NodeContext<M>) => NodeHandlers<M>;

type QueuedEvent<M> =
  | { kind: 'deliver'; id: number; at: number; seq: number; from: string; to: string; msg: M; toIncarnation: number; dup: boolean }
  | { kind: 'timer'; id: number; at: number; seq: number; node: string; name: string; data: unknown; incarnation: number }
  | { kind: 'input'; id: number; at: number; seq: number; node: string; input: unknown; incarnation: number }
  | { kind: 'wake'; id: number; at: number; seq: number; node: string; incarnation: number };

/** A pending event as hand control lists it. */
export interface PendingEvent {
  readonly id: number;
  readonly kind: 'deliver' | 'timer' | 'input' | 'wake';
  readonly at: number;
  readonly node: string;
  readonly from?: string;
  readonly label: string;
}

interface NodeRecord<M> {
  readonly name: string;
  readonly factory: NodeFactory<M>;
  handlers: NodeHandlers<M>;
  up: boolean;
  incarnation: number;
  readonly random: Prng;
  readonly storage: DurableStore;
  readonly disk: SimDisk;
  wakeId: number | undefined;
}

export interface SimStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  timers: number;
  steps: number;
}

/** A recorded call, replayed by `restore` at the same step. */
type Action<M> = { readonly step: number; readonly apply: (sim: Sim<M>) => void };

/** What `snapshot()` returns: enough to rebuild this exact state by deterministic replay. */
export interface SimSnapshot {
  readonly steps: number;
  readonly actionCount: number;
  readonly nowMs: number;
  readonly streams: ReadonlyMap<string, PrngState>;
}

const linkKey = (from: string, to: string): string => `${from}\u0000${to}`;

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

/**
 * The deterministic simulator: one virtual clock, one event queue, a faulty network between
 * named nodes, per-node durable storage and disks, and a trace of everything that happened.
 * Same seed and same calls → same trace, byte for byte.
 */
export class Sim<M = unknown> {
  readonly seed: number | string;
  private clock: number;
  private seq = 0;
  private nextId = 1;
  private readonly queue = new EventHeap<QueuedEvent<M>>();
  private readonly nodes = new Map<string, NodeRecord<M>>();
  private readonly streams = new Map<string, Prng>();
  private defaultLink: LinkOptions;
  private readonly links = new Map<string, LinkOptions>();
  private readonly blocked = new Set<string>();
  private readonly clogged = new Set<string>();
  private readonly held: QueuedEvent<M>[] = [];
  private readonly lastDelivery = new Map<string, number>();
  private readonly describeMsg: (msg: M) => string;
  private readonly options: SimOptions<M>;
  private actions: Action<M>[] = [];
  private replaying = false;
  private statsCounters: SimStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, timers: 0, steps: 0 };
  /** Every event, in order (empty when `trace: false`). */
  trace: TraceEvent[] = [];

  constructor(options: SimOptions<M>) {
    this.options = options;
    this.seed = options.seed;
    this.clock = options.startMs ?? 0;
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

  /** Adds a node; `factory` builds its handlers now and again after every restart. */
  addNode(name: string, factory: NodeFactory<M>): void {
    if (this.nodes.has(name)) throw new SimError('DUPLICATE_NODE', `node ${name} already exists`);
    this.record((s) => { s.addNode(name, factory); });
    const rec: NodeRecord<M> = {
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
      wakeId: undefined,
    };
    this.nodes.set(name, rec);
    this.emit('add', { node: name });
    rec.handlers = factory(this.contextFor(rec));
    this.scheduleWake(rec);
  }

  nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  /** The node's current handlers object (for introspection by tests and examples). */
  node<H extends NodeHandlers<M> = NodeHandlers<M>>(name: string): H {
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
    rec.wakeId = undefined;
    this.queue.removeWhere((e) => e.kind !== 'deliver' && e.node === name);
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

  /** An external input (a client request, an operator command) delivered to a node now. */
  inject(name: string, input: unknown): void {
    const rec = this.rec(name);
    this.record((s) => { s.inject(name, input); });
    this.queue.push({ kind: 'input', id: this.nextId++, at: this.clock, seq: this.seq++, node: name, input, incarnation: rec.incarnation });
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
    for (let i = 0; i < this.held.length; ) {
      const e = this.held[i]!;
      if (e.kind === 'deliver' && linkKey(e.from, e.to) === key) {
        this.held.splice(i, 1);
        this.queue.push({ ...e, at: this.clock, seq: this.seq++ });
      } else {
        i++;
      }
    }
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

  /** Runs every event up to `now + ms`, then moves the clock there. */
  runFor(ms: number): void {
    if (!(ms >= 0)) throw new SimError('BAD_OPTION', `runFor(ms) needs ms >= 0, got ${ms}`);
    this.runTo(this.clock + ms);
  }

  /**
   * Runs until `until` holds (checked before every event) or, given a number, until that virtual
   * time. Returns true if the predicate held (or the time was reached), false if the queue ran dry
   * or `maxSteps` (default 1 000 000) events ran first.
   */
  runUntil(until: ((sim: this) => boolean) | number, opts: { maxSteps?: number } = {}): boolean {
    if (typeof until === 'number') {
      this.runTo(until, opts.maxSteps);
      return true;
    }
    const maxSteps = opts.maxSteps ?? 1_000_000;
    for (let i = 0; i < maxSteps; i++) {
      if (until(this)) return true;
      if (!this.step()) return until(this);
    }
    return until(this);
  }

  private runTo(t: number, maxSteps = Number.POSITIVE_INFINITY): void {
    let n = 0;
    for (;;) {
      const next = this.queue.peek();
      if (next === undefined || next.at > t) break;
      if (n++ >= maxSteps) throw new SimError('STEP_LIMIT', `more than ${maxSteps} events before t=${t}`);
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

  /** Delivers (runs) one pending event now, out of order. */
  deliver(id: number): void {
    const [e] = this.queue.removeWhere((x) => x.id === id);
    if (e === undefined) throw new SimError('UNKNOWN_EVENT', `no pending event #${id}`);
    this.record((s) => { s.deliver(id); });
    this.statsCounters.steps++;
    this.dispatch(e);
  }

  /** Drops one pending event (a message is lost, a timer never fires). */
  drop(id: number): void {
    const [e] = this.queue.removeWhere((x) => x.id === id);
    if (e === undefined) throw new SimError('UNKNOWN_EVENT', `no pending event #${id}`);
    this.record((s) => { s.drop(id); });
    if (e.kind === 'deliver') {
      this.statsCounters.dropped++;
      this.emit('drop', { from: e.from, to: e.to, msgId: e.id, label: this.describeMsg(e.msg), reason: 'by hand' });
    } else {
      this.emit('drop', { node: e.node, label: e.kind === 'timer' ? `timer ${e.name}` : e.kind, reason: 'by hand' });
    }
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
    this.queue.removeWhere(() => true);
    this.nodes.clear();
    this.streams.clear();
    this.defaultLink = checkLink({ ...DEFAULT_LINK, ...this.options.link });
    this.links.clear();
    this.blocked.clear();
    this.clogged.clear();
    this.held.length = 0;
    this.lastDelivery.clear();
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
  private record(apply: (sim: Sim<M>) => void): void {
    if (this.replaying || this.dispatching > 0) return;
    this.actions.push({ step: this.statsCounters.steps, apply });
  }
  private dispatching = 0;

  private rec(name: string): NodeRecord<M> {
    const r = this.nodes.get(name);
    if (r === undefined) throw new SimError('UNKNOWN_NODE', `no node named ${name}`);
    return r;
  }

  private contextFor(rec: NodeRecord<M>): NodeContext<M> {
    const incarnation = rec.incarnation;
    const live = (): boolean => rec.up && rec.incarnation === incarnation;
    return {
      name: rec.name,
      now: () => this.clock,
      send: (to, msg) => { if (live()) this.sendMessage(rec.name, to, msg); },
      setTimer: (delayMs, name, data) => {
        if (!(delayMs >= 0)) throw new SimError('BAD_OPTION', `setTimer delay must be >= 0, got ${delayMs}`);
        const id = this.nextId++;
        if (live()) {
          this.queue.push({ kind: 'timer', id, at: this.clock + delayMs, seq: this.seq++, node: rec.name, name, data, incarnation });
        }
        return id;
      },
      cancelTimer: (id) => { this.queue.removeWhere((e) => e.kind === 'timer' && e.id === id); },
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
    if (target === undefined) {
      // Like a packet to an address where nothing listens (yet): lost, and the trace says why.
      this.statsCounters.dropped++;
      this.emit('drop', { from, to, msgId: id, label, reason: 'no such node' });
      return;
    }
    if (this.blocked.has(linkKey(from, to))) {
      this.statsCounters.dropped++;
      this.emit('drop', { from, to, msgId: id, label, reason: 'partition' });
      return;
    }
    if (net.chance(link.lossRate)) {
      this.statsCounters.dropped++;
      this.emit('drop', { from, to, msgId: id, label, reason: 'loss' });
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

  private dispatch(e: QueuedEvent<M>): void {
    this.dispatching++;
    try {
      this.dispatchEvent(e);
    } finally {
      this.dispatching--;
    }
  }

  private dispatchEvent(e: QueuedEvent<M>): void {
    if (e.kind === 'deliver') {
      this.dispatchDelivery(e);
      return;
    }
    const rec = this.rec(e.node);
    if (!rec.up || rec.incarnation !== e.incarnation) return;
    if (e.kind === 'timer') {
      this.statsCounters.timers++;
      this.emit('timer', { node: e.node, label: e.name });
      rec.handlers.onTimer?.(e.name, e.data);
    } else if (e.kind === 'input') {
      this.emit('input', { node: e.node, label: this.describeInput(e.input) });
      rec.handlers.onInput?.(e.input);
    } else {
      rec.wakeId = undefined;
      this.emit('wake', { node: e.node });
      rec.handlers.onWakeup?.();
    }
    this.scheduleWake(rec);
  }

  private dispatchDelivery(e: Extract<QueuedEvent<M>, { kind: 'deliver' }>): void {
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

  private scheduleWake(rec: NodeRecord<M>): void {
    if (!rec.up || rec.handlers.nextWakeup === undefined) return;
    const at = rec.handlers.nextWakeup();
    const existing = rec.wakeId;
    if (existing !== undefined) {
      const [old] = this.queue.removeWhere((x) => x.id === existing);
      if (old !== undefined && old.at === at) {
        this.queue.push(old);
        return;
      }
      rec.wakeId = undefined;
    }
    if (at === undefined) return;
    const id = this.nextId++;
    rec.wakeId = id;
    this.queue.push({ kind: 'wake', id, at: Math.max(at, this.clock), seq: this.seq++, node: rec.name, incarnation: rec.incarnation });
  }

  private describeInput(input: unknown): string {
    return defaultDescribe(input);
  }

  private toPending(e: QueuedEvent<M>): PendingEvent {
    if (e.kind === 'deliver') return { id: e.id, kind: e.kind, at: e.at, node: e.to, from: e.from, label: this.describeMsg(e.msg) };
    const label = e.kind === 'timer' ? e.name : e.kind === 'input' ? this.describeInput(e.input) : 'wake';
    return { id: e.id, kind: e.kind, at: e.at, node: e.node, label };
  }

  private emit(kind: TraceKind, fields: Omit<TraceEvent, 'index' | 't' | 'kind'>): void {
    if (this.options.trace === false) return;
    this.trace.push({ index: this.trace.length, t: this.clock, kind, ...fields });
  }
}

function checkLink(l: LinkOptions): LinkOptions {
  const rates: (keyof LinkOptions)[] = ['lossRate', 'dupRate', 'reorderRate'];
  for (const k of rates) {
    const v = l[k];
    if (!(v >= 0 && v <= 1)) throw new SimError('BAD_OPTION', `${k} must be in [0, 1], got ${v}`);
  }
  for (const k of ['minDelayMs', 'maxExtraDelayMs'] as const) {
    const v = l[k];
    if (!Number.isSafeInteger(v) || v < 0) throw new SimError('BAD_OPTION', `${k} must be a non-negative integer, got ${v}`);
  }
  return l;
}
