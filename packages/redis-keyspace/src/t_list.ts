/**
 * List commands (t_list.c), on the quicklist (quicklist.ts). Registered in the command table
 * through LIST_COMMANDS (see commands.ts for how a type file plugs in). Blocking variants
 * (BLPOP, BLMOVE, …) belong to a server with clients and are not here.
 *
 * Propagation (Redis 7.0): every write here propagates as received except LMPOP, which
 * t_list.c rewrites to `LPOP|RPOP key count` with count capped at the list's length
 * (rewriteClientCommandVector). server.dirty grows by the elements added or removed.
 */
import type { RespValue } from '@protolab/resp';
import { EMPTY_ARRAY, NULL_BULK, E, OK, err, int, bulk, array } from './replies.js';
import { ListVal } from './values.js';
import { normRange, rangeIndexes, string2number } from './numbers.js';
import { string2ll } from '@protolab/redis-common';
import type { CommandSpec, Ctx, RObj } from './server.js';
import { arg, cmd, isReply, lookupKeyReadOrReply, lookupKeyWriteOrReply, lookupTypedWrite, lower, valAt } from './server.js';
import { NOTIFY_GENERIC, NOTIFY_LIST, notifyKeyspaceEvent } from './notify.js';
import { lposCommand } from './t_list_lpos.js';

const NULL_ARRAY: RespValue = { type: 'null', resp2: 'array' };
const LONG_MAX = 9223372036854775807n;

type Where = 'head' | 'tail';

/** object.c getPositiveLongFromObjectOrReply with t_list.c's message (any failure gives it). */
function positiveCount(s: string): bigint | undefined {
  const v = string2ll(s);
  return v === undefined || v < 0n ? undefined : v;
}

function push(l: ListVal, where: Where, s: string): void {
  if (where === 'head') l.ql.pushHead(s);
  else l.ql.pushTail(s);
}

function pop(l: ListVal, where: Where): string | undefined {
  return where === 'head' ? l.ql.popHead() : l.ql.popTail();
}

/**
 * t_list.c listElementsRemoved: "lpop"/"rpop", then delete the key ("del") when the list became
 * empty; dirty += count.
 */
function listElementsRemoved(c: Ctx, key: string, where: Where, o: RObj<ListVal>, count: number): void {
  const db = c.client.db;
  notifyKeyspaceEvent(c.core, NOTIFY_LIST, where === 'head' ? 'lpop' : 'rpop', key, db.id);
  if (o.val.length === 0) {
    c.core.deleteKey(db, o.slot);
    notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', key, db.id);
  }
  c.core.dirty += count;
}

/** t_list.c pushGenericCommand (LPUSH/RPUSH) and, with `xx`, pushxGenericCommand (LPUSHX/RPUSHX). */
function pushGeneric(c: Ctx, where: Where, xx: boolean): RespValue {
  const db = c.client.db;
  const key = arg(c, 1);
  const o = lookupTypedWrite(c, key, 'list');
  if (o !== undefined && isReply(o)) return o;
  let list: ListVal;
  if (o === undefined) {
    if (xx) return int(0);
    list = new ListVal([], c.core.thresholds.listMaxListpackSize); // createQuicklistObject: the current fill
    db.add(key, list);
  } else list = o.val;
  for (let j = 2; j < c.argv.length; j++) push(list, where, arg(c, j));
  notifyKeyspaceEvent(c.core, NOTIFY_LIST, where === 'head' ? 'lpush' : 'rpush', key, db.id); // pushGenericCommand
  c.core.dirty += c.argv.length - 2;
  return int(list.length);
}

/** The elements that popping `count` from `where` returns, in pop order (addListRangeReply). */
function popRange(l: ListVal, where: Where, count: number): RespValue[] {
  const out: RespValue[] = [];
  for (let i = 0; i < count; i++) {
    const s = pop(l, where);
    if (s === undefined) break;
    out.push(bulk(s));
  }
  return out;
}

/** t_list.c popGenericCommand (LPOP/RPOP key [count]). */
function popGeneric(c: Ctx, where: Where): RespValue {
  if (c.argv.length > 3) return err(E.arity(lower(arg(c, 0))));
  const hascount = c.argv.length === 3;
  let count = 0n;
  if (hascount) {
    const v = positiveCount(arg(c, 2));
    if (v === undefined) return err('ERR value is out of range, must be positive');
    count = v;
  }
  const o = lookupKeyWriteOrReply(c, arg(c, 1), 'list', hascount ? NULL_ARRAY : NULL_BULK);
  if (isReply(o)) return o;
  if (hascount && count === 0n) return EMPTY_ARRAY;
  if (!hascount) {
    const s = pop(o.val, where) ?? '';
    listElementsRemoved(c, arg(c, 1), where, o, 1);
    return bulk(s);
  }
  const n = Math.min(o.val.length, Number(count > LONG_MAX ? LONG_MAX : count));
  const out = popRange(o.val, where, n);
  listElementsRemoved(c, arg(c, 1), where, o, n);
  return array(out);
}

/**
 * t_list.c lrangeCommand: the indexes parsed first (an error before the lookup), then
 * lookupKeyReadOrReply + checkType. The common case (both indexes below 2^53) allocates only the
 * reply: no index pair, no RObj, no normalised pair (lrangeRange for the rest).
 */
function lrangeCommand(c: Ctx): RespValue {
  const a = arg(c, 2), b = arg(c, 3);
  const s = string2number(a);
  const e = s === undefined ? undefined : string2number(b);
  if (s === undefined || e === undefined) return lrangeRange(c, a, b);
  const db = c.client.db;
  const slot = c.core.lookupRead(db, arg(c, 1));
  if (slot < 0) return EMPTY_ARRAY;
  const v = valAt(db, slot);
  if (!(v instanceof ListVal)) return err(E.wrongType);
  // normRange, inline: |s|, |e| < 2^53 and the length < 2^32, exact in numbers
  const len = v.length;
  let start = s < 0 ? len + s : s;
  let end = e < 0 ? len + e : e;
  if (start < 0) start = 0;
  if (start > end || start >= len) return EMPTY_ARRAY;
  if (end >= len) end = len - 1;
  return array(v.ql.rangeMap(start, end, bulk));
}

/** lrangeCommand with an index beyond 2^53 (or not an integer): the general path. */
function lrangeRange(c: Ctx, a: string, b: string): RespValue {
  const r = rangeIndexes(a, b);
  if (r === undefined) return err(E.notInteger);
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'list', EMPTY_ARRAY);
  if (isReply(o)) return o;
  const range = normRange(r[0], r[1], o.val.length);
  if (!range) return EMPTY_ARRAY;
  return array(o.val.ql.rangeMap(range[0], range[1], bulk));
}

function llenCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'list', int(0));
  if (isReply(o)) return o;
  return int(o.val.length);
}

/** A list index as LINDEX/LSET read it (getLongFromObjectOrReply), as a JS number. */
function listIndex(s: string): number | undefined {
  const v = string2ll(s);
  if (v === undefined) return undefined;
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (v < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(v);
}

function lindexCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'list', NULL_BULK);
  if (isReply(o)) return o;
  const i = listIndex(arg(c, 2));
  if (i === undefined) return err(E.notInteger);
  const s = o.val.ql.index(i);
  return s === undefined ? NULL_BULK : bulk(s);
}

function lsetCommand(c: Ctx): RespValue {
  const o = lookupKeyWriteOrReply(c, arg(c, 1), 'list', err('ERR no such key'));
  if (isReply(o)) return o;
  const i = listIndex(arg(c, 2));
  if (i === undefined) return err(E.notInteger);
  if (!o.val.ql.set(i, arg(c, 3))) return err('ERR index out of range');
  notifyKeyspaceEvent(c.core, NOTIFY_LIST, 'lset', arg(c, 1), c.client.db.id); // lsetCommand
  c.core.dirty++;
  return OK;
}

/** t_list.c ltrimCommand. */
function ltrimCommand(c: Ctx): RespValue {
  const r = rangeIndexes(arg(c, 2), arg(c, 3));
  if (r === undefined) return err(E.notInteger);
  const o = lookupKeyWriteOrReply(c, arg(c, 1), 'list', OK);
  if (isReply(o)) return o;
  const llen = o.val.length;
  const range = normRange(r[0], r[1], llen);
  // out of range, or start > end: the list is emptied (ltrim = llen)
  const ltrim = range ? range[0] : llen;
  const rtrim = range ? llen - range[1] - 1 : 0;
  o.val.ql.delRange(0, ltrim);
  o.val.ql.delRange(o.val.length - rtrim, rtrim);
  notifyKeyspaceEvent(c.core, NOTIFY_LIST, 'ltrim', arg(c, 1), c.client.db.id); // ltrimCommand, then "del" if emptied
  if (o.val.length === 0) {
    c.core.deleteKey(c.client.db, o.slot);
    notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', arg(c, 1), c.client.db.id);
  }
  c.core.dirty += ltrim + rtrim;
  return OK;
}

/** t_list.c lremCommand: count > 0 from the head, < 0 from the tail, 0 all. */
function lremCommand(c: Ctx): RespValue {
  const n = string2ll(arg(c, 2));
  if (n === undefined) return err(E.notInteger);
  const o = lookupKeyWriteOrReply(c, arg(c, 1), 'list', int(0));
  if (isReply(o)) return o;
  const abs = n < 0n ? -n : n;
  const limit = abs > BigInt(o.val.length) ? o.val.length : Number(abs);
  const removed = o.val.ql.removeEqual(arg(c, 3), n === 0n ? 0 : limit, n < 0n);
  if (removed > 0) {
    notifyKeyspaceEvent(c.core, NOTIFY_LIST, 'lrem', arg(c, 1), c.client.db.id); // lremCommand, then "del" if emptied
    if (o.val.length === 0) {
      c.core.deleteKey(c.client.db, o.slot);
      notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', arg(c, 1), c.client.db.id);
    }
    c.core.dirty += removed;
  }
  return int(removed);
}

/** t_list.c linsertCommand. */
function linsertCommand(c: Ctx): RespValue {
  const w = lower(arg(c, 2));
  if (w !== 'after' && w !== 'before') return err(E.syntax);
  const o = lookupKeyWriteOrReply(c, arg(c, 1), 'list', int(0));
  if (isReply(o)) return o;
  const pivot = arg(c, 3);
  let i = 0;
  for (const s of o.val.ql.values()) {
    if (s === pivot) {
      o.val.ql.insertAt(i, w === 'after', arg(c, 4));
      notifyKeyspaceEvent(c.core, NOTIFY_LIST, 'linsert', arg(c, 1), c.client.db.id); // linsertCommand
      c.core.dirty++;
      return int(o.val.length);
    }
    i++;
  }
  return int(-1);
}

function parseWhere(s: string): Where | undefined {
  const w = lower(s);
  return w === 'left' ? 'head' : w === 'right' ? 'tail' : undefined;
}

/** t_list.c lmoveGenericCommand (LMOVE, RPOPLPUSH): pop, push (creating the destination), then drop an emptied source. */
function lmoveGeneric(c: Ctx, from: Where, to: Where): RespValue {
  const db = c.client.db;
  const src = lookupKeyWriteOrReply(c, arg(c, 1), 'list', NULL_BULK);
  if (isReply(src)) return src;
  const dkey = arg(c, 2);
  const dst = lookupTypedWrite(c, dkey, 'list');
  if (dst !== undefined && isReply(dst)) return dst;
  const value = pop(src.val, from) ?? '';
  let target: ListVal;
  if (dst === undefined) {
    target = new ListVal([], c.core.thresholds.listMaxListpackSize); // lmoveHandlePush: createQuicklistObject
    db.add(dkey, target);
  } else target = dst.val; // the same list when source and destination are one key
  push(target, to, value);
  // lmoveHandlePush's "lpush"/"rpush" on the destination, then the source's pop and "del"
  notifyKeyspaceEvent(c.core, NOTIFY_LIST, to === 'head' ? 'lpush' : 'rpush', dkey, db.id);
  notifyKeyspaceEvent(c.core, NOTIFY_LIST, from === 'head' ? 'lpop' : 'rpop', arg(c, 1), db.id);
  if (src.val.length === 0) {
    c.core.deleteKey(db, src.slot);
    notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', arg(c, 1), db.id);
  }
  c.core.dirty++;
  return bulk(value);
}

function lmoveCommand(c: Ctx): RespValue {
  const from = parseWhere(arg(c, 3));
  const to = parseWhere(arg(c, 4));
  if (from === undefined || to === undefined) return err(E.syntax);
  return lmoveGeneric(c, from, to);
}

/** t_list.c lmpopGenericCommand / mpopGenericCommand (LMPOP numkeys key… LEFT|RIGHT [COUNT n]). */
function lmpopCommand(c: Ctx): RespValue {
  const nk = string2ll(arg(c, 1));
  if (nk === undefined || nk <= 0n) return err('ERR numkeys should be greater than 0');
  const numkeys = Number(nk > 1_000_000_000n ? 1_000_000_000n : nk);
  const whereIdx = 2 + numkeys;
  if (whereIdx >= c.argv.length) return err(E.syntax);
  const where = parseWhere(arg(c, whereIdx));
  if (where === undefined) return err(E.syntax);
  let count = -1n;
  for (let j = whereIdx + 1; j < c.argv.length; j++) {
    if (lower(arg(c, j)) === 'count' && count === -1n && j + 1 < c.argv.length) {
      const v = string2ll(arg(c, ++j));
      if (v === undefined || v <= 0n) return err('ERR count should be greater than 0');
      count = v;
    } else return err(E.syntax);
  }
  if (count === -1n) count = 1n;
  for (let k = 2; k < whereIdx; k++) {
    const key = arg(c, k);
    const o = lookupKeyWriteOrReply(c, key, 'list', NULL_BULK);
    if (isReply(o)) {
      if (o.type === 'null') continue;
      return o;
    }
    const n = Math.min(o.val.length, Number(count > LONG_MAX ? LONG_MAX : count));
    const out = popRange(o.val, where, n);
    listElementsRemoved(c, key, where, o, n);
    c.propagateAs = [where === 'head' ? 'LPOP' : 'RPOP', key, String(n)];
    return array([bulk(key), array(out)]);
  }
  return NULL_ARRAY;
}

const W = ['write', 'denyoom', 'fast'] as const;

export const LIST_COMMANDS: readonly CommandSpec[] = [
  cmd('rpush', -3, W, [1, 1, 1], 'list', (c) => pushGeneric(c, 'tail', false)),
  cmd('lpush', -3, W, [1, 1, 1], 'list', (c) => pushGeneric(c, 'head', false)),
  cmd('rpushx', -3, W, [1, 1, 1], 'list', (c) => pushGeneric(c, 'tail', true)),
  cmd('lpushx', -3, W, [1, 1, 1], 'list', (c) => pushGeneric(c, 'head', true)),
  cmd('lpop', -2, ['write', 'fast'], [1, 1, 1], 'list', (c) => popGeneric(c, 'head')),
  cmd('rpop', -2, ['write', 'fast'], [1, 1, 1], 'list', (c) => popGeneric(c, 'tail')),
  cmd('lrange', 4, ['readonly'], [1, 1, 1], 'list', lrangeCommand),
  cmd('llen', 2, ['readonly', 'fast'], [1, 1, 1], 'list', llenCommand),
  cmd('lindex', 3, ['readonly'], [1, 1, 1], 'list', lindexCommand),
  cmd('lset', 4, ['write', 'denyoom'], [1, 1, 1], 'list', lsetCommand),
  cmd('ltrim', 4, ['write'], [1, 1, 1], 'list', ltrimCommand),
  cmd('lrem', 4, ['write'], [1, 1, 1], 'list', lremCommand),
  cmd('linsert', 5, ['write', 'denyoom'], [1, 1, 1], 'list', linsertCommand),
  cmd('lpos', -3, ['readonly'], [1, 1, 1], 'list', lposCommand),
  cmd('lmove', 5, ['write', 'denyoom'], [1, 2, 1], 'list', lmoveCommand),
  cmd('rpoplpush', 3, ['write', 'denyoom'], [1, 2, 1], 'list', (c) => lmoveGeneric(c, 'tail', 'head')),
  cmd('lmpop', -4, ['write'], [0, 0, 0], 'list', lmpopCommand, { getKeys: lmpopKeys }),
];

/** LMPOP's keys: argv[2 .. 2+numkeys) (its key-spec is keynum-based). */
function lmpopKeys(argv: readonly string[]): number[] {
  const nk = string2ll(argv[1] ?? '');
  if (nk === undefined || nk <= 0n) return [];
  const n = Math.min(Number(nk), argv.length - 2);
  return Array.from({ length: n }, (_, i) => i + 2);
}
