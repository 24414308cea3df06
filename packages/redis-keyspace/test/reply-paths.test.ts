// The per-command fast paths of issue 15's performance pass against independent models: the digit
// loop of string2number against util.c string2ll's canonical form, the short-string ASCII check
// and argsToBin against a char-by-char model, the shared bulk replies against fresh bytes, and
// the quicklist's preallocated range against its element list.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { string2ll } from '@protolab/redis-common';
import { parseDouble, string2number, strtodWhole } from '../src/numbers.js';
import { argsToBin, isAscii } from '../src/bytes.js';
import { bulk, BULK_CACHE_MAX, BULK_CACHE_MAX_LEN } from '../src/replies.js';
import { Quicklist } from '../src/quicklist.js';

/** Strings near the number grammar's edges: signs, leading zeros, 15–18 digits, non-digits. */
const numberish = fc.oneof(
  fc.stringMatching(/^-?[0-9]{0,18}$/),
  fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n }).map(String),
  fc.constantFrom('0', '-0', '00', '01', '-', '+1', ' 1', '1 ', '9007199254740991', '9007199254740992', '-9007199254740991', '-9007199254740992', '99999999999999999', '1e3', '١'),
  fc.string({ maxLength: 6 }),
);

describe('reply fast paths answer as their models', () => {
  it('string2number returns exactly the canonical int64s below 2^53 in magnitude, as numbers, and nothing else', () => {
    fc.assert(
      fc.property(numberish, (s) => {
        const exact = string2ll(s);
        const safe = exact !== undefined && exact <= BigInt(Number.MAX_SAFE_INTEGER) && exact >= -BigInt(Number.MAX_SAFE_INTEGER);
        expect(string2number(s)).toBe(safe ? Number(exact) : undefined);
      }),
      { numRuns: 5000 },
    );
  });

  it('parseDouble with its integer fast path reads every string as strtod over the whole string does', () => {
    const floatish = fc.oneof(numberish, fc.double().map(String), fc.constantFrom('0.0', '-0', '1e400', '1e-400', 'inf', '-Infinity', '0x1p3', '1.', '.5', 'nan'));
    fc.assert(
      fc.property(floatish, (s) => {
        expect(Object.is(parseDouble(s), strtodWhole(s))).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('isAscii is true exactly when every UTF-16 unit is below 0x80, on both sides of the loop/regex length bound', () => {
    const unit = fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff }));
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 80 }), (codes) => {
        const s = String.fromCharCode(...codes);
        expect(isAscii(s)).toBe(codes.every((c) => c < 0x80));
      }),
      { numRuns: 3000 },
    );
  });

  it('argsToBin gives every argument as its UTF-8 bytes in a fresh array, for text and bytes alike', () => {
    const argument = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 10 }), fc.uint8Array({ maxLength: 10 }));
    fc.assert(
      fc.property(fc.array(argument, { minLength: 1, maxLength: 6 }), (argv) => {
        const out = argsToBin(argv);
        expect(out).not.toBe(argv);
        const model = argv.map((a) => Buffer.from(typeof a === 'string' ? Buffer.from(a, 'utf8') : a).toString('latin1'));
        expect(out).toEqual(model);
      }),
      { numRuns: 2000 },
    );
  });

  it('a shared bulk reply always holds the bytes of the string it is asked for, whatever was cached before', () => {
    // More distinct strings than the cache holds, so it fills, clears and goes into bypass.
    const bin = fc.oneof(fc.integer({ min: 0, max: 3 * BULK_CACHE_MAX }).map((i) => `v${i}`), fc.string({ maxLength: BULK_CACHE_MAX_LEN + 8 }).map((s) => Buffer.from(s, 'utf8').toString('latin1')));
    fc.assert(
      fc.property(fc.array(bin, { minLength: 1, maxLength: 400 }), (bins) => {
        for (const b of bins) {
          const r = bulk(b);
          expect(r.type).toBe('bulk');
          expect(r.type === 'bulk' ? Buffer.from(r.value).toString('latin1') : undefined).toBe(b);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a quicklist range (preallocated, across nodes) is the slice of its element list', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 3000 }), { maxLength: 60 }), fc.nat(70), fc.nat(70), (items, a, b) => {
        const ql = Quicklist.from(items);
        const [start, stop] = a <= b ? [a, b] : [b, a];
        const expected = start < items.length ? items.slice(start, stop + 1) : [];
        expect(ql.range(start, stop)).toEqual(expected);
        expect(ql.rangeMap(start, stop, (s) => s.length)).toEqual(expected.map((s) => s.length));
      }),
      { numRuns: 500 },
    );
  });
});
