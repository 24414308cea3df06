import { connOverhead, mulGt, type Dest } from '../dest.js';
import { LvsError } from '../errors.js';
import type { Scheduler, ServiceView } from '../service.js';

/**
 * An indexed replacement for the kernel's linear scan in lc / wlc / sed / nq that returns
 * exactly the same dest, ties included.
 *
 * Why it is exact: each of those scans keeps the EARLIEST element that is minimal under a total
 * preorder ("strictly better replaces"). A segment tree over list positions whose internal node
 * keeps the better of its two children — the LEFT one on ties — yields that same element at the
 * root. A count change updates one leaf and its O(log n) ancestors. Each leaf caches the numbers
 * the comparison needs (load, weight, idle) in typed arrays.
 */
export type IndexedKind = 'lc' | 'wlc' | 'sed' | 'nq';

/** Eligible leaves: not OVERLOAD and weight > 0 (weight-0 dests can never win any of the four). */
function eligible(d: Dest): boolean {
  return !d.overloaded && d.weight > 0;
}

export class IndexedLeastConn implements Scheduler {
  readonly name: IndexedKind;
  /** 0 lc, 1 wlc/sed (cross-multiplied), 2 nq — a number, so the hot compare is a cheap branch. */
  readonly #mode: number;
  #size = 1;
  /** tree[k] = list position of the best eligible dest under node k, or -1. */
  #tree = new Int32Array(2);
  /** Per position: the load the scan compares (256a+i for lc/wlc, a+1 for sed/nq). */
  #load = new Float64Array(1);
  #weight = new Float64Array(1);
  /** Per position: activeconns == 0 (nq). */
  #idle = new Uint8Array(1);
  #list: readonly Dest[] = [];
  /** The list changed (add/del): rebuild lazily before the next use, so n adds cost O(n) once. */
  #dirty = true;
  #svc: ServiceView | undefined;
  /**
   * Positions whose dest changed since the last pick (each once: `#pendingCount` of them), and
   * their flags. A preallocated typed array, not a JS array: `length = 0` after each flush made
   * V8 drop the backing store, so every pick's first change allocated a new one (issue 19's
   * heap profile: ≈ 75 bytes per event, a scavenge every few tens of thousands of events).
   */
  #pending = new Int32Array(1);
  #pendingCount = 0;
  #isPending = new Uint8Array(1);

  constructor(kind: IndexedKind) {
    this.name = kind;
    this.#mode = kind === 'lc' ? 0 : kind === 'nq' ? 2 : 1;
  }

  /** r (later in the list) strictly beats l. */
  private better(r: number, l: number): boolean {
    const load = this.#load;
    const lr = load[r] ?? 0;
    const ll = load[l] ?? 0;
    if (this.#mode === 0) return lr < ll;
    if (this.#mode === 2) {
      const li = this.#idle[l] === 1;
      const ri = this.#idle[r] === 1;
      if (li || ri) return ri && !li;
    }
    const w = this.#weight;
    const wr = w[r] ?? 0;
    const wl = w[l] ?? 0;
    const x = ll * wr;
    const y = lr * wl;
    // exact below 2^53 (always, for counts < 2^31 and weights < 2^21); BigInt otherwise
    if (x < 2 ** 53 && y < 2 ** 53 && x > -(2 ** 53) && y > -(2 ** 53)) return x > y;
    return mulGt(ll, wr, lr, wl);
  }

  private combine(l: number, r: number): number {
    if (l < 0) return r;
    if (r < 0) return l;
    return this.better(r, l) ? r : l;
  }

  private setLeaf(i: number, d: Dest): void {
    this.#load[i] = this.name === 'lc' || this.name === 'wlc' ? connOverhead(d) : d.activeConns + 1;
    this.#weight[i] = d.weight;
    this.#idle[i] = d.activeConns === 0 ? 1 : 0;
    this.#tree[this.#size + i] = eligible(d) ? i : -1;
  }

  /** Rebuild after a list change (add links at the front, so positions shift). O(n). */
  private rebuild(svc: ServiceView): void {
    this.#dirty = false;
    this.#list = svc.dests;
    const n = this.#list.length;
    let size = 1;
    while (size < n) size *= 2;
    this.#size = size;
    this.#tree = new Int32Array(2 * size).fill(-1);
    this.#load = new Float64Array(size);
    this.#weight = new Float64Array(size);
    this.#idle = new Uint8Array(size);
    this.#pending = new Int32Array(size);
    this.#pendingCount = 0;
    this.#isPending = new Uint8Array(size);
    this.#list.forEach((d, i) => {
      d.slot = i;
      this.setLeaf(i, d);
    });
    for (let k = size - 1; k >= 1; k--) this.#tree[k] = this.combine(this.#tree[2 * k] ?? -1, this.#tree[2 * k + 1] ?? -1);
  }

  private markDirty(svc: ServiceView): void {
    this.#svc = svc;
    this.#dirty = true;
  }
  initService(svc: ServiceView): void {
    this.markDirty(svc);
  }
  addDest(svc: ServiceView): void {
    this.markDirty(svc);
  }
  delDest(svc: ServiceView): void {
    this.markDirty(svc);
  }
  updDest(svc: ServiceView, d: Dest): void {
    this.destChanged(svc, d);
  }

  /**
   * A counter, flag or weight of `d` changed: note its position; the leaf and its ancestors are
   * refreshed at the next pick (`flush`), once however often it changed in between (a closing
   * connection moves active → inactive: two changes, one walk).
   */
  destChanged(_svc: ServiceView, d: Dest): void {
    if (this.#dirty) return; // the rebuild will read the new value
    const i = d.slot;
    if (i < 0 || this.#list[i] !== d || this.#isPending[i] === 1) return;
    this.#isPending[i] = 1;
    this.#pending[this.#pendingCount++] = i;
  }

  /** Refresh every pending leaf, one after another (each walk sees a tree consistent with the cached keys). */
  private flush(): void {
    const p = this.#pending;
    const count = this.#pendingCount;
    for (let k = 0; k < count; k++) {
      const i = p[k] ?? 0;
      this.#isPending[i] = 0;
      const d = this.#list[i];
      if (d !== undefined) this.update(i, d);
    }
    this.#pendingCount = 0;
  }

  private update(i: number, d: Dest): void {
    this.setLeaf(i, d);
    const t = this.#tree;
    // Walk up; stop as soon as a node keeps its winner and that winner is not `i`: everything
    // above it compares the same keys as before (i's new key only matters where i competes).
    for (let k = (this.#size + i) >> 1; k >= 1; k >>= 1) {
      const before = t[k] ?? -1;
      const now = this.combine(t[2 * k] ?? -1, t[2 * k + 1] ?? -1);
      t[k] = now;
      if (now === before && now !== i) return;
    }
  }

  schedule(svc?: ServiceView): Dest | null {
    if (this.#dirty) {
      const view = svc ?? this.#svc;
      if (view === undefined) throw new LvsError('INVARIANT', 'indexed scheduler used before initService');
      this.rebuild(view);
    } else if (this.#pendingCount > 0) {
      this.flush();
    }
    const i = this.#tree[1] ?? -1;
    return i < 0 ? null : (this.#list[i] ?? null);
  }
}
