// The number fast paths (issue 15 performance) against independent models: they must answer what
// the exact paths answer — int64 arithmetic, %.17g, Redis's shared integer replies.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatDouble17g } from '@protolab/redis-common';
import { Keyspace } from '../src/index.js';
import { int, score17g, OBJ_SHARED_INTEGERS } from '../src/replies.js';
import { show } from './helpers.js';

const NOW = 1_700_000_000_000;
const LLONG_MAX = 2n ** 63n - 1n;
const LLONG_MIN = -(2n ** 63n);
const TWO53 = 2n ** 53n;

/** int64 values clustered where the fast paths hand over to bigints: 0, ±2^53, the int64 limits. */
const int64 = fc.oneof(
  fc.bigInt({ min: -1000n, max: 1000n }),
  fc.bigInt({ min: TWO53 - 1000n, max: TWO53 + 1000n }),
  fc.bigInt({ min: -TWO53 - 1000n, max: -TWO53 + 1000n }),
  fc.bigInt({ min: LLONG_MAX - 1000n, max: LLONG_MAX }),
  fc.bigInt({ min: LLONG_MIN, max: LLONG_MIN + 1000n }),
  fc.bigInt({ min: LLONG_MIN, max: LLONG_MAX }),
);

describe('fast paths answer as the exact paths', () => {
  it('networking.c addReplyDouble: score17g prints every double exactly as formatDouble17g ("%.17g")', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer().map((i) => i / 4), fc.constantFrom(-0, 0, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e16, 1e17, 0.1)), (d) => {
        expect(score17g(d)).toBe(formatDouble17g(d));
        expect(score17g(d)).toBe(formatDouble17g(d)); // and again, from the memo
      }),
      { numRuns: 3000 },
    );
  });

  it('server.c shared.integers: a shared integer reply is the same value as a fresh one', () => {
    for (const v of [0, 1, 9999, OBJ_SHARED_INTEGERS, -1, -2, -3]) {
      expect(int(v)).toEqual({ type: 'integer', value: BigInt(v) });
      expect(int(BigInt(v))).toEqual({ type: 'integer', value: BigInt(v) });
    }
  });

  it('t_string.c incrDecr: INCRBY / DECRBY give int64 sums or the overflow error, on either side of 2^53', () => {
    fc.assert(
      fc.property(int64, int64, fc.boolean(), (start, by, decr) => {
        const ks = new Keyspace({ now: () => NOW });
        ks.execute(['SET', 'k', start.toString()]);
        const got = show(ks.execute([decr ? 'DECRBY' : 'INCRBY', 'k', by.toString()]));
        // model: t_string.c incrDecrCommand with int64 limits
        let want: string;
        if (decr && by === LLONG_MIN) want = '-ERR decrement would overflow';
        else {
          const sum = start + (decr ? -by : by);
          want = sum > LLONG_MAX || sum < LLONG_MIN ? '-ERR increment or decrement would overflow' : `:${sum}`;
        }
        expect(got).toBe(want);
        if (want.startsWith(':')) expect(show(ks.execute(['GET', 'k']))).toBe(`$${want.slice(1)}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('expire.c expireGenericCommand: EXPIRE / PEXPIREAT deadlines are exact int64 ms, or "invalid expire time", on either side of 2^53', () => {
    fc.assert(
      fc.property(int64, fc.constantFrom('EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT'), (n, cmd) => {
        const ks = new Keyspace({ now: () => NOW });
        ks.execute(['SET', 'k', 'v']);
        const got = show(ks.execute([cmd, 'k', n.toString()]));
        // model: seconds ×1000 (refused beyond LLONG_MAX/1000), plus now for the relative forms
        const seconds = cmd === 'EXPIRE' || cmd === 'EXPIREAT';
        const base = cmd === 'EXPIRE' || cmd === 'PEXPIRE' ? BigInt(NOW) : 0n;
        const q = 1000n;
        const refused = `-ERR invalid expire time in '${cmd.toLowerCase()}' command`;
        const ms = seconds ? n * q : n;
        if ((seconds && (n > LLONG_MAX / q || n < LLONG_MIN / q)) || ms > LLONG_MAX - base) expect(got).toBe(refused);
        else {
          expect(got).toBe(':1');
          const when = ms + base;
          expect(show(ks.execute(['PEXPIRETIME', 'k']))).toBe(when <= BigInt(NOW) ? ':-2' : `:${when}`);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('t_string.c setexCommand / SET EX: the deadline is exact on either side of 2^53', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: LLONG_MAX / 1000n }), fc.constantFrom('SETEX', 'PSETEX'), (n, cmd) => {
        const ks = new Keyspace({ now: () => NOW });
        const got = show(ks.execute([cmd, 'k', n.toString(), 'v']));
        const ms = (cmd === 'SETEX' ? n * 1000n : n) + BigInt(NOW);
        if (ms > LLONG_MAX) expect(got).toBe(`-ERR invalid expire time in '${cmd.toLowerCase()}' command`);
        else {
          expect(got).toBe('+OK');
          expect(show(ks.execute(['PEXPIRETIME', 'k']))).toBe(`:${ms}`);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('typed set with PX: the deadline and the propagated PXAT are now + px in int64, on either side of 2^53', () => {
    const safe = BigInt(Number.MAX_SAFE_INTEGER);
    fc.assert(
      fc.property(
        fc.oneof(fc.bigInt({ min: 1n, max: 1000n }), fc.bigInt({ min: safe - 3_000_000_000_000n, max: safe })),
        fc.integer({ min: 1_600_000_000_000, max: 1_800_000_000_000 }),
        fc.boolean(),
        (px, now, exists) => {
          const argv: string[][] = [];
          const dec = new TextDecoder('latin1');
          const ks = new Keyspace({ now: () => now, onPropagate: (_db, a) => argv.push(a.map((b) => dec.decode(b))) });
          if (exists) ks.set('k', 'old');
          ks.set('k', 'v', { px: Number(px) });
          // model: t_string.c getExpireMillisecondsOrReply, PX plus mstime() as int64
          const when = BigInt(now) + px;
          expect(show(ks.execute(['PEXPIRETIME', 'k']))).toBe(`:${when}`);
          expect(argv[argv.length - 1]).toEqual(['SET', 'k', 'v', 'PXAT', when.toString()]);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
