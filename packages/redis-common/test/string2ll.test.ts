import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { string2ll, string2llNumber } from '../src/index.js';

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('string2ll: util.c test_string2ll, case by case', () => {
  // The cases of util.c test_string2ll (Redis 7.0), with what the C function returns.
  const cases: [string, bigint | undefined][] = [
    ['+1', undefined], // may not start with +
    [' 1', undefined], // leading space
    ['1 ', undefined], // trailing space
    ['01', undefined], // may not start with 0
    ['-1', -1n],
    ['0', 0n],
    ['1', 1n],
    ['99', 99n],
    ['-99', -99n],
    ['-9223372036854775808', -(2n ** 63n)], // LLONG_MIN
    ['-9223372036854775809', undefined], // overflow
    ['9223372036854775807', 2n ** 63n - 1n], // LLONG_MAX
    ['9223372036854775808', undefined], // overflow
  ];
  it.each(cases)('%j → %s', (text, expected) => {
    expect(string2ll(text)).toBe(expected);
    expect(string2ll(bytes(text))).toBe(expected);
  });

  it('refuses what the C code refuses beyond its own tests: "-0", "-", "", 21 characters, a NUL', () => {
    for (const t of ['-0', '-', '', '100000000000000000000', '-0000000000000000001', '1\x002', '12a']) expect(string2ll(t)).toBeUndefined();
  });

  it('reads a slice [start, end) of a buffer, as networking.c passes a pointer and a length', () => {
    expect(string2ll(bytes('*123\r\n'), 1, 4)).toBe(123n);
    expect(string2llNumber(bytes('$-1\r\n'), 1, 3)).toBe(-1);
  });
});

describe('string2ll: properties', () => {
  it('util.c string2ll accepts exactly the canonical decimal form of every int64, and reads it back exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        expect(string2ll(v.toString())).toBe(v);
        const n = string2llNumber(bytes(v.toString()));
        // A JS number exactly when it is safe; a bigint, still exact, beyond.
        expect(typeof n).toBe(Number.isSafeInteger(Number(v)) ? 'number' : 'bigint');
        expect(BigInt(n ?? 'x')).toBe(v);
      }),
    );
  });

  it('string2llNumber answers a number exactly when the value is a safe integer, on both sides of 2^53 and with 15 to 20 digits', () => {
    const edge = fc.oneof(
      fc.bigInt({ min: 2n ** 53n - 4096n, max: 2n ** 53n + 4096n }),
      fc.bigInt({ min: 10n ** 14n, max: 10n ** 20n }),
      fc.bigInt({ min: 2n ** 63n - 4096n, max: 2n ** 63n + 4096n }),
    );
    fc.assert(
      fc.property(edge, fc.boolean(), (m, neg) => {
        const v = neg ? -m : m;
        const text = v.toString();
        const inRange = v >= -(2n ** 63n) && v < 2n ** 63n;
        for (const n of [string2llNumber(text), string2llNumber(bytes(text))]) {
          if (!inRange) expect(n).toBeUndefined();
          else {
            expect(typeof n).toBe(m < 2n ** 53n ? 'number' : 'bigint');
            expect(BigInt(n ?? 'x')).toBe(v);
          }
        }
      }),
    );
  });

  it('util.c string2ll refuses every text that is not the canonical form of an int64 (round-trip test)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[-+ 0-9a]{0,22}$/), (t) => {
        const canonical = /^(0|-?[1-9][0-9]*)$/.test(t) && BigInt(t) >= -(2n ** 63n) && BigInt(t) < 2n ** 63n;
        expect(string2ll(t) !== undefined).toBe(canonical);
        if (canonical) expect(string2ll(t)?.toString()).toBe(t);
      }),
    );
  });
});
