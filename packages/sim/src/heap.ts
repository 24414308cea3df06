/** A binary min-heap ordered by (at, seq): the simulator's event queue. */
export interface Ordered {
  readonly at: number;
  readonly seq: number;
}

function less(a: Ordered, b: Ordered): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export class EventHeap<T extends Ordered> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }

  /** All items in queue order (a sorted copy). */
  ordered(): T[] {
    return [...this.items].sort((x, y) => (less(x, y) ? -1 : less(y, x) ? 1 : 0));
  }

  /** Removes every item matching `pred`; returns them. O(n). */
  removeWhere(pred: (item: T) => boolean): T[] {
    const removed = this.items.filter(pred);
    if (removed.length > 0) {
      const kept = this.items.filter((x) => !pred(x));
      this.items = [];
      for (const x of kept) this.push(x);
    }
    return removed;
  }
}
