/**
 * Hash commands (t_hash.c). Registered in the command table through HASH_COMMANDS.
 */
import type { RespValue } from '@protolab/resp';
import { OK, NULL_BULK, EMPTY_ARRAY, E, err, int, bulk, array } from './replies.js';
import { HashVal } from './values.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, lower } from './server.js';

/** t_hash.c hashTypeSet + the listpack → hashtable conversions (value width, entry count). */
export function hashSet(h: HashVal, field: string, value: string, maxEntries: number, maxValue: number): boolean {
  if (h.listpack && (field.length > maxValue || value.length > maxValue)) h.listpack = false;
  const isNew = !h.m.has(field);
  h.m.set(field, value);
  if (h.listpack && h.m.size > maxEntries) h.listpack = false;
  return isNew;
}

function hsetCommand(c: Ctx): RespValue {
  const { argv } = c;
  if (argv.length % 2 === 1) return err(E.arity(lower(arg(c, 0)) === 'hmset' ? 'hmset' : 'hset'));
  const db = c.client.db;
  const key = arg(c, 1);
  const slot = c.core.lookup(db, key);
  let h: HashVal;
  if (slot < 0) {
    h = new HashVal(true, new Map());
    db.add(key, h);
  } else {
    const v = db.valOf[slot]!;
    if (!(v instanceof HashVal)) return err(E.wrongType);
    h = v;
  }
  const th = c.core.thresholds;
  // hashTypeTryConversion: any argument longer than hash-max-listpack-value converts first.
  if (h.listpack) for (let j = 2; j < argv.length; j++) if (arg(c, j).length > th.hashMaxListpackValue) h.listpack = false;
  let created = 0;
  for (let j = 2; j < argv.length; j += 2) if (hashSet(h, arg(c, j), arg(c, j + 1), th.hashMaxListpackEntries, th.hashMaxListpackValue)) created++;
  c.core.dirty += (argv.length - 2) / 2;
  return lower(arg(c, 0)) === 'hmset' ? OK : int(created);
}

function hgetCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, arg(c, 1));
  if (slot < 0) return NULL_BULK;
  const v = db.valOf[slot]!;
  if (!(v instanceof HashVal)) return err(E.wrongType);
  const f = v.m.get(arg(c, 2));
  return f === undefined ? NULL_BULK : bulk(f);
}

function hgetallCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, arg(c, 1));
  if (slot < 0) return EMPTY_ARRAY;
  const v = db.valOf[slot]!;
  if (!(v instanceof HashVal)) return err(E.wrongType);
  const out: RespValue[] = [];
  for (const [f, val] of v.m) out.push(bulk(f), bulk(val));
  return array(out);
}

function hdelCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, arg(c, 1));
  if (slot < 0) return int(0);
  const v = db.valOf[slot]!;
  if (!(v instanceof HashVal)) return err(E.wrongType);
  let deleted = 0;
  for (let j = 2; j < c.argv.length; j++) {
    if (v.m.delete(arg(c, j))) deleted++;
    if (v.m.size === 0) {
      c.core.deleteKey(db, slot);
      break;
    }
  }
  c.core.dirty += deleted;
  return int(deleted);
}

function hlenCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, arg(c, 1));
  if (slot < 0) return int(0);
  const v = db.valOf[slot]!;
  if (!(v instanceof HashVal)) return err(E.wrongType);
  return int(v.m.size);
}

export const HASH_COMMANDS: readonly CommandSpec[] = [
  cmd('hset', -4, ['write', 'denyoom', 'fast'], [1, 1, 1], 'hash', hsetCommand),
  cmd('hmset', -4, ['write', 'denyoom', 'fast'], [1, 1, 1], 'hash', hsetCommand),
  cmd('hget', 3, ['readonly', 'fast'], [1, 1, 1], 'hash', hgetCommand),
  cmd('hgetall', 2, ['readonly'], [1, 1, 1], 'hash', hgetallCommand),
  cmd('hdel', -3, ['write', 'fast'], [1, 1, 1], 'hash', hdelCommand),
  cmd('hlen', 2, ['readonly', 'fast'], [1, 1, 1], 'hash', hlenCommand),
];
