// The list structure (src/quicklist.ts) against a plain array, and its costs counted in node
// visits (Redis 7.0 quicklist.c; list-max-listpack-size -2 = 8 KB nodes).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Quicklist, QuicklistNode, listpackEntryBytes } from '../src/quicklist.js';
import { Keyspace } from '../src/index.js';
import { keyMemoryUsage } from '../src/object-size.js';

type Op =
  | { op: 'pushHead' | 'pushTail'; s: string }
  | { op: 'popHead' | 'popTail' }
  | { op: 'index'; i: number }
  | { op: 'set'; i: number; s: string }
  | { op: 'insert'; i: number; after: boolean; s: string }
  | { op: 'delRange'; start: number; count: number }
  | { op: 'removeEqual'; s: string; count: number; fromTail: boolean };

const X = 'x'.repeat(3000);
// Elements around the listpack entry encodings and the node limits (4 / 8 / 16 KB), integers and
// strings: a node fills up within a few pushes, so inserts meet full nodes and their neighbours.
const elem = fc.oneof(
  fc.constantFrom('a', 'b', '1', '-5', '300', '', '70000', '3000000000', '-9223372036854775808'),
  fc.string({ maxLength: 3 }),
  fc.constant(X),
  fc.constantFrom(63, 64, 1000, 2000, 2700, 4000, 4090, 4100, 5000, 8000, 8180, 9000, 16380).map((n) => 'y'.repeat(n)),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constantFrom('pushHead' as const, 'pushTail' as const), s: elem }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('popHead' as const, 'popTail' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('index' as const), i: fc.integer({ min: -40, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('set' as const), i: fc.integer({ min: -40, max: 40 }), s: elem }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('insert' as const), i: fc.integer({ min: -40, max: 40 }), after: fc.boolean(), s: elem }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delRange' as const), start: fc.nat(40), count: fc.nat(10) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('removeEqual' as const), s: fc.constantFrom('a', 'b', '1'), count: fc.nat(3), fromTail: fc.boolean() }) },
);
/**
 * Walks of up to `n` operations. `size: 'max'` matters: fast-check's default size ('small') caps a
 * generated array at 10 elements whatever maxLength says, so walks were ≤ 10 operations long and
 * a bug needing a few nodes and an insert (the halving split) turned up about once in 20 000 runs.
 */
const walk = <T>(op: fc.Arbitrary<T>, n: number): fc.Arbitrary<T[]> => fc.array(op, { maxLength: n, size: 'max' });
/** list-max-listpack-size values: the size classes -1 … -5 and element counts (0 = one per node). */
const fillArb = fc.oneof(fc.integer({ min: -5, max: -1 }), fc.constantFrom(0, 1, 2, 3, 5, 16, 128));

/** A node's limit under `fill` (quicklist.c _quicklistNodeAllowInsert), as [bytes, elements]. */
function nodeLimit(fill: number): [number, number] {
  if (fill < 0) return [[4096, 8192, 16384, 32768, 65536][-fill - 1] ?? 65536, Infinity];
  return [8192, Math.max(fill, 1)];
}

/** The bookkeeping every operation keeps: non-empty nodes, exact sizes, counts and the byte total. */
function checkBookkeeping(q: Quicklist, m: readonly string[]): void {
  expect(q.length).toBe(m.length);
  let nodes = 0;
  let bytes = 0;
  let prev: QuicklistNode | undefined;
  for (let n = q.head; n !== undefined; n = n.next) {
    expect(n.prev).toBe(prev);
    prev = n;
    nodes++;
    bytes += n.sz;
    expect(n.items.length).toBeGreaterThan(0);
    expect(n.sz).toBe(7 + n.items.reduce((a, s) => a + listpackEntryBytes(s), 0));
  }
  expect(q.tail).toBe(prev);
  expect(nodes).toBe(q.nodeCount);
  expect(q.bytes).toBe(bytes);
}

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
  it('Redis quicklist.c: every push/pop/index/set/insert/delRange/LREM walk, under every list-max-listpack-size, gives the same elements as a plain array, and no node is empty, every node size is its listpack bytes and the list byte total (what the memory estimate reads) is the sum of its node sizes', () => {
    fc.assert(
      fc.property(fillArb, walk(opArb, 200), (fill, ops) => {
        const q = new Quicklist(fill);
        const m: string[] = [];
        for (const o of ops) {
          apply(q, m, o);
          checkBookkeeping(q, m);
        }
        expect(q.toArray()).toEqual(m);
        expect([...q.valuesReversed()]).toEqual([...m].reverse());
      }),
    );
  });

  it('quicklist.c _quicklistNodeAllowInsert: pushes, pops, LTRIM and LREM never take a node holding more than one element past its fill (size class, or count and 8 KB)', () => {
    const noInsert = opArb.filter((o) => o.op !== 'insert' && o.op !== 'set');
    fc.assert(
      fc.property(fillArb, walk(noInsert, 300), (fill, ops) => {
        const q = new Quicklist(fill);
        const m: string[] = [];
        const [maxBytes, maxCount] = nodeLimit(fill);
        for (const o of ops) {
          apply(q, m, o);
          checkBookkeeping(q, m);
          for (let n = q.head; n !== undefined; n = n.next) {
            if (n.items.length === 1) continue;
            expect(n.sz).toBeLessThanOrEqual(maxBytes);
            expect(n.items.length).toBeLessThanOrEqual(maxCount);
          }
        }
      }),
    );
  });
});

/** The elements of each node, head first. */
const layout = (q: Quicklist): string[][] => {
  const out: string[][] = [];
  for (let n = q.head; n !== undefined; n = n.next) out.push([...n.items]);
  return out;
};

// Layouts redis-server 7.0.15 builds, seen by hand with DEBUG OBJECT (ql_nodes,
// ql_uncompressed_size) and MEMORY USAGE … SAMPLES 0, whose size classes tell node sizes apart.
describe('quicklist.c node layouts redis-server 7.0.15 builds', () => {
  it('the lost counterexample: LPUSH X X "" "" then LINSERT BEFORE the first X (index 2) of a full node splits it at the offset — ["", "", X] and [X, X], 2 nodes, 9030 bytes — where the old halving split left a 3-element node of 9019 bytes', () => {
    const q = new Quicklist();
    for (const s of [X, X, '', '']) q.pushHead(s);
    q.insertAt(2, false, X);
    expect(layout(q)).toEqual([['', '', X], [X, X]]);
    expect(q.nodeCount).toBe(2);
    expect(q.bytes).toBe(9030);
    const ks = new Keyspace({ now: () => 0 });
    ks.execute(['LPUSH', 'l', X, X, '', '']);
    ks.execute(['LINSERT', 'l', 'BEFORE', X, X]);
    expect(keyMemoryUsage(ks, 0, Buffer.from('l'), Number.POSITIVE_INFINITY)).toBe(9384);
  });

  it('quicklistReplaceEntry (7.0): LSET replaces in place, however large the node grows — RPUSH X X, LSET 0 to 7000 bytes: one node of 10018 bytes', () => {
    const ks = new Keyspace({ now: () => 0 });
    ks.execute(['RPUSH', 'l', X, X]);
    ks.execute(['LSET', 'l', '0', 'y'.repeat(7000)]);
    expect(keyMemoryUsage(ks, 0, Buffer.from('l'), Number.POSITIVE_INFINITY)).toBe(10368);
    const q = Quicklist.from([X, X]);
    q.set(0, 'y'.repeat(7000));
    expect([q.nodeCount, q.bytes]).toEqual([1, 10018]);
  });

  it('list-max-listpack-size 3: RPUSH 1…7 then LINSERT BEFORE 2 z splits [1,2,3] at offset 1 and merges nothing — [1,z] [2,3] [4,5,6] [7], 45 bytes', () => {
    const q = Quicklist.from(['1', '2', '3', '4', '5', '6', '7'], 3);
    expect([q.nodeCount, q.bytes]).toEqual([3, 35]);
    q.insertAt(1, false, 'z');
    expect(layout(q)).toEqual([['1', 'z'], ['2', '3'], ['4', '5', '6'], ['7']]);
    expect(q.bytes).toBe(45);
  });

  it('_quicklistMergeNodes after a split (list-max-listpack-size 3): RPUSH 1…7, LREM 5, LREM 6, LINSERT BEFORE 2 z — the split node\'s next two nodes [4] [7] merge: [1,z] [2,3] [4,7], 34 bytes', () => {
    const q = Quicklist.from(['1', '2', '3', '4', '5', '6', '7'], 3);
    q.removeEqual('5', 0, false);
    q.removeEqual('6', 0, false);
    expect([q.nodeCount, q.bytes]).toEqual([3, 31]);
    q.insertAt(1, false, 'z');
    expect(layout(q)).toEqual([['1', 'z'], ['2', '3'], ['4', '7']]);
    expect(q.bytes).toBe(34);
  });

  it('_quicklistInsert at a full node\'s tail: the element goes to the head of the next node when it has room (RPUSH X X a W, LINSERT AFTER a Y: 2 nodes, 12033 bytes), else into a new node between (LINSERT AFTER a Z6000: 3 nodes, 18047 bytes, MEMORY USAGE 18640)', () => {
    const [W, Y, Z] = ['w'.repeat(3000), 'y'.repeat(3000), 'z'.repeat(6000)];
    const q = Quicklist.from([X, X, 'a', W]);
    expect(layout(q)).toEqual([[X, X, 'a'], [W]]);
    expect(q.bytes).toBe(9029);
    q.insertAt(2, true, Y);
    expect(layout(q)).toEqual([[X, X, 'a'], [Y, W]]);
    expect(q.bytes).toBe(12033);
    q.insertAt(2, true, Z);
    expect(layout(q)).toEqual([[X, X, 'a'], [Z], [Y, W]]);
    expect(q.bytes).toBe(18047);
    const ks = new Keyspace({ now: () => 0 });
    ks.execute(['RPUSH', 't', X, X, 'a', W]);
    ks.execute(['LINSERT', 't', 'AFTER', 'a', Y]);
    ks.execute(['LINSERT', 't', 'AFTER', 'a', Z]);
    expect(keyMemoryUsage(ks, 0, Buffer.from('t'), Number.POSITIVE_INFINITY)).toBe(18640);
  });

  it('_quicklistNodeAllowMerge counts the merged size as a + b − 11: RPUSH F1000 G2040 H2040 J4095, LINSERT BEFORE G V3100 splits [F G H] and merges [G H] with [J] (8190 by that count, 8194 bytes merged): [F V] [G H J], 12309 bytes, MEMORY USAGE 15528', () => {
    const [F, G, H, J, V] = [['f', 1000], ['g', 2040], ['h', 2040], ['j', 4095], ['v', 3100]].map(([c, n]) => String(c).repeat(Number(n)));
    const ks = new Keyspace({ now: () => 0 });
    ks.execute(['RPUSH', 'mm', F!, G!, H!, J!]);
    ks.execute(['LINSERT', 'mm', 'BEFORE', G!, V!]);
    expect(keyMemoryUsage(ks, 0, Buffer.from('mm'), Number.POSITIVE_INFINITY)).toBe(15528);
    const q = Quicklist.from([F!, G!, H!, J!]);
    expect([q.nodeCount, q.bytes]).toEqual([2, 9205]);
    q.insertAt(1, false, V!);
    expect(layout(q)).toEqual([[F, V], [G, H, J]]);
    expect(q.bytes).toBe(12309);
  });

  it('_quicklistNodeAllowInsert over-estimates by SIZE_ESTIMATE_OVERHEAD: RPUSH a4000 c4170 is one node of 8188 bytes, RPUSH a4000 b4175 two (8186 bytes would have fitted)', () => {
    const a = 'a'.repeat(4000);
    const one = Quicklist.from([a, 'c'.repeat(4170)]);
    expect([one.nodeCount, one.bytes]).toEqual([1, 8188]);
    const two = Quicklist.from([a, 'b'.repeat(4175)]);
    expect([two.nodeCount, two.bytes]).toEqual([2, 8200]);
  });

  it('quicklistDup copies the nodes as they are (not by pushes) and the fill', () => {
    const q = Quicklist.from(['1', '2', '3', '4', '5', '6', '7'], 3);
    q.insertAt(1, false, 'z');
    const d = q.dup();
    expect(layout(d)).toEqual([['1', 'z'], ['2', '3'], ['4', '5', '6'], ['7']]);
    expect([d.fill, d.length, d.nodeCount, d.bytes]).toEqual([3, 8, 4, 45]);
    d.popHead();
    expect(layout(q)[0]).toEqual(['1', 'z']);
  });

  it('quicklistSetFill clamps the fill to -5 … 32767', () => {
    expect(new Quicklist(-7).fill).toBe(-5);
    expect(new Quicklist(40000).fill).toBe(32767);
    expect(new Quicklist().fill).toBe(-2);
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
