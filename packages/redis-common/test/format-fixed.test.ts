import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { formatFixed } from '../src/index.js';

/** value → printf("%.2f|%.0f|%.1f") as glibc 2.36 printed it on this machine (a C program, gcc). */
const GLIBC: [number, string][] = [
  [0.125, '0.12|0|0.1'], [0.375, '0.38|0|0.4'], [2.375, '2.38|2|2.4'], [2.5, '2.50|2|2.5'], [3.5, '3.50|4|3.5'],
  [0.005, '0.01|0|0.0'], [1.005, '1.00|1|1.0'], [-0.125, '-0.12|-0|-0.1'], [-0, '-0.00|-0|-0.0'], [-0.001, '-0.00|-0|-0.0'],
  [1e21, '1000000000000000000000.00|1000000000000000000000|1000000000000000000000.0'], [123456.785, '123456.79|123457|123456.8'],
  [0.045, '0.04|0|0.0'], [1 / 3, '0.33|0|0.3'], [2.675, '2.67|3|2.7'],
  [1e22, '10000000000000000000000.00|10000000000000000000000|10000000000000000000000.0'], [0, '0.00|0|0.0'],
];

/** Whether |x|·10^d lies exactly halfway between two integers, in exact arithmetic (x = m·2^e). */
function exactTie(x: number, d: number): boolean {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const expField = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const m = expField === 0 ? frac : frac | (1n << 52n);
  const e = (expField === 0 ? 1 : expField) - 1075;
  if (e >= 0 || m === 0n) return false; // an integer
  const den = 1n << BigInt(-e);
  return (m * 10n ** BigInt(d)) % den === den / 2n;
}

describe('formatFixed is printf %.Nf', () => {
  test.each(GLIBC)('%s prints as glibc prints it', (x, want) => {
    expect([2, 0, 1].map((d) => formatFixed(x, d)).join('|')).toBe(want);
  });

  test('infinities and NaN print as Redis writes them; a bad digit count is a RangeError', () => {
    expect([Infinity, -Infinity, NaN].map((x) => formatFixed(x, 2))).toEqual(['inf', '-inf', 'nan']);
    expect(() => formatFixed(1, -1)).toThrow(RangeError);
    expect(() => formatFixed(1, 1.5)).toThrow(RangeError);
  });

  test('every result is within half a unit of the last digit of the value, and equals toFixed except on exact ties', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }), fc.integer({ min: 0, max: 6 }), (x, d) => {
        const s = formatFixed(x, d);
        expect(Math.abs(Number(s) - x)).toBeLessThanOrEqual(0.5 * 10 ** -d * (1 + 1e-9) + Math.abs(x) * 2 ** -52);
        if (!exactTie(x, d)) expect(s.replace(/^-/, '')).toBe(Math.abs(x).toFixed(d));
      }),
    );
  });

  test('the exact tie fast-check found (283788732102671.125 at 2 decimals) goes to the even digit', () => {
    expect(exactTie(-283788732102671.1, 2)).toBe(true);
    expect(formatFixed(-283788732102671.1, 2)).toBe('-283788732102671.12'); // glibc: -283788732102671.12
  });

  test('exact ties go to the even digit (k + 0.5 over a power of two)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 6 }), (k) => {
        const x = (k + 0.5) / 8; // ties at 3 decimals only when exact: (2k+1)/16 has ≤ 4 decimals
        const s = formatFixed(k + 0.5, 0);
        expect(Number(s) % 2).toBe(0);
        expect(Math.abs(Number(s) - (k + 0.5))).toBe(0.5);
        expect(formatFixed(x, 4)).toBe(x.toFixed(4));
      }),
    );
  });
});
