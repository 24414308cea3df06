// The replies of the 100-byte-chunk rows (decode-by-type.ts's `mixed` generator and seed), for
// chunk-floor.ts and cut-cost.ts: a reply stream and the kinds of reply it mixes.
import { reply, type RespValue } from '@protolab/resp';
import { Prng } from '@protolab/sim';

/** Generators over one seeded PRNG (decode-by-type.ts's seed): the mixed stream and its parts. */
export function replyKinds(): { mixed: () => RespValue; bulk: () => RespValue; arr: () => RespValue; small: () => RespValue; arr30: () => RespValue } {
  const prng = new Prng(0x2545f491);
  const rand = (): number => prng.float();
  const word = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(rand() * 26));
    return s;
  };
  const bulk = (): RespValue => reply.bulk(word(8 + Math.floor(rand() * 100)));
  const arr = (): RespValue => reply.array(Array.from({ length: 1 + Math.floor(rand() * 10) }, () => reply.bulk(word(10))));
  return {
    // 25 % +OK, 15 % integers, 10 % nulls, 30 % bulks of 8-107 bytes, 2 % errors, 18 % arrays of 1-10 `$10`
    mixed: () => {
      const r = rand();
      if (r < 0.25) return reply.ok;
      if (r < 0.4) return reply.integer(Math.floor(rand() * 1e6));
      if (r < 0.5) return reply.null;
      if (r < 0.8) return bulk();
      if (r < 0.82) return reply.error('WRONGTYPE Operation against a key holding the wrong kind of value');
      return arr();
    },
    bulk,
    arr,
    // lines only: +OK, integers, nulls
    small: () => {
      const r = rand();
      return r < 0.4 ? reply.ok : r < 0.7 ? reply.integer(Math.floor(rand() * 1e6)) : reply.null;
    },
    arr30: () => reply.array(Array.from({ length: 30 }, () => reply.bulk(word(10)))),
  };
}
