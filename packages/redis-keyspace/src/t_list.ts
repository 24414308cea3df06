/**
 * List commands (t_list.c). Registered in the command table through LIST_COMMANDS (see
 * commands.ts for how a type file plugs in).
 */
import type { RespValue } from '@protolab/resp';
import { EMPTY_ARRAY, E, err, int, bulk, array } from './replies.js';
import { ListVal } from './values.js';
import { normRange, rangeIndexes } from './numbers.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, isReply, lookupKeyReadOrReply, lookupTypedWrite } from './server.js';

function pushGeneric(c: Ctx, head: boolean): RespValue {
  const db = c.client.db;
  const key = arg(c, 1);
  const o = lookupTypedWrite(c, key, 'list');
  if (o !== undefined && isReply(o)) return o;
  let list: ListVal;
  if (o === undefined) {
    list = new ListVal([]);
    db.add(key, list);
  } else list = o.val;
  for (let j = 2; j < c.argv.length; j++) {
    if (head) list.ql.pushHead(arg(c, j));
    else list.ql.pushTail(arg(c, j));
  }
  c.core.dirty += c.argv.length - 2;
  return int(list.length);
}

function lrangeCommand(c: Ctx): RespValue {
  const r = rangeIndexes(arg(c, 2), arg(c, 3));
  if (r === undefined) return err(E.notInteger);
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'list', EMPTY_ARRAY);
  if (isReply(o)) return o;
  const range = normRange(r[0], r[1], o.val.length);
  if (!range) return EMPTY_ARRAY;
  return array(o.val.ql.range(range[0], range[1]).map(bulk));
}

function llenCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'list', int(0));
  if (isReply(o)) return o;
  return int(o.val.length);
}

export const LIST_COMMANDS: readonly CommandSpec[] = [
  cmd('rpush', -3, ['write', 'denyoom', 'fast'], [1, 1, 1], 'list', (c) => pushGeneric(c, false)),
  cmd('lpush', -3, ['write', 'denyoom', 'fast'], [1, 1, 1], 'list', (c) => pushGeneric(c, true)),
  cmd('lrange', 4, ['readonly'], [1, 1, 1], 'list', lrangeCommand),
  cmd('llen', 2, ['readonly', 'fast'], [1, 1, 1], 'list', llenCommand),
];
