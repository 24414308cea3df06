/**
 * Sorted-set commands (t_zset.c). Registered in the command table through ZSET_COMMANDS (see
 * commands.ts for how a type file plugs in).
 */
import type { RespValue } from '@protolab/resp';
import { NULL_BULK, EMPTY_ARRAY, E, err, int, bulk, array } from './replies.js';
import { ZsetVal } from './values.js';
import { formatDouble17g, normRange, parseDouble, rangeIndexes, string2ll } from './numbers.js';
import type { LexRange, ScoreRange, ZskiplistNode } from './skiplist.js';
import { lexGteMin, lexLteMax, scoreGteMin, scoreLteMax } from './skiplist.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, isReply, lookupKeyReadOrReply, lookupTypedWrite, lower } from './server.js';


/** t_zset.c zsetAdd (listpack → skiplist when a new member makes it too long or too wide). */
export function zsetAddMember(z: ZsetVal, member: string, score: number, maxEntries: number, maxValue: number): void {
  if (z.listpack && !z.m.has(member) && (z.m.size + 1 > maxEntries || member.length > maxValue)) z.listpack = false;
  z.set(member, zsetStoredScore(z, score));
}

/**
 * A listpack stores the score as text or an integer entry, and -0 reads back as 0 (observed on
 * 7.0.15: `ZADD z -0 y` then ZSCORE gives "0", while `ZADD z INCR -0 m` replies "-0").
 */
function zsetStoredScore(z: ZsetVal, score: number): number {
  return z.listpack && score === 0 ? 0 : score;
}

function zaddCommand(c: Ctx): RespValue {
  const { core, argv } = c;
  let nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
  let idx = 2;
  for (; idx < argv.length; idx++) {
    const o = lower(arg(c, idx));
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
  const scores: number[] = [];
  for (let j = 0; j < pairs; j++) {
    const s = parseDouble(arg(c, idx + j * 2));
    if (s === undefined) return err(E.notFloat);
    scores.push(s);
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
        z.set(member, zsetStoredScore(z, score));
        updated++;
      }
      processed++;
      lastScore = score;
    } else {
      if (xx) continue;
      zsetAddMember(z, member, score, core.thresholds.zsetMaxListpackEntries, core.thresholds.zsetMaxListpackValue);
      added++;
      processed++;
      lastScore = score;
    }
  }
  core.dirty += added + updated;
  if (incr) return processed ? bulk(formatDouble17g(lastScore)) : NULL_BULK;
  return int(ch ? added + updated : added);
}

/** strtod as zslParseRange uses it: leading space allowed, overflow gives ±inf. */
function strtodLoose(s: string): number | undefined {
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  const v = parseDouble(t);
  if (v !== undefined) return v;
  if (/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(t)) {
    const n = Number(t);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

function parseScoreBound(s: string): { v: number; ex: boolean } | undefined {
  const ex = s.startsWith('(');
  const v = strtodLoose(ex ? s.slice(1) : s);
  return v === undefined ? undefined : { v, ex };
}

type LexBound = { kind: 'min' } | { kind: 'max' } | { kind: 'val'; v: string; ex: boolean };
function parseLexBound(s: string): LexBound | undefined {
  if (s === '+') return { kind: 'max' };
  if (s === '-') return { kind: 'min' };
  if (s.startsWith('(')) return { kind: 'val', v: s.slice(1), ex: true };
  if (s.startsWith('[')) return { kind: 'val', v: s.slice(1), ex: false };
  return undefined;
}

/** t_zset.c zslParseLexRange's result as a LexRange, or 'empty' when min is '+' or max is '-'. */
function toLexRange(min: LexBound, max: LexBound): LexRange | 'empty' {
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
  | { by: 'rank'; start: bigint; end: bigint; rev: boolean }
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
  let ln: ZskiplistNode | undefined;
  let inside: (n: ZskiplistNode) => boolean;
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

/** ZRANGE's arguments after the key (t_zset.c zrangeGenericCommand's option loop), or the error reply. */
function parseZrangeArgs(argv: readonly string[]): { spec: ZrangeSpec; withscores: boolean } | RespValue {
  let withscores = false, rev = false;
  let by: 'rank' | 'score' | 'lex' = 'rank';
  let byGiven = false;
  let offset = 0n, limit = -1n;
  for (let j = 4; j < argv.length; j++) {
    const o = lower(argv[j] ?? '');
    const left = argv.length - j - 1;
    if (o === 'withscores') withscores = true;
    else if (o === 'limit' && left >= 2) {
      const a = string2ll(argv[j + 1] ?? '');
      const b = string2ll(argv[j + 2] ?? '');
      if (a === undefined || b === undefined) return err(E.notInteger);
      offset = a;
      limit = b;
      j += 2;
    } else if (!rev && o === 'rev') rev = true;
    else if (!byGiven && o === 'bylex') { by = 'lex'; byGiven = true; }
    else if (!byGiven && o === 'byscore') { by = 'score'; byGiven = true; }
    else return err(E.syntax);
  }
  if (limit !== -1n && by === 'rank') return err('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  if (withscores && by === 'lex') return err('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  let minArg = argv[2] ?? '', maxArg = argv[3] ?? '';
  if (rev && by !== 'rank') [minArg, maxArg] = [maxArg, minArg];
  if (by === 'rank') {
    const r = rangeIndexes(minArg, maxArg);
    if (r === undefined) return err(E.notInteger);
    return { spec: { by, start: r[0], end: r[1], rev }, withscores };
  }
  if (by === 'score') {
    const lo = parseScoreBound(minArg);
    const hi = parseScoreBound(maxArg);
    if (!lo || !hi) return err('ERR min or max is not a float');
    return { spec: { by, range: { min: lo.v, minex: lo.ex, max: hi.v, maxex: hi.ex }, rev, offset, limit }, withscores };
  }
  const lo = parseLexBound(minArg);
  const hi = parseLexBound(maxArg);
  if (!lo || !hi) return err('ERR min or max not valid string range item');
  return { spec: { by, range: toLexRange(lo, hi), rev, offset, limit }, withscores };
}

function zrangeCommand(c: Ctx): RespValue {
  const parsed = parseZrangeArgs(c.argv);
  if ('type' in parsed) return parsed;
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'zset', EMPTY_ARRAY);
  if (isReply(o)) return o;
  const out: RespValue[] = [];
  for (const [m, s] of zsetRange(o.val, parsed.spec)) {
    out.push(bulk(m));
    if (parsed.withscores) out.push(bulk(formatDouble17g(s)));
  }
  return array(out);
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
  return s === undefined ? NULL_BULK : bulk(formatDouble17g(s));
}

export const ZSET_COMMANDS: readonly CommandSpec[] = [
  cmd('zadd', -4, ['write', 'denyoom', 'fast'], [1, 1, 1], 'sorted_set', zaddCommand),
  cmd('zrange', -4, ['readonly'], [1, 1, 1], 'sorted_set', zrangeCommand),
  cmd('zcard', 2, ['readonly', 'fast'], [1, 1, 1], 'sorted_set', zcardCommand),
  cmd('zscore', 3, ['readonly', 'fast'], [1, 1, 1], 'sorted_set', zscoreCommand),
];
