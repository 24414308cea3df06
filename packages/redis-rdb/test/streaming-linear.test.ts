import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeRdb, RdbDecoder, type KeyEntry, type RedisValue } from '@protolab/redis-rdb';
import { b } from './helpers.js';

/**
 * Defect 13.2: the streaming decoder re-parsed a record from its first byte each time a chunk
 * completed one more element, so a 1M-member set fed in 64 KiB chunks took 39 s (0.5 s whole).
 * `RdbDecoder.stats` counts the work as operations (bytes walked by the record parser, including
 * abandoned attempts, and bytes copied to join chunks), so linearity is checked without a clock.
 */

type Shape = 'set' | 'hash' | 'zset' | 'list' | 'string' | 'lzf-string' | 'many-small' | 'intset';

/** One big record of the given kind (or many small ones), `n` elements. */
function bigFile(shape: Shape, n: number): Uint8Array {
  const items = Array.from({ length: n }, (_, i) => b(`member:${i}`));
  const one = (value: RedisValue): KeyEntry[] => [{ db: 0, key: b('big'), value }];
  let es: KeyEntry[];
  switch (shape) {
    case 'set':
      es = one({ type: 'set', value: items }); // > 512 members: RDB_TYPE_SET, one string per member
      break;
    case 'intset':
      es = one({ type: 'set', value: items.slice(0, 512).map((_, i) => b(String(i * 7))) });
      break;
    case 'hash':
      es = one({ type: 'hash', value: items.map((f, i) => [f, b(`v${i}`)]) }); // RDB_TYPE_HASH
      break;
    case 'zset':
      es = one({ type: 'zset', value: items.map((member, i) => ({ member, score: i / 3 })) }); // RDB_TYPE_ZSET_2
      break;
    case 'list':
      es = one({ type: 'list', value: items }); // RDB_TYPE_LIST_QUICKLIST_2, many 8 KB nodes
      break;
    case 'string':
      es = one({ type: 'string', value: Uint8Array.from({ length: n * 10 }, (_, i) => (i * 131) & 0xff) });
      break;
    case 'lzf-string':
      es = one({ type: 'string', value: b('abcdefgh'.repeat(n)) });
      break;
    case 'many-small':
      es = items.map((key, i) => ({ db: 0, key, value: { type: 'string', value: b(`v${i}`) } }));
      break;
  }
  return encodeRdb(es);
}

function work(f: Uint8Array, chunk: number): number {
  const d = new RdbDecoder();
  let entries = 0;
  for (let i = 0; i < f.length; i += chunk) d.feed(f.subarray(i, i + chunk), (r) => { if (r.kind === 'entry') entries++; });
  d.finish(undefined, (r) => { if (r.kind === 'entry') entries++; });
  expect(d.done).toBe(true);
  expect(entries).toBeGreaterThan(0);
  return d.stats.parsedBytes + d.stats.copiedBytes;
}

describe('streaming decode is linear in the input (rdb.c rdbLoadRio reads each byte once; defect 13.2)', () => {
  it('RdbDecoder work for chunks of 1, 7, 256 or 65 536 bytes stays within 6x the work of one chunk, for every record kind and size', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Shape>('set', 'hash', 'zset', 'list', 'string', 'lzf-string', 'many-small', 'intset'),
        fc.integer({ min: 200, max: 3000 }),
        fc.constantFrom(1, 7, 256, 65_536),
        (shape, n, chunk) => {
          const f = bigFile(shape, n);
          const whole = work(f, f.length);
          expect(whole).toBe(f.length); // one chunk: every byte walked once, nothing copied
          expect(work(f, chunk)).toBeLessThanOrEqual(6 * whole);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a 1 MB set fed in 64 KiB chunks does a constant multiple of the whole-file work (the 39 s case, scaled down)', () => {
    const f = bigFile('set', 80_000);
    const whole = work(f, f.length);
    const chunked = work(f, 65_536);
    expect(f.length).toBeGreaterThan(1_000_000);
    expect(chunked).toBeLessThanOrEqual(6 * whole);
  });
});
