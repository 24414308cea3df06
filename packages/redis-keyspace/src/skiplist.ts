/**
 * t_zset.c's zskiplist: the ordered half of a sorted set (the other half is the member → score
 * dict). Nodes are ordered by (score, member bytes); every forward pointer carries a `span`
 * (how many elements it jumps), so rank queries cost O(log n) as in Redis (zslGetRank,
 * zslGetElementByRank). Levels are drawn as zslRandomLevel does (p = 1/4, at most 32) from an
 * injected 32-bit random source (the sim's Prng), so a run replays from its seed.
 *
 * `visits` counts node hops, so tests can state costs as operation counts.
 */

/** server.h ZSKIPLIST_MAXLEVEL / ZSKIPLIST_P */
export const ZSKIPLIST_MAXLEVEL = 32;
export const ZSKIPLIST_P = 0.25;

export interface RandomSource {
  nextU32(): number;
}

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

export class ZskiplistNode {
  backward: ZskiplistNode | undefined = undefined;
  /** level[i].forward and level[i].span of zskiplistNode, as two parallel arrays (one load less per hop). */
  readonly forward: (ZskiplistNode | undefined)[];
  readonly span: number[];
  constructor(
    readonly ele: string,
    public score: number,
    height: number,
  ) {
    this.forward = new Array<ZskiplistNode | undefined>(height).fill(undefined);
    this.span = new Array<number>(height).fill(0);
  }
}

/** (score, ele) order: zslInsert's comparison. */
function before(n: ZskiplistNode, score: number, ele: string): boolean {
  return n.score < score || (n.score === score && n.ele < ele);
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

export class Zskiplist {
  readonly header = new ZskiplistNode('', -Infinity, ZSKIPLIST_MAXLEVEL);
  tail: ZskiplistNode | undefined = undefined;
  length = 0;
  level = 1;
  /** Node hops since creation (a cost counter for complexity tests). */
  visits = 0;
  private readonly update: ZskiplistNode[] = new Array<ZskiplistNode>(ZSKIPLIST_MAXLEVEL).fill(this.header);
  private readonly rank: number[] = new Array<number>(ZSKIPLIST_MAXLEVEL).fill(0);

  constructor(private readonly random: RandomSource) {}

  /** t_zset.c zslRandomLevel: each further level with probability 1/4. */
  private randomLevel(): number {
    let level = 1;
    while ((this.random.nextU32() & 0xffff) < ZSKIPLIST_P * 0xffff) level++;
    return level < ZSKIPLIST_MAXLEVEL ? level : ZSKIPLIST_MAXLEVEL;
  }

  /** t_zset.c zslInsert: the caller guarantees `ele` is not in the list yet. */
  insert(score: number, ele: string): ZskiplistNode {
    const { update, rank } = this;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : (rank[i + 1] ?? 0);
      for (let f = x.forward[i]; f !== undefined && before(f, score, ele); f = x.forward[i]) {
        rank[i] = (rank[i] ?? 0) + (x.span[i] ?? 0);
        x = f;
        this.visits++;
      }
      update[i] = x;
    }
    const level = this.randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.header;
        this.header.span[i] = this.length;
      }
      this.level = level;
    }
    const node = new ZskiplistNode(ele, score, level);
    const r0 = rank[0] ?? 0;
    for (let i = 0; i < level; i++) {
      const u = update[i] ?? this.header;
      const uspan = u.span[i] ?? 0;
      node.forward[i] = u.forward[i];
      u.forward[i] = node;
      node.span[i] = uspan - (r0 - (rank[i] ?? 0));
      u.span[i] = r0 - (rank[i] ?? 0) + 1;
    }
    for (let i = level; i < this.level; i++) {
      const u = update[i] ?? this.header;
      u.span[i] = (u.span[i] ?? 0) + 1;
    }
    const u0 = update[0] ?? this.header;
    node.backward = u0 === this.header ? undefined : u0;
    const next = node.forward[0];
    if (next !== undefined) next.backward = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  /** Fill `update` with the last node before (score, ele) on every level. */
  private findUpdate(score: number, ele: string): ZskiplistNode {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]; f !== undefined && before(f, score, ele); f = x.forward[i]) {
        x = f;
        this.visits++;
      }
      this.update[i] = x;
    }
    return x;
  }

  /** t_zset.c zslDeleteNode. */
  private deleteNode(x: ZskiplistNode): void {
    for (let i = 0; i < this.level; i++) {
      const u = this.update[i] ?? this.header;
      if (u.forward[i] === x) {
        u.span[i] = (u.span[i] ?? 0) + (x.span[i] ?? 0) - 1;
        u.forward[i] = x.forward[i];
      } else u.span[i] = (u.span[i] ?? 0) - 1;
    }
    const next = x.forward[0];
    if (next !== undefined) next.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && this.header.forward[this.level - 1] === undefined) this.level--;
    this.length--;
  }

  /** t_zset.c zslDelete: true when (score, ele) was found and removed. */
  delete(score: number, ele: string): boolean {
    const x = this.findUpdate(score, ele).forward[0];
    if (x === undefined || x.score !== score || x.ele !== ele) return false;
    this.deleteNode(x);
    return true;
  }

  /**
   * t_zset.c zslUpdateScore: move (curscore, ele) to newscore; in place when the order stays the
   * same (ZADD / ZINCRBY on an existing member), else delete + insert.
   */
  updateScore(curscore: number, ele: string, newscore: number): void {
    const x = this.findUpdate(curscore, ele).forward[0];
    if (x === undefined || x.score !== curscore || x.ele !== ele) {
      throw new Error(`zskiplist invariant: member not found at score ${curscore}`);
    }
    const next = x.forward[0];
    if ((x.backward === undefined || x.backward.score < newscore) && (next === undefined || next.score > newscore)) {
      x.score = newscore;
      return;
    }
    this.deleteNode(x);
    this.insert(newscore, ele);
  }

  /** t_zset.c zslGetRank: 1-based rank of (score, ele), 0 when absent. */
  getRank(score: number, ele: string): number {
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]; f !== undefined && (before(f, score, ele) || (f.score === score && f.ele === ele)); f = x.forward[i]) {
        rank += x.span[i] ?? 0;
        x = f;
        this.visits++;
      }
      if (x !== this.header && x.ele === ele && x.score === score) return rank;
    }
    return 0;
  }

  /** t_zset.c zslGetElementByRank: the node at 1-based `rank`, or undefined. */
  getElementByRank(rank: number): ZskiplistNode | undefined {
    if (rank < 1 || rank > this.length) return undefined;
    let traversed = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]; f !== undefined && traversed + (x.span[i] ?? 0) <= rank; f = x.forward[i]) {
        traversed += x.span[i] ?? 0;
        x = f;
        this.visits++;
      }
      if (traversed === rank) return x;
    }
    return undefined;
  }

  /** The first node, or undefined. */
  first(): ZskiplistNode | undefined {
    return this.header.forward[0];
  }

  next(n: ZskiplistNode): ZskiplistNode | undefined {
    this.visits++;
    return n.forward[0];
  }

  prev(n: ZskiplistNode): ZskiplistNode | undefined {
    this.visits++;
    return n.backward;
  }

  /** t_zset.c zslFirstInRange (score). */
  firstInRange(r: ScoreRange): ZskiplistNode | undefined {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]; f !== undefined && !scoreGteMin(f.score, r); f = x.forward[i]) {
        x = f;
        this.visits++;
      }
    }
    const n = x.forward[0];
    return n !== undefined && scoreLteMax(n.score, r) ? n : undefined;
  }

  /** t_zset.c zslLastInRange (score). */
  lastInRange(r: ScoreRange): ZskiplistNode | undefined {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]; f !== undefined && scoreLteMax(f.score, r); f = x.forward[i]) {
        x = f;
        this.visits++;
      }
    }
    return x !== this.header && scoreGteMin(x.score, r) ? x : undefined;
  }

  /** t_zset.c zslFirstInLexRange (all scores equal, as Redis requires for BYLEX). */
  firstInLexRange(r: LexRange): ZskiplistNode | undefined {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]; f !== undefined && !lexGteMin(f.ele, r); f = x.forward[i]) {
        x = f;
        this.visits++;
      }
    }
    const n = x.forward[0];
    return n !== undefined && lexLteMax(n.ele, r) ? n : undefined;
  }

  /** t_zset.c zslLastInLexRange. */
  lastInLexRange(r: LexRange): ZskiplistNode | undefined {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.forward[i]; f !== undefined && lexLteMax(f.ele, r); f = x.forward[i]) {
        x = f;
        this.visits++;
      }
    }
    return x !== this.header && lexGteMin(x.ele, r) ? x : undefined;
  }

  /** Every (ele, score), ascending. */
  *entries(): IterableIterator<[string, number]> {
    for (let n = this.first(); n !== undefined; n = n.forward[0]) yield [n.ele, n.score];
  }
}
