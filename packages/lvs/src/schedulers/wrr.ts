import type { Dest } from '../dest.js';
import { LvsError } from '../errors.js';
import type { Scheduler, ServiceView } from '../service.js';

export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** ip_vs_wrr_gcd_weight: gcd of the positive weights, 1 if there are none. */
export function gcdWeight(dests: readonly Dest[]): number {
  let g = 0;
  for (const d of dests) if (d.weight > 0) g = g > 0 ? gcd(d.weight, g) : d.weight;
  return g > 0 ? g : 1;
}

function maxWeight(dests: readonly Dest[]): number {
  let w = 0;
  for (const d of dests) if (d.weight > w) w = d.weight;
  return w;
}

/**
 * wrr — ip_vs_wrr.c. The mark `{ cl, cw, mw, di }`: `cl` the last chosen element (null = head),
 * `cw` the current weight threshold, `mw = max − (di − 1)`, `di = gcd`. Each pass takes, in list
 * order, every dest with `weight >= cw`; then `cw -= di`. add/del/upd all call
 * `ip_vs_wrr_dest_changed`, which restarts the scan at the head and snaps cw onto the new ladder.
 */
export class WeightedRoundRobin implements Scheduler {
  readonly name = 'wrr' as const;
  cl: Dest | null = null;
  cw = 0;
  mw = 0;
  di = 1;

  initService(svc: ServiceView): void {
    this.cl = null;
    this.di = gcdWeight(svc.dests);
    this.mw = maxWeight(svc.dests) - (this.di - 1);
    this.cw = this.mw;
  }

  /** ip_vs_wrr_dest_changed. */
  private changed(svc: ServiceView): void {
    this.cl = null;
    this.di = gcdWeight(svc.dests);
    this.mw = maxWeight(svc.dests) - (this.di - 1);
    if (this.cw > this.mw || this.cw === 0) this.cw = this.mw;
    else if (this.di > 1) this.cw = Math.trunc(this.cw / this.di) * this.di + 1;
  }
  addDest(svc: ServiceView): void {
    this.changed(svc);
  }
  delDest(svc: ServiceView): void {
    this.changed(svc);
  }
  updDest(svc: ServiceView): void {
    this.changed(svc);
  }

  /**
   * The mark's invariants, asserted on every pick (a broken one is a bug here, never input):
   * `di` is the gcd of the positive weights (≥ 1), `mw = max − (di − 1)`, `1 ≤ cw ≤ mw` whenever
   * some weight is positive, and `cl` is null or still linked in the list.
   */
  private checkMark(list: readonly Dest[]): number {
    const bad = (what: string): LvsError => new LvsError('INVARIANT', `wrr mark: ${what} (cw=${String(this.cw)} mw=${String(this.mw)} di=${String(this.di)})`);
    if (!Number.isInteger(this.di) || this.di < 1) throw bad('di is not a positive integer');
    if (this.mw > 0 && (this.cw < 1 || this.cw > this.mw)) throw bad('cw is outside 1..mw');
    const last = this.cl === null ? -1 : list.indexOf(this.cl);
    if (this.cl !== null && last < 0) throw bad(`cl (${this.cl.name}) is not in the list`);
    return last;
  }

  /** ip_vs_wrr_schedule, with list positions standing in for list_head pointers (-1 = head). */
  schedule(svc: ServiceView): Dest | null {
    const list = svc.dests;
    const last = this.checkMark(list);
    if (this.mw === 0) return null; // err_noavail: cl unchanged
    let from = last;
    let stop = -2; // -2: no stop element
    let lastPass = false;
    let restarted = false;
    // Bounded: at most (mw/di + 2) passes over the list (the kernel's loop ends the same way).
    const maxPasses = Math.floor(this.mw / this.di) + 3;
    for (let pass = 0; ; pass++) {
      if (pass > maxPasses) throw new LvsError('INVARIANT', `wrr: no decision after ${String(maxPasses)} passes`);
      for (let i = from + 1; i < list.length; i++) {
        const d = list[i];
        if (d === undefined) break;
        if (!d.overloaded && d.weight >= this.cw) return (this.cl = d);
        if (i === stop) {
          this.cl = d; // err_over: mark->cl = dest
          return null;
        }
      }
      from = -1; // fell off the end: the iterator now sits on the head
      this.cw -= this.di;
      if (this.cw <= 0) {
        this.cw = this.mw;
        if (lastPass || last === -1) {
          this.cl = null;
          return null;
        }
        restarted = true;
      }
      lastPass = this.cw <= this.di;
      if (lastPass && restarted && last !== -1) stop = last;
    }
  }
}
