/**
 * The ordered half of a sorted set (the other half is the member → score dict): a counted B+tree
 * ordered by (score, member bytes), in place of t_zset.c's zskiplist. It keeps the skiplist's
 * costs — O(log n) insert, delete, rank (zslGetRank) and element-by-rank (zslGetElementByRank),
 * O(log n + m) ranges (zslFirstInRange … then a walk) — and its API, but a lookup touches ~depth
 * nodes (3 at 10^5 members) whose scores sit unboxed in one packed array, instead of ~20 skiplist
 * nodes, each a separate object with a boxed score: at 10^5 every skiplist hop was a cache miss.
 *
 * Layout: leaves hold up to LEAF_MAX entries in parallel arrays (`scores`, `eles`) with prev/next
 * links; inner nodes hold `children`, `counts` (subtree sizes, for rank) and separators
 * (`sepScore`/`sepEle`: a lower bound of every child but the first, which stays valid after
 * deletes). A leaf emptied by deletes is unlinked (and emptied parents with it); the root
 * collapses while it has one child. `visits` counts nodes entered plus in-node search steps.
 */
import { Inner, PATH_IDX, PATH_NODE, ZsetLeaf, ZsetTreeSearch, before, type TreeNode } from './zset-tree-range.js';

export type { LexRange, ScoreRange } from './zset-tree-range.js';
export { ZsetLeaf, ZsetTreeNode, lexGteMin, lexLteMax, scoreGteMin, scoreLteMax } from './zset-tree-range.js';

/** Entries per leaf / children per inner node before a split. */
export const LEAF_MAX = 64;
export const INNER_MAX = 64;

function sum(a: readonly number[]): number {
  let t = 0;
  for (const x of a) t += x;
  return t;
}

/** The write side: zslInsert / zslDelete / zslUpdateScore analogues, and the invariant check. */
export class ZsetTree extends ZsetTreeSearch {
  /** Fan-outs are parameters only so property tests can build deep trees from few entries. */
  constructor(
    private readonly leafMax = LEAF_MAX,
    private readonly innerMax = INNER_MAX,
  ) {
    super();
    if (leafMax < 2 || innerMax < 3) throw new Error('zset tree: fan-out too small');
  }

  /** t_zset.c zslInsert: the caller guarantees `ele` is not in the tree yet. */
  insert(score: number, ele: string): void {
    const leaf = this.seekKey(score, ele);
    const i = this.leafLowerBound(leaf, score, ele);
    leaf.scores.splice(i, 0, score);
    leaf.eles.splice(i, 0, ele);
    for (let d = 0; d < this.depth; d++) {
      const p = PATH_NODE[d] as Inner;
      const k = PATH_IDX[d] as number;
      p.counts[k] = (p.counts[k] as number) + 1;
    }
    this.length++;
    if (leaf.scores.length > this.leafMax) this.splitLeaf(leaf);
    this.releasePath();
  }

  /** Split an overfull leaf in two; the right half's first entry is its separator. */
  private splitLeaf(leaf: ZsetLeaf): void {
    const half = leaf.scores.length >>> 1;
    const right = new ZsetLeaf();
    right.scores = leaf.scores.splice(half);
    right.eles = leaf.eles.splice(half);
    right.prev = leaf;
    right.next = leaf.next;
    if (leaf.next !== undefined) leaf.next.prev = right;
    else this.last = right;
    leaf.next = right;
    this.addChild(this.depth - 1, leaf, leaf.scores.length, right, right.scores.length, right.scores[0] as number, right.eles[0] as string);
  }

  /** Put `right` after `left` (now of size leftCount) in the parent at path level d, splitting upward. */
  private addChild(d: number, left: TreeNode, leftCount: number, right: TreeNode, rightCount: number, sepS: number, sepE: string): void {
    if (d < 0) {
      this.root = new Inner([left, right], [leftCount, rightCount], [-Infinity, sepS], ['', sepE]);
      return;
    }
    const p = PATH_NODE[d] as Inner;
    const k = PATH_IDX[d] as number;
    p.children.splice(k + 1, 0, right);
    p.counts.splice(k, 1, leftCount, rightCount);
    p.sepScore.splice(k + 1, 0, sepS);
    p.sepEle.splice(k + 1, 0, sepE);
    if (p.children.length <= this.innerMax) return;
    const half = p.children.length >>> 1;
    const q = new Inner(p.children.splice(half), p.counts.splice(half), p.sepScore.splice(half), p.sepEle.splice(half));
    // q's first separator moves up as the lower bound of q; its own slot 0 is never read.
    const upS = q.sepScore[0] as number;
    const upE = q.sepEle[0] as string;
    this.addChild(d - 1, p, sum(p.counts), q, sum(q.counts), upS, upE);
  }

  /** t_zset.c zslDelete: true when (score, ele) was found and removed. */
  delete(score: number, ele: string): boolean {
    const leaf = this.seekKey(score, ele);
    const i = this.leafLowerBound(leaf, score, ele);
    const found = leaf.scores[i] === score && leaf.eles[i] === ele;
    if (found) this.removeAt(leaf, i);
    this.releasePath();
    return found;
  }

  /** Remove entry i of `leaf` (the leaf of the last seekKey, whose path is still recorded). */
  private removeAt(leaf: ZsetLeaf, i: number): void {
    leaf.scores.splice(i, 1);
    leaf.eles.splice(i, 1);
    this.length--;
    let emptied = leaf.scores.length === 0 && this.depth > 0;
    if (emptied) {
      if (leaf.prev !== undefined) leaf.prev.next = leaf.next;
      else if (leaf.next !== undefined) this.head = leaf.next;
      if (leaf.next !== undefined) leaf.next.prev = leaf.prev;
      else if (leaf.prev !== undefined) this.last = leaf.prev;
    }
    for (let d = this.depth - 1; d >= 0; d--) {
      const p = PATH_NODE[d] as Inner;
      const k = PATH_IDX[d] as number;
      if (emptied) {
        p.children.splice(k, 1);
        p.counts.splice(k, 1);
        p.sepScore.splice(k, 1);
        p.sepEle.splice(k, 1);
        emptied = p.children.length === 0;
      } else p.counts[k] = (p.counts[k] as number) - 1;
    }
    while (!this.root.isLeaf && this.root.children.length === 1) this.root = this.root.children[0] as TreeNode;
  }

  /**
   * t_zset.c zslUpdateScore: move (curscore, ele) to newscore; in place when it keeps its place
   * within its leaf (ZADD / ZINCRBY on an existing member), else delete + insert.
   */
  updateScore(curscore: number, ele: string, newscore: number): void {
    const leaf = this.seekKey(curscore, ele);
    const i = this.leafLowerBound(leaf, curscore, ele);
    const { scores } = leaf;
    if (scores[i] !== curscore || leaf.eles[i] !== ele) {
      this.releasePath();
      throw new Error(`zset tree invariant: member not found at score ${curscore}`);
    }
    // A first entry may not drop below the leaf's separator, nor a last one rise past the next
    // leaf's, so in place only with a neighbour in this leaf on each side (or no leaf beyond).
    const lowOk = i > 0 ? (scores[i - 1] as number) < newscore : leaf.prev === undefined;
    const highOk = i < scores.length - 1 ? (scores[i + 1] as number) > newscore : leaf.next === undefined;
    if (lowOk && highOk) {
      scores[i] = newscore;
      this.releasePath();
      return;
    }
    this.removeAt(leaf, i);
    this.releasePath();
    this.insert(newscore, ele);
  }

  /** Debug invariant check (property tests): order, exact counts, separators, leaf links. */
  check(): void {
    const leaves: ZsetLeaf[] = [];
    const total = checkNode(this.root, leaves, undefined, undefined, this.innerMax);
    if (!this.root.isLeaf && this.root.children.length < 2) throw new Error('zset tree invariant: root with one child');
    if (total !== this.length) throw new Error(`zset tree invariant: length ${this.length} but ${total} entries`);
    if (leaves[0] !== this.head || leaves[leaves.length - 1] !== this.last) throw new Error('zset tree invariant: head/tail leaf');
    leaves.forEach((l, i) => {
      if (l.prev !== leaves[i - 1] || l.next !== leaves[i + 1]) throw new Error('zset tree invariant: leaf links');
      if (l.scores.length === 0 && leaves.length > 1) throw new Error('zset tree invariant: empty leaf');
      if (l.scores.length > this.leafMax) throw new Error('zset tree invariant: overfull leaf');
    });
    let prev: [number, string] | undefined;
    for (const [e, s] of this.entries()) {
      if (prev !== undefined && !before(prev[0], prev[1], s, e)) throw new Error('zset tree invariant: order');
      prev = [s, e];
    }
  }
}

/** Entries under `node`; every entry must be ≥ lo and < hi (separators are bounds). */
function checkNode(node: TreeNode, leaves: ZsetLeaf[], lo: [number, string] | undefined, hi: [number, string] | undefined, innerMax: number): number {
  if (node.isLeaf) {
    leaves.push(node);
    node.scores.forEach((s, i) => {
      const e = node.eles[i] as string;
      if ((lo !== undefined && before(s, e, lo[0], lo[1])) || (hi !== undefined && !before(s, e, hi[0], hi[1]))) {
        throw new Error('zset tree invariant: entry outside its separators');
      }
    });
    return node.scores.length;
  }
  const { children, counts, sepScore, sepEle } = node;
  if (children.length === 0 || children.length > innerMax) throw new Error('zset tree invariant: inner size');
  let total = 0;
  children.forEach((c, i) => {
    const clo: [number, string] | undefined = i === 0 ? lo : [sepScore[i] as number, sepEle[i] as string];
    const chi: [number, string] | undefined = i + 1 < children.length ? [sepScore[i + 1] as number, sepEle[i + 1] as string] : hi;
    const n = checkNode(c, leaves, clo, chi, innerMax);
    if (n !== counts[i]) throw new Error(`zset tree invariant: count ${counts[i]} but ${n} entries`);
    total += n;
  });
  return total;
}
