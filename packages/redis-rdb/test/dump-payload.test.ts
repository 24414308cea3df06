/**
 * DUMP / RESTORE through a Keyspace created with rdbPayloadCodec (cluster.c createDumpPayload,
 * verifyDumpPayload, restoreCommand; rdb.c rdbSaveObject / rdbLoadObject, Redis 7.0).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Keyspace, type RedisValue } from '@protolab/redis-keyspace';
import type { RespValue } from '@protolab/resp';
import { crc64, createDumpPayload, rdbPayloadCodec } from '@protolab/redis-rdb';
import { arbElement, arbValue, b, hex, normEntry } from './helpers.js';

const T0 = 1_700_000_000_000;
const ks = (): Keyspace => new Keyspace({ now: () => T0, payloadCodec: rdbPayloadCodec });

function bulkBytes(v: RespValue): Uint8Array {
  if (v.type !== 'bulk') throw new Error(`expected a bulk reply, got ${JSON.stringify(v)}`);
  return v.value;
}

/** Values past the small encodings' entry counts: >512 intset/listpack-hash entries, >128 zset entries, multi-node lists. */
const arbLargeValue: fc.Arbitrary<RedisValue> = fc.oneof(
  fc.integer({ min: 513, max: 700 }).map((n) => ({ type: 'set' as const, value: Array.from({ length: n }, (_, i) => b(String(i * 7 - 300))) })),
  fc.integer({ min: 129, max: 300 }).map((n) => ({ type: 'zset' as const, value: Array.from({ length: n }, (_, i) => ({ member: b(`m${i}`), score: i / 3 })) })),
  fc.integer({ min: 513, max: 700 }).map((n) => ({ type: 'hash' as const, value: Array.from({ length: n }, (_, i): [Uint8Array, Uint8Array] => [b(`f${i}`), b(String(i))]) })),
  fc.array(arbElement, { minLength: 100, maxLength: 400 }).map((value) => ({ type: 'list' as const, value })),
  fc.integer({ min: 65, max: 5000 }).map((n) => ({ type: 'string' as const, value: b('ab'.repeat(n)) })),
);

/** The only entry of a keyspace, with its encoding, in comparable form (hash pairs in order too). */
function only(k: Keyspace): { entry: unknown; order: unknown } {
  const es = [...k.entries()];
  expect(es).toHaveLength(1);
  const e = es[0];
  if (e === undefined) throw new Error('no entry');
  const order = e.value.type === 'hash' && e.encoding === 'listpack' ? e.value.value.map(([f, v]) => [hex(f), hex(v)]) : null;
  return { entry: normEntry(e, true), order };
}

describe('rdbPayloadCodec (cluster.c createDumpPayload / verifyDumpPayload)', () => {
  it('DUMP then RESTORE gives the same value and encoding, for every type in small and large encodings (restoreCommand loads with rdbLoadObject)', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 3, arbitrary: arbValue }, { weight: 1, arbitrary: arbLargeValue }), (value) => {
        const src = ks();
        src.restore({ db: 0, key: b('k'), value });
        const payload = bulkBytes(src.execute(['DUMP', 'k']));
        const dst = ks();
        expect(dst.execute(['RESTORE', 'k', '0', payload])).toEqual({ type: 'simple', value: 'OK' });
        expect(only(dst)).toEqual(only(src));
      }),
      { numRuns: 300 },
    );
  });

  it('the payload ends with RDB version 10 (LE16) and the CRC-64 (LE64) of all bytes before it (createDumpPayload)', () => {
    fc.assert(
      fc.property(arbValue, (value) => {
        const p = createDumpPayload(value, undefined);
        const n = p.length;
        expect([p[n - 10], p[n - 9]]).toEqual([10, 0]);
        expect(Buffer.from(p.subarray(n - 8)).readBigUInt64LE(0)).toBe(crc64(p.subarray(0, n - 8)));
      }),
      { numRuns: 100 },
    );
  });

  it('redis.io DUMP example (SET mykey 10, written by RDB 9) restores as the integer 10: an older version is accepted', () => {
    const payload = Uint8Array.from([0x00, 0xc0, 0x0a, 0x09, 0x00, 0xbe, 0x6d, 0x06, 0x89, 0x5a, 0x28, 0x00, 0x0a]);
    const k = ks();
    expect(k.execute(['RESTORE', 'mykey', '0', payload])).toEqual({ type: 'simple', value: 'OK' });
    expect(k.execute(['GET', 'mykey'])).toEqual({ type: 'bulk', value: b('10') });
    expect(k.encoding('mykey')).toBe('int');
  });

  it('DUMP of "SET mykey 10" is type 0, INT8 10, version 10, CRC (rdbSaveObject → rdbTryIntegerEncoding)', () => {
    const k = ks();
    k.execute(['SET', 'mykey', '10']);
    const p = bulkBytes(k.execute(['DUMP', 'mykey']));
    expect(hex(p.subarray(0, 5))).toBe('00c00a0a00');
    expect(p).toHaveLength(13);
  });

  it('any flipped bit, a newer RDB version or a payload shorter than 10 bytes is refused as "DUMP payload version or checksum are wrong" (verifyDumpPayload)', () => {
    fc.assert(
      fc.property(arbValue, fc.nat(), fc.integer({ min: 0, max: 7 }), (value, at, bit) => {
        const p = createDumpPayload(value, undefined).slice();
        const i = at % p.length;
        p[i] = (p[i] ?? 0) ^ (1 << bit);
        expect(ks().execute(['RESTORE', 'k', '0', p])).toEqual({ type: 'error', value: 'ERR DUMP payload version or checksum are wrong' });
      }),
      { numRuns: 200 },
    );
    const newer = createDumpPayload({ type: 'string', value: b('x') }, undefined, { rdbVersion: 11 });
    expect(ks().execute(['RESTORE', 'k', '0', newer])).toEqual({ type: 'error', value: 'ERR DUMP payload version or checksum are wrong' });
    expect(ks().execute(['RESTORE', 'k', '0', new Uint8Array(9)])).toEqual({ type: 'error', value: 'ERR DUMP payload version or checksum are wrong' });
  });

  it('a payload with a good footer but an object rdbLoadObject cannot read is "Bad data format" (restoreCommand)', () => {
    const withFooter = (body: number[]): Uint8Array => {
      const p = new Uint8Array(body.length + 10);
      p.set(body);
      p[body.length] = 10;
      Buffer.from(p.buffer).writeBigUInt64LE(crc64(p.subarray(0, body.length + 2)), body.length + 2);
      return p;
    };
    const bad = (body: number[]): RespValue => ks().execute(['RESTORE', 'k', '0', withFooter(body)]);
    const format = { type: 'error', value: 'ERR Bad data format' };
    expect(bad([0x15, 0x00])).toEqual(format); // type 21: RDB 11+
    expect(bad([0x00, 0x05, 0x61])).toEqual(format); // string of 5 bytes, 1 given
    expect(bad([0x02, 0x00])).toEqual(format); // an empty set (rdbLoadObject: empty key)
    expect(bad([0x02, 0x02, 0x01, 0x61, 0x01, 0x61])).toEqual(format); // a set member twice
    expect(bad([])).toEqual(format);
  });

  it('any bytes under a valid footer answer OK or "Bad data format", never a crash (rdbLoadObject validates before RESTORE adds the key)', () => {
    const withFooter = (body: Uint8Array): Uint8Array => {
      const p = new Uint8Array(body.length + 10);
      p.set(body);
      p[body.length] = 10;
      Buffer.from(p.buffer).writeBigUInt64LE(crc64(p.subarray(0, body.length + 2)), body.length + 2);
      return p;
    };
    const arbBody = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      // a real payload's object with bytes changed: deeper into the loaders than random bytes get
      fc.tuple(arbValue, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 })).map(([v, edits]) => {
        const p = createDumpPayload(v, undefined);
        const body = p.slice(0, p.length - 10);
        for (const [at, x] of edits) body[at % body.length] = x;
        return body;
      }),
    );
    fc.assert(
      fc.property(arbBody, (body) => {
        const k = ks();
        const r = k.execute(['RESTORE', 'k', '0', withFooter(body)]);
        expect([JSON.stringify({ type: 'simple', value: 'OK' }), JSON.stringify({ type: 'error', value: 'ERR Bad data format' })]).toContain(JSON.stringify(r));
        expect(() => [...k.entries()].map((e) => normEntry(e, true))).not.toThrow(); // the restored value reads back whole
      }),
      { numRuns: 500 },
    );
  });
});
