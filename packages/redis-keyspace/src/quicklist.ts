/**
 * A list as Redis 7.0 keeps it (redis/redis src/quicklist.c, 7.0): a doubly linked list of nodes,
 * each node a packed run of elements (a listpack in Redis, a JS array here) whose size the list's
 * fill (`list-max-listpack-size`, -2 = 8 KB by default) bounds. The node layout is quicklist.c's,
 * operation by operation, so MEMORY USAGE and DEBUG OBJECT's ql_nodes agree with redis-server:
 *  - push: into the end node when _quicklistNodeAllowInsert allows it, else a new node;
 *  - LINSERT: _quicklistInsert — into the node when it has room, else into the neighbour at the
 *    insertion side, else a new node there, else _quicklistSplitNode at the offset followed by
 *    _quicklistMergeNodes around the split node;
 *  - LSET: quicklistReplaceEntry replaces in place (lpReplace), whatever the node's size (7.0;
 *    7.2 splits a node that would outgrow its limit);
 *  - pops, LREM, LTRIM: elements leave their node (quicklistDelIndex, quicklistDelRange), a node
 *    left empty is unlinked (__quicklistDelNode), and nothing is merged.
 * Not modelled: PLAIN nodes (elements of packed_threshold = 1 GB or more: the keyspace caps an
 * element at proto-max-bulk-len 512 MB and has no DEBUG QUICKLIST-PACKED-THRESHOLD) and node
 * compression (list-compress-depth 0, the default, which the keyspace does not change).
 *
 * Costs are Redis's: pushing or popping at either end touches one node (O(1) amortised, plus the
 * node's own memmove, bounded by the fill); LINDEX / LSET / LINSERT walk nodes from the nearer end
 * (O(n / node size) node visits plus O(node size) inside the node, i.e. O(n)); a split or merge
 * copies O(node size) elements. `nodeVisits` counts every node touched, so tests can state costs
 * as operation counts. Elements are binary strings (bytes.ts). Node sizes follow listpack.c's
 * entry encoding (`listpackEntryBytes`), so node->sz is lpBytes exactly.
 */
import { listpackEntryBytes } from './listpack-size.js';
import { KeyspaceError } from './types.js';
import { QUICKLIST_DEFAULT_FILL, nodeAllowInsert, quicklistFill } from './quicklist-fill.js';
import { QuicklistNode, itemsBytes, type Cursor } from './quicklist-node.js';
import { mergeNodes, splitNode } from './quicklist-split-merge.js';

export { listpackEntryBytes };
export { QuicklistNode } from './quicklist-node.js';
export { QUICKLIST_DEFAULT_FILL, QUICKLIST_NODE_MAX_BYTES, SIZE_ESTIMATE_OVERHEAD, SIZE_SAFETY_LIMIT, quicklistFill } from './quicklist-fill.js';

export class Quicklist {
  head: QuicklistNode | undefined = undefined;
  tail: QuicklistNode | undefined = undefined;
  /** quicklist->count: elements */
  length = 0;
  /** quicklist->len: nodes */
  nodeCount = 0;
  /**
   * Σ node->sz over the linked nodes, kept as nodes change (what the memory estimate reads: a
   * walk of every node per command would make LPUSH on a long list O(n)).
   */
  bytes = 0;
  /** Nodes touched since creation (a cost counter for complexity tests). */
  nodeVisits = 0;
  /** quicklist->fill: list-max-listpack-size when the list was created (quicklistSetOptions). */
  readonly fill: number;

  constructor(fill: number = QUICKLIST_DEFAULT_FILL) {
    this.fill = quicklistFill(fill);
  }

  static from(items: Iterable<string>, fill?: number): Quicklist {
    const q = new Quicklist(fill);
    for (const s of items) q.pushTail(s);
    return q;
  }

  /**
   * A loaded list (rdb.c rdbLoadObject, RDB_TYPE_LIST_QUICKLIST_2 / _QUICKLIST): each stored node
   * appended as it is (quicklistAppendListpack), whatever its size against `fill` — `nodes[k]`
   * elements of `items` per node, head first; node->sz recomputed as lpBytes of what it holds.
   * Throws a KeyspaceError ('BAD_NODES') unless every count is a positive integer and they add
   * up to items.length.
   */
  static fromNodes(items: readonly string[], nodes: readonly number[], fill?: number): Quicklist {
    const q = new Quicklist(fill);
    let at = 0;
    for (const n of nodes) {
      if (!Number.isInteger(n) || n <= 0 || at + n > items.length) throw new KeyspaceError('BAD_NODES', `quicklist nodes: a count of ${n} at element ${at} of ${items.length} (counts must be positive and add up to the length)`);
      q.linkNode(new QuicklistNode(items.slice(at, at + n)), q.tail, undefined);
      at += n;
    }
    if (at !== items.length) throw new KeyspaceError('BAD_NODES', `quicklist nodes: counts add up to ${at}, the list has ${items.length} elements`);
    q.length = at;
    return q;
  }

  /** quicklist.c quicklistDup (COPY): the same nodes, node for node, and the same fill. */
  dup(): Quicklist {
    const q = new Quicklist(this.fill);
    for (let n = this.head; n !== undefined; n = n.next) {
      this.nodeVisits++;
      q.linkNode(new QuicklistNode([...n.items]), q.tail, undefined);
    }
    q.length = this.length;
    return q;
  }

  /** quicklist.c _quicklistNodeAllowInsert for this list's fill. */
  private allowInsert(node: QuicklistNode | undefined, s: string): boolean {
    return node !== undefined && nodeAllowInsert(node.sz, node.items.length, s.length, this.fill);
  }

  /** quicklistPushHead (LPUSH). */
  pushHead(s: string): void {
    this.nodeVisits++;
    const h = this.head;
    if (h !== undefined && this.allowInsert(h, s)) {
      h.items.unshift(s);
      this.resize(h, h.sz + listpackEntryBytes(s));
    } else this.linkNode(new QuicklistNode([s]), undefined, h);
    this.length++;
  }

  /** quicklistPushTail (RPUSH). */
  pushTail(s: string): void {
    this.nodeVisits++;
    const t = this.tail;
    if (t !== undefined && this.allowInsert(t, s)) {
      t.items.push(s);
      this.resize(t, t.sz + listpackEntryBytes(s));
    } else this.linkNode(new QuicklistNode([s]), t, undefined);
    this.length++;
  }

  /** quicklistPopCustom from the head (LPOP): quicklistDelIndex on the head node. */
  popHead(): string | undefined {
    const h = this.head;
    if (h === undefined) return undefined;
    this.nodeVisits++;
    const s = h.items.shift();
    if (s === undefined) throw new KeyspaceError('INTERNAL', 'quicklist invariant: an empty node is linked');
    this.afterRemove(h, s);
    return s;
  }

  /** quicklistPopCustom from the tail (RPOP). */
  popTail(): string | undefined {
    const t = this.tail;
    if (t === undefined) return undefined;
    this.nodeVisits++;
    const s = t.items.pop();
    if (s === undefined) throw new KeyspaceError('INTERNAL', 'quicklist invariant: an empty node is linked');
    this.afterRemove(t, s);
    return s;
  }

  /** Index → node and offset, walking from the nearer end (quicklistGetIteratorAtIdx). */
  private seek(index: number): Cursor | undefined {
    if (index < 0) index += this.length;
    if (index < 0 || index >= this.length) return undefined;
    if (index < this.length / 2) {
      let acc = 0;
      for (let n = this.head; n !== undefined; n = n.next) {
        this.nodeVisits++;
        if (index < acc + n.items.length) return { node: n, offset: index - acc };
        acc += n.items.length;
      }
    } else {
      let acc = this.length;
      for (let n = this.tail; n !== undefined; n = n.prev) {
        this.nodeVisits++;
        acc -= n.items.length;
        if (index >= acc) return { node: n, offset: index - acc };
      }
    }
    return undefined;
  }

  /** LINDEX: negative indexes count from the tail. */
  index(i: number): string | undefined {
    const c = this.seek(i);
    return c === undefined ? undefined : c.node.items[c.offset];
  }

  /**
   * LSET (quicklistReplaceAtIndex → quicklistReplaceEntry): lpReplace in place, the node grows or
   * shrinks by the difference of the two entries and is never split (7.0). False when out of range.
   */
  set(i: number, s: string): boolean {
    const c = this.seek(i);
    if (c === undefined) return false;
    const old = c.node.items[c.offset] ?? '';
    c.node.items[c.offset] = s;
    this.resize(c.node, c.node.sz + listpackEntryBytes(s) - listpackEntryBytes(old));
    return true;
  }

  /**
   * Insert before (after = false) or after the element at `i` (LINSERT: quicklistInsertBefore /
   * quicklistInsertAfter → quicklist.c _quicklistInsert, whose cases are followed one by one).
   */
  insertAt(i: number, after: boolean, s: string): void {
    const c = this.seek(i);
    if (c === undefined) throw new RangeError(`quicklist insertAt: index ${i} out of range 0..${this.length - 1}`);
    const { node, offset } = c;
    const full = !this.allowInsert(node, s);
    const atTail = after && offset === node.items.length - 1;
    const atHead = !after && offset === 0;
    const availNext = atTail && this.allowInsert(node.next, s);
    const availPrev = atHead && this.allowInsert(node.prev, s);
    const grow = (n: QuicklistNode, at: number): void => {
      n.items.splice(at, 0, s);
      this.resize(n, n.sz + listpackEntryBytes(s));
    };
    this.length++;
    if (!full) {
      // lpInsertString before / after the entry
      grow(node, after ? offset + 1 : offset);
    } else if (atTail && availNext && node.next !== undefined) {
      // full, at the node's tail, the next node has room: lpPrepend there
      this.nodeVisits++;
      grow(node.next, 0);
    } else if (atHead && availPrev && node.prev !== undefined) {
      // full, at the node's head, the previous node has room: lpAppend there
      this.nodeVisits++;
      grow(node.prev, node.prev.items.length);
    } else if (atTail || atHead) {
      // full and the neighbour too (or none): a new node of one element beside this one
      const fresh = new QuicklistNode([s]);
      if (after) this.linkNode(fresh, node, node.next);
      else this.linkNode(fresh, node.prev, node);
    } else {
      // full, inside the node: _quicklistSplitNode at the offset, the element joins the new
      // node's inner end, then _quicklistMergeNodes around the split node
      const fresh = splitNode(this, node, offset, after);
      if (after) this.linkNode(fresh, node, node.next);
      else this.linkNode(fresh, node.prev, node);
      grow(fresh, after ? 0 : fresh.items.length);
      mergeNodes(this, node);
    }
  }

  /** Elements start..stop inclusive (already clamped to 0 ≤ start ≤ stop < length), head first. */
  range(start: number, stop: number): string[] {
    return this.rangeMap(start, stop, (s) => s);
  }

  /**
   * `f` of each element start..stop inclusive, head first, in an array of the known length (LRANGE
   * builds its reply with it, without an intermediate array of the elements).
   */
  rangeMap<T>(start: number, stop: number, f: (s: string) => T): T[] {
    const c = this.seek(start);
    let left = Math.min(stop, this.length - 1) - start + 1;
    if (c === undefined || start < 0 || left <= 0) return [];
    let n: QuicklistNode | undefined = c.node;
    let off = c.offset;
    const out = new Array<T>(left); // the reply's length is known: no growth
    let at = 0;
    while (n !== undefined && left > 0) {
      const items = n.items;
      const end = Math.min(items.length, off + left);
      for (let k = off; k < end; k++) out[at++] = f(items[k] ?? '');
      left -= end - off;
      off = 0;
      n = n.next;
      if (n !== undefined && left > 0) this.nodeVisits++;
    }
    if (at !== out.length) throw new KeyspaceError('INTERNAL', `quicklist range ${start}..${stop}: ${at} elements for ${out.length} places (count ${this.length})`);
    return out;
  }

  /** Every element, head first (a quicklist iterator from AL_START_HEAD). */
  *values(): IterableIterator<string> {
    for (let n = this.head; n !== undefined; n = n.next) {
      this.nodeVisits++;
      yield* n.items;
    }
  }

  /** Every element, tail first (AL_START_TAIL). */
  *valuesReversed(): IterableIterator<string> {
    for (let n = this.tail; n !== undefined; n = n.prev) {
      this.nodeVisits++;
      for (let k = n.items.length - 1; k >= 0; k--) yield n.items[k] ?? '';
    }
  }

  toArray(): string[] {
    return [...this.values()];
  }

  /** quicklistDelRange: delete `count` elements starting at index `start` (LTRIM). */
  delRange(start: number, count: number): void {
    if (count <= 0) return;
    const c = this.seek(start);
    if (c === undefined) return;
    let n: QuicklistNode | undefined = c.node;
    let off = c.offset;
    let left = count;
    while (n !== undefined && left > 0) {
      const next: QuicklistNode | undefined = n.next;
      const take = Math.min(left, n.items.length - off);
      const removed = n.items.splice(off, take);
      let sz = n.sz;
      for (const s of removed) sz -= listpackEntryBytes(s);
      this.resize(n, sz);
      this.length -= take;
      left -= take;
      if (n.items.length === 0) this.unlinkNode(n);
      off = 0;
      n = next;
      if (n !== undefined && left > 0) this.nodeVisits++;
    }
  }

  /**
   * LREM's walk (quicklistDelEntry while iterating): remove up to `count` elements equal to `s`
   * (0 = all), from the head, or from the tail when `fromTail`. Returns how many were removed.
   */
  removeEqual(s: string, count: number, fromTail: boolean): number {
    let removed = 0;
    let n = fromTail ? this.tail : this.head;
    while (n !== undefined && (count === 0 || removed < count)) {
      this.nodeVisits++;
      const next: QuicklistNode | undefined = fromTail ? n.prev : n.next;
      const items = n.items;
      if (fromTail) {
        for (let k = items.length - 1; k >= 0 && (count === 0 || removed < count); k--) {
          if (items[k] === s) {
            items.splice(k, 1);
            removed++;
          }
        }
      } else {
        for (let k = 0; k < items.length && (count === 0 || removed < count); ) {
          if (items[k] === s) {
            items.splice(k, 1);
            removed++;
          } else k++;
        }
      }
      this.recount(n);
      n = next;
    }
    this.length -= removed;
    return removed;
  }

  private recount(n: QuicklistNode): void {
    if (n.items.length === 0) {
      this.unlinkNode(n);
      return;
    }
    this.resize(n, itemsBytes(n.items));
  }

  /** quicklistDelIndex's bookkeeping: one element gone; an emptied node is unlinked (__quicklistDelNode). */
  private afterRemove(n: QuicklistNode, s: string): void {
    this.length--;
    this.resize(n, n.sz - listpackEntryBytes(s));
    if (n.items.length === 0) this.unlinkNode(n);
  }

  /** @internal A linked node's new node->sz, with the list's total kept equal to Σ node->sz. */
  resize(n: QuicklistNode, sz: number): void {
    this.bytes += sz - n.sz;
    n.sz = sz;
  }

  /** __quicklistInsertNode: link `node` between `prev` and `next`. */
  private linkNode(node: QuicklistNode, prev: QuicklistNode | undefined, next: QuicklistNode | undefined): void {
    node.prev = prev;
    node.next = next;
    if (prev === undefined) this.head = node;
    else prev.next = node;
    if (next === undefined) this.tail = node;
    else next.prev = node;
    this.nodeCount++;
    this.bytes += node.sz;
  }

  /** @internal __quicklistDelNode's unlinking. */
  unlinkNode(node: QuicklistNode): void {
    if (node.prev === undefined) this.head = node.next;
    else node.prev.next = node.next;
    if (node.next === undefined) this.tail = node.prev;
    else node.next.prev = node.prev;
    node.prev = node.next = undefined;
    this.nodeCount--;
    this.bytes -= node.sz;
  }
}
