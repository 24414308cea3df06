/**
 * Sorted-set commands (t_zset.c). Registered in the command table through ZSET_COMMANDS (see
 * commands.ts for how a type file plugs in).
 */
import type { RespValue } from '@protolab/resp';
import { NULL_BULK, EMPTY_ARRAY, E, err, int, bulk, array, dbl, pushPair, score17g, type RespOf } from './replies.js';
import { ZsetVal } from './values.js';
import { numkeysKeys } from './t_set.js';
import { LLONG_MAX, parseDouble } from './numbers.js';
import { string2ll } from '@protolab/redis-common';
import { parseScanCursor } from './scan.js';
import { EMPTY_SCAN, parseScanOptions, scanAll, scanDict, scanGeneric } from './scan-commands.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, isReply, lookupKeyReadOrReply, lookupKeyWriteOrReply, lookupTypedWrite, lower, optName } from './server.js';
import { ZSET_RANGE_COMMANDS } from './t_zset_range.js';
import { ZSET_OPS_COMMANDS } from './t_zset_ops.js';


import { zsetAddMember, zsetAddNewMember, zsetStoredScore } from './zset-add.js';
import { NOTIFY_GENERIC, NOTIFY_ZSET, notifyKeyspaceEvent } from './notify.js';
export { zsetAddMember };

function zaddCommand(c: Ctx): RespValue {
  const { core, argv } = c;
  let nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
  let idx = 2;
  for (; idx < argv.length; idx++) {
    const a = arg(c, idx);
    // Every option is letters: a score ("3", "-1.5", "+inf") ends the options without lower-casing.
    const first = a.charCodeAt(0) | 0x20;
    if (first < 0x61 || first > 0x7a) break;
    const o = lower(a);
    if (o === 'nx') nx = true;
    else if (o === 'xx') xx = true;
    else if (o === 'ch') ch = true;
    else if (o === 'incr') incr = true;
    else if (o === 'gt') gt = true;
    else if (o === 'lt') lt = true;
    else break;
  }
  const elements = argv.length - idx;
  if (elements % 2 !== 0 || elements === 0) return err(E.syntax);
  const pairs = elements / 2;
  if (nx && xx) return err('ERR XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) return err('ERR GT, LT, and/or NX options at the same time are not compatible');
  if (incr && pairs > 1) return err('ERR INCR option supports a single increment-element pair');
  const scores = new Array<number>(pairs); // all parsed before anything changes, as zaddGenericCommand
  for (let j = 0; j < pairs; j++) {
    const s = parseDouble(arg(c, idx + j * 2));
    if (s === undefined) return err(E.notFloat);
    scores[j] = s;
  }
  const db = c.client.db;
  const key = arg(c, 1);
  const o = lookupTypedWrite(c, key, 'zset');
  if (o !== undefined && isReply(o)) return o;
  let z: ZsetVal;
  let added = 0, updated = 0, processed = 0;
  let lastScore = 0;
  if (o === undefined) {
    if (xx) return incr ? NULL_BULK : int(0);
    const th = core.thresholds;
    const first = arg(c, idx + 1);
    z = new ZsetVal(!(th.zsetMaxListpackEntries === 0 || th.zsetMaxListpackValue < first.length), new Map());
    db.add(key, z);
  } else z = o.val;
  for (let j = 0; j < pairs; j++) {
    let score = scores[j] ?? NaN;
    const member = arg(c, idx + 1 + j * 2);
    const cur = z.m.get(member);
    if (cur !== undefined) {
      if (nx) continue;
      if (incr) {
        score += cur;
        if (Number.isNaN(score)) return err(E.nan); // cleanup path: no dirty++
      }
      if ((lt && score >= cur) || (gt && score <= cur)) continue;
      if (score !== cur) {
        z.move(member, cur, zsetStoredScore(z, score));
        updated++;
      }
      processed++;
      lastScore = score;
    } else {
      if (xx) continue;
      zsetAddNewMember(z, member, score, core.thresholds.zsetMaxListpackEntries, core.thresholds.zsetMaxListpackValue);
      added++;
      processed++;
      lastScore = score;
    }
  }
  core.dirty += added + updated;
  // zaddGenericCommand's cleanup: "zincr" (INCR, ZINCRBY) or "zadd" when anything changed
  if (added + updated > 0) notifyKeyspaceEvent(core, NOTIFY_ZSET, incr ? 'zincr' : 'zadd', key, db.id);
  if (incr) return processed ? dbl(c, lastScore) : NULL_BULK;
  return int(ch ? added + updated : added);
}

function zcardCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'zset', int(0));
  if (isReply(o)) return o;
  return int(o.val.m.size);
}

function zscoreCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'zset', NULL_BULK);
  if (isReply(o)) return o;
  const s = o.val.m.get(arg(c, 2));
  return s === undefined ? NULL_BULK : dbl(c, s);
}

/** ZINCRBY key increment member: ZADD INCR with one pair (t_zset.c zincrbyCommand). */
function zincrbyCommand(c: Ctx): RespValue {
  return zaddCommand({ ...c, argv: ['ZADD', arg(c, 1), 'INCR', arg(c, 2), arg(c, 3)] });
}

function zremCommand(c: Ctx): RespValue {
  const o = lookupKeyWriteOrReply(c, arg(c, 1), 'zset', int(0));
  if (isReply(o)) return o;
  let deleted = 0;
  let keyremoved = false;
  for (let j = 2; j < c.argv.length; j++) {
    if (o.val.delete(arg(c, j))) deleted++;
    if (o.val.size === 0) {
      c.core.deleteKey(c.client.db, o.slot);
      keyremoved = true;
      break;
    }
  }
  if (deleted > 0) {
    notifyKeyspaceEvent(c.core, NOTIFY_ZSET, 'zrem', arg(c, 1), c.client.db.id); // zremCommand, then "del"
    if (keyremoved) notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', arg(c, 1), c.client.db.id);
  }
  c.core.dirty += deleted;
  return int(deleted);
}

function zmscoreCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'zset', EMPTY_ARRAY);
  if (isReply(o) && o.type !== 'array') return o;
  const out: RespValue[] = [];
  for (let j = 2; j < c.argv.length; j++) {
    const s = isReply(o) ? undefined : o.val.m.get(arg(c, j));
    out.push(s === undefined ? NULL_BULK : dbl(c, s));
  }
  return array(out);
}

/** t_zset.c zrankGenericCommand (0-based; from the top with ZREVRANK). */
function zrankGeneric(c: Ctx, reverse: boolean): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'zset', NULL_BULK);
  if (isReply(o)) return o;
  const s = o.val.m.get(arg(c, 2));
  if (s === undefined) return NULL_BULK;
  const rank = o.val.zsl.getRank(s, arg(c, 2));
  return int(reverse ? o.val.size - rank : rank - 1);
}

type Where = 'min' | 'max';

/** Pop up to `count` lowest (min) or highest (max) members; drops an emptied key. */
function zpop(c: Ctx, key: string, z: ZsetVal, slot: number, where: Where, count: number): [string, number][] {
  const out: [string, number][] = [];
  for (let i = 0; i < count; i++) {
    const n = where === 'min' ? z.zsl.first() : z.zsl.tail;
    if (n === undefined) break;
    out.push([n.ele, n.score]);
    z.delete(n.ele);
  }
  // genericZpopCommand: "zpopmin"/"zpopmax" once, then "del" when the zset became empty
  const db = c.client.db;
  if (out.length > 0) notifyKeyspaceEvent(c.core, NOTIFY_ZSET, where === 'min' ? 'zpopmin' : 'zpopmax', key, db.id);
  if (z.size === 0) {
    c.core.deleteKey(db, slot);
    notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', key, db.id);
  }
  c.core.dirty += out.length;
  return out;
}

/**
 * genericZpopCommand's reply: member, score, … flat — except in RESP3 when a count was given
 * (`use_nested_array`), where each popped member is a [member, double] pair.
 */
function zpopReply(c: RespOf, pairs: readonly [string, number][], nested: boolean): RespValue {
  const out: RespValue[] = [];
  for (const [m, s] of pairs) {
    if (nested) pushPair(c, out, bulk(m), dbl(c, s));
    else out.push(bulk(m), dbl(c, s));
  }
  return array(out);
}

/** t_zset.c zpopMinMaxCommand → genericZpopCommand (ZPOPMIN / ZPOPMAX key [count]). */
function zpopCommand(c: Ctx, where: Where): RespValue {
  if (c.argv.length > 3) return err(E.syntax);
  let count = 1;
  if (c.argv.length === 3) {
    const v = string2ll(arg(c, 2));
    if (v === undefined || v < 0n) return err('ERR value is out of range, must be positive');
    count = v > 1_000_000_000n ? 1_000_000_000 : Number(v);
  }
  const o = lookupKeyWriteOrReply(c, arg(c, 1), 'zset', EMPTY_ARRAY);
  if (isReply(o)) return o;
  if (count === 0) return EMPTY_ARRAY;
  return zpopReply(c, zpop(c, arg(c, 1), o.val, o.slot, where, count), c.argv.length === 3);
}

/** t_zset.c zmpopGenericCommand: ZMPOP numkeys key … MIN|MAX [COUNT n], propagated as ZPOPMIN/ZPOPMAX key n. */
function zmpopCommand(c: Ctx): RespValue {
  const nk = string2ll(arg(c, 1));
  if (nk === undefined || nk <= 0n) return err('ERR numkeys should be greater than 0');
  const whereIdx = 2 + Number(nk > 1_000_000_000n ? 1_000_000_000n : nk);
  if (whereIdx >= c.argv.length) return err(E.syntax);
  const w = lower(arg(c, whereIdx));
  if (w !== 'min' && w !== 'max') return err(E.syntax);
  let count = -1n;
  for (let j = whereIdx + 1; j < c.argv.length; j++) {
    if (optName(arg(c, j)) === 'count' && count === -1n && j + 1 < c.argv.length) {
      const v = string2ll(arg(c, ++j));
      if (v === undefined || v <= 0n) return err('ERR count should be greater than 0');
      count = v;
    } else return err(E.syntax);
  }
  const n = count === -1n ? 1 : count > 1_000_000_000n ? 1_000_000_000 : Number(count);
  for (let k = 2; k < whereIdx; k++) {
    const key = arg(c, k);
    const o = lookupKeyWriteOrReply(c, key, 'zset', NULL_BULK);
    if (isReply(o)) {
      if (o.type === 'null') continue;
      return o;
    }
    const popped = zpop(c, key, o.val, o.slot, w, n);
    c.propagateAs = [w === 'min' ? 'ZPOPMIN' : 'ZPOPMAX', key, String(popped.length)];
    return array([bulk(key), array(popped.map(([m, s]) => array([bulk(m), dbl(c, s)])))]);
  }
  return { type: 'null', resp2: 'array' };
}

/** t_zset.c zrandmemberCommand / zrandmemberWithCountCommand (draws from the injected PRNG). */
function zrandmemberCommand(c: Ctx): RespValue {
  if (c.argv.length === 2) {
    const o = lookupKeyReadOrReply(c, arg(c, 1), 'zset', NULL_BULK);
    if (isReply(o)) return o;
    const n = o.val.zsl.getElementByRank(c.core.prng.int(1, o.val.size + 1));
    return bulk(n?.ele ?? '');
  }
  const v = string2ll(arg(c, 2));
  if (v === undefined) return err(E.notInteger);
  if (v < -LLONG_MAX) return err('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  let withscores = false;
  if (c.argv.length === 4 && optName(arg(c, 3)) === 'withscores') withscores = true;
  else if (c.argv.length >= 4) return err(E.syntax);
  if (withscores && (v < -(LLONG_MAX / 2n) || v > LLONG_MAX / 2n)) return err('ERR value is out of range');
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'zset', EMPTY_ARRAY);
  if (isReply(o)) return o;
  if (v === 0n) return EMPTY_ARRAY;
  const entries = o.val.sorted();
  const out: RespValue[] = [];
  const push = (e: [string, number] | undefined): void => {
    if (e === undefined) return;
    if (withscores) pushPair(c, out, bulk(e[0]), dbl(c, e[1]));
    else out.push(bulk(e[0]));
  };
  if (v < 0n) {
    if (-v > 10_000_000n) return err('ERR value is out of range'); // bounded memory (ours, not Redis's)
    for (let i = 0n; i < -v; i++) push(entries[c.core.prng.int(0, entries.length)]);
    return array(out);
  }
  if (v >= BigInt(entries.length)) {
    for (const e of entries) push(e);
    return array(out);
  }
  for (let i = 0; i < Number(v); i++) {
    const j = c.core.prng.int(i, entries.length);
    const a = entries[i], b = entries[j];
    if (a === undefined || b === undefined) break;
    entries[i] = b;
    entries[j] = a;
    push(b);
  }
  return array(out);
}

/** t_zset.c zscanCommand: a listpack in one call (cursor 0), a skiplist's dict through the walk. */
function zscanCommand(c: Ctx): RespValue {
  const cursor = parseScanCursor(arg(c, 2));
  if (cursor === undefined) return err('ERR invalid cursor');
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'zset', EMPTY_SCAN);
  if (isReply(o)) return o;
  const opts = parseScanOptions(c, 3, false);
  if (!('count' in opts)) return opts;
  const z = o.val;
  const step = z.listpack
    ? scanAll(() => z.sorted().map(([m, s]) => [m, score17g(s)]))
    : scanDict(() => [...z.m].map(([m, s]): [string, string[]] => [m, [m, score17g(s)]]), z.size);
  return scanGeneric(cursor, opts, step);
}

const W = ['write', 'denyoom', 'fast'] as const;
const R = ['readonly', 'fast'] as const;

export const ZSET_COMMANDS: readonly CommandSpec[] = [
  cmd('zadd', -4, W, [1, 1, 1], 'sorted_set', zaddCommand),
  cmd('zincrby', 4, W, [1, 1, 1], 'sorted_set', zincrbyCommand),
  cmd('zrem', -3, ['write', 'fast'], [1, 1, 1], 'sorted_set', zremCommand),
  cmd('zcard', 2, R, [1, 1, 1], 'sorted_set', zcardCommand),
  cmd('zscore', 3, R, [1, 1, 1], 'sorted_set', zscoreCommand),
  cmd('zmscore', -3, R, [1, 1, 1], 'sorted_set', zmscoreCommand),
  cmd('zrank', 3, R, [1, 1, 1], 'sorted_set', (c) => zrankGeneric(c, false)),
  cmd('zrevrank', 3, R, [1, 1, 1], 'sorted_set', (c) => zrankGeneric(c, true)),
  cmd('zpopmin', -2, ['write', 'fast'], [1, 1, 1], 'sorted_set', (c) => zpopCommand(c, 'min')),
  cmd('zpopmax', -2, ['write', 'fast'], [1, 1, 1], 'sorted_set', (c) => zpopCommand(c, 'max')),
  cmd('zmpop', -4, ['write'], [0, 0, 0], 'sorted_set', zmpopCommand, { getKeys: numkeysKeys }),
  cmd('zrandmember', -2, ['readonly'], [1, 1, 1], 'sorted_set', zrandmemberCommand),
  cmd('zscan', -3, ['readonly'], [1, 1, 1], 'sorted_set', zscanCommand),
  ...ZSET_RANGE_COMMANDS,
  ...ZSET_OPS_COMMANDS,
];
