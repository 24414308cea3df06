// OBJECT ENCODING with Redis 7.0's default thresholds and one-way conversions (reference §3.4;
// t_set.c setTypeAdd, t_zset.c zaddGenericCommand/zsetAdd, t_hash.c hashTypeTryConversion).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clocked } from './helpers.js';

const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

describe('set-max-intset-entries 512: intset until the 513th integer or the first non-integer, then hashtable for good', () => {
  it('boundaries', () => {
    const { ks, run } = clocked();
    run('SADD', 's', ...range(512, String));
    expect(ks.encoding('s')).toBe('intset');
    run('SADD', 's', '512');
    expect(ks.encoding('s')).toBe('hashtable');
    run('SREM', 's', '512', '511');
    expect(ks.encoding('s')).toBe('hashtable');
    run('SADD', 't', '1', '-9223372036854775808', '9223372036854775807');
    expect(ks.encoding('t')).toBe('intset');
    run('SADD', 't', '9223372036854775808');
    expect(ks.encoding('t')).toBe('hashtable');
  });
});

describe('zset-max-listpack-entries 128 / value 64: the first member decides creation; conversion is one-way', () => {
  it('boundaries', () => {
    const { ks, run } = clocked();
    run('ZADD', 'z', ...range(128, (i) => [String(i), `m${i}`]).flat());
    expect(ks.encoding('z')).toBe('listpack');
    run('ZADD', 'z', '0', 'm0'); // update, not insert
    expect(ks.encoding('z')).toBe('listpack');
    run('ZADD', 'z', '1', 'one-more');
    expect(ks.encoding('z')).toBe('skiplist');
    run('ZADD', 'w', '1', 'x'.repeat(64));
    expect(ks.encoding('w')).toBe('listpack');
    run('ZADD', 'w', '1', 'x'.repeat(65));
    expect(ks.encoding('w')).toBe('skiplist');
    run('ZADD', 'v', '1', 'y'.repeat(65));
    expect(ks.encoding('v')).toBe('skiplist');
  });
});

describe('hash-max-listpack-entries 512 / value 64 (field or value)', () => {
  it('boundaries', () => {
    const { ks, run } = clocked();
    run('HSET', 'h', ...range(512, (i) => [`f${i}`, 'v']).flat());
    expect(ks.encoding('h')).toBe('listpack');
    run('HSET', 'h', 'f513', 'v');
    expect(ks.encoding('h')).toBe('hashtable');
    run('HDEL', 'h', 'f513', 'f1');
    expect(ks.encoding('h')).toBe('hashtable');
    run('HSET', 'g', 'f', 'v'.repeat(64));
    expect(ks.encoding('g')).toBe('listpack');
    run('HSET', 'g', 'f', 'v'.repeat(65));
    expect(ks.encoding('g')).toBe('hashtable');
  });
});

describe('object.c tryObjectEncoding for strings', () => {
  it('int iff a canonical signed 64-bit decimal of ≤ 20 bytes; embstr ≤ 44 bytes; else raw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String), fc.string({ maxLength: 60 })), (s) => {
        const { ks } = clocked();
        ks.set('k', s);
        const bytes = Buffer.byteLength(s);
        const canonical = /^(0|-?[1-9][0-9]*)$/.test(s) && BigInt(s) >= -(2n ** 63n) && BigInt(s) < 2n ** 63n;
        expect(ks.encoding('k')).toBe(canonical ? 'int' : bytes <= 44 ? 'embstr' : 'raw');
      }),
    );
  });
});
