import type { Sim } from './sim.js';
import { renderTrace, type TraceEvent } from './trace.js';

/**
 * What runWithInvariants needs of a simulator: any `Sim<M, I, R>` (a `Sim<M, I>` is not a
 * `Sim<M>`, since its inputs are narrower, so the checker takes this shape instead).
 */
export interface SteppableSim {
  readonly seed: number | string;
  readonly trace: readonly TraceEvent[];
  now(): number;
  nextWakeup(): number | undefined;
  step(): boolean;
  runFor(ms: number): void;
}

export interface Invariant<S> {
  /** A sentence: "never two leaders in the same epoch". */
  readonly name: string;
  /** true when it holds; false or a string (what is wrong) when it does not. */
  readonly check: (sim: S) => boolean | string;
}

export interface RunWithInvariantsOptions<S> {
  readonly sim: S;
  readonly invariants: readonly Invariant<S>[];
  /** Stop at this virtual time (inclusive of events at it). */
  readonly untilMs?: number;
  /** Stop after this many events (default 100 000). */
  readonly maxSteps?: number;
  /** Plain data describing the state, shown before and after a violating step. */
  readonly state?: (sim: S) => unknown;
}

/** Thrown when an invariant breaks; carries everything needed to replay and understand it. */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
  readonly code = 'INVARIANT_VIOLATED';
  constructor(
    readonly invariant: string,
    readonly seed: number | string,
    readonly step: number,
    readonly timeMs: number,
    readonly detail: string,
    readonly before: unknown,
    readonly after: unknown,
    readonly recentTrace: string,
  ) {
    super(
      `invariant violated: ${invariant}\n  seed: ${String(seed)}  step: ${step}  t: ${timeMs} ms\n  ${detail}\n` +
        `  state before: ${show(before)}\n  state after:  ${show(after)}\n  last events:\n${recentTrace}`,
    );
  }
}

/** JSON with bigints and Maps/Sets made readable, cut at 4 000 characters. */
export function show(value: unknown): string {
  let s: string;
  try {
    const json = JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'bigint') return `0x${v.toString(16)}`;
      if (v instanceof Map) return Object.fromEntries([...v.entries()].map(([k, x]) => [String(k), x as unknown]));
      if (v instanceof Set) return [...(v as Set<unknown>).values()];
      if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
      return v;
    }) as string | undefined;
    s = json ?? 'undefined';
  } catch {
    s = String(value);
  }
  return s.length > 4000 ? `${s.slice(0, 4000)}…` : s;
}

/**
 * Runs a simulation event by event and checks every invariant before the first event and after
 * each one. Returns the number of events run; throws InvariantViolation at the first break.
 */
export function runWithInvariants<M, S extends SteppableSim = Sim<M>>(opts: RunWithInvariantsOptions<S>): number {
  const { sim, invariants } = opts;
  const maxSteps = opts.maxSteps ?? 100_000;
  const describe = opts.state ?? (() => undefined);
  const checkAll = (before: unknown, step: number): void => {
    for (const inv of invariants) {
      const r = inv.check(sim);
      if (r !== true) {
        const recent = renderTrace(sim.trace.slice(-20), { legend: false });
        throw new InvariantViolation(inv.name, sim.seed, step, sim.now(), typeof r === 'string' ? r : 'check returned false', before, describe(sim), recent);
      }
    }
  };
  checkAll(undefined, 0);
  let steps = 0;
  while (steps < maxSteps) {
    const next = sim.nextWakeup();
    if (next === undefined) break;
    if (opts.untilMs !== undefined && next > opts.untilMs) break;
    const before = opts.state ? describe(sim) : undefined;
    sim.step();
    steps++;
    checkAll(before, steps);
  }
  if (opts.untilMs !== undefined && sim.now() < opts.untilMs && (sim.nextWakeup() ?? Infinity) > opts.untilMs) {
    sim.runFor(opts.untilMs - sim.now());
  }
  return steps;
}
