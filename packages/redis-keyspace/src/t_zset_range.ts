/**
 * Sorted-set ranges (t_zset.c zrangeGenericCommand and its range parsers): ZRANGE with
 * BYSCORE / BYLEX / REV / LIMIT, the legacy ZREVRANGE / Z[REV]RANGEBYSCORE / Z[REV]RANGEBYLEX,
 * ZRANGESTORE, ZCOUNT, ZLEXCOUNT and ZREMRANGEBYRANK / SCORE / LEX — all on the skiplist: the
 * first element is found in O(log n) and the walk is O(log n + m).
 */
import type { RespValue } from '@protolab/resp';
import { EMPTY_ARRAY, E, err, int, bulk, array, dbl, pushPair } from './replies.js';
import { ZsetVal } from './values.js';
import { normRange, parseDouble, rangeIndexes } from './numbers.js';
import { string2ll } from '@protolab/redis-common';
import type { LexRange, ScoreRange, ZsetTreeNode } from './zset-tree.js';
import { lexGteMin, lexLteMax, scoreGteMin, scoreLteMax } from './zset-tree.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, isReply, lookupKeyRead, lookupKeyReadOrReply, lookupKeyWriteOrReply, isType, lower } from './server.js';
import { zsetAddMember } from './zset-add.js';
import { NOTIFY_GENERIC, NOTIFY_ZSET, notifyKeyspaceEvent } from './notify.js';

const SCORE_RANGE_ERR = 'ERR min or max is not a float';
const LEX_RANGE_ERR = 'ERR min or max not valid string range item';

/**
 * strtod as zslParseRange uses it on the argument's C string: the text ends at the first NUL byte;
 * an empty text converts nothing and leaves the end pointer on its terminator, so it is accepted
 * as 0 (`ZCOUNT z "" 1` counts from 0 on redis-server 7.0.15); leading space is allowed; overflow
 * gives ±inf.
 */
function strtodLoose(arg: string): number | undefined {
  const nul = arg.indexOf('\u0000');
  const s = nul === -1 ? arg : arg.slice(0, nul);
  if (s === '') return 0;
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  const v = parseDouble(t);
  if (v !== undefined) return v;
  if (/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(t)) {
    const n = Number(t);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

export function parseScoreBound(s: string): { v: number; ex: boolean } | undefined {
  const ex = s.startsWith('(');
  const v = strtodLoose(ex ? s.slice(1) : s);
  return v === undefined ? undefined : { v, ex };
}

export type LexBound = { kind: 'min' } | { kind: 'max' } | { kind: 'val'; v: string; ex: boolean };
export function parseLexBound(s: string): LexBound | undefined {
  if (s === '+') return { kind: 'max' };
  if (s === '-') return { kind: 'min' };
  if (s.startsWith('(')) return { kind: 'val', v: s.slice(1), ex: true };
  if (s.startsWith('[')) return { kind: 'val', v: s.slice(1), ex: false };
  return undefined;
}

/** t_zset.c zslParseLexRange's result as a LexRange, or 'empty' when min is '+' or max is '-'. */
export function toLexRange(min: LexBound, max: LexBound): LexRange | 'empty' {
  if (min.kind === 'max' || max.kind === 'min') return 'empty';
  return {
    min: min.kind === 'val' ? min.v : undefined,
    minex: min.kind === 'val' && min.ex,
    max: max.kind === 'val' ? max.v : undefined,
    maxex: max.kind === 'val' && max.ex,
  };
}

/** How ZRANGE selects: by rank, score or lex, with REV and LIMIT (t_zset.c zrange_result_handler inputs). */
export type ZrangeSpec =
  | { by: 'rank'; start: bigint | number; end: bigint | number; rev: boolean }
  | { by: 'score'; range: ScoreRange; rev: boolean; offset: bigint; limit: bigint }
  | { by: 'lex'; range: LexRange | 'empty'; rev: boolean; offset: bigint; limit: bigint };

/**
 * t_zset.c genericZrangebyrankCommand / genericZrangebyscoreCommand / genericZrangebylexCommand
 * on the skiplist: find the first node in O(log n) (zslGetElementByRank, zslFirstInRange,
 * zslLastInRange, …), then walk forward (backward with REV) over offset + count nodes.
 */
export function zsetRange(z: ZsetVal, spec: ZrangeSpec): [string, number][] {
  const zsl = z.zsl;
  const out: [string, number][] = [];
  if (spec.by === 'rank') {
    const range = normRange(spec.start, spec.end, zsl.length);
    if (!range) return out;
    const [start, end] = range;
    let ln = zsl.getElementByRank(spec.rev ? zsl.length - start : start + 1);
    for (let n = end - start + 1; n > 0 && ln !== undefined; n--) {
      out.push([ln.ele, ln.score]);
      ln = spec.rev ? zsl.prev(ln) : zsl.next(ln);
    }
    return out;
  }
  if (spec.offset < 0n || (spec.offset > 0n && spec.offset >= BigInt(zsl.length))) return out;
  let ln: ZsetTreeNode | undefined;
  let inside: (n: ZsetTreeNode) => boolean;
  if (spec.by === 'score') {
    const r = spec.range;
    ln = spec.rev ? zsl.lastInRange(r) : zsl.firstInRange(r);
    inside = spec.rev ? (n) => scoreGteMin(n.score, r) : (n) => scoreLteMax(n.score, r);
  } else {
    const r = spec.range;
    if (r === 'empty') return out;
    ln = spec.rev ? zsl.lastInLexRange(r) : zsl.firstInLexRange(r);
    inside = spec.rev ? (n) => lexGteMin(n.ele, r) : (n) => lexLteMax(n.ele, r);
  }
  for (let skip = spec.offset; ln !== undefined && skip > 0n; skip--) ln = spec.rev ? zsl.prev(ln) : zsl.next(ln);
  for (let left = spec.limit; ln !== undefined && left !== 0n && inside(ln); left--) {
    out.push([ln.ele, ln.score]);
    ln = spec.rev ? zsl.prev(ln) : zsl.next(ln);
  }
  return out;
}

/** zslParseRange: both ends of a score interval, or undefined. */
export function parseScoreRange(minArg: string, maxArg: string): ScoreRange | undefined {
  const lo = parseScoreBound(minArg);
  const hi = parseScoreBound(maxArg);
  return lo && hi ? { min: lo.v, minex: lo.ex, max: hi.v, maxex: hi.ex } : undefined;
}

/** zslParseLexRange: both ends of a member interval ('empty' for an impossible one), or undefined. */
export function parseLexRange(minArg: string, maxArg: string): LexRange | 'empty' | undefined {
  const lo = parseLexBound(minArg);
  const hi = parseLexBound(maxArg);
  return lo && hi ? toLexRange(lo, hi) : undefined;
}

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

/** t_zset.c zrangeGenericCommand steps 1–2: options after `<src> <min> <max>`, then the range. */
function parseZrangeArgs(c: Ctx, argcStart: number, store: boolean, type0: RangeType, dir0: Direction): { spec: ZrangeSpec; withscores: boolean } | RespValue {
  const { argv } = c;
  let withscores = false;
  let type = type0;
  let dir = dir0;
  let offset = 0n, limit = -1n;
  for (let j = argcStart + 3; j < argv.length; j++) {
    const o = lower(arg(c, j));
    const left = argv.length - j - 1;
    if (!store && o === 'withscores') withscores = true;
    else if (o === 'limit' && left >= 2) {
      const a = string2ll(arg(c, j + 1));
      const b = string2ll(arg(c, j + 2));
      if (a === undefined || b === undefined) return err(E.notInteger);
      offset = a;
      limit = b;
      j += 2;
    } else if (dir === 'auto' && o === 'rev') dir = 'reverse';
    else if (type === 'auto' && o === 'bylex') type = 'lex';
    else if (type === 'auto' && o === 'byscore') type = 'score';
    else return err(E.syntax);
  }
  const rev = dir === 'reverse';
  if (type === 'auto') type = 'rank';
  if (limit !== -1n && type === 'rank') return err('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withscores && type === 'lex') return err('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  let minArg = arg(c, argcStart + 1), maxArg = arg(c, argcStart + 2);
  if (rev && type !== 'rank') [minArg, maxArg] = [maxArg, minArg];
  if (type === 'rank') {
    const r = rangeIndexes(minArg, maxArg);
    if (r === undefined) return err(E.notInteger);
    return { spec: { by: 'rank', start: r[0], end: r[1], rev }, withscores };
  }
  if (type === 'score') {
    const range = parseScoreRange(minArg, maxArg);
    if (range === undefined) return err(SCORE_RANGE_ERR);
    return { spec: { by: 'score', range, rev, offset, limit }, withscores };
  }
  const range = parseLexRange(minArg, maxArg);
  if (range === undefined) return err(LEX_RANGE_ERR);
  return { spec: { by: 'lex', range, rev, offset, limit }, withscores };
}

/** zrangeGenericCommand with the result to the client (ZRANGE and the legacy forms). */
function zrangeGeneric(c: Ctx, type: RangeType, dir: Direction): RespValue {
  const parsed = parseZrangeArgs(c, 1, false, type, dir);
  if ('type' in parsed) return parsed;
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'zset', EMPTY_ARRAY);
  if (isReply(o)) return o;
  const out: RespValue[] = [];
  for (const [m, s] of zsetRange(o.val, parsed.spec)) {
    if (parsed.withscores) pushPair(c, out, bulk(m), dbl(c, s));
    else out.push(bulk(m));
  }
  return array(out);
}

/** ZRANGESTORE dst src min max …: zrangeResultBeginStore / zrangeResultFinalizeStore. */
function zrangestoreCommand(c: Ctx): RespValue {
  const parsed = parseZrangeArgs(c, 2, true, 'auto', 'auto');
  if ('type' in parsed) return parsed;
  const src = lookupKeyRead(c, arg(c, 2));
  let picked: [string, number][] = [];
  if (src !== undefined) {
    if (!isType(src.val, 'zset')) return err(E.wrongType);
    picked = zsetRange(src.val, parsed.spec);
  }
  return storeZset(c, arg(c, 1), picked, 'zrangestore'); // zrangeResultFinalizeStore
}

/**
 * Replace `dkey` with a sorted set of `entries` (deleted when empty: "del"); reply its size.
 * `event`: what the store raises ("zrangestore", "zunionstore", "zinterstore", "zdiffstore").
 */
export function storeZset(c: Ctx, dkey: string, entries: readonly [string, number][], event: string): RespValue {
  const db = c.client.db;
  const th = c.core.thresholds;
  if (entries.length === 0) {
    const slot = db.dict.get(dkey); // dbDelete: no lazy expiry first, so an expired destination is deleted ("del")
    if (slot !== undefined) {
      c.core.deleteKey(db, slot);
      c.core.dirty++;
      notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', dkey, db.id);
    }
    return int(0);
  }
  const z = new ZsetVal(entries.length <= th.zsetMaxListpackEntries);
  for (const [m, s] of entries) zsetAddMember(z, m, s, th.zsetMaxListpackEntries, th.zsetMaxListpackValue);
  c.core.setKey(db, dkey, z, false);
  notifyKeyspaceEvent(c.core, NOTIFY_ZSET, event, dkey, db.id);
  c.core.dirty++;
  return int(z.size);
}

/** t_zset.c zcountCommand / zlexcountCommand: ranks of the first and last node in range. */
function zcountGeneric(c: Ctx, lex: boolean): RespValue {
  const lr = lex ? parseLexRange(arg(c, 2), arg(c, 3)) : undefined;
  const sr = lex ? undefined : parseScoreRange(arg(c, 2), arg(c, 3));
  if (lex ? lr === undefined : sr === undefined) return err(lex ? LEX_RANGE_ERR : SCORE_RANGE_ERR);
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'zset', int(0));
  if (isReply(o)) return o;
  const zsl = o.val.zsl;
  let first: ZsetTreeNode | undefined, last: ZsetTreeNode | undefined;
  if (sr !== undefined) {
    first = zsl.firstInRange(sr);
    last = zsl.lastInRange(sr);
  } else if (lr !== undefined && lr !== 'empty') {
    first = zsl.firstInLexRange(lr);
    last = zsl.lastInLexRange(lr);
  }
  if (first === undefined || last === undefined) return int(0);
  const n = zsl.getRank(last.score, last.ele) - zsl.getRank(first.score, first.ele) + 1;
  return int(Math.max(0, n));
}

/** t_zset.c zremrangeGenericCommand (ZREMRANGEBYRANK / BYSCORE / BYLEX). */
function zremrangeGeneric(c: Ctx, type: 'rank' | 'score' | 'lex'): RespValue {
  let spec: ZrangeSpec;
  if (type === 'rank') {
    const r = rangeIndexes(arg(c, 2), arg(c, 3));
    if (r === undefined) return err(E.notInteger);
    spec = { by: 'rank', start: r[0], end: r[1], rev: false };
  } else if (type === 'score') {
    const range = parseScoreRange(arg(c, 2), arg(c, 3));
    if (range === undefined) return err(SCORE_RANGE_ERR);
    spec = { by: 'score', range, rev: false, offset: 0n, limit: -1n };
  } else {
    const range = parseLexRange(arg(c, 2), arg(c, 3));
    if (range === undefined) return err(LEX_RANGE_ERR);
    spec = { by: 'lex', range, rev: false, offset: 0n, limit: -1n };
  }
  const o = lookupKeyWriteOrReply(c, arg(c, 1), 'zset', int(0));
  if (isReply(o)) return o;
  const doomed = zsetRange(o.val, spec);
  for (const [m] of doomed) o.val.delete(m);
  if (doomed.length > 0) {
    // zremrangeGenericCommand: "zremrangebyrank" / "byscore" / "bylex", then "del" when emptied
    notifyKeyspaceEvent(c.core, NOTIFY_ZSET, `zremrangeby${type}`, arg(c, 1), c.client.db.id);
    if (o.val.size === 0) {
      c.core.deleteKey(c.client.db, o.slot);
      notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', arg(c, 1), c.client.db.id);
    }
  }
  c.core.dirty += doomed.length;
  return int(doomed.length);
}

const R = ['readonly'] as const;

export const ZSET_RANGE_COMMANDS: readonly CommandSpec[] = [
  cmd('zrange', -4, R, [1, 1, 1], 'sorted_set', (c) => zrangeGeneric(c, 'auto', 'auto')),
  cmd('zrevrange', -4, R, [1, 1, 1], 'sorted_set', (c) => zrangeGeneric(c, 'rank', 'reverse')),
  cmd('zrangebyscore', -4, R, [1, 1, 1], 'sorted_set', (c) => zrangeGeneric(c, 'score', 'forward')),
  cmd('zrevrangebyscore', -4, R, [1, 1, 1], 'sorted_set', (c) => zrangeGeneric(c, 'score', 'reverse')),
  cmd('zrangebylex', -4, R, [1, 1, 1], 'sorted_set', (c) => zrangeGeneric(c, 'lex', 'forward')),
  cmd('zrevrangebylex', -4, R, [1, 1, 1], 'sorted_set', (c) => zrangeGeneric(c, 'lex', 'reverse')),
  cmd('zrangestore', -5, ['write', 'denyoom'], [1, 2, 1], 'sorted_set', zrangestoreCommand),
  cmd('zcount', 4, ['readonly', 'fast'], [1, 1, 1], 'sorted_set', (c) => zcountGeneric(c, false)),
  cmd('zlexcount', 4, ['readonly', 'fast'], [1, 1, 1], 'sorted_set', (c) => zcountGeneric(c, true)),
  cmd('zremrangebyrank', 4, ['write'], [1, 1, 1], 'sorted_set', (c) => zremrangeGeneric(c, 'rank')),
  cmd('zremrangebyscore', 4, ['write'], [1, 1, 1], 'sorted_set', (c) => zremrangeGeneric(c, 'score')),
  cmd('zremrangebylex', 4, ['write'], [1, 1, 1], 'sorted_set', (c) => zremrangeGeneric(c, 'lex')),
];
