import { connOverhead, mulGt, type Dest } from '../dest.js';
import type { Scheduler, ServiceView } from '../service.js';
import { sedOverhead } from './conn.js';

/**
 * An indexed replacement for the kernel's linear scan in lc / wlc / sed / nq that returns
 * exactly the same dest, ties included.
 *
 * Why it is exact: each of those scans keeps the EARLIEST element that is minimal under a total
 * preorder ("strictly better replaces"). A segment tree over list positions whose internal node
 * keeps the better of its two children — the LEFT one on ties — yields that same element at the
 * root. A count change updates one leaf and its O(log n) ancestors.
 */
export type IndexedKind = 'lc' | 'wlc' | 'sed' | 'nq';

/** `better(b, a)`: b strictly beats a (a is earlier in the list). */
function betterFn(kind: IndexedKind): (b: Dest, a: Dest) => boolean {
  switch (kind) {
    case 'lc':
      return (b, a) => connOverhead(b) < connOverhead(a);
    case 'wlc':
      return (b, a) => mulGt(connOverhead(a), b.weight, connOverhead(b), a.weight);
    case 'sed':
      return (b, a) => mulGt(sedOverhead(a), b.weight, sedOverhead(b), a.weight);
    case 'nq':
      // idle (activeconns == 0) beats busy; idle vs idle: the earlier wins; busy vs busy: sed
      return (b, a) => {
        const ai = a.activeConns === 0;
        const bi = b.activeConns === 0;
        if (ai || bi) return bi && !ai;
        return mulGt(sedOverhead(a), b.weight, sedOverhead(b), a.weight);
      };
  }
}

/** Eligible leaves: not OVERLOAD and weight > 0 (weight-0 dests can never win any of the four). */
function eligible(d: Dest): boolean {
  return !d.overloaded && d.weight > 0;
}

export class IndexedLeastConn implements Scheduler {
  readonly name: IndexedKind;
  readonly #better: (b: Dest, a: Dest) => boolean;
  #size = 1;
  /** tree[k] = list position of the best eligible dest under node k, or -1. */
  #tree = new Int32Array(2);
  #list: readonly Dest[] = [];
  readonly #pos = new Map<Dest, number>();

  constructor(kind: IndexedKind) {
    this.name = kind;
    this.#better = betterFn(kind);
  }

  private combine(l: number, r: number): number {
    if (l < 0) return r;
    if (r < 0) return l;
    return this.#better(this.#list[r]!, this.#list[l]!) ? r : l;
  }

  /** Rebuild after a list change (add links at the front, so positions shift). O(n). */
  private rebuild(svc: ServiceView): void {
    this.#list = svc.dests;
    const n = this.#list.length;
    let size = 1;
    while (size < n) size *= 2;
    this.#size = size;
    this.#tree = new Int32Array(2 * size).fill(-1);
    this.#pos.clear();
    for (let i = 0; i < n; i++) {
      const d = this.#list[i]!;
      this.#pos.set(d, i);
      this.#tree[size + i] = eligible(d) ? i : -1;
    }
    for (let k = size - 1; k >= 1; k--) this.#tree[k] = this.combine(this.#tree[2 * k]!, this.#tree[2 * k + 1]!);
  }

  initService(svc: ServiceView): void {
    this.rebuild(svc);
  }
  addDest(svc: ServiceView): void {
    this.rebuild(svc);
  }
  delDest(svc: ServiceView): void {
    this.rebuild(svc);
  }
  updDest(svc: ServiceView, d: Dest): void {
    this.destChanged(svc, d);
  }

  /** A counter, flag or weight of `d` changed: refresh its leaf and ancestors. */
  destChanged(_svc: ServiceView, d: Dest): void {
    const i = this.#pos.get(d);
    if (i === undefined) return;
    let k = this.#size + i;
    this.#tree[k] = eligible(d) ? i : -1;
    for (k >>= 1; k >= 1; k >>= 1) this.#tree[k] = this.combine(this.#tree[2 * k]!, this.#tree[2 * k + 1]!);
  }

  schedule(): Dest | null {
    const i = this.#tree[1]!;
    return i < 0 ? null : this.#list[i]!;
  }
}
