import type { DurableStore, SimDisk } from './disk.js';
import type { LinkOptions } from './link.js';
import type { Prng, PrngState } from './prng.js';

export interface SimOptions<M> {
  /** Any safe integer or string. Anything else (NaN, 1.5, Infinity) is a SimError BAD_OPTION. */
  readonly seed: number | string;
  /** Default behaviour of every link (a partial object fills in from DEFAULT_LINK). */
  readonly link?: Partial<LinkOptions>;
  /** A short label for a message, used by traces and diagrams. Default: `msg.type` or JSON. */
  readonly describe?: (msg: M) => string;
  /** See SimDisk. Default 30 000 ms. */
  readonly osFlushDelayMs?: number;
  /** See SimDisk. Default false. */
  readonly tornWrites?: boolean;
  /** Virtual start time in ms (default 0); a finite number. */
  readonly startMs?: number;
  /** Keep the trace (default true). Long soaks may turn it off. */
  readonly trace?: boolean;
  /**
   * The most events one `runFor` / `runUntil(timeMs)` call may run before it throws SimError
   * STEP_LIMIT (default 10 000 000): a protocol that re-arms a zero-delay timer forever never
   * reaches a later time, and this bound turns that livelock into an error instead of a hang.
   */
  readonly maxStepsPerRun?: number;
  /**
   * A deliberately wrong kernel, kept so the model-based test can show it is caught (as
   * fast-check's examples keep a buggy variant). Never set it outside that test.
   * `'rearm-keeps-generation'`: re-arming a named timer forgets to start a new generation, so the
   * old deadline stays live.
   */
  readonly planted?: 'rearm-keeps-generation';
}

/**
 * What a node's factory returns. Every member is optional. `I` is the type of the inputs that
 * `sim.inject` / `sim.request` hand to the node.
 */
export interface NodeHandlers<M, I = unknown> {
  onMessage?(from: string, msg: M): void;
  /** Timers of `setTimer` and named timers of `armTimer` both arrive here. */
  onTimer?(name: string, data: unknown): void;
  /** `inputId` is what `inject` returned; pass it to `ctx.reply` to answer a `sim.request`. */
  onInput?(input: I, inputId: number): void;
  /** For sans-I/O cores that expose `nextWakeup`: the absolute virtual ms to be woken at. */
  nextWakeup?(): number | undefined;
  onWakeup?(): void;
}

/**
 * What the simulator gives a node. Only through this does a node touch time, net, disk.
 * `R` is the type of the replies the node gives to `sim.request`.
 */
export interface NodeContext<M, R = unknown> {
  readonly name: string;
  /** Virtual milliseconds. */
  now(): number;
  send(to: string, msg: M): void;
  /** An anonymous one-shot timer; returns its id for `cancelTimer`. */
  setTimer(delayMs: number, name: string, data?: unknown): number;
  /** Cancels a `setTimer` timer (O(1); a timer that already fired or was cancelled is ignored). */
  cancelTimer(id: number): void;
  /**
   * Sets or re-arms this node's timer called `name` to fire `delayMs` from now with `data`.
   * A previous deadline of the same name is forgotten: the timer fires once, at the last
   * deadline armed. O(log n). A crash disarms every timer.
   */
  armTimer(name: string, delayMs: number, data?: unknown): void;
  /** Disarms the timer called `name` (O(1)); nothing happens if it is not armed. */
  disarmTimer(name: string): void;
  /** The absolute virtual time the timer called `name` fires at, or undefined if it is not armed. */
  timerDeadline(name: string): number | undefined;
  /** Answers the input `inputId` (see `sim.request`). The first reply to an input counts. */
  reply(inputId: number, value: R): void;
  /** This node's own PRNG stream (`node:<name>`), kept across restarts. */
  readonly random: Prng;
  /** Durable key-value storage (survives crashes). */
  readonly storage: DurableStore;
  /** Files with a page cache (see SimDisk for the crash model). */
  readonly disk: SimDisk;
  /** Adds a note to the trace. */
  note(text: string): void;
}

export type NodeFactory<M, I = unknown, R = unknown, H extends NodeHandlers<M, I> = NodeHandlers<M, I>> = (ctx: NodeContext<M, R>) => H;

/** What `addNode` returns: typed access to the node's current handlers (its factory's result). */
export interface NodeRef<H> {
  readonly name: string;
  /** The handlers of the node's current incarnation. Throws SimError NODE_DOWN while it is crashed. */
  handlers(): H;
}

/** Bounds of `sim.request`. */
export interface RequestOptions {
  /** Give up when the next event is later than this absolute virtual time (the clock moves there). */
  readonly untilMs?: number;
  /** Give up after this many events (default 1 000 000). */
  readonly maxSteps?: number;
}

/** A pending event as hand control lists it. */
export interface PendingEvent {
  readonly id: number;
  readonly kind: 'deliver' | 'timer' | 'input' | 'wake';
  readonly at: number;
  readonly node: string;
  readonly from?: string;
  readonly label: string;
}

export interface SimStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  timers: number;
  steps: number;
}

/** What `snapshot()` returns: enough to rebuild this exact state by deterministic replay. */
export interface SimSnapshot {
  readonly steps: number;
  readonly actionCount: number;
  readonly nowMs: number;
  readonly streams: ReadonlyMap<string, PrngState>;
}
