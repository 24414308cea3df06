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

/** Levels whose forward pointer and span live in the node's own fields (p = 1/4: 99.6 % of nodes have at most 4). */
const INLINE_LEVELS = 4;

/**
 * zskiplistNode. Redis allocates a node and its level[] array in one block, so a hop reads one
 * allocation; here the first INLINE_LEVELS levels' forward/span are fields of the node and only
 * taller nodes (0.4 %) keep the levels above in two arrays. A hop at level 0–3 thus reads one
 * object, where separate `forward`/`span` arrays cost up to five (node, two JSArrays and their
 * backing stores), which is what made 10^5-member sets miss the cache on every hop.
 */
export class ZskiplistNode {
  backward: ZskiplistNode | undefined = undefined;
  f0: ZskiplistNode | undefined = undefined;
  f1: ZskiplistNode | undefined = undefined;
  f2: ZskiplistNode | undefined = undefined;
  f3: ZskiplistNode | undefined = undefined;
  s0 = 0;
  s1 = 0;
  s2 = 0;
  s3 = 0;
  /** Levels INLINE_LEVELS.. (forward, span), only for taller nodes. */
  private readonly upF: (ZskiplistNode | undefined)[] | undefined;
  private readonly upS: number[] | undefined;
  constructor(
    readonly ele: string,
    public score: number,
    readonly height: number,
  ) {
    if (height > INLINE_LEVELS) {
      this.upF = new Array<ZskiplistNode | undefined>(height - INLINE_LEVELS).fill(undefined);
      this.upS = new Array<number>(height - INLINE_LEVELS).fill(0);
    } else {
      this.upF = undefined;
      this.upS = undefined;
    }
  }
  /** level[i].forward */
  fw(i: number): ZskiplistNode | undefined {
    if (i < 2) return i === 0 ? this.f0 : this.f1;
    if (i < INLINE_LEVELS) return i === 2 ? this.f2 : this.f3;
    return this.upF?.[i - INLINE_LEVELS];
  }
  setFw(i: number, n: ZskiplistNode | undefined): void {
    if (i === 0) this.f0 = n;
    else if (i === 1) this.f1 = n;
    else if (i === 2) this.f2 = n;
    else if (i === 3) this.f3 = n;
    else if (this.upF !== undefined && i < this.height) this.upF[i - INLINE_LEVELS] = n;
    else throw new Error(`zskiplist invariant: level ${i} of a node of height ${this.height}`);
  }
  /** level[i].span */
  sp(i: number): number {
    if (i < 2) return i === 0 ? this.s0 : this.s1;
    if (i < INLINE_LEVELS) return i === 2 ? this.s2 : this.s3;
    return this.upS?.[i - INLINE_LEVELS] ?? 0;
  }
  setSp(i: number, v: number): void {
    if (i === 0) this.s0 = v;
    else if (i === 1) this.s1 = v;
    else if (i === 2) this.s2 = v;
    else if (i === 3) this.s3 = v;
    else if (this.upS !== undefined && i < this.height) this.upS[i - INLINE_LEVELS] = v;
    else throw new Error(`zskiplist invariant: level ${i} of a node of height ${this.height}`);
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

const SCRATCH_UPDATE = new Array<ZskiplistNode | undefined>(ZSKIPLIST_MAXLEVEL).fill(undefined);
const SCRATCH_RANK = new Array<number>(ZSKIPLIST_MAXLEVEL).fill(0);

export class Zskiplist {
  readonly header = new ZskiplistNode('', -Infinity, ZSKIPLIST_MAXLEVEL);
  tail: ZskiplistNode | undefined = undefined;
  length = 0;
  level = 1;
  /** Node hops since creation (a cost counter for complexity tests). */
  visits = 0;
  /**
   * zslInsert's / zslDelete's update[] and rank[] (stack arrays in Redis): shared by every
   * skiplist, as no operation runs inside another (all are synchronous and fill them before use),
   * so a small sorted set does not carry two 32-slot arrays of its own.
   */
  private readonly update: (ZskiplistNode | undefined)[] = SCRATCH_UPDATE;
  private readonly rank: number[] = SCRATCH_RANK;

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
      for (let f = x.fw(i); f !== undefined && before(f, score, ele); f = x.fw(i)) {
        rank[i] = (rank[i] ?? 0) + x.sp(i);
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
        this.header.setSp(i, this.length);
      }
      this.level = level;
    }
    const node = new ZskiplistNode(ele, score, level);
    const r0 = rank[0] ?? 0;
    for (let i = 0; i < level; i++) {
      const u = update[i] ?? this.header;
      const uspan = u.sp(i);
      node.setFw(i, u.fw(i));
      u.setFw(i, node);
      node.setSp(i, uspan - (r0 - (rank[i] ?? 0)));
      u.setSp(i, r0 - (rank[i] ?? 0) + 1);
    }
    for (let i = level; i < this.level; i++) {
      const u = update[i] ?? this.header;
      u.setSp(i, u.sp(i) + 1);
    }
    const u0 = update[0] ?? this.header;
    node.backward = u0 === this.header ? undefined : u0;
    const next = node.fw(0);
    if (next !== undefined) next.backward = node;
    else this.tail = node;
    this.length++;
    this.releaseUpdate();
    return node;
  }

  /** Drop the shared update[] references (they would keep another, deleted, set's nodes alive). */
  private releaseUpdate(): void {
    // Filled from level 0 up without gaps; deleteNode may have lowered this.level since.
    const update = this.update;
    for (let i = 0; i < ZSKIPLIST_MAXLEVEL && update[i] !== undefined; i++) update[i] = undefined;
  }

  /** Fill `update` with the last node before (score, ele) on every level. */
  private findUpdate(score: number, ele: string): ZskiplistNode {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.fw(i); f !== undefined && before(f, score, ele); f = x.fw(i)) {
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
      if (u.fw(i) === x) {
        u.setSp(i, u.sp(i) + x.sp(i) - 1);
        u.setFw(i, x.fw(i));
      } else u.setSp(i, u.sp(i) - 1);
    }
    const next = x.fw(0);
    if (next !== undefined) next.backward = x.backward;
    else this.tail = x.backward;
    while (this.level > 1 && this.header.fw(this.level - 1) === undefined) this.level--;
    this.length--;
  }

  /** t_zset.c zslDelete: true when (score, ele) was found and removed. */
  delete(score: number, ele: string): boolean {
    const x = this.findUpdate(score, ele).fw(0);
    const found = x !== undefined && x.score === score && x.ele === ele;
    if (found) this.deleteNode(x);
    this.releaseUpdate();
    return found;
  }

  /**
   * t_zset.c zslUpdateScore: move (curscore, ele) to newscore; in place when the order stays the
   * same (ZADD / ZINCRBY on an existing member), else delete + insert.
   */
  updateScore(curscore: number, ele: string, newscore: number): void {
    const x = this.findUpdate(curscore, ele).fw(0);
    if (x === undefined || x.score !== curscore || x.ele !== ele) {
      throw new Error(`zskiplist invariant: member not found at score ${curscore}`);
    }
    const next = x.fw(0);
    if ((x.backward === undefined || x.backward.score < newscore) && (next === undefined || next.score > newscore)) {
      x.score = newscore;
      this.releaseUpdate();
      return;
    }
    this.deleteNode(x);
    this.insert(newscore, ele); // fills update[] afresh and releases it
  }

  /** t_zset.c zslGetRank: 1-based rank of (score, ele), 0 when absent. */
  getRank(score: number, ele: string): number {
    let rank = 0;
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.fw(i); f !== undefined && (before(f, score, ele) || (f.score === score && f.ele === ele)); f = x.fw(i)) {
        rank += x.sp(i);
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
      for (let f = x.fw(i); f !== undefined && traversed + x.sp(i) <= rank; f = x.fw(i)) {
        traversed += x.sp(i);
        x = f;
        this.visits++;
      }
      if (traversed === rank) return x;
    }
    return undefined;
  }

  /** The first node, or undefined. */
  first(): ZskiplistNode | undefined {
    return this.header.fw(0);
  }

  next(n: ZskiplistNode): ZskiplistNode | undefined {
    this.visits++;
    return n.fw(0);
  }

  prev(n: ZskiplistNode): ZskiplistNode | undefined {
    this.visits++;
    return n.backward;
  }

  /** t_zset.c zslFirstInRange (score). */
  firstInRange(r: ScoreRange): ZskiplistNode | undefined {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.fw(i); f !== undefined && !scoreGteMin(f.score, r); f = x.fw(i)) {
        x = f;
        this.visits++;
      }
    }
    const n = x.fw(0);
    return n !== undefined && scoreLteMax(n.score, r) ? n : undefined;
  }

  /** t_zset.c zslLastInRange (score). */
  lastInRange(r: ScoreRange): ZskiplistNode | undefined {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.fw(i); f !== undefined && scoreLteMax(f.score, r); f = x.fw(i)) {
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
      for (let f = x.fw(i); f !== undefined && !lexGteMin(f.ele, r); f = x.fw(i)) {
        x = f;
        this.visits++;
      }
    }
    const n = x.fw(0);
    return n !== undefined && lexLteMax(n.ele, r) ? n : undefined;
  }

  /** t_zset.c zslLastInLexRange. */
  lastInLexRange(r: LexRange): ZskiplistNode | undefined {
    let x = this.header;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = x.fw(i); f !== undefined && lexLteMax(f.ele, r); f = x.fw(i)) {
        x = f;
        this.visits++;
      }
    }
    return x !== this.header && lexGteMin(x.ele, r) ? x : undefined;
  }

  /** Every (ele, score), ascending. */
  *entries(): IterableIterator<[string, number]> {
    for (let n = this.first(); n !== undefined; n = n.fw(0)) yield [n.ele, n.score];
  }
}
