/**
 * The timeline: play, step, step back and jump, for any scenario built on @protolab/sim.
 *
 * A run is defined by its scenario, its parameters, its seed and the log of what happened, which
 * is a list of entries: `step` (the simulator processed its next event) or an `action` the user
 * took (start a server, crash it, partition, write…). The simulator is deterministic, so the
 * state at any position of the log is a pure function of (scenario, params, seed, log prefix):
 *
 * - forward: run the next entry (the sim's `step()`, or the scenario's `apply(action)`, which turns
 *   the action into sim calls);
 * - back / jump: deterministic replay — build the run again from its seed (`create()`) and execute
 *   the log up to the target. This is what `sim.restore` does inside the simulator, done one level
 *   up so that state kept outside the simulator (an Ensemble's bookkeeping, a scenario's curve) is
 *   rebuilt too: nothing can be stale after a rewind.
 *
 * A new action taken while behind the end of the log cuts the future off (a branch), as a
 * debugger's "edit and continue" would. The URL (see url.ts) holds the same four things, so a link
 * reproduces the run exactly.
 */
import type { Sim } from '@protolab/sim';

/** What a scenario instance gives the timeline. `A` is the scenario's action type. */
export interface ScenarioRun<A> {
  /** The one simulator of this run. */
  readonly sim: Sim;
  /** Turns a user action into simulator calls (inject, crash, partition…). Must be deterministic. */
  apply(action: A): void;
}

export type LogEntry<A> =
  | { readonly kind: 'step' }
  | { readonly kind: 'action'; readonly action: A }
  /** The clock moved to `toMs` with nothing happening (an idle gap the user let pass). */
  | { readonly kind: 'advance'; readonly toMs: number };

/** A timeline error a caller can act on (bad position, a log that does not replay). */
export class TimelineError extends Error {
  constructor(readonly code: 'BAD_POSITION' | 'END_OF_RUN', message: string) {
    super(message);
    this.name = 'TimelineError';
  }
}

/** The action type of a run type. */
export type ActionOf<R> = R extends ScenarioRun<infer A> ? A : never;

export class Timeline<R extends ScenarioRun<never>, A = ActionOf<R>> {
  private readonly log: LogEntry<A>[] = [];
  private position = 0;
  private current: R;

  constructor(private readonly create: () => R) {
    this.current = create();
  }

  /** The run at the current position (a new object after a step back). */
  get run(): R {
    return this.current;
  }

  /** How many entries have been executed to reach the current state. */
  get pos(): number {
    return this.position;
  }

  /** The furthest position known (the end of the log). */
  get end(): number {
    return this.log.length;
  }

  entries(): readonly LogEntry<A>[] {
    return this.log;
  }

  /**
   * One step forward: the next known entry if we are behind the end; otherwise the simulator's
   * next event. Returns false when the simulator has no pending event (the run is quiet).
   */
  forward(): boolean {
    if (this.position < this.log.length) {
      const e = this.log[this.position];
      if (e === undefined) throw new TimelineError('BAD_POSITION', `no entry at ${String(this.position)}`);
      this.execute(e);
      this.position++;
      return true;
    }
    if (!this.current.sim.step()) return false;
    this.log.push({ kind: 'step' });
    this.position++;
    return true;
  }

  /**
   * Takes a user action now; any future after the current position is cut off. An action the
   * scenario refuses (it throws: e.g. restarting a server that is running) is not logged, and the
   * run is rebuilt to the current position, so a half-applied action can leave nothing behind.
   */
  act(action: A): void {
    if (this.position < this.log.length) this.log.length = this.position;
    try {
      (this.current as unknown as ScenarioRun<A>).apply(action);
    } catch (e) {
      const here = this.position;
      this.current = this.create();
      this.position = 0;
      while (this.position < here) this.forward();
      throw e;
    }
    this.log.push({ kind: 'action', action });
    this.position++;
  }

  /** Goes to position `target` (0 … end): back by replaying from the seed, forward by executing. */
  seek(target: number): void {
    if (!Number.isInteger(target) || target < 0 || target > this.log.length) {
      throw new TimelineError('BAD_POSITION', `position ${String(target)} is outside 0..${String(this.log.length)}`);
    }
    if (target < this.position) {
      this.current = this.create();
      this.position = 0;
    }
    while (this.position < target) this.forward();
  }

  /** Adopts a whole log (e.g. from a URL) and executes it up to `target` (default: all of it). */
  adopt(entries: readonly LogEntry<A>[], target = entries.length): void {
    this.log.length = 0;
    this.log.push(...entries);
    this.current = this.create();
    this.position = 0;
    this.seek(Math.max(0, Math.min(target, entries.length)));
  }

  back(n = 1): void {
    this.seek(Math.max(0, this.position - n));
  }

  /**
   * Runs forward over every event due within `ms` more simulated milliseconds, then moves the
   * clock to the end of that time (an `advance` entry, so replaying the log gives the same clock).
   * Behind the end of the log it replays known entries instead, up to that time.
   */
  forwardFor(ms: number, maxEntries = 100_000): number {
    const until = this.current.sim.now() + ms;
    let n = 0;
    while (n < maxEntries) {
      if (this.position < this.log.length) {
        const e = this.log[this.position];
        if (e === undefined || (e.kind === 'advance' && e.toMs > until)) break;
        if (e.kind === 'step' && (this.current.sim.nextWakeup() ?? Infinity) > until) break;
        this.forward();
        n++;
        continue;
      }
      const next = this.current.sim.nextWakeup();
      if (next === undefined || next > until) break;
      if (!this.forward()) break;
      n++;
    }
    if (this.position === this.log.length && this.current.sim.now() < until) {
      this.current.sim.advanceClock(until);
      this.log.push({ kind: 'advance', toMs: until });
      this.position++;
    }
    return n;
  }

  private execute(e: LogEntry<A>): void {
    if (e.kind === 'action') (this.current as unknown as ScenarioRun<A>).apply(e.action);
    else if (e.kind === 'advance') this.current.sim.advanceClock(e.toMs);
    else if (!this.current.sim.step()) throw new TimelineError('END_OF_RUN', 'the log says step, but the simulator has nothing pending (not the same run?)');
  }
}
