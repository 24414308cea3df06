/**
 * quicklist.c's split and merge of nodes for _quicklistInsert (LINSERT into a full node), split
 * from quicklist.ts: _quicklistSplitNode, _quicklistMergeNodes, _quicklistListpackMerge and
 * _quicklistNodeAllowMerge, each taking the list as the C functions do.
 */
import type { Quicklist } from './quicklist.js';
import { nodeAllowMerge } from './quicklist-fill.js';
import { LP_EMPTY_BYTES, QuicklistNode, itemsBytes } from './quicklist-node.js';

/** quicklist.c _quicklistNodeAllowMerge for this list's fill. */
function allowMerge(ql: Quicklist, a: QuicklistNode, b: QuicklistNode): boolean {
  return nodeAllowMerge(a.sz + b.sz, a.items.length + b.items.length, ql.fill);
}

/**
 * quicklist.c _quicklistSplitNode: with `after`, `node` keeps [0, offset] and the returned
 * (unlinked) node holds [offset + 1, end]; without, the returned node holds [0, offset - 1] and
 * `node` keeps [offset, end]. Both sizes are lpBytes of what they hold.
 */
export function splitNode(ql: Quicklist, node: QuicklistNode, offset: number, after: boolean): QuicklistNode {
  ql.nodeVisits++;
  const moved = after ? node.items.splice(offset + 1) : node.items.splice(0, offset);
  ql.resize(node, itemsBytes(node.items));
  return new QuicklistNode(moved);
}

/**
 * quicklist.c _quicklistMergeNodes: merge (prev->prev, prev), then (next, next->next), then
 * (center->prev, center), then the result with its next node, each when _quicklistNodeAllowMerge.
 */
export function mergeNodes(ql: Quicklist, center: QuicklistNode): void {
  const prev = center.prev;
  const prevPrev = prev?.prev;
  const next = center.next;
  const nextNext = next?.next;
  if (prev !== undefined && prevPrev !== undefined && allowMerge(ql, prev, prevPrev)) listpackMerge(ql, prevPrev, prev);
  if (next !== undefined && nextNext !== undefined && allowMerge(ql, next, nextNext)) listpackMerge(ql, next, nextNext);
  let target = center;
  const before = center.prev;
  if (before !== undefined && allowMerge(ql, center, before)) target = listpackMerge(ql, before, center);
  const after = target.next;
  if (after !== undefined && allowMerge(ql, target, after)) listpackMerge(ql, target, after);
}

/**
 * quicklist.c _quicklistListpackMerge (lpMerge): `b` (right of `a`) joins `a`; the merged
 * listpack drops one header and end byte. Redis keeps whichever listpack is larger; the list's
 * layout is the same either way, so `a` is kept here.
 */
function listpackMerge(ql: Quicklist, a: QuicklistNode, b: QuicklistNode): QuicklistNode {
  ql.nodeVisits += 2;
  const sz = a.sz + b.sz - LP_EMPTY_BYTES;
  ql.unlinkNode(b);
  a.items = a.items.concat(b.items);
  ql.resize(a, sz);
  return a;
}
