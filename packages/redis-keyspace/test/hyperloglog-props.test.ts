// HyperLogLog properties (redis/redis src/hyperloglog.c, 7.0): accuracy on seeded sets, merge =
// union, sparse and dense agree, and corrupt strings (random bytes after a valid header) always
// get Redis's replies — never an exception, a hang or a write outside the string.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '@protolab/sim';
import type { RespValue } from '@protolab/resp';
import { Keyspace } from '../src/index.js';
import { hllHeader } from './hyperloglog-crafted.js';

function keyspace(maxBytes = 3000): { ks: Keyspace; r: (...argv: (string | Uint8Array)[]) => RespValue } {
  const ks = new Keyspace({ now: () => 1_700_000_000_000, thresholds: { hllSparseMaxBytes: maxBytes } });
  return { ks, r: (...argv) => ks.execute(argv.map((a) => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a))) };
}
const int = (reply: RespValue): number => (reply.type === 'integer' ? Number(reply.value) : NaN);
const registers = (reply: RespValue): string => (reply.type === 'array' ? reply.value.map((v) => (v.type === 'integer' ? String(v.value) : '?')).join(',') : reply.type);
const addAll = (r: ReturnType<typeof keyspace>['r'], key: string, els: readonly string[]): void => {
  for (let i = 0; i < els.length; i += 500) r('PFADD', key, ...els.slice(i, i + 500));
  if (els.length === 0) r('PFADD', key);
};

describe('HyperLogLog properties', () => {
  it('PFCOUNT is within 2 % (typical error 0.81 %) of the true cardinality on seeded sets of 1 000 to 200 000 distinct elements', () => {
    const p = new Prng(2024);
    for (const n of [1000, 2500, 5000, 10_000, 20_000, 50_000, 100_000, 200_000]) {
      const { r } = keyspace();
      const els = Array.from({ length: n }, (_, i) => `${i}:${p.nextU32()}`);
      addAll(r, 'h', els);
      const est = int(r('PFCOUNT', 'h'));
      expect(Math.abs(est - n) / n, `n = ${n}, estimate ${est}`).toBeLessThan(0.02);
    }
  });

  it('PFCOUNT is within 5 % (six standard errors) of the true cardinality for any set of distinct elements', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 0, maxLength: 12 }), { minLength: 0, maxLength: 3000 }), (els) => {
        const { r } = keyspace();
        addAll(r, 'h', els);
        const est = int(r('PFCOUNT', 'h'));
        // Below ~100 elements linear counting is near exact; allow ±2 there.
        expect(Math.abs(est - els.length)).toBeLessThanOrEqual(Math.max(2, Math.ceil(els.length * 0.05)));
      }),
      { numRuns: 40 },
    );
  });

  it('PFMERGE of A and B counts what PFADD of A∪B counts, with the same registers (sparse, dense and mixed, any sparse limit)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 800 }),
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 800 }),
        fc.constantFrom(0, 30, 300, 3000),
        fc.boolean(),
        (a, b, maxBytes, denseB) => {
          const { r } = keyspace(maxBytes);
          addAll(r, 'a', a);
          addAll(r, 'b', b);
          if (denseB) r('PFDEBUG', 'TODENSE', 'b');
          expect(r('PFMERGE', 'm', 'a', 'b')).toEqual({ type: 'simple', value: 'OK' });
          addAll(r, 'u', [...a, ...b]);
          expect(int(r('PFCOUNT', 'm'))).toBe(int(r('PFCOUNT', 'u')));
          expect(int(r('PFCOUNT', 'a', 'b'))).toBe(int(r('PFCOUNT', 'u')));
          expect(registers(r('PFDEBUG', 'GETREG', 'm'))).toBe(registers(r('PFDEBUG', 'GETREG', 'u')));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sparse and dense encodings of the same adds count the same and hold the same registers', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ maxLength: 8 }), { maxLength: 60 }), { maxLength: 30 }), (batches) => {
        const { r } = keyspace();
        r('PFADD', 's');
        r('PFADD', 'd');
        r('PFDEBUG', 'TODENSE', 'd');
        for (const batch of batches) expect(int(r('PFADD', 's', ...batch))).toBe(int(r('PFADD', 'd', ...batch)));
        expect(int(r('PFCOUNT', 's'))).toBe(int(r('PFCOUNT', 'd')));
        expect(registers(r('PFDEBUG', 'GETREG', 's'))).toBe(registers(r('PFDEBUG', 'GETREG', 'd')));
      }),
      { numRuns: 60 },
    );
  });

  it('a sparse string is valid for PFCOUNT exactly when hllSparseToDense accepts it (PFDEBUG TODENSE), and a valid one counts the same after the conversion', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (body) => {
        const { r } = keyspace();
        const value = Buffer.concat([Buffer.from(hllHeader(1), 'latin1'), body]);
        r('SET', 'x', value);
        r('SET', 'y', value);
        const count = r('PFCOUNT', 'x');
        const conv = r('PFDEBUG', 'TODENSE', 'y');
        expect(count.type === 'error').toBe(conv.type === 'error');
        if (count.type === 'integer') expect(int(r('PFCOUNT', 'y'))).toBe(int(count));
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes after a valid header never throw: every command answers a reply of its shape or one of Redis\'s HLL errors, and the value stays a string', () => {
    const allowed = new Set([
      'INVALIDOBJ Corrupted HLL object detected',
      'WRONGTYPE Key is not a valid HyperLogLog string value.',
      'ERR HLL encoding is not sparse',
    ]);
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1),
        fc.option(fc.bigUint64Array({ minLength: 1, maxLength: 1 }).map((a) => (a[0] ?? 0n) & ((1n << 63n) - 1n))),
        fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ minLength: 12288, maxLength: 12288 })),
        fc.array(fc.string({ maxLength: 4 }), { maxLength: 20 }),
        (encoding, card, body, els) => {
          const { r } = keyspace();
          const value = Buffer.concat([Buffer.from(hllHeader(encoding, card ?? undefined), 'latin1'), body]);
          for (const argv of [
            ['SET', 'x', value], ['PFCOUNT', 'x'], ['PFCOUNT', 'x', 'x'], ['PFADD', 'x', ...els], ['PFCOUNT', 'x'], ['PFMERGE', 'm', 'x'],
            ['PFDEBUG', 'DECODE', 'x'], ['PFDEBUG', 'ENCODING', 'x'], ['PFDEBUG', 'GETREG', 'x'], ['PFDEBUG', 'TODENSE', 'x'], ['PFADD', 'x', 'z'],
          ] as (string | Uint8Array)[][]) {
            const reply = r(...argv);
            if (reply.type === 'error') expect(allowed.has(reply.value), `${String(argv[0])}: ${reply.value}`).toBe(true);
            else expect(['integer', 'simple', 'bulk', 'array']).toContain(reply.type);
          }
          expect(r('TYPE', 'x')).toEqual({ type: 'simple', value: 'string' });
        },
      ),
      { numRuns: 300 },
    );
  });
});
