/**
 * LPOS (t_list.c lposCommand), split from t_list.ts; registered in LIST_COMMANDS there.
 */
import type { RespValue } from '@protolab/resp';
import { EMPTY_ARRAY, NULL_BULK, E, err, int, array } from './replies.js';
import { string2ll } from '@protolab/redis-common';
import type { Ctx } from './server.js';
import { arg, isReply, lookupKeyReadOrReply, lower } from './server.js';

const LONG_MIN = -9223372036854775808n;

interface LposArgs {
  rank: bigint;
  count: bigint | undefined;
  maxlen: bigint;
}

/** t_list.c lposCommand's option loop. */
function parseLpos(c: Ctx): LposArgs | RespValue {
  const a: LposArgs = { rank: 1n, count: undefined, maxlen: 0n };
  for (let j = 3; j < c.argv.length; j++) {
    const opt = lower(arg(c, j));
    const moreargs = c.argv.length - 1 - j;
    if (moreargs < 1 || (opt !== 'rank' && opt !== 'count' && opt !== 'maxlen')) return err(E.syntax);
    const v = string2ll(arg(c, ++j));
    // RANK is read with getLongFromObjectOrReply; COUNT and MAXLEN with getRangeLong…OrReply and
    // their own message, which a non-integer gets too
    if (opt === 'rank') {
      if (v === undefined) return err(E.notInteger);
      if (v === 0n) return err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
      a.rank = v;
    } else if (opt === 'count') {
      if (v === undefined || v < 0n) return err("ERR COUNT can't be negative");
      a.count = v;
    } else {
      if (v === undefined || v < 0n) return err("ERR MAXLEN can't be negative");
      a.maxlen = v;
    }
  }
  return a;
}

export function lposCommand(c: Ctx): RespValue {
  const a = parseLpos(c);
  if ('type' in a) return a;
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'list', a.count !== undefined ? EMPTY_ARRAY : NULL_BULK);
  if (isReply(o)) return o;
  const ele = arg(c, 2);
  const fromTail = a.rank < 0n;
  // 7.0.15 negates RANK in a C long: LONG_MIN stays negative, so every match from the tail
  // qualifies and the COUNT test (matches − rank + 1 ≥ count) overflows and never stops the walk
  const wraps = a.rank === LONG_MIN;
  let rank = wraps ? 1n : fromTail ? -a.rank : a.rank;
  const want = a.count === undefined ? 1n : a.count === 0n || wraps ? -1n : a.count;
  const len = o.val.length;
  const out: RespValue[] = [];
  let index = 0;
  for (const s of fromTail ? o.val.ql.valuesReversed() : o.val.ql.values()) {
    if (a.maxlen !== 0n && BigInt(index) >= a.maxlen) break;
    if (s === ele) {
      rank--;
      if (rank === 0n) {
        out.push(int(fromTail ? len - index - 1 : index));
        rank = 1n; // every further match is taken
        if (want > 0n && BigInt(out.length) >= want) break;
      }
    }
    index++;
  }
  if (a.count !== undefined) return array(out);
  return out[0] ?? NULL_BULK;
}
