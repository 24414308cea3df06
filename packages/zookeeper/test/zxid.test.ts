// Zxids: ZxidUtils.makeZxid / getEpochFromZxid / getCounterFromZxid, printed as ZooKeeper logs them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counterOf, epochOf, formatZxid, isNewEpochZxid, makeZxid, parseZxid, toSignedZxid, ZkError, zxidToHex } from '@protolab/zookeeper';

describe('zxid helpers (ZxidUtils)', () => {
  it('makeZxid(1, 2) is 0x100000002: epoch in the high 32 bits, counter in the low 32', () => {
    expect(makeZxid(1, 2)).toBe(0x100000002n);
    expect(zxidToHex(makeZxid(1, 2))).toBe('0x100000002');
    expect(zxidToHex(makeZxid(2, 0))).toBe('0x200000000');
    expect(zxidToHex(0n)).toBe('0x0');
    expect(formatZxid(makeZxid(1, 0x13))).toBe('(1,19) 0x100000013');
  });

  it('epochs >= 2^31 give negative Java longs that still print as unsigned hex (Long.toHexString)', () => {
    const z = makeZxid(0x80000000, 5);
    expect(z < 0n).toBe(true);
    expect(zxidToHex(z)).toBe('0x8000000000000005');
    expect(epochOf(z)).toBe(0x80000000);
    expect(counterOf(z)).toBe(5);
  });

  it('isNewEpochZxid is (zxid & 0xffffffffL) == 0', () => {
    expect(isNewEpochZxid(makeZxid(3, 0))).toBe(true);
    expect(isNewEpochZxid(0n)).toBe(true);
    expect(isNewEpochZxid(makeZxid(3, 1))).toBe(false);
  });

  it('out-of-range parts and malformed text are typed errors', () => {
    expect(() => makeZxid(-1, 0)).toThrow(ZkError);
    expect(() => makeZxid(0, 2 ** 32)).toThrow(/counter in 0..0xffffffff/);
    try {
      parseZxid('zx12');
      expect.unreachable();
    } catch (e) {
      expect((e as ZkError).code).toBe('BAD_INPUT');
    }
  });

  it('property: epochOf/counterOf invert makeZxid, and hex parses back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }), (e, c) => {
        const z = makeZxid(e, c);
        return epochOf(z) === e && counterOf(z) === c && parseZxid(zxidToHex(z)) === z;
      }),
    );
  });

  it('property: within non-negative epochs, zxid order is (epoch, counter) order', () => {
    const part = fc.integer({ min: 0, max: 0x7fffffff });
    fc.assert(
      fc.property(part, part, part, part, (e1, c1, e2, c2) => {
        const lex = e1 !== e2 ? e1 < e2 : c1 < c2;
        return (makeZxid(e1, c1) < makeZxid(e2, c2)) === lex;
      }),
    );
  });
});

describe('toSignedZxid (a 64-bit pattern read as a Java long)', () => {
  it('any bigint becomes the signed long with the same low 64 bits (two\'s complement, as Java\'s (long) cast)', () => {
    const two64 = 2n ** 64n;
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), (z) => {
        const low = ((z % two64) + two64) % two64;
        const want = low >= 2n ** 63n ? low - two64 : low;
        expect(toSignedZxid(z)).toBe(want);
      }),
    );
    expect(toSignedZxid(0xffffffffffffffffn)).toBe(-1n);
    expect(toSignedZxid(0x8000000000000000n)).toBe(-(2n ** 63n));
  });
});
