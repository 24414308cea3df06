// list-max-listpack-size as a keyspace threshold (listMaxListpackSize) and a list's node layout
// across restore / entries / fork / COPY. Redis 7.0 gives a list the fill current when the list is
// created (t_list.c pushGenericCommand / lmoveHandlePush: createQuicklistObject +
// quicklistSetOptions; rdb.c rdbLoadObject likewise; sort.c's STORE does not set it, so -2), and
// an existing list keeps its own; a loaded
// quicklist keeps the stored nodes (quicklistAppendListpack) and COPY duplicates them
// (object.c dupListObject → quicklist.c quicklistDup). Numbers are redis-server 7.0.15's
// DEBUG OBJECT ql_nodes / ql_uncompressed_size.
import { describe, expect, it } from 'vitest';
import { Keyspace, KeyspaceError, debugObjectInfo, type RedisValue } from '../src/index.js';
import { Quicklist } from '../src/quicklist.js';

const T0 = 1_700_000_000_000;
const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const ql = (ks: Keyspace, key: string): unknown => {
  const q = debugObjectInfo(ks, 0, b(key), T0)?.quicklist;
  return q === undefined ? undefined : [q.nodes, q.bytes];
};

describe('list-max-listpack-size and list node layouts (quicklist.c, rdb.c, object.c, 7.0)', () => {
  it('a list gets the fill current at its creation and keeps it: RPUSH m 1..5 at -2, then at 3 RPUSH m 6 7 (1 node, 21 bytes) and RPUSH n 1..5, RPUSH n 6 7 (3 nodes, 35 bytes)', () => {
    const ks = new Keyspace({ now: () => T0 });
    ks.execute(['RPUSH', 'm', '1', '2', '3', '4', '5']);
    ks.core.thresholds.listMaxListpackSize = 3; // CONFIG SET list-max-listpack-size 3
    ks.execute(['RPUSH', 'm', '6', '7']);
    ks.execute(['RPUSH', 'n', '1', '2', '3', '4', '5']);
    ks.execute(['RPUSH', 'n', '6', '7']);
    expect(ql(ks, 'm')).toEqual([1, 21]);
    expect(ql(ks, 'n')).toEqual([3, 35]);
  });

  it('LMOVE / RPOPLPUSH create their destination with the current fill; SORT … STORE with the default -2 (sort.c: createQuicklistObject, no quicklistSetOptions)', () => {
    const ks = new Keyspace({ now: () => T0, thresholds: { listMaxListpackSize: 2 } });
    ks.execute(['RPUSH', 'src', '5', '4', '3', '2', '1']);
    expect(ql(ks, 'src')).toEqual([3, 31]);
    ks.execute(['SORT', 'src', 'STORE', 'sorted']);
    expect(ql(ks, 'sorted')).toEqual([1, 17]);
    ks.execute(['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT']);
    ks.execute(['RPOPLPUSH', 'src', 'dst']);
    ks.execute(['RPOPLPUSH', 'src', 'dst']);
    expect(ql(ks, 'dst')).toEqual([2, 20]);
  });

  it('Quicklist.fromNodes keeps the given nodes whatever the fill (a loaded listpack is appended as it is), node->sz recomputed: [a b][c] = 2 nodes, 23 bytes', () => {
    const q = Quicklist.fromNodes(['a', 'b', 'c'], [2, 1], 1);
    expect([q.nodeCount, q.bytes, q.length, q.toArray()]).toEqual([2, 23, 3, ['a', 'b', 'c']]);
    q.pushTail('d'); // fill 1: the tail node (1 element) is full
    expect(q.nodeCount).toBe(3);
    for (const bad of [[2, 2], [3, 0], [1], [1.5, 1.5]]) expect(() => Quicklist.fromNodes(['a', 'b', 'c'], bad)).toThrow(KeyspaceError);
  });

  it('restore keeps a value\'s nodes; without nodes the elements are pushed with the current fill', () => {
    const ks = new Keyspace({ now: () => T0, thresholds: { listMaxListpackSize: 2 } });
    ks.restore({ db: 0, key: b('laid'), value: { type: 'list', value: [b('a'), b('b'), b('c')], nodes: [1, 1, 1] } });
    ks.restore({ db: 0, key: b('pushed'), value: { type: 'list', value: [b('a'), b('b'), b('c')] } });
    expect(ql(ks, 'laid')).toEqual([3, 30]); // 3 listpacks of one 1-byte string: 10 bytes each
    expect(ql(ks, 'pushed')).toEqual([2, 23]);
  });

  it('entries() gives a list\'s nodes, non-enumerable (the entry still equals a plain { type, value }); fork() and COPY keep the layout node for node', () => {
    const ks = new Keyspace({ now: () => T0 });
    ks.execute(['RPUSH', 'l', ...Array.from({ length: 400 }, (_, i) => `${i}:${'x'.repeat(40)}`)]);
    ks.execute(['LINSERT', 'l', 'BEFORE', `100:${'x'.repeat(40)}`, 'y'.repeat(3000)]);
    ks.execute(['LSET', 'l', '300', 'z'.repeat(5000)]);
    const want = ql(ks, 'l');
    const [e] = [...ks.entries()];
    const v = e!.value as Extract<RedisValue, { type: 'list' }>;
    expect(Object.keys(v)).toEqual(['type', 'value']);
    expect(v.nodes?.length).toBe((want as number[])[0]);
    expect(v.nodes?.reduce((x, y) => x + y, 0)).toBe(401);
    const snap = [...ks.fork().entries()][0]!.value as Extract<RedisValue, { type: 'list' }>;
    expect(snap.nodes).toEqual(v.nodes);
    ks.execute(['COPY', 'l', 'c']);
    expect(ql(ks, 'c')).toEqual(want);
    const fresh = new Keyspace({ now: () => T0 });
    fresh.restore(e!);
    expect(ql(fresh, 'l')).toEqual(want);
  });
});
