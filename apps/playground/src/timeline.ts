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
 * Replaying from the seed costs O(position). To make stepping back cheap, the timeline parks
 * *spares*: runs built from the seed and left untouched at checkpoint positions (every
 * `checkpointEvery` entries near the current position, and a few spread further back). A seek
 * back takes the highest spare at or below the target and executes only the difference; the spare
 * is consumed (a run cannot be copied), and `prepare(budgetMs)` rebuilds missing spares in small
 * slices (the page calls it in idle animation frames).
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
  /** position → an untouched run at that position. */
  private readonly spares = new Map<number, R>();
  /** Runs being advanced from the seed towards a wanted checkpoint. */
  private builders: { run: R; pos: number; target: number }[] = [];
  readonly checkpointEvery: number;

  constructor(private readonly create: () => R, opts: { checkpointEvery?: number } = {}) {
    this.current = create();
    this.checkpointEvery = opts.checkpointEvery ?? 250;
  }

  /** Positions that have a parked spare (for tests and the curious). */
  sparePositions(): number[] {
    return [...this.spares.keys()].sort((a, b) => a - b);
  }

  /** The checkpoints worth keeping a spare at, for the current position. */
  private wanted(): number[] {
    const c = this.checkpointEvery;
    const top = Math.floor(Math.max(0, this.position - 1) / c) * c;
    const out = new Set<number>();
    for (let k = 0; k < 6; k++) if (top - k * c > 0) out.add(top - k * c);
    for (let d = 8; top - d * c > 0 && out.size < 12; d *= 2) out.add(top - d * c);
    return [...out].filter((x) => x <= this.log.length).sort((a, b) => a - b);
  }

  /**
   * Builds missing spares for about `budgetMs` milliseconds of work (performance.now()).
   * Returns true while there is more to do. Spares no longer wanted are dropped.
   */
  prepare(budgetMs: number): boolean {
    const wanted = this.wanted();
    const keep = new Set(wanted);
    for (const k of [...this.spares.keys()]) if (!keep.has(k)) this.spares.delete(k);
    this.builders = this.builders.filter((b) => keep.has(b.target) && b.target <= this.log.length);
    for (const w of wanted) {
      if (!this.spares.has(w) && !this.builders.some((b) => b.target === w)) this.builders.push({ run: this.create(), pos: 0, target: w });
    }
    const t0 = performance.now();
    while (this.builders.length > 0 && performance.now() - t0 < budgetMs) {
      const b = this.builders[0];
      if (b === undefined) break;
      for (let i = 0; i < 64 && b.pos < b.target; i++) {
        const e = this.log[b.pos];
        if (e === undefined) break;
        this.executeOn(b.run, e);
        b.pos++;
      }
      if (b.pos >= b.target) {
        this.spares.set(b.target, b.run);
        this.builders.shift();
      }
    }
    return this.builders.length > 0;
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
    if (this.position < this.log.length) this.cutFuture();
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
      let best = -1;
      for (const k of this.spares.keys()) if (k <= target && k > best) best = k;
      const spare = best >= 0 ? this.spares.get(best) : undefined;
      if (spare !== undefined) {
        this.spares.delete(best);
        this.current = spare;
        this.position = best;
      } else {
        this.current = this.create();
        this.position = 0;
      }
    }
    while (this.position < target) this.forward();
  }

  /** Adopts a whole log (e.g. from a URL) and executes it up to `target` (default: all of it). */
  adopt(entries: readonly LogEntry<A>[], target = entries.length): void {
    this.log.length = 0;
    this.spares.clear();
    this.builders = [];
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
    this.executeOn(this.current, e);
  }

  private executeOn(run: R, e: LogEntry<A>): void {
    if (e.kind === 'action') (run as unknown as ScenarioRun<A>).apply(e.action);
    else if (e.kind === 'advance') run.sim.advanceClock(e.toMs);
    else if (!run.sim.step()) throw new TimelineError('END_OF_RUN', 'the log says step, but the simulator has nothing pending (not the same run?)');
  }

  /** Cuts the log at the current position; spares and builders beyond it are dropped. */
  private cutFuture(): void {
    this.log.length = this.position;
    for (const k of [...this.spares.keys()]) if (k > this.position) this.spares.delete(k);
    this.builders = this.builders.filter((b) => b.target <= this.position);
  }
}
