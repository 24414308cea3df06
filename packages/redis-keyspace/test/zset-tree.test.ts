// The sorted-set order (src/zset-tree.ts: a counted B+tree in place of t_zset.c's zskiplist)
// against a sorted array, with its structural invariants checked after every operation, and its
// costs counted in node visits plus in-node search steps.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Prng } from '@protolab/sim';
import { ZsetTree } from '../src/zset-tree.js';
import type { LexRange, ScoreRange } from '../src/zset-tree.js';

type Pair = [string, number];
const cmp = (a: Pair, b: Pair): number => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

const member = fc.oneof(
  fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'aa', '', '\u00ff'),
  fc.integer({ min: 0, max: 60 }).map((i) => `m${i}`),
);
const score = fc.constantFrom(-Infinity, -1, 0, -0, 0.5, 1, 2, 1e9, Infinity);
const op = fc.oneof(
  fc.record({ op: fc.constant('add' as const), m: member, s: score }),
  fc.record({ op: fc.constant('del' as const), m: member }),
);
const fanout = fc.constantFrom<[number, number]>([2, 3], [3, 4], [4, 3], [64, 64]);

function build(ops: { op: 'add' | 'del'; m: string; s?: number }[], [leafMax, innerMax]: [number, number]): [ZsetTree, Map<string, number>] {
  const zt = new ZsetTree(leafMax, innerMax);
  const dict = new Map<string, number>();
  for (const o of ops) {
    const cur = dict.get(o.m);
    if (o.op === 'add' && o.s !== undefined) {
      if (cur === undefined) zt.insert(o.s, o.m);
      else zt.updateScore(cur, o.m, o.s);
      dict.set(o.m, o.s);
    } else if (cur !== undefined) {
      expect(zt.delete(cur, o.m)).toBe(true);
      dict.delete(o.m);
    } else expect(zt.delete(0, o.m)).toBe(false);
    zt.check();
  }
  return [zt, dict];
}

describe('zset B+tree against a sorted array', () => {
  it('Redis t_zset.c zslInsert/zslDelete/zslUpdateScore/zslGetRank/zslGetElementByRank: a tree that takes any sequence of adds, score updates and deletes never breaks its counts, separators or leaf links, and its order and ranks equal a sorted array', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fanout, (ops, fo) => {
        const [zt, dict] = build(ops, fo);
        const model = [...dict.entries()].sort(cmp);
        expect([...zt.entries()]).toEqual(model);
        expect(zt.length).toBe(model.length);
        model.forEach(([m, s], i) => {
          expect(zt.getRank(s, m)).toBe(i + 1);
          expect(zt.getElementByRank(i + 1)?.ele).toBe(m);
        });
        expect(zt.getElementByRank(model.length + 1)).toBeUndefined();
        expect(zt.getElementByRank(0)).toBeUndefined();
        const walked: string[] = [];
        for (let n = zt.tail; n !== undefined; n = zt.prev(n)) walked.push(n.ele);
        expect(walked.reverse()).toEqual(model.map(([m]) => m));
        const forward: string[] = [];
        for (let n = zt.first(); n !== undefined; n = zt.next(n)) forward.push(n.ele);
        expect(forward).toEqual(model.map(([m]) => m));
      }),
    );
  });

  it('Redis t_zset.c zslFirstInRange/zslLastInRange: the first and last entries in any score interval equal those of a sorted array', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150 }), fanout, score, score, fc.boolean(), fc.boolean(), (ops, fo, a, b, minex, maxex) => {
        const [zt, dict] = build(ops, fo);
        const model = [...dict.entries()].sort(cmp);
        const r: ScoreRange = { min: Math.min(a, b), max: Math.max(a, b), minex, maxex };
        const inRange = model.filter(([, s]) => (minex ? s > r.min : s >= r.min) && (maxex ? s < r.max : s <= r.max));
        expect(zt.firstInRange(r)?.ele).toBe(inRange[0]?.[0]);
        expect(zt.lastInRange(r)?.ele).toBe(inRange[inRange.length - 1]?.[0]);
      }),
    );
  });

  it('Redis t_zset.c zslFirstInLexRange/zslLastInLexRange: with all scores equal, the first and last members in any lex interval equal those of a sorted array', () => {
    fc.assert(
      fc.property(fc.uniqueArray(member, { maxLength: 120 }), fanout, fc.option(member), fc.option(member), fc.boolean(), fc.boolean(), (ms, fo, a, b, minex, maxex) => {
        const [zt] = build(ms.map((m) => ({ op: 'add' as const, m, s: 0 })), fo);
        const sorted = [...ms].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        const r: LexRange = { min: a ?? undefined, max: b ?? undefined, minex, maxex };
        const inRange = sorted.filter((m) => (r.min === undefined || (minex ? m > r.min : m >= r.min)) && (r.max === undefined || (maxex ? m < r.max : m <= r.max)));
        expect(zt.firstInLexRange(r)?.ele).toBe(inRange[0]);
        expect(zt.lastInLexRange(r)?.ele).toBe(inRange[inRange.length - 1]);
      }),
    );
  });

  it('a member whose score moves from 0 to -0 keeps its place and reports -0 (ZADD z -0 m after ZADD z 0 m)', () => {
    const zt = new ZsetTree(2, 3);
    for (const m of ['a', 'b', 'c', 'd', 'e']) zt.insert(0, m);
    zt.updateScore(0, 'c', -0);
    zt.check();
    expect(Object.is(zt.getElementByRank(3)?.score, -0)).toBe(true);
    expect([...zt.entries()].map(([m]) => m)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('zset B+tree costs, counted in node visits and in-node search steps', () => {
  it('t_zset.c zslInsert / zslGetRank: 10^5 inserts cost O(log n) each — the per-insert cost at 10^5 is within 2× the cost at 10^3', () => {
    const perOp = (n: number): number => {
      const zt = new ZsetTree();
      const rnd = new Prng(8);
      for (let i = 0; i < n; i++) zt.insert(rnd.int(0, 1_000_000), `m${i}`);
      return zt.visits / n;
    };
    const small = perOp(1000);
    const big = perOp(100_000);
    expect(big).toBeLessThanOrEqual(2 * small);
    // depth 3 at 10^5 (fan-out 32–64), one binary search of ≤ 6 steps per node: far below linear
    expect(big).toBeLessThan(30);
  });

  it('t_zset.c zslGetElementByRank: the element at any rank is reached in O(log n) visits (depth × fan-out at most)', () => {
    const zt = new ZsetTree();
    for (let i = 0; i < 100_000; i++) zt.insert(i, `m${i}`);
    const before = zt.visits;
    expect(zt.getElementByRank(77_777)?.ele).toBe('m77776');
    // three levels, each a scan of ≤ 64 subtree counts
    expect(zt.visits - before).toBeLessThan(200);
  });
});
