// A list's quicklist node layout through the RDB codec: rdb.c rdbSaveObject writes one listpack per
// node (RDB_TYPE_LIST_QUICKLIST_2), rdbLoadObject appends each stored listpack as a node of its own
// (quicklistAppendListpack) — so the layout a list has in memory is what the file holds, and what
// it has again after loading. `nodes` (elements per node, head first) carries it on a list value.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Keyspace, debugObjectInfo, keyMemoryUsage } from '@protolab/redis-keyspace';
import { allEntries, createDumpPayload, decodeRdb, dumpPayloadCodec, encodeRdb, RdbFormatError, type KeyEntry, type RedisValue } from '@protolab/redis-rdb';
import { b, hex } from './helpers.js';

const T0 = 1_700_000_000_000;

/** Elements (strings of several lengths, integers) and a split of them into node counts. */
const arbLayout = fc
  .array(fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -100_000, max: 100_000 }).map(String), fc.string({ minLength: 60, maxLength: 400 })), { minLength: 1, maxLength: 300 })
  .chain((items) => fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: items.length }).map((sizes) => {
    const nodes: number[] = [];
    let left = items.length;
    for (const s of sizes) {
      if (left === 0) break;
      const n = Math.min(s, left);
      nodes.push(n);
      left -= n;
    }
    if (left > 0) nodes.push(left);
    return { items: items.map(b), nodes };
  }));

const listEntry = (key: string, items: Uint8Array[], nodes?: number[]): KeyEntry => ({ db: 0, key: b(key), value: nodes === undefined ? { type: 'list', value: items } : { type: 'list', value: items, nodes } });
const nodesOf = (v: RedisValue): readonly number[] | undefined => (v.type === 'list' ? v.nodes : undefined);

describe('list node layouts in RDB files and DUMP payloads (rdb.c rdbSaveObject / rdbLoadObject, 7.0)', () => {
  it('DUMP of a list in nodes [2, 1] is the payload redis-server 7.0.15 gives RPUSH k a b c at list-max-listpack-size 2', () => {
    // captured from redis-server 7.0.15: CONFIG SET list-max-listpack-size 2; RPUSH k a b c; DUMP k
    const real = '1202020d0d00000002008161028162' + '02ff020a0a0000000100816302ff0a00a60192a8f736b5c0';
    expect(hex(createDumpPayload({ type: 'list', value: [b('a'), b('b'), b('c')], nodes: [2, 1] }, 'quicklist'))).toBe(real);
    // without a layout the elements are pushed at the default fill (-2): one node
    expect(hex(createDumpPayload({ type: 'list', value: [b('a'), b('b'), b('c')] }, 'quicklist')).slice(0, 6)).toBe('120102');
  });

  it('a decoded list reports the file\'s nodes, non-enumerable: the value still equals a plain { type, value }', () => {
    const file = encodeRdb([listEntry('l', [b('a'), b('b'), b('c'), b('d')], [1, 3]), listEntry('one', [b('x'), b('y')])], { ctimeSec: 0 });
    const byKey = new Map([...allEntries(decodeRdb(file))].map((e) => [Buffer.from(e.key).toString(), e.value]));
    const l = byKey.get('l');
    const one = byKey.get('one');
    expect(l).toEqual({ type: 'list', value: [b('a'), b('b'), b('c'), b('d')] });
    expect(nodesOf(l!)).toEqual([1, 3]);
    expect(Object.keys(l!)).toEqual(['type', 'value']);
    expect(nodesOf(one!)).toEqual([2]);
  });

  it('a decoded list whose value is assigned reports no nodes (the file\'s layout no longer describes it)', () => {
    const [e] = [...allEntries(decodeRdb(encodeRdb([listEntry('l', [b('a'), b('b'), b('c')], [1, 1, 1])], { ctimeSec: 0 })))];
    const v = e!.value as { type: 'list'; value: Uint8Array[]; nodes?: readonly number[] };
    expect(v.nodes).toEqual([1, 1, 1]);
    v.value = [b('z')];
    expect(v.nodes).toBeUndefined();
  });

  it('node counts that are not positive or do not add up to the length are refused as ENCODE_INPUT', () => {
    for (const nodes of [[1, 1], [3, 0], [2, 2], [1.5, 1.5], [-1, 4]]) {
      let err: unknown;
      try {
        encodeRdb([listEntry('l', [b('a'), b('b'), b('c')], nodes)]);
      } catch (e) {
        err = e;
      }
      expect(err instanceof RdbFormatError && err.code === 'ENCODE_INPUT', `nodes ${JSON.stringify(nodes)}`).toBe(true);
    }
  });

  it('an RDB round trip keeps any node layout: decode gives the elements and nodes given, and encoding the decoded entry again writes the same bytes', () => {
    fc.assert(
      fc.property(arbLayout, ({ items, nodes }) => {
        const file = encodeRdb([listEntry('l', items, nodes)], { ctimeSec: 0 });
        const [e] = [...allEntries(decodeRdb(file))];
        expect(e!.value.value).toEqual(items);
        expect(nodesOf(e!.value)).toEqual(nodes);
        expect(hex(encodeRdb([e!], { ctimeSec: 0 }))).toBe(hex(file));
        const codec = dumpPayloadCodec();
        const back = codec.restore(codec.dump({ type: 'list', value: items, nodes }, 'quicklist'));
        expect(typeof back === 'object' ? nodesOf(back) : back).toEqual(nodes);
      }),
      { numRuns: 150 },
    );
  });

  it('with @protolab/redis-keyspace: after LINSERT / LSET / LREM on any list, encodeRdb → restore, DUMP → RESTORE and COPY keep ql_nodes, ql_uncompressed_size and MEMORY USAGE, and the restored keyspace writes the same file', () => {
    const op = fc.oneof(
      fc.tuple(fc.constant('LINSERT'), fc.nat(), fc.boolean(), fc.string({ minLength: 1, maxLength: 90 })),
      fc.tuple(fc.constant('LSET'), fc.nat(), fc.boolean(), fc.string({ maxLength: 200 })),
      fc.tuple(fc.constant('LREM'), fc.nat(), fc.boolean(), fc.constant('')),
      fc.tuple(fc.constant('RPUSH'), fc.nat(), fc.boolean(), fc.string({ maxLength: 30 })),
    );
    fc.assert(
      fc.property(fc.constantFrom(-2, -1, 2, 5, 16), fc.array(fc.string({ maxLength: 50 }), { minLength: 1, maxLength: 200 }), fc.array(op, { maxLength: 60 }), (fill, start, ops) => {
        const ks = new Keyspace({ now: () => T0, thresholds: { listMaxListpackSize: fill }, payloadCodec: dumpPayloadCodec() });
        const items = start.map((s, i) => `${i}:${s}`);
        ks.execute(['RPUSH', 'l', ...items]);
        let n = 0;
        for (const [cmd, at, flag, v] of ops) {
          const llen = ks.execute(['LLEN', 'l']);
          const len = llen.type === 'integer' ? Number(llen.value) : 0;
          if (len <= 1 && cmd === 'LREM') continue;
          const i = at % Math.max(1, len);
          const pivot = ks.execute(['LINDEX', 'l', String(i)]);
          const pv = pivot.type === 'bulk' ? pivot.value : b('');
          if (cmd === 'LINSERT') ks.execute(['LINSERT', 'l', flag ? 'AFTER' : 'BEFORE', pv, `n${n++}${v}`]);
          else if (cmd === 'LSET') ks.execute(['LSET', 'l', String(i), `s${n++}${v}`]);
          else if (cmd === 'LREM') ks.execute(['LREM', 'l', '1', pv]);
          else ks.execute([flag ? 'LPUSH' : 'RPUSH', 'l', `p${n++}${v}`]);
        }
        const layout = (k: Keyspace, key: string): unknown => [debugObjectInfo(k, 0, b(key), T0)?.quicklist, keyMemoryUsage(k, 0, b(key), 0)];
        const want = layout(ks, 'l');
        // RDB file: encode, decode, restore into a fresh keyspace
        const file = encodeRdb(ks, { ctimeSec: T0 / 1000 });
        // (a loaded list takes the loader's list-max-listpack-size, as rdbLoadObject's quicklistNew does:
        // the same here, so DEBUG OBJECT's fill matches too)
        const fresh = new Keyspace({ now: () => T0, thresholds: { listMaxListpackSize: fill } });
        for (const e of allEntries(decodeRdb(file))) fresh.restore(e);
        expect(layout(fresh, 'l')).toEqual(want);
        expect(hex(encodeRdb(fresh, { ctimeSec: T0 / 1000 }))).toBe(hex(file));
        // DUMP / RESTORE and COPY
        const dump = ks.execute(['DUMP', 'l']);
        expect(dump.type).toBe('bulk');
        ks.execute(['RESTORE', 'r', '0', dump.type === 'bulk' ? dump.value : b('')]);
        ks.execute(['COPY', 'l', 'c']);
        expect(layout(ks, 'r')).toEqual(want);
        expect(layout(ks, 'c')).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });
});
