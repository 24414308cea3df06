// The list structure (src/quicklist.ts) against a plain array, and its costs counted in node
// visits (Redis 7.0 quicklist.c; list-max-listpack-size -2 = 8 KB nodes).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Quicklist, listpackEntryBytes, QUICKLIST_NODE_MAX_BYTES } from '../src/quicklist.js';

type Op =
  | { op: 'pushHead' | 'pushTail'; s: string }
  | { op: 'popHead' | 'popTail' }
  | { op: 'index'; i: number }
  | { op: 'set'; i: number; s: string }
  | { op: 'insert'; i: number; after: boolean; s: string }
  | { op: 'delRange'; start: number; count: number }
  | { op: 'removeEqual'; s: string; count: number; fromTail: boolean };

const elem = fc.oneof(fc.constantFrom('a', 'b', '1', '-5', '300'), fc.string({ maxLength: 3 }), fc.constant('x'.repeat(3000)));
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constantFrom('pushHead' as const, 'pushTail' as const), s: elem }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('popHead' as const, 'popTail' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('index' as const), i: fc.integer({ min: -40, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('set' as const), i: fc.integer({ min: -40, max: 40 }), s: elem }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('insert' as const), i: fc.integer({ min: -40, max: 40 }), after: fc.boolean(), s: elem }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delRange' as const), start: fc.nat(40), count: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeEqual' as const), s: fc.constantFrom('a', 'b', '1'), count: fc.nat(3), fromTail: fc.boolean() }) },
);

function apply(q: Quicklist, m: string[], o: Op): void {
  const norm = (i: number): number => (i < 0 ? i + m.length : i);
  switch (o.op) {
    case 'pushHead':
      q.pushHead(o.s);
      m.unshift(o.s);
      break;
    case 'pushTail':
      q.pushTail(o.s);
      m.push(o.s);
      break;
    case 'popHead':
      expect(q.popHead()).toBe(m.shift());
      break;
    case 'popTail':
      expect(q.popTail()).toBe(m.pop());
      break;
    case 'index':
      expect(q.index(o.i)).toBe(m[norm(o.i)]);
      break;
    case 'set': {
      const i = norm(o.i);
      const ok = i >= 0 && i < m.length;
      expect(q.set(o.i, o.s)).toBe(ok);
      if (ok) m[i] = o.s;
      break;
    }
    case 'insert': {
      const i = norm(o.i);
      if (i < 0 || i >= m.length) break;
      q.insertAt(o.i, o.after, o.s);
      m.splice(o.after ? i + 1 : i, 0, o.s);
      break;
    }
    case 'delRange':
      q.delRange(o.start, o.count);
      m.splice(o.start, o.count);
      break;
    case 'removeEqual': {
      let n = 0;
      const idx = m.map((_, k) => k).filter((k) => m[k] === o.s);
      const pick = o.fromTail ? idx.reverse() : idx;
      const del = o.count === 0 ? pick : pick.slice(0, o.count);
      for (const k of [...del].sort((a, b) => b - a)) {
        m.splice(k, 1);
        n++;
      }
      expect(q.removeEqual(o.s, o.count, o.fromTail)).toBe(n);
      break;
    }
  }
}

describe('quicklist against an array', () => {
  it('Redis quicklist.c: every push/pop/index/set/insert/delRange/LREM walk gives the same elements as a plain array, no node ever exceeds 8 KB unless it holds one element, and the list byte total (what the memory estimate reads) is the sum of its node sizes', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), (ops) => {
        const q = new Quicklist();
        const m: string[] = [];
        for (const o of ops) {
          apply(q, m, o);
          expect(q.length).toBe(m.length);
          let nodes = 0;
          let bytes = 0;
          for (let n = q.head; n !== undefined; n = n.next) {
            nodes++;
            bytes += n.sz;
            expect(n.items.length).toBeGreaterThan(0);
            expect(n.sz).toBe(7 + n.items.reduce((a, s) => a + listpackEntryBytes(s), 0));
            if (n.items.length > 1) expect(n.sz).toBeLessThanOrEqual(QUICKLIST_NODE_MAX_BYTES);
          }
          expect(nodes).toBe(q.nodeCount);
          expect(q.bytes).toBe(bytes);
        }
        expect(q.toArray()).toEqual(m);
        expect([...q.valuesReversed()]).toEqual([...m].reverse());
      }),
    );
  });
});

describe('listpack entry sizes (listpack.c lpEncodeGetType / lpEncodeBacklen)', () => {
  it('reference §3.4 RPUSH list:small a b c 1 2 -100 3000000000 "" is a 35-byte listpack', () => {
    const items = ['a', 'b', 'c', '1', '2', '-100', '3000000000', ''];
    expect(7 + items.reduce((a, s) => a + listpackEntryBytes(s), 0)).toBe(35);
  });
});

describe('quicklist costs, counted in node visits', () => {
  it('quicklist.c quicklistPushHead: 10^5 single-element LPUSH on one list touch exactly 10^5 nodes (one per push)', () => {
    const q = new Quicklist();
    for (let i = 0; i < 100_000; i++) q.pushHead(String(i));
    expect(q.nodeVisits).toBe(100_000);
    expect(q.length).toBe(100_000);
    // 8 KB nodes of small integers hold hundreds of elements each
    expect(q.nodeCount).toBeLessThan(100_000 / 100);
  });

  it('quicklist.c: the per-push cost at 10^5 elements is the same as at 10^3 (O(1), not O(n))', () => {
    const perOp = (n: number): number => {
      const q = new Quicklist();
      for (let i = 0; i < n; i++) {
        if (i % 2) q.pushHead(`v${i}`);
        else q.pushTail(`v${i}`);
      }
      return q.nodeVisits / n;
    };
    expect(perOp(100_000)).toBeLessThanOrEqual(2 * perOp(1000));
  });

  it('quicklist.c quicklistGetIteratorAtIdx: LINDEX in the middle walks O(n / node size) nodes from the nearer end', () => {
    const q = Quicklist.from(Array.from({ length: 100_000 }, (_, i) => `e${i}`.padEnd(8, '.')));
    const before = q.nodeVisits;
    expect(q.index(50_000)).toBe('e50000..');
    const visited = q.nodeVisits - before;
    expect(visited).toBeGreaterThan(1);
    expect(visited).toBeLessThanOrEqual(q.nodeCount / 2 + 2);
    const atEnd = q.nodeVisits;
    expect(q.index(-1)).toBe('e99999..');
    expect(q.nodeVisits - atEnd).toBe(1);
  });
});
