/**
 * Sorted-set commands (t_zset.c). Registered in the command table through ZSET_COMMANDS (see
 * commands.ts for how a type file plugs in).
 */
import type { RespValue } from '@protolab/resp';
import { NULL_BULK, EMPTY_ARRAY, E, err, int, bulk, array } from './replies.js';
import { ZsetVal } from './values.js';
import { formatDouble17g, normRange, parseDouble, rangeIndexes, string2ll } from './numbers.js';
import { binCompare } from './bytes.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, isReply, lookupKeyReadOrReply, lookupTypedWrite, lower } from './server.js';


/** t_zset.c zsetAdd (listpack → skiplist when a new member makes it too long or too wide). */
export function zsetAddMember(z: ZsetVal, member: string, score: number, maxEntries: number, maxValue: number): void {
  if (z.listpack && !z.m.has(member) && (z.m.size + 1 > maxEntries || member.length > maxValue)) z.listpack = false;
  z.m.set(member, zsetStoredScore(z, score));
  z.touch();
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
    const o = lower(argv[idx]!);
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
    const s = parseDouble(argv[idx + j * 2]!);
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
    let score = scores[j]!;
    const member = argv[idx + 1 + j * 2]!;
    const cur = z.m.get(member);
    if (cur !== undefined) {
      if (nx) continue;
      if (incr) {
        score += cur;
        if (Number.isNaN(score)) return err(E.nan); // cleanup path: no dirty++
      }
      if ((lt && score >= cur) || (gt && score <= cur)) continue;
      if (score !== cur) {
        z.m.set(member, zsetStoredScore(z, score));
        z.touch();
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
function lexGteMin(m: string, b: LexBound): boolean {
  if (b.kind === 'min') return true;
  if (b.kind === 'max') return false;
  const c = binCompare(m, b.v);
  return b.ex ? c > 0 : c >= 0;
}
function lexLteMax(m: string, b: LexBound): boolean {
  if (b.kind === 'max') return true;
  if (b.kind === 'min') return false;
  const c = binCompare(m, b.v);
  return b.ex ? c < 0 : c <= 0;
}

function zrangeCommand(c: Ctx): RespValue {
  const { argv } = c;
  let withscores = false, rev = false;
  let by: 'rank' | 'score' | 'lex' = 'rank';
  let byGiven = false;
  let offset = 0n, limit = -1n;
  for (let j = 4; j < argv.length; j++) {
    const o = lower(argv[j]!);
    const left = argv.length - j - 1;
    if (o === 'withscores') withscores = true;
    else if (o === 'limit' && left >= 2) {
      const a = string2ll(argv[j + 1]!);
      const b = string2ll(argv[j + 2]!);
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
  let minArg = argv[2]!, maxArg = argv[3]!;
  if (rev && by !== 'rank') [minArg, maxArg] = [maxArg, minArg];
  let rankRange: [bigint, bigint] | undefined;
  let scoreMin: { v: number; ex: boolean } | undefined, scoreMax: { v: number; ex: boolean } | undefined;
  let lexMin: LexBound | undefined, lexMax: LexBound | undefined;
  if (by === 'rank') {
    const r = rangeIndexes(minArg, maxArg);
    if (r === undefined) return err(E.notInteger);
    rankRange = r;
  } else if (by === 'score') {
    scoreMin = parseScoreBound(minArg);
    scoreMax = parseScoreBound(maxArg);
    if (!scoreMin || !scoreMax) return err('ERR min or max is not a float');
  } else {
    lexMin = parseLexBound(minArg);
    lexMax = parseLexBound(maxArg);
    if (!lexMin || !lexMax) return err('ERR min or max not valid string range item');
  }
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'zset', EMPTY_ARRAY);
  if (isReply(o)) return o;
  const sorted = o.val.sorted();
  let picked: [string, number][];
  if (rankRange) {
    const range = normRange(rankRange[0], rankRange[1], sorted.length);
    if (!range) return EMPTY_ARRAY;
    const n = sorted.length;
    picked = [];
    for (let i = range[0]; i <= range[1]; i++) picked.push(rev ? sorted[n - 1 - i]! : sorted[i]!);
  } else {
    if (offset > 0n && offset >= BigInt(sorted.length)) return EMPTY_ARRAY;
    if (offset < 0n) return EMPTY_ARRAY;
    const order = rev ? sorted.slice().reverse() : sorted;
    const inRange = (m: string, s: number): [boolean, boolean] => {
      if (scoreMin && scoreMax) {
        const geMin = scoreMin.ex ? s > scoreMin.v : s >= scoreMin.v;
        const leMax = scoreMax.ex ? s < scoreMax.v : s <= scoreMax.v;
        return [geMin, leMax];
      }
      return [lexGteMin(m, lexMin!), lexLteMax(m, lexMax!)];
    };
    picked = [];
    let i = 0;
    // Find the first element inside the range (from the low end, or the high end with REV).
    for (; i < order.length; i++) {
      const [ge, le] = inRange(order[i]![0], order[i]![1]);
      if (rev ? le : ge) break;
    }
    let skip = offset;
    let left = limit;
    for (; i < order.length && left !== 0n; i++) {
      const [ge, le] = inRange(order[i]![0], order[i]![1]);
      if (!(rev ? ge : le)) break;
      if (!(ge && le)) continue;
      if (skip > 0n) { skip--; continue; }
      picked.push(order[i]!);
      if (left > 0n) left--;
    }
  }
  const out: RespValue[] = [];
  for (const [m, s] of picked) {
    out.push(bulk(m));
    if (withscores) out.push(bulk(formatDouble17g(s)));
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
