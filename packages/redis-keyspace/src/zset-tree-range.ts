/**
 * The layout of a sorted set's ordered half (a counted B+tree ordered by (score, member bytes), in
 * place of t_zset.c's zskiplist; see zset-tree.ts for why) and its read side: the descent by key,
 * t_zset.c zslGetRank and zslGetElementByRank analogues (rank from the subtree counts on the
 * path), zslFirstInRange / zslLastInRange / zslFirstInLexRange / zslLastInLexRange analogues
 * (one binary search per level), and iteration. Insert, delete and score updates (the write side,
 * zslInsert / zslDelete / zslUpdateScore) are ZsetTree's in zset-tree.ts, which extends
 * ZsetTreeSearch.
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

export class ZsetLeaf {
  readonly isLeaf = true;
  scores: number[] = [];
  eles: string[] = [];
  prev: ZsetLeaf | undefined = undefined;
  next: ZsetLeaf | undefined = undefined;
}

export class Inner {
  readonly isLeaf = false;
  constructor(
    public children: TreeNode[],
    public counts: number[],
    public sepScore: number[],
    public sepEle: string[],
  ) {}
}

export type TreeNode = ZsetLeaf | Inner;

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

export function cursor(leaf: ZsetLeaf, idx: number): ZsetTreeNode {
  return new ZsetTreeNode(leaf, idx, leaf.scores[idx] as number, leaf.eles[idx] as string);
}

/** (score, ele) strictly before (score2, ele2): zslInsert's comparison (members compare as bytes). */
export function before(s: number, e: string, score: number, ele: string): boolean {
  return s < score || (s === score && e < ele);
}

/**
 * The descent path of the last seekKey (inner node and child index per level): shared by every
 * tree, as no operation runs inside another; cleared after use so it keeps no deleted set alive.
 */
export const PATH_NODE: (Inner | undefined)[] = [];
export const PATH_IDX: number[] = [];

/** The tree's fields and its read-only operations; ZsetTree (zset-tree.ts) adds the writes. */
export abstract class ZsetTreeSearch {
  protected root: TreeNode = new ZsetLeaf();
  protected head: ZsetLeaf;
  protected last: ZsetLeaf;
  length = 0;
  /** Nodes entered plus in-node search steps since creation (a cost counter for complexity tests). */
  visits = 0;
  /** Depth of the path recorded by the last seekKey. */
  protected depth = 0;

  constructor() {
    this.head = this.root as ZsetLeaf;
    this.last = this.head;
  }

  /** Index of the first entry in `leaf` not before (score, ele). */
  protected leafLowerBound(leaf: ZsetLeaf, score: number, ele: string): number {
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
  protected seekKey(score: number, ele: string): ZsetLeaf {
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

  protected releasePath(): void {
    for (let d = 0; d < this.depth; d++) PATH_NODE[d] = undefined;
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
}
