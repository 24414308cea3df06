import { connOverhead, mulGt, type Dest } from '../dest.js';
import { at } from '../errors.js';
import type { Scheduler, ServiceView } from '../service.js';

/**
 * The connection-count schedulers. Each is a single front-to-back scan of the list with strict
 * comparisons, so equal load keeps the server nearer the front.
 */

/** lc — ip_vs_lc.c: least `activeconns*256 + inactconns`; positive weights otherwise ignored. */
export function lcPick(list: readonly Dest[]): Dest | null {
  let least: Dest | null = null;
  let loh = 0;
  for (const d of list) {
    if (d.overloaded || d.weight === 0) continue;
    const doh = connOverhead(d);
    if (least === null || doh < loh) {
      least = d;
      loh = doh;
    }
  }
  return least;
}

/**
 * The wlc-style scan shared by wlc, sed and lblc/lblcr (`__ip_vs_lblc_schedule`): the first
 * non-OVERLOAD dest with weight > 0 is the candidate; a later non-OVERLOAD dest replaces it when
 * `loh * w(d) > doh * w(least)` (64-bit in the kernel; exact here).
 */
export function weightedLeastPick(list: readonly Dest[], overhead: (d: Dest) => number): Dest | null {
  let i = 0;
  let least: Dest | null = null;
  for (; i < list.length; i++) {
    const d = at(list, i, 'dest list');
    if (!d.overloaded && d.weight > 0) {
      least = d;
      break;
    }
  }
  if (least === null) return null;
  let loh = overhead(least);
  for (i++; i < list.length; i++) {
    const d = at(list, i, 'dest list');
    if (d.overloaded) continue;
    const doh = overhead(d);
    if (mulGt(loh, d.weight, doh, least.weight)) {
      least = d;
      loh = doh;
    }
  }
  return least;
}

/** sed/nq's `ip_vs_sed_dest_overhead`: `activeconns + 1` (inactive connections ignored). */
export function sedOverhead(d: Dest): number {
  return d.activeConns + 1;
}

export const wlcPick = (list: readonly Dest[]): Dest | null => weightedLeastPick(list, connOverhead);
export const sedPick = (list: readonly Dest[]): Dest | null => weightedLeastPick(list, sedOverhead);

/** nq — ip_vs_nq.c: the first usable dest with no active connection, else the sed rule. */
export function nqPick(list: readonly Dest[]): Dest | null {
  let least: Dest | null = null;
  let loh = 0;
  for (const d of list) {
    if (d.overloaded || d.weight === 0) continue;
    const doh = sedOverhead(d);
    if (d.activeConns === 0) return d;
    if (least === null || mulGt(loh, d.weight, doh, least.weight)) {
      least = d;
      loh = doh;
    }
  }
  return least;
}

/** fo — ip_vs_fo.c: highest weight among non-OVERLOAD dests (`weight > hw`, hw starts at 0). */
export function foPick(list: readonly Dest[]): Dest | null {
  let best: Dest | null = null;
  let hw = 0;
  for (const d of list) {
    if (!d.overloaded && d.weight > hw) {
      best = d;
      hw = d.weight;
    }
  }
  return best;
}

/** ovf — ip_vs_ovf.c: highest weight among dests with `activeconns <= weight`, weight > 0, no OVERLOAD. */
export function ovfPick(list: readonly Dest[]): Dest | null {
  let h: Dest | null = null;
  for (const d of list) {
    const w = d.weight;
    if (d.overloaded || d.activeConns > w || w === 0) continue;
    if (h === null || w > h.weight) h = d;
  }
  return h;
}

type Pick = (list: readonly Dest[]) => Dest | null;

function stateless(name: 'lc' | 'wlc' | 'sed' | 'nq' | 'fo' | 'ovf', pick: Pick): Scheduler {
  return { name, schedule: (svc: ServiceView) => pick(svc.dests) };
}

export const lc = (): Scheduler => stateless('lc', lcPick);
export const wlc = (): Scheduler => stateless('wlc', wlcPick);
export const sed = (): Scheduler => stateless('sed', sedPick);
export const nq = (): Scheduler => stateless('nq', nqPick);
export const fo = (): Scheduler => stateless('fo', foPick);
export const ovf = (): Scheduler => stateless('ovf', ovfPick);
