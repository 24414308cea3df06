/**
 * Set commands (t_set.c). Registered in the command table through SET_COMMANDS (see commands.ts
 * for how a type file plugs in).
 */
import type { RespValue } from '@protolab/resp';
import { EMPTY_ARRAY, int, bulk, array } from './replies.js';
import { SetVal, intsetable, intsetOrder } from './values.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, isReply, lookupKeyReadOrReply, lookupKeyWriteOrReply, lookupTypedWrite } from './server.js';

/** t_set.c setTypeAdd with the intset → hashtable conversions. */
export function setAdd(s: SetVal, member: string, maxIntset: number): boolean {
  if (s.m.has(member)) return false;
  if (s.intset && !intsetable(member)) s.intset = false;
  s.m.add(member);
  if (s.intset && s.m.size > maxIntset) s.intset = false;
  return true;
}

function saddCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const key = arg(c, 1);
  const o = lookupTypedWrite(c, key, 'set');
  if (o !== undefined && isReply(o)) return o;
  let set: SetVal;
  if (o === undefined) {
    set = new SetVal(intsetable(arg(c, 2)), new Set()); // setTypeCreate looks at the first member
    db.add(key, set);
  } else set = o.val;
  let added = 0;
  for (let j = 2; j < c.argv.length; j++) if (setAdd(set, arg(c, j), c.core.thresholds.setMaxIntsetEntries)) added++;
  c.core.dirty += added;
  return int(added);
}

function sremCommand(c: Ctx): RespValue {
  const o = lookupKeyWriteOrReply(c, arg(c, 1), 'set', int(0));
  if (isReply(o)) return o;
  let removed = 0;
  for (let j = 2; j < c.argv.length; j++) {
    if (o.val.m.delete(arg(c, j))) removed++;
    if (o.val.m.size === 0) {
      c.core.deleteKey(c.client.db, o.slot);
      break;
    }
  }
  c.core.dirty += removed;
  return int(removed);
}

function smembersCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'set', EMPTY_ARRAY);
  if (isReply(o)) return o;
  const members = o.val.intset ? intsetOrder(o.val.m) : [...o.val.m];
  return array(members.map(bulk));
}

function scardCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'set', int(0));
  if (isReply(o)) return o;
  return int(o.val.m.size);
}

function sismemberCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'set', int(0));
  if (isReply(o)) return o;
  return int(o.val.m.has(arg(c, 2)) ? 1 : 0);
}

export const SET_COMMANDS: readonly CommandSpec[] = [
  cmd('sadd', -3, ['write', 'denyoom', 'fast'], [1, 1, 1], 'set', saddCommand),
  cmd('srem', -3, ['write', 'fast'], [1, 1, 1], 'set', sremCommand),
  cmd('smembers', 2, ['readonly'], [1, 1, 1], 'set', smembersCommand),
  cmd('scard', 2, ['readonly', 'fast'], [1, 1, 1], 'set', scardCommand),
  cmd('sismember', 3, ['readonly', 'fast'], [1, 1, 1], 'set', sismemberCommand),
];
