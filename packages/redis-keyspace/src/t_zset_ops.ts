/**
 * Sorted-set algebra (t_zset.c zunionInterDiffGenericCommand, zinterCardCommand): ZUNION /
 * ZINTER / ZDIFF with WEIGHTS and AGGREGATE SUM|MIN|MAX, their STORE forms and ZINTERCARD.
 * Plain sets are accepted as inputs, every member with score 1 (as Redis does). A weighted or
 * aggregated score that comes out NaN (inf − inf, 0 × inf) is 0, as in zunionInterAggregate.
 */
import type { RespValue } from '@protolab/resp';
import { E, err, int, bulk, array, dbl, pushPair } from './replies.js';
import { SetVal, ZsetVal } from './values.js';
import { parseDouble } from './numbers.js';
import { string2ll } from '@protolab/redis-common';
import { binCompare } from './bytes.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, lookupKeyRead, optName } from './server.js';
import { storeZset } from './t_zset_range.js';
import { numkeysKeys } from './t_set.js';

type Op = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** One input: member → score (a set's members score 1). */
type Input = ReadonlyMap<string, number>;

const EMPTY: Input = new Map();

function asInput(v: ZsetVal | SetVal): Input {
  if (v instanceof ZsetVal) return v.m;
  const m = new Map<string, number>();
  for (const x of v.m) m.set(x, 1);
  return m;
}

/** zunionInterAggregate */
function aggregate(target: number, val: number, how: Aggregate): number {
  if (how === 'sum') {
    const r = target + val;
    return Number.isNaN(r) ? 0 : r;
  }
  return how === 'min' ? Math.min(target, val) : Math.max(target, val);
}

function weighted(score: number, weight: number): number {
  const r = score * weight;
  return Number.isNaN(r) ? 0 : r;
}

/** The result, ascending by (score, member). */
function compute(op: Op, inputs: readonly Input[], weights: readonly number[], how: Aggregate): [string, number][] {
  const acc = new Map<string, number>();
  const [first, ...rest] = inputs;
  if (first === undefined) return [];
  if (op === 'union') {
    inputs.forEach((inp, i) => {
      for (const [m, s] of inp) {
        const v = weighted(s, weights[i] ?? 1);
        const cur = acc.get(m);
        acc.set(m, cur === undefined ? v : aggregate(cur, v, how));
      }
    });
  } else if (op === 'inter') {
    // iterate the smallest input, as Redis does (it only changes the cost)
    const order = inputs.map((inp, i) => ({ inp, w: weights[i] ?? 1 })).sort((a, b) => a.inp.size - b.inp.size);
    const [small, ...others] = order;
    if (small === undefined || small.inp.size === 0) return [];
    outer: for (const [m, s] of small.inp) {
      let v = weighted(s, small.w);
      for (const o of others) {
        const os = o.inp.get(m);
        if (os === undefined) continue outer;
        v = aggregate(v, weighted(os, o.w), how);
      }
      acc.set(m, v);
    }
  } else {
    for (const [m, s] of first) if (!rest.some((r) => r.has(m))) acc.set(m, s);
  }
  return [...acc].sort((a, b) => a[1] - b[1] || binCompare(a[0], b[0]));
}

interface Parsed {
  inputs: Input[];
  weights: number[];
  how: Aggregate;
  withscores: boolean;
}

/** The numkeys, keys and options of zunionInterDiffGenericCommand, or the error reply. */
function parseArgs(c: Ctx, numkeysIndex: number, op: Op, store: boolean): Parsed | RespValue {
  const name = optName(arg(c, 0));
  const nk = string2ll(arg(c, numkeysIndex));
  if (nk === undefined) return err(E.notInteger);
  if (nk < 1n) return err(`ERR at least 1 input key is needed for '${name}' command`);
  if (nk > BigInt(c.argv.length - (numkeysIndex + 1))) return err(E.syntax);
  const setnum = Number(nk);
  const inputs: Input[] = [];
  for (let j = 0; j < setnum; j++) {
    const o = lookupKeyRead(c, arg(c, numkeysIndex + 1 + j));
    if (o === undefined) inputs.push(EMPTY);
    else if (o.val instanceof ZsetVal || o.val instanceof SetVal) inputs.push(asInput(o.val));
    else return err(E.wrongType);
  }
  const p: Parsed = { inputs, weights: inputs.map(() => 1), how: 'sum', withscores: false };
  for (let j = numkeysIndex + 1 + setnum; j < c.argv.length; j++) {
    const remaining = c.argv.length - j - 1;
    const o = optName(arg(c, j));
    if (op !== 'diff' && remaining >= setnum && o === 'weights') {
      for (let i = 0; i < setnum; i++) {
        const w = parseDouble(arg(c, ++j));
        if (w === undefined) return err('ERR weight value is not a float');
        p.weights[i] = w;
      }
    } else if (op !== 'diff' && remaining >= 1 && o === 'aggregate') {
      const a = optName(arg(c, ++j));
      if (a !== 'sum' && a !== 'min' && a !== 'max') return err(E.syntax);
      p.how = a;
    } else if (remaining >= 0 && !store && o === 'withscores') p.withscores = true;
    else return err(E.syntax);
  }
  return p;
}

function zsetOpCommand(c: Ctx, op: Op, store: boolean): RespValue {
  const p = parseArgs(c, store ? 2 : 1, op, store);
  if ('type' in p) return p;
  const result = compute(op, p.inputs, p.weights, p.how);
  // zunionInterDiffGenericCommand: "zunionstore" / "zinterstore" / "zdiffstore"
  if (store) return storeZset(c, arg(c, 1), result, op === 'union' ? 'zunionstore' : op === 'inter' ? 'zinterstore' : 'zdiffstore');
  const out: RespValue[] = [];
  for (const [m, s] of result) {
    if (p.withscores) pushPair(c, out, bulk(m), dbl(c, s));
    else out.push(bulk(m));
  }
  return array(out);
}

/** t_zset.c zinterCardCommand: ZINTERCARD numkeys key … [LIMIT limit]. */
function zintercardCommand(c: Ctx): RespValue {
  // numkeys as zunionInterDiffGenericCommand reads it (ZINTERCARD shares that code in 7.0)
  const nk = string2ll(arg(c, 1));
  if (nk === undefined) return err(E.notInteger);
  if (nk < 1n) return err("ERR at least 1 input key is needed for 'zintercard' command");
  if (nk > BigInt(c.argv.length - 2)) return err(E.syntax);
  const numkeys = Number(nk);
  // 7.0 reads (and type-checks) the keys before it parses LIMIT
  const inputs: Input[] = [];
  for (let j = 0; j < numkeys; j++) {
    const o = lookupKeyRead(c, arg(c, 2 + j));
    if (o === undefined) inputs.push(EMPTY);
    else if (o.val instanceof ZsetVal || o.val instanceof SetVal) inputs.push(asInput(o.val));
    else return err(E.wrongType);
  }
  let limit = 0n;
  for (let j = 2 + numkeys; j < c.argv.length; j++) {
    if (optName(arg(c, j)) === 'limit' && j + 1 < c.argv.length) {
      const v = string2ll(arg(c, ++j));
      if (v === undefined || v < 0n) return err("ERR LIMIT can't be negative");
      limit = v;
    } else return err(E.syntax);
  }
  const n = compute('inter', inputs, inputs.map(() => 1), 'sum').length;
  return int(limit > 0n && BigInt(n) > limit ? limit : n);
}

/** Keys of `dst numkeys key …`: argv[1] and argv[3 .. 3+numkeys). */
function storeKeys(argv: readonly string[]): number[] {
  return [1, ...numkeysKeys(argv.slice(1)).map((i) => i + 1)];
}

const RO = ['readonly'] as const;
const WD = ['write', 'denyoom'] as const;

export const ZSET_OPS_COMMANDS: readonly CommandSpec[] = [
  cmd('zunion', -3, RO, [0, 0, 0], 'sorted_set', (c) => zsetOpCommand(c, 'union', false), { getKeys: numkeysKeys }),
  cmd('zinter', -3, RO, [0, 0, 0], 'sorted_set', (c) => zsetOpCommand(c, 'inter', false), { getKeys: numkeysKeys }),
  cmd('zdiff', -3, RO, [0, 0, 0], 'sorted_set', (c) => zsetOpCommand(c, 'diff', false), { getKeys: numkeysKeys }),
  cmd('zunionstore', -4, WD, [1, 1, 1], 'sorted_set', (c) => zsetOpCommand(c, 'union', true), { getKeys: storeKeys }),
  cmd('zinterstore', -4, WD, [1, 1, 1], 'sorted_set', (c) => zsetOpCommand(c, 'inter', true), { getKeys: storeKeys }),
  cmd('zdiffstore', -4, WD, [1, 1, 1], 'sorted_set', (c) => zsetOpCommand(c, 'diff', true), { getKeys: storeKeys }),
  cmd('zintercard', -3, RO, [0, 0, 0], 'sorted_set', zintercardCommand, { getKeys: numkeysKeys }),
];
