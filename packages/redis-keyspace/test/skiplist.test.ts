// The sorted-set skiplist (src/skiplist.ts, t_zset.c zskiplist) against a sorted array, and its
// costs counted in node hops.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Prng } from '@protolab/sim';
import { Zskiplist } from '../src/skiplist.js';
import type { ScoreRange } from '../src/skiplist.js';

type Pair = [string, number];
const cmp = (a: Pair, b: Pair): number => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

const member = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'aa', '', '\u00ff');
const score = fc.constantFrom(-Infinity, -1, 0, 0.5, 1, 2, 1e9, Infinity);
const op = fc.oneof(
  fc.record({ op: fc.constant('add' as const), m: member, s: score }),
  fc.record({ op: fc.constant('del' as const), m: member }),
);

describe('zskiplist against a sorted array', () => {
  it('Redis t_zset.c zslInsert/zslDelete/zslUpdateScore/zslGetRank/zslGetElementByRank/zslFirstInRange/zslLastInRange: order, ranks and score ranges equal those of a sorted array after any sequence of adds, updates and deletes', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), fc.integer(), score, score, fc.boolean(), fc.boolean(), (ops, seed, a, b, minex, maxex) => {
        const zsl = new Zskiplist(new Prng(seed));
        const dict = new Map<string, number>();
        for (const o of ops) {
          const cur = dict.get(o.m);
          if (o.op === 'add') {
            if (cur === undefined) zsl.insert(o.s, o.m);
            else zsl.updateScore(cur, o.m, o.s);
            dict.set(o.m, o.s);
          } else if (cur !== undefined) {
            expect(zsl.delete(cur, o.m)).toBe(true);
            dict.delete(o.m);
          }
        }
        const model = [...dict.entries()].sort(cmp);
        expect([...zsl.entries()]).toEqual(model);
        expect(zsl.length).toBe(model.length);
        model.forEach(([m, s], i) => {
          expect(zsl.getRank(s, m)).toBe(i + 1);
          expect(zsl.getElementByRank(i + 1)?.ele).toBe(m);
        });
        expect(zsl.getElementByRank(model.length + 1)).toBeUndefined();
        let prev: string | undefined;
        for (let n = zsl.tail; n !== undefined; n = n.backward) {
          if (prev !== undefined) expect(cmp([n.ele, n.score], [prev, dict.get(prev) ?? NaN])).toBeLessThan(0);
          prev = n.ele;
        }
        const r: ScoreRange = { min: Math.min(a, b), max: Math.max(a, b), minex, maxex };
        const inRange = model.filter(([, s]) => (minex ? s > r.min : s >= r.min) && (maxex ? s < r.max : s <= r.max));
        expect(zsl.firstInRange(r)?.ele).toBe(inRange[0]?.[0]);
        expect(zsl.lastInRange(r)?.ele).toBe(inRange[inRange.length - 1]?.[0]);
      }),
    );
  });
});

describe('zskiplist costs, counted in node hops', () => {
  it('t_zset.c zslInsert / zslGetRank: 10^5 inserts cost O(log n) hops each — the per-insert cost at 10^5 is within 2× the cost at 10^3', () => {
    const perOp = (n: number): number => {
      const zsl = new Zskiplist(new Prng(7));
      const rnd = new Prng(8);
      for (let i = 0; i < n; i++) zsl.insert(rnd.int(0, 1_000_000), `m${i}`);
      return zsl.visits / n;
    };
    const small = perOp(1000);
    const big = perOp(100_000);
    expect(big).toBeLessThanOrEqual(2 * small);
    // log_4(10^5) ≈ 8.3 levels, a few hops per level: far below linear
    expect(big).toBeLessThan(100);
  });

  it('t_zset.c zslGetElementByRank: the element at any rank is reached in O(log n) hops', () => {
    const zsl = new Zskiplist(new Prng(1));
    for (let i = 0; i < 100_000; i++) zsl.insert(i, `m${i}`);
    const before = zsl.visits;
    expect(zsl.getElementByRank(77_777)?.ele).toBe('m77776');
    expect(zsl.visits - before).toBeLessThan(200);
  });
});
