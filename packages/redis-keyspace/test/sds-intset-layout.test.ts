// The sds allocation of strings grown in place (sds.c sdsMakeRoomFor, 7.0) and the width of an
// intset after removals (intset.c intsetRemove never narrows it), as MEMORY USAGE and OBJECT
// ENCODING show them. Expected values: what redis-server 7.0.15 (jemalloc 5.3.0, x86-64)
// answered to the same commands over redis-cli on 2026-12-05; a one-byte key adds 8 (its sds)
// + 24 (dictEntry) to every figure.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Keyspace, keyMemoryUsage } from '../src/index.js';
import { RawStr } from '../src/sds.js';

const te = new TextEncoder();
const fresh = (): Keyspace => new Keyspace({ now: () => 1_700_000_000_000 });
const usage = (ks: Keyspace, key: string): number | undefined => keyMemoryUsage(ks, 0, te.encode(key), 5);
const ints = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String(from + i));

describe('strings grown in place keep sdsMakeRoomFor’s greedy allocation (redis-server 7.0.15’s MEMORY USAGE)', () => {
  test('SET a x, then APPEND a xxxxxxxxxx eight times: 80 80 128 128 128 128 128 240 (type-5 sds → sdshdr8 of 22 in class 32, then 62 → 80, 162 → 192)', () => {
    const ks = fresh();
    ks.execute(['SET', 'a', 'x']);
    const seen: (number | undefined)[] = [];
    for (let i = 0; i < 8; i++) {
      ks.execute(['APPEND', 'a', 'x'.repeat(10)]);
      seen.push(usage(ks, 'a'));
    }
    expect(seen).toEqual([80, 80, 128, 128, 128, 128, 128, 240]);
    expect(ks.execute(['OBJECT', 'ENCODING', 'a'])).toEqual({ type: 'bulk', value: te.encode('raw') });
  });

  test('SETRANGE b 0 <40 bytes> is exact (96); then one byte at 60, 130, 300, 1000, 5000, 70000, 600000, 1100000, 2500000: sdshdr8 → 16 → 32 and +1 MB past SDS_MAX_PREALLOC', () => {
    const ks = fresh();
    ks.execute(['SETRANGE', 'b', '0', 'y'.repeat(40)]);
    const seen = [usage(ks, 'b')];
    for (const off of [60, 130, 300, 1000, 5000, 70000, 600000, 1100000, 2500000]) {
      ks.execute(['SETRANGE', 'b', String(off), 'z']);
      seen.push(usage(ks, 'b'));
    }
    expect(seen).toEqual([96, 176, 368, 368, 2096, 10288, 163888, 1310768, 1310768, 3670064]);
  });

  test('SETBIT c 7 1 is exact (56); then bits 15, 300, 2000, 9000, 600000, 9000000, 17000000 through sdsgrowzero: 56 128 560 2608 163888 2621488 2621488', () => {
    const ks = fresh();
    ks.execute(['SETBIT', 'c', '7', '1']);
    const seen = [usage(ks, 'c')];
    for (const bit of [15, 300, 2000, 9000, 600000, 9000000, 17000000]) {
      ks.execute(['SETBIT', 'c', String(bit), '1']);
      seen.push(usage(ks, 'c'));
    }
    expect(seen).toEqual([56, 56, 128, 560, 2608, 163888, 2621488, 2621488]);
  });

  test('INCRBYFLOAT f 1.5 then APPEND f 1: dbUnshareStringValue copies the embstr exactly (type 5), the append doubles 4 to 8 in sdshdr8: 64, raw', () => {
    const ks = fresh();
    ks.execute(['INCRBYFLOAT', 'f', '1.5']);
    ks.execute(['APPEND', 'f', '1']);
    expect(usage(ks, 'f')).toBe(64);
    expect(ks.execute(['OBJECT', 'ENCODING', 'f'])).toEqual({ type: 'bulk', value: te.encode('raw') });
  });

  test('a value over 44 bytes set whole is grown in place with its free space trimmed (trimStringObjectIfNeeded): APPEND k <8187 bytes> then APPEND k a is 16432 (8188 × 2 in class 16384); SET m <50 bytes> (class 64, 10 bytes of slack > 50 / 10: trimmed), then APPEND m b is 160 (51 × 2 in class 112)', () => {
    const ks = fresh();
    ks.execute(['APPEND', 'k', 'a'.repeat(8187)]);
    ks.execute(['APPEND', 'k', 'a']);
    ks.execute(['SET', 'm', 'b'.repeat(50)]);
    ks.execute(['APPEND', 'm', 'b']);
    expect([usage(ks, 'k'), usage(ks, 'm')]).toEqual([16432, 16 + 112 + 32]);
  });

  test('COPY of a grown string is exact again (dupStringObject → createRawStringObject); RENAME keeps the allocation', () => {
    const ks = fresh();
    ks.execute(['SET', 'a', 'x']);
    for (let i = 0; i < 3; i++) ks.execute(['APPEND', 'a', 'x'.repeat(10)]); // 31 bytes in an sdshdr8 of 76: 128
    ks.execute(['COPY', 'a', 'b']);
    ks.execute(['RENAME', 'a', 'c']);
    expect([usage(ks, 'b'), usage(ks, 'c')]).toEqual([16 + 48 + 32, 128]); // exact: sdshdr5 + 31 + 1 → 48
  });

  test('property: after any APPEND / SETRANGE / SETBIT sequence, the sds keeps alloc ≥ length, within its header type, in the class zmallocBytes names', () => {
    const op = fc.oneof(
      fc.integer({ min: 0, max: 3000 }).map((n) => ['APPEND', 'k', 'a'.repeat(n)]),
      fc.tuple(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 1, max: 50 })).map(([o, n]) => ['SETRANGE', 'k', String(o), 'b'.repeat(n)]),
      fc.integer({ min: 0, max: 1_600_000 }).map((b) => ['SETBIT', 'k', String(b), '1']),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), (ops) => {
        const ks = fresh();
        for (const o of ops) ks.execute(o);
        const raw = ks.core.dbs[0]?.dict.get('k');
        const v = raw === undefined ? undefined : ks.core.dbs[0]?.valOf[raw];
        if (!(v instanceof RawStr)) return; // an APPEND on a new key stores the argument as it is
        const hdr = { 5: 1, 8: 3, 16: 5, 32: 9, 64: 17 }[v.sdsType];
        expect(v.sdsType === 5 || v.sdsAlloc >= v.length).toBe(true);
        expect(v.zmallocBytes).toBeGreaterThanOrEqual(hdr + v.length + 1);
        if (v.sdsType !== 5) expect(v.sdsAlloc).toBeLessThanOrEqual(2 ** v.sdsType - 1);
      }),
      { numRuns: 150 },
    );
  });
});

describe('an intset’s width is never narrowed by removals (redis-server 7.0.15’s MEMORY USAGE and OBJECT ENCODING)', () => {
  test('SADD w 1 2 3 4 5 6 5000000000, SREM w 5000000000: 112 (6 × 8 + 8 in class 64); with 70000 instead: 80 (6 × 4 + 8)', () => {
    const ks = fresh();
    ks.execute(['SADD', 'w', ...ints(1, 6), '5000000000']);
    ks.execute(['SREM', 'w', '5000000000']);
    ks.execute(['SADD', 'v', ...ints(1, 6), '70000']);
    ks.execute(['SREM', 'v', '70000']);
    expect([usage(ks, 'w'), usage(ks, 'v')]).toEqual([112, 80]);
  });

  test('1..20 after their wide member left (240): SUNIONSTORE, SINTERSTORE, SDIFFSTORE with a missing key build a new intset of 2-byte members (96)', () => {
    const ks = fresh();
    ks.execute(['SADD', 'y', ...ints(1, 20), '5000000000']);
    ks.execute(['SREM', 'y', '5000000000']);
    ks.execute(['SUNIONSTORE', 'u', 'y']);
    ks.execute(['SINTERSTORE', 'i', 'y', 'y']);
    ks.execute(['SDIFFSTORE', 'd', 'y', 'nosuch']);
    expect([usage(ks, 'y'), usage(ks, 'u'), usage(ks, 'i'), usage(ks, 'd')]).toEqual([240, 96, 96, 96]);
  });

  test('SDIFFSTORE by removal (algorithm 2: 21 × 6 / 2 > 21 + 5) keeps the 8-byte width of the first set’s removed member (240); with one set to subtract (algorithm 1) it is 96', () => {
    const ks = fresh();
    ks.execute(['SADD', 'z', ...ints(1, 20), '5000000000']);
    for (const k of ['z1', 'z2', 'z3', 'z4', 'z5']) ks.execute(['SADD', k, '5000000000']);
    ks.execute(['SDIFFSTORE', 'd2', 'z', 'z1', 'z2', 'z3', 'z4', 'z5']);
    ks.execute(['SDIFFSTORE', 'd1', 'z', 'z1']);
    expect([usage(ks, 'd2'), usage(ks, 'd1')]).toEqual([240, 96]);
  });

  test('SDIFFSTORE by removal of 600 integers down to 100: the result stays a hashtable (513 adds converted it); by algorithm 1 it is an intset', () => {
    const ks = fresh();
    ks.execute(['SADD', 'big', ...ints(1, 600)]);
    for (const k of ['r1', 'r2', 'r3']) ks.execute(['SADD', k, ...ints(101, 600)]);
    ks.execute(['SDIFFSTORE', 'd2', 'big', 'r1', 'r2', 'r3']); // 600 × 4 / 2 = 1200 > 600 + 1500? no: algorithm 1
    ks.execute(['SADD', 'r4', '1']);
    ks.execute(['SADD', 'r5', '2']);
    ks.execute(['SADD', 'r6', '3']);
    ks.execute(['SADD', 'r7', ...ints(101, 600)]);
    ks.execute(['SDIFFSTORE', 'd3', 'big', 'r7', 'r4', 'r5', 'r6']); // 600 × 5 / 2 = 1500 > 600 + 500 + 3: algorithm 2
    expect(ks.execute(['OBJECT', 'ENCODING', 'd2'])).toEqual({ type: 'bulk', value: te.encode('intset') });
    expect(ks.execute(['OBJECT', 'ENCODING', 'd3'])).toEqual({ type: 'bulk', value: te.encode('hashtable') });
    expect(ks.execute(['SCARD', 'd3'])).toEqual({ type: 'integer', value: 97n });
  });

  test('SPOP with a count: removing in place (remaining × 5 > count) keeps the width (208); rebuilding from what stays (remaining × 5 ≤ count) narrows it (64)', () => {
    const ks = fresh();
    for (const k of ['p', 'q']) {
      ks.execute(['SADD', k, ...ints(1, 20), '5000000000']);
      ks.execute(['SREM', k, '5000000000']);
    }
    ks.execute(['SPOP', 'p', '1']);
    ks.execute(['SPOP', 'q', '17']);
    expect([usage(ks, 'p'), usage(ks, 'q')]).toEqual([208, 64]);
  });

  test('SPOP h 10 of {a, 1..10}: the one member left goes into a new set made by setTypeCreate — an intset when it is an integer', () => {
    const ks = fresh();
    ks.execute(['SADD', 'h', 'a', ...ints(1, 10)]);
    const popped = ks.execute(['SPOP', 'h', '10']);
    const left = ks.execute(['SMEMBERS', 'h']);
    expect(popped.type).toBe('array');
    const member = left.type === 'array' && left.value[0]?.type === 'bulk' ? Buffer.from(left.value[0].value).toString() : '';
    expect(ks.execute(['OBJECT', 'ENCODING', 'h'])).toEqual({ type: 'bulk', value: te.encode(member === 'a' ? 'hashtable' : 'intset') });
  });

  test('SMOVE: the source keeps its width, a new destination gets the moved member’s (m1 keeps 8 bytes: 64 for one member either way; m3 from 5000000000 keeps 8 after SREM)', () => {
    const ks = fresh();
    ks.execute(['SADD', 'm1', ...ints(1, 6), '5000000000']);
    ks.execute(['SMOVE', 'm1', 'm2', '1']);
    ks.execute(['SMOVE', 'm1', 'm3', '5000000000']);
    ks.execute(['SADD', 'm3', ...ints(2, 7)]);
    ks.execute(['SREM', 'm3', '5000000000']);
    // m1: 2..6 at 8 bytes = 48 → 48; m2: one 2-byte member → 16; m3: 2..7 at 8 bytes = 56 → 64
    expect([usage(ks, 'm1'), usage(ks, 'm2'), usage(ks, 'm3')]).toEqual([16 + 48 + 32, 16 + 16 + 32, 16 + 64 + 32]);
  });
});
