import { DurableStore, SimDisk } from './disk.js';
import { SimError } from './errors.js';
import { Network } from './network.js';
import { Prng, normaliseSeed, streamSeed } from './prng.js';
import { EventQueue, type DeliverEvent, type QueuedEvent, type TimerEvent } from './queue.js';
import type { TraceEvent, TraceKind } from './trace.js';
import type { NodeContext, NodeFactory, NodeHandlers, PendingEvent, SimOptions, SimStats } from './types.js';

/** The default bound of one `runFor` / `runUntil(timeMs)` call (see SimOptions.maxStepsPerRun). */
export const DEFAULT_MAX_STEPS_PER_RUN = 10_000_000;
/** The default bound of `runUntil(predicate)` and `request`. */
export const DEFAULT_MAX_STEPS = 1_000_000;

export interface NodeRecord<M, I, R> {
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

export function defaultDescribe(msg: unknown): string {
  if (typeof msg === 'object' && msg !== null && 'type' in msg && typeof msg.type === 'string') return msg.type;
  if (typeof msg === 'string') return msg;
  try {
    const json = JSON.stringify(msg, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) as string | undefined;
    return json ?? String(msg);
  } catch {
    return String(msg);
  }
}

export function checkFinite(what: string, v: number, min = Number.NEGATIVE_INFINITY): number {
  if (!Number.isFinite(v) || v < min) {
    throw new SimError('BAD_OPTION', `${what} must be a finite number${min > Number.NEGATIVE_INFINITY ? ` >= ${min}` : ''}, got ${v}`);
  }
  return v;
}

/**
 * The engine under `Sim`: the clock, the event queue, the nodes and their contexts (timers,
 * sends, replies), and dispatch. `Sim` adds the public calls that are recorded for replay
 * (nodes, faults, running, hand control, snapshot/restore). Split in two files only for size.
 */
export abstract class SimKernel<M, I, R> {
  readonly seed: number | string;
  protected clock: number;
  protected seq = 0;
  protected nextId = 1;
  protected nextGen = 1;
  protected readonly queue = new EventQueue<QueuedEvent<M, I>>((e) => this.isLive(e));
  protected readonly nodes = new Map<string, NodeRecord<M, I, R>>();
  protected readonly streams = new Map<string, Prng>();
  protected readonly network: Network<M>;
  /** Ids of pending `setTimer` timers (cancelTimer deletes, so the heap entry is dead). */
  protected readonly anonTimers = new Set<number>();
  /** Inputs a `request` waits on → the first reply, once given. */
  protected readonly awaiting = new Map<number, { reply?: { value: R } }>();
  protected readonly describeMsg: (msg: M) => string;
  protected readonly options: SimOptions<M>;
  protected dispatching = 0;
  protected statsCounters: SimStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, timers: 0, steps: 0 };
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
    this.network = new Network(options.link);
    this.describeMsg = options.describe ?? defaultDescribe;
  }

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

  protected rec(name: string): NodeRecord<M, I, R> {
    const r = this.nodes.get(name);
    if (r === undefined) throw new SimError('UNKNOWN_NODE', `no node named ${name}`);
    return r;
  }

  /** Dead entries (a re-armed timer's old deadline, a cancelled timer, a replaced wake) are skipped. */
  protected isLive(e: QueuedEvent<M, I>): boolean {
    if (e.kind === 'timer') {
      if (e.gen === 0) return this.anonTimers.has(e.id);
      return this.nodes.get(e.node)?.timers.get(e.name)?.gen === e.gen;
    }
    if (e.kind === 'wake') return this.nodes.get(e.node)?.wake === e;
    return true;
  }

  protected forgetTimer(rec: NodeRecord<M, I, R>, e: TimerEvent): void {
    if (e.gen === 0) this.anonTimers.delete(e.id);
    else if (rec.timers.get(e.name)?.gen === e.gen) rec.timers.delete(e.name);
  }

  protected contextFor(rec: NodeRecord<M, I, R>): NodeContext<M, R> {
    const incarnation = rec.incarnation;
    const live = (): boolean => rec.up && rec.incarnation === incarnation;
    // the message is only built for a bad delay (timers are armed on almost every event)
    const delay = (what: string, ms: number, timer?: string): number =>
      Number.isFinite(ms) && ms >= 0 ? ms : checkFinite(`${timer === undefined ? what : `${what}(${timer})`} delay (node ${rec.name})`, ms, 0);
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
        const at = this.clock + delay('armTimer', delayMs, name);
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

  protected sendMessage(from: string, to: string, msg: M): void {
    const net = this.random('network');
    const link = this.network.linkOptions(from, to);
    const id = this.nextId++;
    const label = this.describeMsg(msg);
    this.statsCounters.sent++;
    this.emit('send', { from, to, msgId: id, label });
    const target = this.nodes.get(to);
    // A message to a name where nothing listens (yet) is lost like a packet, and the trace says
    // why. The loss draw happens only for a message that could be delivered (replay-stable).
    const reason = target === undefined ? 'no such node'
      : this.network.isBlocked(from, to) ? 'partition'
        : net.chance(link.lossRate) ? 'loss' : undefined;
    if (target === undefined || reason !== undefined) {
      this.statsCounters.dropped++;
      this.emit('drop', { from, to, msgId: id, label, reason: reason ?? 'no such node' });
      return;
    }
    const toIncarnation = target.incarnation;
    for (let dup = false; ; dup = true) {
      const at = this.network.arrival(from, to, link, net, this.clock);
      this.queue.push({ kind: 'deliver', id, at, seq: this.seq++, from, to, msg, toIncarnation, dup });
      if (dup || !net.chance(link.dupRate)) break;
      this.statsCounters.duplicated++; // the copy gets its own delay, so it may arrive later
    }
  }

  protected dispatch(e: QueuedEvent<M, I>): void {
    this.dispatching++;
    try {
      this.dispatchEvent(e);
    } finally {
      this.dispatching--;
    }
  }

  protected dispatchEvent(e: QueuedEvent<M, I>): void {
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

  protected dispatchDelivery(e: DeliverEvent<M>): void {
    if (this.network.holdIfClogged(e)) return;
    const label = this.describeMsg(e.msg);
    const rec = this.rec(e.to);
    let reason: string | undefined;
    if (this.network.isBlocked(e.from, e.to)) reason = 'partition';
    else if (!rec.up) reason = 'node down';
    else if (rec.incarnation !== e.toIncarnation) reason = 'node restarted';
    if (reason !== undefined) {
      this.statsCounters.dropped++;
      this.emit('drop', { from: e.from, to: e.to, msgId: e.id, label, reason });
      return;
    }
    this.statsCounters.delivered++;
    // two literals rather than a spread, which allocated a third object on every delivery
    this.emit('deliver', e.dup ? { from: e.from, to: e.to, msgId: e.id, label, reason: 'duplicate' } : { from: e.from, to: e.to, msgId: e.id, label });
    rec.handlers.onMessage?.(e.from, e.msg);
    this.scheduleWake(rec);
  }

  /** Keeps one `wake` event per node at `nextWakeup()`; a replaced one stays in the heap, dead. */
  protected scheduleWake(rec: NodeRecord<M, I, R>): void {
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

  protected toPending(e: QueuedEvent<M, I>): PendingEvent {
    if (e.kind === 'deliver') return { id: e.id, kind: e.kind, at: e.at, node: e.to, from: e.from, label: this.describeMsg(e.msg) };
    const label = e.kind === 'timer' ? e.name : e.kind === 'input' ? defaultDescribe(e.input) : 'wake';
    return { id: e.id, kind: e.kind, at: e.at, node: e.node, label };
  }

  protected emit(kind: TraceKind, fields: Omit<TraceEvent, 'index' | 't' | 'kind'>): void {
    if (this.options.trace === false) return;
    this.trace.push({ index: this.trace.length, t: this.clock, kind, ...fields });
  }
}
