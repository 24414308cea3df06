/** What every playground scenario provides to the page (see main.ts) and to the URL (url.ts). */
import type { ScenarioRun } from './timeline.js';

export interface PageContext<A> {
  /** Take a user action now (recorded in the log, so it replays and goes into the URL). */
  act(action: A): void;
  /** Let the simulation run for `ms` simulated milliseconds (every event due in that time). */
  runFor(ms: number): void;
  /** Rebuild the run with new parameters (the log restarts). */
  setParams(params: Readonly<Record<string, number>>): void; // map-ok: parameter names are the scenario's own fixed list, read back by name from it
}

export interface UiScenario<A, R extends ScenarioRun<A>> {
  readonly id: string;
  readonly title: string;
  /** Numeric parameters with their defaults and bounds, shown as inputs and kept in the URL. */
  readonly params: readonly { readonly name: string; readonly label: string; readonly def: number; readonly min: number; readonly max: number; readonly step?: number; /** shown as a list: the value is the index */ readonly choices?: readonly string[] }[];
  readonly defaultSeed: number;
  create(params: ReadonlyMap<string, number>, seed: number): R;
  encodeAction(a: A): string;
  decodeAction(s: string): A;
  /** Builds the scenario's own controls (once per run; `run()` is the run at the current position). */
  controls(root: HTMLElement, run: () => R, ctx: PageContext<A>): void;
  /** Renders the current state (every frame while playing: keep it cheap). */
  render(root: HTMLElement, run: R, ctx: PageContext<A>): void;
  /** Node names for the Lamport diagram (empty: no diagram). */
  lanes(run: R): readonly string[];
  /** A state inspector: the nodes one can pick, and the state of one as text. */
  inspect(run: R): { readonly names: readonly string[]; show(name: string): string };
  /** "What the real system does here", each with the source function it follows. */
  readonly real: readonly (readonly [string, string])[];
  /** Actions a new visitor gets, so that the first screen shows something (e.g. start all servers). */
  readonly intro: readonly A[];
}

export type AnyScenario = UiScenario<unknown, ScenarioRun<unknown>>;
