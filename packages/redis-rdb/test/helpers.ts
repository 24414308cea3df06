import fc from 'fast-check';
import type { KeyEntry, RedisValue } from '@protolab/redis-rdb';
import type { Item } from './fixtures/dataset.js';

const enc = new TextEncoder();
export const b = (s: string | Uint8Array): Uint8Array => (typeof s === 'string' ? enc.encode(s) : s);
export const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

/** Comparable form of a value: hex strings, sets sorted, zset scores as strings (so NaN/-0 compare). */
export function norm(v: RedisValue): unknown {
  switch (v.type) {
    case 'string':
      return { string: hex(v.value) };
    case 'list':
      return { list: v.value.map(hex) };
    case 'set':
      return { set: v.value.map(hex).sort() };
    case 'zset':
      return { zset: v.value.map((x) => [hex(x.member), String(x.score)]) };
    case 'hash':
      // a hashtable hash has no order (dict iteration order in a dump); listpack order is checked elsewhere
      return { hash: v.value.map(([f, x]) => [hex(f), hex(x)]).sort((p, q) => (p[0]! < q[0]! ? -1 : p[0]! > q[0]! ? 1 : 0)) };
  }
}

export function normEntry(e: KeyEntry, withEncoding = false): unknown {
  return {
    db: e.db,
    key: hex(e.key),
    value: norm(e.value),
    ...(e.expireAtMs !== undefined ? { expireAtMs: e.expireAtMs } : {}),
    ...(withEncoding && e.encoding !== undefined ? { encoding: e.encoding } : {}),
  };
}

export function sortEntries<T extends KeyEntry>(es: T[]): T[] {
  return [...es].sort((x, y) => x.db - y.db || Buffer.compare(Buffer.from(x.key), Buffer.from(y.key)));
}

/** The fixture item as the KeyEntry the decoder must produce (zsets in (score, member) order). */
export function itemEntry(it: Item): KeyEntry {
  const key = b(it.key);
  let value: RedisValue;
  if ('string' in it) value = { type: 'string', value: b(it.string) };
  else if ('list' in it) value = { type: 'list', value: it.list.map(b) };
  else if ('set' in it) value = { type: 'set', value: it.set.map(b) };
  else if ('zset' in it)
    value = {
      type: 'zset',
      value: [...it.zset].sort((x, y) => x[0] - y[0] || Buffer.compare(Buffer.from(x[1]), Buffer.from(y[1]))).map(([score, m]) => ({ member: b(m), score })),
    };
  else value = { type: 'hash', value: it.hash.map(([f, v]) => [b(f), b(v)]) };
  const e: KeyEntry = { db: it.db, key, value, encoding: it.encoding };
  const exp = 'string' in it ? it.expireAtMs : undefined;
  if (exp !== undefined) e.expireAtMs = exp;
  return e;
}

// ---------------------------------------------------------------- generators

/** Bytes biased toward the encoding boundaries: integers at INT8/16/32/int64 edges, lengths 20/21/63/64/4095... */
export const arbElement: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.constantFrom('0', '-0', '007', '+5', '127', '128', '-128', '-129', '32767', '32768', '-32768', '4095', '4096', '-4096', '-4097', '8388607', '8388608', '2147483647', '2147483648', '-2147483648', '-2147483649', '9223372036854775807', '9223372036854775808', '-9223372036854775808', '12345678901', '1.5', ' 1', '').map(b) },
  { weight: 2, arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => b(String(v))) },
  { weight: 1, arbitrary: fc.integer({ min: 18, max: 70 }).chain((n) => fc.constantFrom(b('a'.repeat(n)), b('xy'.repeat(n)))) },
  { weight: 1, arbitrary: fc.constantFrom(62, 63, 64, 65, 4094, 4095, 4096, 4097).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })) },
);

const arbScore = fc.oneof(fc.double({ noNaN: true }).map((d) => (Object.is(d, -0) ? 0 : d)), fc.integer({ min: -1000, max: 1000 }), fc.constantFrom(Infinity, -Infinity, 0.1, 3.14, 1e20, 2 ** 53, -(2 ** 52) + 1));

function uniqueBy<T>(arr: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return arr.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export const arbValue: fc.Arbitrary<RedisValue> = fc.oneof(
  arbElement.map((value) => ({ type: 'string' as const, value })),
  fc.array(arbElement, { minLength: 1, maxLength: 40 }).map((value) => ({ type: 'list' as const, value })),
  fc.oneof(fc.array(arbElement, { minLength: 1, maxLength: 30 }), fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => b(String(v))), { minLength: 1, maxLength: 30 }))
    .map((a) => uniqueBy(a, hex))
    .map((value) => ({ type: 'set' as const, value })),
  fc.array(fc.record({ member: arbElement, score: arbScore }), { minLength: 1, maxLength: 30 })
    .map((a) => uniqueBy(a, (x) => hex(x.member)).sort((x, y) => (x.score !== y.score ? (x.score < y.score ? -1 : 1) : Buffer.compare(Buffer.from(x.member), Buffer.from(y.member)))))
    .map((value) => ({ type: 'zset' as const, value })),
  fc.array(fc.tuple(arbElement, arbElement), { minLength: 1, maxLength: 30 })
    .map((a) => uniqueBy(a, (x) => hex(x[0])))
    .map((value) => ({ type: 'hash' as const, value })),
);

export const arbEntries: fc.Arbitrary<KeyEntry[]> = fc
  .array(
    fc.record(
      { db: fc.constantFrom(0, 0, 0, 1, 15), key: fc.uint8Array({ maxLength: 24 }), value: arbValue, expireAtMs: fc.integer({ min: 0, max: 2 ** 45 }) },
      { requiredKeys: ['db', 'key', 'value'] },
    ),
    { maxLength: 25 },
  )
  .map((es) => uniqueBy(es, (e) => `${e.db}:${hex(e.key)}`));
