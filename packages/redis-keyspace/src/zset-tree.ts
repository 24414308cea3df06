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

/** server.h zrangespec: a score interval, each end open (`…ex`) or closed. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** server.h zlexrangespec: a member interval; `min`/`max` undefined means '-' / '+' (unbounded). */
export interface LexRange {
  min: string | undefined;
  max: string | undefined;
  minex: boolean;
  maxex: boolean;
}

export function scoreGteMin(v: number, r: ScoreRange): boolean {
  return r.minex ? v > r.min : v >= r.min;
}
export function scoreLteMax(v: number, r: ScoreRange): boolean {
  return r.maxex ? v < r.max : v <= r.max;
}
export function lexGteMin(v: string, r: LexRange): boolean {
  if (r.min === undefined) return true;
  return r.minex ? v > r.min : v >= r.min;
}
export function lexLteMax(v: string, r: LexRange): boolean {
  if (r.max === undefined) return true;
  return r.maxex ? v < r.max : v <= r.max;
}

/** Entries per leaf / children per inner node before a split. */
export const LEAF_MAX = 64;
export const INNER_MAX = 64;

export class ZsetLeaf {
  readonly isLeaf = true;
  scores: number[] = [];
  eles: string[] = [];
  prev: ZsetLeaf | undefined = undefined;
  next: ZsetLeaf | undefined = undefined;
}

class Inner {
  readonly isLeaf = false;
  constructor(
    public children: TreeNode[],
    public counts: number[],
    public sepScore: number[],
    public sepEle: string[],
  ) {}
}

type TreeNode = ZsetLeaf | Inner;

/**
 * A position handed out by first/tail/next/prev/…InRange/getElementByRank: the entry's score
 * and member, valid until the next mutation of the tree (callers read, then mutate).
 */
export class ZsetTreeNode {
  constructor(
    readonly leaf: ZsetLeaf,
    readonly idx: number,
    readonly score: number,
    readonly ele: string,
  ) {}
}

function cursor(leaf: ZsetLeaf, idx: number): ZsetTreeNode {
  return new ZsetTreeNode(leaf, idx, leaf.scores[idx] as number, leaf.eles[idx] as string);
}

/** (score, ele) strictly before (score2, ele2): zslInsert's comparison (members compare as bytes). */
function before(s: number, e: string, score: number, ele: string): boolean {
  return s < score || (s === score && e < ele);
}

function sum(a: readonly number[]): number {
  let t = 0;
  for (const x of a) t += x;
  return t;
}

/**
 * The descent path of the last seekKey (inner node and child index per level): shared by every
 * tree, as no operation runs inside another; cleared after use so it keeps no deleted set alive.
 */
const PATH_NODE: (Inner | undefined)[] = [];
const PATH_IDX: number[] = [];

export class ZsetTree {
  private root: TreeNode = new ZsetLeaf();
  private head: ZsetLeaf;
  private last: ZsetLeaf;
  length = 0;
  /** Nodes entered plus in-node search steps since creation (a cost counter for complexity tests). */
  visits = 0;
  /** Depth of the path recorded by the last seekKey. */
  private depth = 0;

  /** Fan-outs are parameters only so property tests can build deep trees from few entries. */
  constructor(
    private readonly leafMax = LEAF_MAX,
    private readonly innerMax = INNER_MAX,
  ) {
    if (leafMax < 2 || innerMax < 3) throw new Error('zset tree: fan-out too small');
    this.head = this.root as ZsetLeaf;
    this.last = this.head;
  }

  /** Index of the first entry in `leaf` not before (score, ele). */
  private leafLowerBound(leaf: ZsetLeaf, score: number, ele: string): number {
    const { scores, eles } = leaf;
    let lo = 0;
    let hi = scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      this.visits++;
      if (before(scores[mid] as number, eles[mid] as string, score, ele)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Descend to the leaf that holds (score, ele) if present (the last child whose separator is ≤
   * the key), recording the path.
   */
  private seekKey(score: number, ele: string): ZsetLeaf {
    let node = this.root;
    let d = 0;
    while (!node.isLeaf) {
      this.visits++;
      const { sepScore, sepEle } = node;
      let lo = 1;
      let hi = sepScore.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        this.visits++;
        if (before(score, ele, sepScore[mid] as number, sepEle[mid] as string)) hi = mid;
        else lo = mid + 1;
      }
      const i = lo - 1;
      PATH_NODE[d] = node;
      PATH_IDX[d] = i;
      d++;
      node = node.children[i] as TreeNode;
    }
    this.visits++;
    this.depth = d;
    return node;
  }

  private releasePath(): void {
    for (let d = 0; d < this.depth; d++) PATH_NODE[d] = undefined;
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

  /** t_zset.c zslGetRank: 1-based rank of (score, ele), 0 when absent. */
  getRank(score: number, ele: string): number {
    const leaf = this.seekKey(score, ele);
    const i = this.leafLowerBound(leaf, score, ele);
    let rank = 0; // the entries left of the path: subtree counts before each child taken
    for (let d = 0; d < this.depth; d++) {
      const { counts } = PATH_NODE[d] as Inner;
      const k = PATH_IDX[d] as number;
      for (let j = 0; j < k; j++) rank += counts[j] as number;
      this.visits += k;
    }
    this.releasePath();
    return leaf.scores[i] === score && leaf.eles[i] === ele ? rank + i + 1 : 0;
  }

  /** t_zset.c zslGetElementByRank: the entry at 1-based `rank`, or undefined. */
  getElementByRank(rank: number): ZsetTreeNode | undefined {
    if (rank < 1 || rank > this.length) return undefined;
    let r = rank - 1;
    let node = this.root;
    while (!node.isLeaf) {
      this.visits++;
      const { counts } = node;
      let i = 0;
      for (; i < counts.length - 1 && r >= (counts[i] as number); i++) {
        r -= counts[i] as number;
        this.visits++;
      }
      node = node.children[i] as TreeNode;
    }
    this.visits++;
    return r < node.scores.length ? cursor(node, r) : undefined;
  }

  /** The first entry, or undefined. */
  first(): ZsetTreeNode | undefined {
    return this.head.scores.length > 0 ? cursor(this.head, 0) : undefined;
  }

  /** The last entry (zsl->tail), or undefined. */
  get tail(): ZsetTreeNode | undefined {
    const n = this.last.scores.length;
    return n > 0 ? cursor(this.last, n - 1) : undefined;
  }

  next(n: ZsetTreeNode): ZsetTreeNode | undefined {
    this.visits++;
    if (n.idx + 1 < n.leaf.scores.length) return cursor(n.leaf, n.idx + 1);
    return n.leaf.next !== undefined ? cursor(n.leaf.next, 0) : undefined;
  }

  prev(n: ZsetTreeNode): ZsetTreeNode | undefined {
    this.visits++;
    if (n.idx > 0) return cursor(n.leaf, n.idx - 1);
    const p = n.leaf.prev;
    return p !== undefined ? cursor(p, p.scores.length - 1) : undefined;
  }

  /**
   * The first entry for which `early` (true on a prefix of the order, false after) is false, or
   * undefined when there is none: descend to the last child whose separator is still early.
   */
  private firstNotEarly(early: (score: number, ele: string) => boolean): ZsetTreeNode | undefined {
    let node = this.root;
    while (!node.isLeaf) {
      this.visits++;
      node = node.children[this.firstLate(node.sepScore, node.sepEle, 1, early) - 1] as TreeNode;
    }
    this.visits++;
    const lo = this.firstLate(node.scores, node.eles, 0, early);
    if (lo < node.scores.length) return cursor(node, lo);
    return node.next !== undefined ? cursor(node.next, 0) : undefined;
  }

  /** Binary search over keys[from..]: the first index whose key is not early (keys.length if none). */
  private firstLate(scores: readonly number[], eles: readonly string[], from: number, early: (score: number, ele: string) => boolean): number {
    let lo = from;
    let hi = scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      this.visits++;
      if (early(scores[mid] as number, eles[mid] as string)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The entry before the first non-early one (the last early one), or undefined. */
  private lastEarly(early: (score: number, ele: string) => boolean): ZsetTreeNode | undefined {
    const n = this.firstNotEarly(early);
    return n === undefined ? this.tail : this.prev(n);
  }

  /** t_zset.c zslFirstInRange (score). */
  firstInRange(r: ScoreRange): ZsetTreeNode | undefined {
    const n = this.firstNotEarly((s) => !scoreGteMin(s, r));
    return n !== undefined && scoreLteMax(n.score, r) ? n : undefined;
  }

  /** t_zset.c zslLastInRange (score). */
  lastInRange(r: ScoreRange): ZsetTreeNode | undefined {
    const n = this.lastEarly((s) => scoreLteMax(s, r));
    return n !== undefined && scoreGteMin(n.score, r) ? n : undefined;
  }

  /** t_zset.c zslFirstInLexRange (all scores equal, as Redis requires for BYLEX). */
  firstInLexRange(r: LexRange): ZsetTreeNode | undefined {
    const n = this.firstNotEarly((_s, e) => !lexGteMin(e, r));
    return n !== undefined && lexLteMax(n.ele, r) ? n : undefined;
  }

  /** t_zset.c zslLastInLexRange. */
  lastInLexRange(r: LexRange): ZsetTreeNode | undefined {
    const n = this.lastEarly((_s, e) => lexLteMax(e, r));
    return n !== undefined && lexGteMin(n.ele, r) ? n : undefined;
  }

  /** Every (ele, score), ascending. */
  *entries(): IterableIterator<[string, number]> {
    for (let l: ZsetLeaf | undefined = this.head; l !== undefined; l = l.next) {
      for (let i = 0; i < l.scores.length; i++) yield [l.eles[i] as string, l.scores[i] as number];
    }
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
