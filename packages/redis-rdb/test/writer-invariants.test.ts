import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRdb, encodeRdb, RdbFormatError, RdbInvariantError, type KeyEntry } from '@protolab/redis-rdb';
import { invariant } from '../src/errors.js';
import { arbElement, b } from './helpers.js';

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof RdbFormatError || e instanceof RdbInvariantError) return e.code;
    throw e;
  }
  return 'ok';
}

describe('RDB writer: input Redis would refuse is refused, invariants are asserted', () => {
  it('rdbLoadObject refuses duplicate members, so encodeRdb refuses to write them: a set, hash or zset given a member twice is ENCODE_INPUT', () => {
    fc.assert(
      fc.property(fc.array(arbElement, { minLength: 1, maxLength: 20 }), fc.nat(), fc.constantFrom('set', 'hash', 'zset'), (items, pick, type) => {
        const dup = items[pick % items.length] ?? b('');
        const members = [...items, dup];
        const value: KeyEntry['value'] = type === 'set' ? { type, value: members }
          : type === 'hash' ? { type, value: members.map((m): [Uint8Array, Uint8Array] => [m, b('v')]) }
            : { type, value: members.map((member, i) => ({ member, score: i })) };
        expect(code(() => encodeRdb([{ db: 0, key: b('k'), value }]))).toBe('ENCODE_INPUT');
      }),
      { numRuns: 100 },
    );
  });

  it('a file encodeRdb writes always decodes (no writer output trips a loader refusal)', () => {
    const es: KeyEntry[] = [{ db: 0, key: b('s'), value: { type: 'set', value: [b('1'), b('2'), b('x')] } }];
    expect(code(() => decodeRdb(encodeRdb(es)))).toBe('ok');
  });

  it('a broken invariant is an RdbInvariantError naming the rule (code INVARIANT)', () => {
    let err: unknown;
    try {
      invariant(false, 'SELECTDB numbers ascend', () => '3 after 5');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RdbInvariantError);
    expect((err as RdbInvariantError).rule).toBe('SELECTDB numbers ascend');
    expect((err as RdbInvariantError).message).toBe('invariant broken: SELECTDB numbers ascend (3 after 5)');
  });
});
