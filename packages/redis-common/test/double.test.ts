import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDouble17g } from '../src/index.js';

describe('formatDouble17g: printf("%.17g") as redis-server 7.0 prints doubles (networking.c addReplyDouble)', () => {
  // Expected strings printed by C printf (through Python's '%.17g' % v, which calls it).
  const vectors: [number, string][] = [
    [0.1, '0.10000000000000001'],
    [1.5, '1.5'],
    [2 ** -25, '2.9802322387695312e-08'], // an exact tie at the 18th digit: glibc rounds half to even
    [5 * 2 ** -27, '3.7252902984619141e-08'],
    [1e17, '1e+17'],
    [1e16, '10000000000000000'],
    [1e-5, '1.0000000000000001e-05'],
    [1e-4, '0.0001'],
    [1 / 3, '0.33333333333333331'],
    [5e-324, '4.9406564584124654e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [123456789012345680, '1.2345678901234568e+17'],
    [-Infinity, '-inf'],
    [Infinity, 'inf'],
    [NaN, 'nan'],
    [-0, '-0'],
    [0, '0'],
  ];
  it.each(vectors)('%s → %s', (d, s) => {
    expect(formatDouble17g(d)).toBe(s);
  });

  it('printf %.17g round-trips: the text reads back as the same double, with at most 17 significant digits', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        const s = formatDouble17g(d);
        expect(Object.is(Number(s), d)).toBe(true);
        expect(s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length).toBeLessThanOrEqual(17);
      }),
    );
  });
});
