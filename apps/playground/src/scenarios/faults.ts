/**
 * Network faults any scenario with messages can offer: link loss / duplication / delay, a
 * partition between two groups of nodes, heal, and dropping one message in flight — all through
 * @protolab/sim's own fault vocabulary (setDefaultLink, partition, heal, drop), so they replay.
 */
import type { Sim } from '@protolab/sim';

export type FaultAction =
  | { readonly type: 'link'; readonly lossPct: number; readonly dupPct: number; readonly delayMs: number }
  | { readonly type: 'partition'; readonly a: readonly string[]; readonly b: readonly string[] }
  | { readonly type: 'heal' }
  | { readonly type: 'drop'; readonly id: number };

const FAULTS = new Set(['link', 'partition', 'heal', 'drop']);

export function isFault(a: { readonly type: string }): a is FaultAction {
  return FAULTS.has(a.type);
}

export function applyFault(sim: Sim, a: FaultAction): void {
  switch (a.type) {
    case 'link':
      sim.setDefaultLink({ lossRate: a.lossPct / 100, dupRate: a.dupPct / 100, minDelayMs: Math.max(0, a.delayMs), maxExtraDelayMs: 3 });
      return;
    case 'partition': sim.partition(a.a, a.b); return;
    case 'heal': sim.heal(); return;
    case 'drop': sim.drop(a.id); return;
  }
}

const NAME = /^[A-Za-z0-9_-]{1,32}$/;

export function encodeFault(a: FaultAction): string {
  switch (a.type) {
    case 'link': return `link.${String(a.lossPct)}.${String(a.dupPct)}.${String(a.delayMs)}`;
    case 'partition': return `part.${a.a.join('-')}.${a.b.join('-')}`;
    case 'heal': return 'heal';
    case 'drop': return `drop.${String(a.id)}`;
  }
}

/** The fault encoded by `encodeFault`, or undefined when `s` is not a fault. Bad numbers or names throw a RangeError. */
export function decodeFault(s: string): FaultAction | undefined {
  const [kind = '', ...rest] = s.split('.');
  const int = (x: string | undefined, max: number): number => {
    const v = Number(x);
    if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`bad number '${String(x)}' in '${s}'`);
    return v;
  };
  const names = (x: string | undefined): string[] => {
    const out = (x ?? '').split('-').filter((y) => y !== '');
    if (out.length === 0 || !out.every((n) => NAME.test(n))) throw new RangeError(`bad node names in '${s}'`);
    return out;
  };
  switch (kind) {
    case 'link': return { type: 'link', lossPct: int(rest[0], 100), dupPct: int(rest[1], 100), delayMs: int(rest[2], 600_000) };
    case 'part': return { type: 'partition', a: names(rest[0]), b: names(rest[1]) };
    case 'heal': return { type: 'heal' };
    case 'drop': return { type: 'drop', id: int(rest[0], Number.MAX_SAFE_INTEGER) };
    default: return undefined;
  }
}

/** Messages in flight, oldest first (what a "drop" can pick). */
export function inFlight(sim: Sim, max = 40): { id: number; from: string; to: string; at: number; label: string }[] {
  return sim.pending().filter((p) => p.kind === 'deliver').slice(0, max)
    .map((p) => ({ id: p.id, from: p.from ?? '?', to: p.node, at: p.at, label: p.label }));
}
