import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inspect } from 'node:util';
import {
  allEntries, decodeRdb, encodeRdb, hashEncoding, intsetDecode, intsetEncode, intsetScan, listpackDecode, listpackScan, ListpackBuilder, lpValueBytes,
  PackedValue, RdbFormatError, type DecodedEntry, type KeyEntry, type LpScanResult,
} from '@protolab/redis-rdb';
import { parseDoubleText } from '../src/bytes.js';
import { arbElement, arbEntries, b, hex, normEntry, sortEntries } from './helpers.js';

type Outcome = { error: string } | { count: number; maxLen?: number; badScore?: string };

function outcome(f: () => Outcome): Outcome {
  try {
    return f();
  } catch (e) {
    if (e instanceof RdbFormatError) return { error: `${e.code}@${e.offset}: ${e.message}` };
    throw e;
  }
}

const bytesOf = (xs: number[]): Uint8Array => Uint8Array.from(xs);

/** Damage to a blob: flipped bytes, a cut, a duplicated slice (as the file fuzzer does, but inside one payload). */
const arbDamage = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('dup' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 12 }) }),
  ),
  { maxLength: 3 },
);

function damage(blob: Uint8Array, ds: { kind: 'flip' | 'cut' | 'dup'; at: number; xor?: number; len?: number }[]): Uint8Array {
  let out: Uint8Array = blob.slice();
  for (const d of ds) {
    if (out.length === 0) break;
    const at = d.at % out.length;
    if (d.kind === 'flip') out[at]! ^= d.xor!;
    else if (d.kind === 'cut') out = out.slice(0, at);
    else out = bytesOf([...out.subarray(0, at), ...out.subarray(at, at + d.len!), ...out.subarray(at)]);
  }
  return out;
}

/** The blob placed inside a bigger buffer at `pad`, as the decoder sees it (a range of the file). */
function embed(blob: Uint8Array, pad: number): Uint8Array {
  const buf = new Uint8Array(pad + blob.length + 3).fill(0xaa);
  buf.set(blob, pad);
  return buf;
}

// score-like texts: what d2string writes and what strtod-style parsing must reject or accept
const arbScoreText = fc.constantFrom('1', '-2', '3.14', '1e+20', '-1.5e-7', '5.', '-.5', '.5', 'inf', '-inf', '+inf', 'nan', '-nan', 'Infinity', 'INF', '1e', '1e+', '-', '.', '', ' 1', '1 ', '0x10', '1_0', 'abc', '1.2.3', '+1', '--1', '1e5e5', 'e5').map(b);

describe('validate eagerly, expand lazily: the zero-allocation walks reject exactly what the expanding decoders reject', () => {
  it('lpValidateIntegrity (listpackScan) vs listpackDecode: same error code, offset and message, or the same count and longest element, for any damaged listpack anywhere in a buffer', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(arbElement, arbScoreText), { maxLength: 12 }), arbDamage, fc.nat({ max: 9 }), fc.integer({ min: 0, max: 1000 }), fc.boolean(), (els, ds, pad, at, zset) => {
        const lp = new ListpackBuilder();
        for (const e of els) lp.append(e);
        const blob = damage(lp.finish(), ds);
        const res: LpScanResult = { maxLen: 0, badScoreAt: -1, badScoreLen: 0 };
        const buf = embed(blob, pad);
        const got = outcome(() => {
          const count = listpackScan(buf, pad, blob.length, at, res, zset);
          const o: Outcome = { count, maxLen: res.maxLen };
          if (zset && res.badScoreAt >= 0) o.badScore = hex(buf.subarray(res.badScoreAt, res.badScoreAt + res.badScoreLen));
          return o;
        });
        const want = outcome(() => {
          const vals = listpackDecode(blob, at);
          const o: Outcome = { count: vals.length, maxLen: Math.max(0, ...vals.map((v) => lpValueBytes(v).length)) };
          if (zset) {
            // zsetZiplistValidateIntegrity / scoreOf: the first odd element that is text and does not parse
            const bad = vals.find((v, i) => i % 2 === 1 && typeof v === 'object' && parseDoubleText(Buffer.from(v).toString('latin1')) === undefined);
            if (bad !== undefined && typeof bad === 'object') o.badScore = hex(bad);
          }
          return o;
        });
        expect(got).toEqual(want);
      }),
      { numRuns: 400 },
    );
  });

  it('intsetValidateIntegrity (intsetScan) vs intsetDecode: same error, or the same member count, for any damaged intset anywhere in a buffer', () => {
    const arbInt = fc.oneof(fc.integer({ min: -40000, max: 40000 }), fc.integer(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
    fc.assert(
      fc.property(fc.array(arbInt, { maxLength: 12 }), arbDamage, fc.nat({ max: 9 }), fc.integer({ min: 0, max: 1000 }), (ints, ds, pad, at) => {
        const blob = damage(intsetEncode(ints), ds);
        const got = outcome(() => ({ count: intsetScan(embed(blob, pad), pad, blob.length, at) }));
        const want = outcome(() => ({ count: intsetDecode(blob, at).length }));
        expect(got).toEqual(want);
      }),
      { numRuns: 300 },
    );
    // hand-built blobs: any width, members in any order with repeats (equal neighbours, descending runs)
    const arbRaw = fc.record({
      enc: fc.constantFrom(2, 4, 8, 3),
      members: fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -32768, max: 32767 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })), { maxLength: 8 }),
      sort: fc.boolean(),
      lenDelta: fc.constantFrom(0, 0, 0, 1, -1),
    });
    fc.assert(
      fc.property(arbRaw, fc.nat({ max: 9 }), (r, pad) => {
        const width = r.enc === 3 ? 4 : r.enc;
        const ms = r.members.map((m) => BigInt.asIntN(width * 8, BigInt(m)));
        if (r.sort) ms.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        const blob = new Uint8Array(8 + ms.length * width);
        const dv = new DataView(blob.buffer);
        dv.setUint32(0, r.enc, true);
        dv.setUint32(4, Math.max(0, ms.length + r.lenDelta), true);
        ms.forEach((m, i) => {
          if (width === 2) dv.setInt16(8 + 2 * i, Number(m), true);
          else if (width === 4) dv.setInt32(8 + 4 * i, Number(m), true);
          else dv.setBigInt64(8 + 8 * i, m, true);
        });
        const at = 17;
        const got = outcome(() => ({ count: intsetScan(embed(blob, pad), pad, blob.length, at) }));
        const want = outcome(() => ({ count: intsetDecode(blob, at).length }));
        expect(got).toEqual(want);
      }),
      { numRuns: 400 },
    );
  });
});

describe('collection values stay packed until read (rdbLoadObject keeps intsets and listpacks as they are)', () => {
  const sample: KeyEntry[] = [
    { db: 0, key: b('s'), value: { type: 'string', value: b('hello') } },
    { db: 0, key: b('n'), value: { type: 'string', value: b('12345') } },
    { db: 0, key: b('l'), value: { type: 'list', value: [b('a'), b('7'), b('c')] } },
    { db: 0, key: b('i'), value: { type: 'set', value: [b('3'), b('1'), b('2')] } },
    { db: 0, key: b('h'), value: { type: 'hash', value: [[b('f'), b('v')], [b('n'), b('-5')]] } },
    { db: 0, key: b('z'), value: { type: 'zset', value: [{ member: b('a'), score: 1.5 }, { member: b('b'), score: 2 }] } },
  ];

  it('a listpack/intset/quicklist value is a PackedValue that expands on first read of `value`, once', () => {
    const es = [...allEntries(decodeRdb(encodeRdb(sample, { compression: false })))];
    const packed = es.map((e) => e.value).filter((v) => v instanceof PackedValue);
    expect(packed.map((v) => v.type).sort()).toEqual(['hash', 'list', 'set', 'zset']);
    for (const v of packed) {
      expect(v.expanded).toBe(false);
      const first = v.value;
      expect(v.expanded).toBe(true);
      expect(v.value).toBe(first); // cached
    }
  });

  it('decoded entries compare, clone and serialise as plain KeyEntry objects (own enumerable key and value)', () => {
    const es = [...allEntries(decodeRdb(encodeRdb(sample, { compression: false })))];
    const byKey = new Map(es.map((e) => [new TextDecoder().decode(e.key), e]));
    const want = (k: string): KeyEntry => sample.find((x) => new TextDecoder().decode(x.key) === k)!;
    for (const k of ['s', 'l', 'h']) {
      const e = byKey.get(k)!;
      // toEqual against a plain object: the set comes back sorted, the zset in (score, member) order; these three keep order
      expect({ key: e.key, value: e.value }).toEqual({ key: want(k).key, value: want(k).value });
      expect(structuredClone({ key: e.key, value: e.value })).toEqual({ key: want(k).key, value: want(k).value });
      const { key, value } = { ...e };
      expect({ key, value }).toEqual({ key: want(k).key, value: want(k).value });
    }
    expect(Object.keys(byKey.get('z')!)).toEqual(expect.arrayContaining(['db', 'key', 'value', 'type', 'typeName', 'encoding', 'offset']));
    expect(JSON.parse(JSON.stringify(byKey.get('i')!.value))).toEqual({ type: 'set', value: [{ 0: 0x31 }, { 0: 0x32 }, { 0: 0x33 }] });
    // console.log / util.inspect print the data, not [Getter/Setter]
    for (const e of es) {
      const shown = inspect(e, { depth: 4 });
      expect(shown).not.toContain('Getter');
      expect(shown).toContain(inspect(e.key));
    }
    expect(inspect(byKey.get('h')!.value, { depth: 4 })).toBe(inspect(want('h').value, { depth: 4 }));
  });

  it('assigning `key` / `value` on a decoded entry replaces them, as on a plain object', () => {
    const [e] = [...allEntries(decodeRdb(encodeRdb([sample[4]!])))] as DecodedEntry[];
    e!.value.value = [[b('x'), b('y')]];
    expect(normEntry(e!)).toEqual(normEntry({ db: 0, key: b('h'), value: { type: 'hash', value: [[b('x'), b('y')]] } }));
    e!.value = { type: 'string', value: b('now a string') };
    e!.key = b('k2');
    expect(normEntry(e!)).toEqual(normEntry({ db: 0, key: b('k2'), value: { type: 'string', value: b('now a string') } }));
  });

  it('a key and a string left in the input are fresh views of the same bytes on each read (not cached, so dropped views die young); collections are expanded once and cached; an assigned value is pinned', () => {
    const es = [...allEntries(decodeRdb(encodeRdb(sample, { compression: false })))] as DecodedEntry[];
    const s = es.find((e) => hex(e.key) === hex(b('s')))!;
    const k1 = s.key;
    const k2 = s.key;
    expect(k1).not.toBe(k2);
    expect(k1.buffer).toBe(k2.buffer);
    expect(k1.byteOffset).toBe(k2.byteOffset);
    expect(k1).toEqual(b('s'));
    const v1 = s.value;
    const v2 = s.value;
    expect(v1).not.toBe(v2);
    expect(v1).toEqual({ type: 'string', value: b('hello') });
    expect(v1.type === 'string' && v2.type === 'string' && v1.value.byteOffset === v2.value.byteOffset).toBe(true);
    const h = es.find((e) => hex(e.key) === hex(b('h')))!;
    expect(h.value).toBe(h.value);
    const pinned = { type: 'string' as const, value: b('pinned') };
    s.value = pinned;
    expect(s.value).toBe(pinned);
  });

  it('the encoding reported at decode time (from the packed walk) is the one the expanded items give: hashTypeTryConversion, zset and intset limits, any thresholds', () => {
    const arbT = fc.record({
      hashMaxListpackEntries: fc.integer({ min: 0, max: 40 }),
      hashMaxListpackValue: fc.constantFrom(0, 3, 20, 64, 4096),
      zsetMaxListpackEntries: fc.integer({ min: 0, max: 40 }),
      zsetMaxListpackValue: fc.constant(64),
      setMaxIntsetEntries: fc.integer({ min: 0, max: 40 }),
      listMaxListpackSize: fc.constant(-2),
    });
    fc.assert(
      fc.property(arbEntries, arbT, fc.boolean(), (es, thresholds, compression) => {
        for (const e of allEntries(decodeRdb(encodeRdb(es, { compression }), { thresholds }))) {
          const v = e.value;
          if (e.type === 16 && v.type === 'hash') expect(e.encoding).toBe(hashEncoding(v.value, thresholds));
          if (e.type === 17 && v.type === 'zset') expect(e.encoding).toBe(v.value.length > thresholds.zsetMaxListpackEntries ? 'skiplist' : 'listpack');
          if (e.type === 11 && v.type === 'set') expect(e.encoding).toBe(v.value.length > thresholds.setMaxIntsetEntries ? 'hashtable' : 'intset');
        }
      }),
      { numRuns: 100 },
    );
  });

  it('what follows a key stored as INT8/16/32 or LZF, and values behind 14- and 32-bit length prefixes, expand to what was written', () => {
    const keys = ['7', '-128', '300', '-32768', '70000', '-2147483648', 'k'.repeat(40), 'plain'];
    const values: KeyEntry['value'][] = [
      { type: 'string', value: b('-5') },
      { type: 'string', value: b('2147483647') },
      { type: 'string', value: b('x'.repeat(20000)) },
      { type: 'string', value: new Uint8Array(20000).map((_, i) => (i * 7919) & 255) },
      { type: 'list', value: [b('a'), b('-9')] },
      { type: 'set', value: [b('5'), b('-70000')] },
      { type: 'hash', value: [[b('f'), b('v'.repeat(30))]] },
      { type: 'zset', value: [{ member: b('m'), score: -2.5 }] },
    ];
    for (const compression of [false, true]) {
      const es: KeyEntry[] = keys.flatMap((k, i) => values.map((value, j) => ({ db: 0, key: b(k), value, ...(j > 0 ? { db: j } : {}), ...(i % 2 === 0 ? { expireAtMs: 1e12 + i } : {}) })));
      const got = sortEntries([...allEntries(decodeRdb(encodeRdb(es, { compression })))]).map((e) => normEntry(e));
      expect(got).toEqual(sortEntries(es).map((e) => normEntry(e)));
    }
  });

  it('LZF-compressed and multi-node payloads expand to the same items (decode(encode(ds)) = ds with compression on and small quicklist nodes)', () => {
    fc.assert(
      fc.property(arbEntries, fc.constantFrom(2, 5, 40), (es, packedThreshold) => {
        const got = sortEntries([...allEntries(decodeRdb(encodeRdb(es, { compression: true, packedThreshold })))]).map((e) => normEntry(e));
        expect(got).toEqual(sortEntries(es).map((e) => normEntry(e)));
      }),
      { numRuns: 60 },
    );
  });
});
