import type { Dest } from '../dest.js';
import { at } from '../errors.js';
import type { Scheduler, ServiceView } from '../service.js';

/** A usable destination for rr/wrr and friends: not OVERLOAD and weight > 0. */
export function usable(d: Dest): boolean {
  return !d.overloaded && d.weight > 0;
}

/**
 * rr — ip_vs_rr.c. State: a cursor at a list element or at the list head (-1).
 * `ip_vs_rr_schedule` walks from the element after the cursor to the end, then (second pass, only
 * if the cursor was not the head) from the front up to and including the cursor itself.
 */
export class RoundRobin implements Scheduler {
  readonly name = 'rr' as const;
  /** The cursor's element, or null for the list head (`svc->sched_data`). */
  cursor: Dest | null = null;

  initService(): void {
    this.cursor = null;
  }

  /** ip_vs_rr_del_dest: if the cursor is the removed dest, it moves to its predecessor. */
  delDest(svc: ServiceView, dest: Dest, formerIndex: number): void {
    if (this.cursor === dest) this.cursor = formerIndex === 0 ? null : (svc.dests[formerIndex - 1] ?? null);
  }

  schedule(svc: ServiceView): Dest | null {
    const list = svc.dests;
    const last = this.cursor === null ? -1 : list.indexOf(this.cursor);
    for (let i = last + 1; i < list.length; i++) {
      const d = at(list, i, 'dest list');
      if (usable(d)) return (this.cursor = d);
    }
    if (last === -1) return null; // started at the head: one pass saw everything
    for (let i = 0; i <= last; i++) {
      const d = at(list, i, 'dest list');
      if (usable(d)) return (this.cursor = d);
    }
    return null;
  }
}
