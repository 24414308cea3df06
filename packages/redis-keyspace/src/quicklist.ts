/**
 * A list as Redis 7.0 keeps it (quicklist.c): a doubly linked list of nodes, each node a packed
 * run of elements (a listpack in Redis, a JS array here) of at most `list-max-listpack-size` -2 =
 * 8 KB. Costs are Redis's: pushing or popping at either end touches one node (O(1) amortised,
 * plus the node's own memmove, bounded by 8 KB); LINDEX / LSET / LINSERT walk nodes from the
 * nearer end (O(n / node size) node visits plus O(node size) inside the node, i.e. O(n)).
 *
 * `nodeVisits` counts every node touched, so tests can state costs as operation counts.
 * Elements are binary strings (bytes.ts). Node sizes follow listpack.c's entry encoding
 * (`listpackEntryBytes`); the insert rule is quicklist.c _quicklistNodeAllowInsert.
 */
import { string2number } from './numbers.js';
import { string2ll } from '@protolab/redis-common';
import { KeyspaceError } from './types.js';

/** quicklist.c optimization_level[1]: `list-max-listpack-size -2` = 8 KB per node (7.0 default). */
export const QUICKLIST_NODE_MAX_BYTES = 8192;
/** quicklist.c SIZE_ESTIMATE_OVERHEAD: the insert check over-estimates each new entry by this. */
export const SIZE_ESTIMATE_OVERHEAD = 8;
/** listpack.c LP_HDR_SIZE (total bytes + count) + the end byte. */
const LP_EMPTY_BYTES = 7;

/**
 * listpack.c lpEncodeGetType + lpEncodeBacklen: the bytes one element takes in a listpack
 * (encoding + data + backlen). Canonical integers use the smallest integer form.
 */
export function listpackEntryBytes(s: string): number {
  let encData: number;
  const small = s.length <= 20 ? string2number(s) : undefined;
  if (small !== undefined) encData = intEntryBytes(small);
  else if (s.length <= 20 && string2ll(s) !== undefined) encData = 9;
  else if (s.length < 64) encData = 1 + s.length;
  else if (s.length < 4096) encData = 2 + s.length;
  else encData = 5 + s.length;
  return encData + backlenBytes(encData);
}

function intEntryBytes(v: number): number {
  if (v >= 0 && v <= 127) return 1; // LP_ENCODING_7BIT_UINT
  if (v >= -4096 && v <= 4095) return 2; // 13 bit
  if (v >= -32768 && v <= 32767) return 3; // 16 bit
  if (v >= -8388608 && v <= 8388607) return 4; // 24 bit
  if (v >= -2147483648 && v <= 2147483647) return 5; // 32 bit
  return 9; // 64 bit
}

/** listpack.c lpEncodeBacklen: the size of the back-length field. */
function backlenBytes(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

export class QuicklistNode {
  prev: QuicklistNode | undefined = undefined;
  next: QuicklistNode | undefined = undefined;
  /** listpack bytes (node->sz) */
  sz = LP_EMPTY_BYTES;
  constructor(public items: string[]) {
    this.sz = itemsBytes(items);
  }
}

/** lpBytes of a listpack holding `items`. */
function itemsBytes(items: readonly string[]): number {
  let sz = LP_EMPTY_BYTES;
  for (const s of items) sz += listpackEntryBytes(s);
  return sz;
}

/** A position: the node and the offset inside it. */
interface Cursor {
  node: QuicklistNode;
  offset: number;
}

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

  static from(items: Iterable<string>): Quicklist {
    const q = new Quicklist();
    for (const s of items) q.pushTail(s);
    return q;
  }

  /** quicklist.c _quicklistNodeAllowInsert for fill = -2. */
  private allowInsert(node: QuicklistNode | undefined, s: string): node is QuicklistNode {
    if (node === undefined) return false;
    return node.sz + s.length + SIZE_ESTIMATE_OVERHEAD <= QUICKLIST_NODE_MAX_BYTES;
  }

  /** quicklistPushHead (LPUSH). */
  pushHead(s: string): void {
    this.nodeVisits++;
    const h = this.head;
    if (this.allowInsert(h, s)) {
      h.items.unshift(s);
      this.resize(h, h.sz + listpackEntryBytes(s));
    } else this.linkNode(new QuicklistNode([s]), undefined, h);
    this.length++;
  }

  /** quicklistPushTail (RPUSH). */
  pushTail(s: string): void {
    this.nodeVisits++;
    const t = this.tail;
    if (this.allowInsert(t, s)) {
      t.items.push(s);
      this.resize(t, t.sz + listpackEntryBytes(s));
    } else this.linkNode(new QuicklistNode([s]), t, undefined);
    this.length++;
  }

  /** quicklistPop from the head (LPOP). */
  popHead(): string | undefined {
    const h = this.head;
    if (h === undefined) return undefined;
    this.nodeVisits++;
    const s = h.items.shift();
    if (s === undefined) throw new Error('quicklist invariant: empty node');
    this.afterRemove(h, s);
    return s;
  }

  /** quicklistPop from the tail (RPOP). */
  popTail(): string | undefined {
    const t = this.tail;
    if (t === undefined) return undefined;
    this.nodeVisits++;
    const s = t.items.pop();
    if (s === undefined) throw new Error('quicklist invariant: empty node');
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

  /** LSET (quicklistReplaceAtIndex). False when out of range. */
  set(i: number, s: string): boolean {
    const c = this.seek(i);
    if (c === undefined) return false;
    const old = c.node.items[c.offset] ?? '';
    c.node.items[c.offset] = s;
    this.resize(c.node, c.node.sz + listpackEntryBytes(s) - listpackEntryBytes(old));
    if (c.node.sz > QUICKLIST_NODE_MAX_BYTES && c.node.items.length > 1) this.splitNode(c.node);
    return true;
  }

  /** Insert before (after = false) or after the element at `i` (LINSERT, quicklistInsertBefore/After). */
  insertAt(i: number, after: boolean, s: string): void {
    const c = this.seek(i);
    if (c === undefined) throw new RangeError(`quicklist insertAt: index ${i} out of range 0..${this.length - 1}`);
    c.node.items.splice(after ? c.offset + 1 : c.offset, 0, s);
    this.resize(c.node, c.node.sz + listpackEntryBytes(s));
    this.length++;
    if (c.node.sz > QUICKLIST_NODE_MAX_BYTES && c.node.items.length > 1) this.splitNode(c.node);
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

  private afterRemove(n: QuicklistNode, s: string): void {
    this.length--;
    this.resize(n, n.sz - listpackEntryBytes(s));
    if (n.items.length === 0) this.unlinkNode(n);
  }

  /** Split an over-full node in two halves (_quicklistSplitNode). */
  private splitNode(n: QuicklistNode): void {
    const half = n.items.length >> 1;
    const right = new QuicklistNode(n.items.splice(half));
    this.resize(n, itemsBytes(n.items));
    this.linkNode(right, n, n.next);
  }

  /** A linked node's new node->sz, with the list's total kept equal to Σ node->sz. */
  private resize(n: QuicklistNode, sz: number): void {
    this.bytes += sz - n.sz;
    n.sz = sz;
  }

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

  private unlinkNode(node: QuicklistNode): void {
    if (node.prev === undefined) this.head = node.next;
    else node.prev.next = node.next;
    if (node.next === undefined) this.tail = node.prev;
    else node.next.prev = node.prev;
    node.prev = node.next = undefined;
    this.nodeCount--;
    this.bytes -= node.sz;
  }
}
