/** A binary min-heap ordered by (at, seq): the simulator's event queue. */
export interface Ordered {
  readonly at: number;
  readonly seq: number;
}

function less(a: Ordered, b: Ordered): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** Total order on (at, seq) for `Array.prototype.sort`. */
export function compareOrdered(x: Ordered, y: Ordered): number {
  return less(x, y) ? -1 : less(y, x) ? 1 : 0;
}

/**
 * (at, seq) is unique per event (seq is a counter), so the pop order does not depend on the
 * heap's internal layout: rebuilding it, or leaving dead entries in it, never changes which live
 * event comes next.
 */
export class EventHeap<T extends Ordered> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.siftUp(this.items.length - 1);
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined) return undefined;
    if (a.length > 0) {
      a[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** All items in queue order (a sorted copy). */
  ordered(): T[] {
    return [...this.items].sort(compareOrdered);
  }

  /** Removes every item matching `pred` and returns them. O(n): one pass and a heapify. */
  removeWhere(pred: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const kept: T[] = [];
    for (const x of this.items) (pred(x) ? removed : kept).push(x);
    if (removed.length > 0) {
      this.items = kept;
      for (let i = (kept.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
    }
    return removed;
  }

  private siftUp(start: number): void {
    const a = this.items;
    let i = start;
    const item = a[i];
    if (item === undefined) return;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p];
      if (parent === undefined || !less(item, parent)) break;
      a[i] = parent;
      i = p;
    }
    a[i] = item;
  }

  private siftDown(start: number): void {
    const a = this.items;
    const n = a.length;
    let i = start;
    const item = a[i];
    if (item === undefined) return;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let m = l;
      let child = a[l] as T; // l < n
      const right = a[l + 1];
      if (right !== undefined && less(right, child)) {
        m = l + 1;
        child = right;
      }
      if (!less(child, item)) break;
      a[i] = child;
      i = m;
    }
    a[i] = item;
  }
}
