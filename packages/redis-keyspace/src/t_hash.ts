/**
 * Hash commands (t_hash.c). Registered in the command table through HASH_COMMANDS (HSCAN is in
 * scan-commands.ts with the other SCANs).
 */
import type { RespValue } from '@protolab/resp';
import { OK, NULL_BULK, EMPTY_ARRAY, E, err, int, bulk, array, emptyMap, mapReply, pushPair } from './replies.js';
import { HashVal } from './values.js';
import { LLONG_MAX, LLONG_MIN } from './numbers.js';
import { string2ll } from '@protolab/redis-common';
import { string2ld } from './longdouble.js';
import type { CommandSpec, Ctx, RObj } from './server.js';
import { arg, cmd, isReply, lookupKeyReadOrReply, lookupKeyWriteOrReply, lookupTypedWrite, optName } from './server.js';
import { ldIncr, ldOfString } from './t_string.js';
import { NOTIFY_GENERIC, NOTIFY_HASH, notifyKeyspaceEvent } from './notify.js';

/** t_hash.c hashTypeSet + the listpack → hashtable conversions (value width, entry count). */
export function hashSet(h: HashVal, field: string, value: string, maxEntries: number, maxValue: number): boolean {
  if (h.listpack && (field.length > maxValue || value.length > maxValue)) h.listpack = false;
  const isNew = !h.m.has(field);
  h.m.set(field, value);
  if (h.listpack && h.m.size > maxEntries) h.listpack = false;
  return isNew;
}

/** t_hash.c hashTypeLookupWriteOrCreate: the hash (created empty when missing) or WRONGTYPE. */
function hashLookupWriteOrCreate(c: Ctx, key: string): RObj<HashVal> | RespValue {
  const o = lookupTypedWrite(c, key, 'hash');
  if (o !== undefined) return o;
  const h = new HashVal(true, new Map());
  return { slot: c.client.db.add(key, h), val: h };
}

/** t_hash.c hashTypeTryConversion: any argument longer than hash-max-listpack-value converts first. */
function tryConversion(c: Ctx, h: HashVal, from: number, to: number): void {
  if (!h.listpack) return;
  for (let j = from; j <= to; j++) if (arg(c, j).length > c.core.thresholds.hashMaxListpackValue) h.listpack = false;
}

function hsetCommand(c: Ctx): RespValue {
  const isHmset = optName(arg(c, 0)) === 'hmset';
  if (c.argv.length % 2 === 1) return err(E.arity(isHmset ? 'hmset' : 'hset'));
  const o = hashLookupWriteOrCreate(c, arg(c, 1));
  if (isReply(o)) return o;
  const th = c.core.thresholds;
  tryConversion(c, o.val, 2, c.argv.length - 1);
  let created = 0;
  for (let j = 2; j < c.argv.length; j += 2) if (hashSet(o.val, arg(c, j), arg(c, j + 1), th.hashMaxListpackEntries, th.hashMaxListpackValue)) created++;
  notifyKeyspaceEvent(c.core, NOTIFY_HASH, 'hset', arg(c, 1), c.client.db.id); // t_hash.c hsetCommand
  c.core.dirty += (c.argv.length - 2) / 2;
  return isHmset ? OK : int(created);
}

function hsetnxCommand(c: Ctx): RespValue {
  const o = hashLookupWriteOrCreate(c, arg(c, 1));
  if (isReply(o)) return o;
  tryConversion(c, o.val, 2, 3);
  if (o.val.m.has(arg(c, 2))) return int(0);
  const th = c.core.thresholds;
  hashSet(o.val, arg(c, 2), arg(c, 3), th.hashMaxListpackEntries, th.hashMaxListpackValue);
  notifyKeyspaceEvent(c.core, NOTIFY_HASH, 'hset', arg(c, 1), c.client.db.id); // hsetnxCommand
  c.core.dirty++;
  return int(1);
}

function hgetCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'hash', NULL_BULK);
  if (isReply(o)) return o;
  const f = o.val.m.get(arg(c, 2));
  return f === undefined ? NULL_BULK : bulk(f);
}

function hmgetCommand(c: Ctx): RespValue {
  // A missing key answers a nil per field; a key of another type is WRONGTYPE.
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'hash', NULL_BULK);
  if (isReply(o) && o.type === 'error') return o;
  const m = isReply(o) ? undefined : o.val.m;
  const argv = c.argv;
  const out = new Array<RespValue>(argv.length - 2); // the reply's length is known: no growth
  for (let j = 2; j < argv.length; j++) {
    const v = m?.get(argv[j] ?? '');
    out[j - 2] = v === undefined ? NULL_BULK : bulk(v);
  }
  return array(out);
}

/**
 * t_hash.c genericHgetallCommand: fields, values or both, in the hash's own order. Both (HGETALL)
 * is a map (addReplyMapLen; shared.emptymap for a missing key), HKEYS/HVALS an array.
 */
function hgetallGeneric(c: Ctx, fields: boolean, values: boolean): RespValue {
  const both = fields && values;
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'hash', both ? emptyMap(c) : EMPTY_ARRAY);
  if (isReply(o)) return o;
  const out: RespValue[] = [];
  for (const [f, v] of o.val.m) {
    if (fields) out.push(bulk(f));
    if (values) out.push(bulk(v));
  }
  return both ? mapReply(c, out) : array(out);
}

function hdelCommand(c: Ctx): RespValue {
  const o = lookupKeyWriteOrReply(c, arg(c, 1), 'hash', int(0));
  if (isReply(o)) return o;
  let deleted = 0;
  let keyremoved = false;
  for (let j = 2; j < c.argv.length; j++) {
    if (o.val.m.delete(arg(c, j))) deleted++;
    if (o.val.m.size === 0) {
      c.core.deleteKey(c.client.db, o.slot);
      keyremoved = true;
      break;
    }
  }
  if (deleted > 0) {
    // t_hash.c hdelCommand: "hdel", then "del" when the hash became empty
    notifyKeyspaceEvent(c.core, NOTIFY_HASH, 'hdel', arg(c, 1), c.client.db.id);
    if (keyremoved) notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', arg(c, 1), c.client.db.id);
  }
  c.core.dirty += deleted;
  return int(deleted);
}

function hlenCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'hash', int(0));
  if (isReply(o)) return o;
  return int(o.val.m.size);
}

function hstrlenCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'hash', int(0));
  if (isReply(o)) return o;
  return int(o.val.m.get(arg(c, 2))?.length ?? 0);
}

function hexistsCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'hash', int(0));
  if (isReply(o)) return o;
  return int(o.val.m.has(arg(c, 2)) ? 1 : 0);
}

/** t_hash.c hincrbyCommand. */
function hincrbyCommand(c: Ctx): RespValue {
  const incr = string2ll(arg(c, 3));
  if (incr === undefined) return err(E.notInteger);
  const o = hashLookupWriteOrCreate(c, arg(c, 1));
  if (isReply(o)) return o;
  const field = arg(c, 2);
  const cur = o.val.m.get(field);
  let value = 0n;
  if (cur !== undefined) {
    const v = string2ll(cur);
    if (v === undefined) return err('ERR hash value is not an integer');
    value = v;
  }
  if ((incr < 0n && value < 0n && incr < LLONG_MIN - value) || (incr > 0n && value > 0n && incr > LLONG_MAX - value)) {
    return err(E.overflow);
  }
  value += incr;
  const th = c.core.thresholds;
  hashSet(o.val, field, value.toString(), th.hashMaxListpackEntries, th.hashMaxListpackValue);
  notifyKeyspaceEvent(c.core, NOTIFY_HASH, 'hincrby', arg(c, 1), c.client.db.id); // hincrbyCommand
  c.core.dirty++;
  return int(value);
}

/** t_hash.c hincrbyfloatCommand: long double, propagated as HSET key field value. */
function hincrbyfloatCommand(c: Ctx): RespValue {
  const incr = string2ld(arg(c, 3));
  if (incr === undefined) return err(E.notFloat);
  if (typeof incr === 'string') return err('ERR value is NaN or Infinity');
  const key = arg(c, 1);
  const o = hashLookupWriteOrCreate(c, key);
  if (isReply(o)) return o;
  const field = arg(c, 2);
  const cur = o.val.m.get(field);
  const value = cur === undefined ? ldOfString('0') : ldOfString(cur);
  if (value === undefined) return err('ERR hash value is not a float');
  const sum = ldIncr(value, incr);
  if (typeof sum !== 'string') return err(sum.error);
  const th = c.core.thresholds;
  hashSet(o.val, field, sum, th.hashMaxListpackEntries, th.hashMaxListpackValue);
  notifyKeyspaceEvent(c.core, NOTIFY_HASH, 'hincrbyfloat', key, c.client.db.id); // hincrbyfloatCommand
  c.core.dirty++;
  c.propagateAs = ['HSET', key, field, sum];
  return bulk(sum);
}

/** t_hash.c hrandfieldWithCountCommand (the count form) and hrandfieldCommand. */
function hrandfieldCommand(c: Ctx): RespValue {
  if (c.argv.length >= 3) return hrandfieldWithCount(c);
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'hash', NULL_BULK);
  if (isReply(o)) return o;
  const fields = [...o.val.m.keys()];
  return bulk(fields[c.core.prng.int(0, fields.length)] ?? '');
}

function hrandfieldWithCount(c: Ctx): RespValue {
  const n = string2ll(arg(c, 2));
  if (n === undefined) return err(E.notInteger);
  if (n < -LLONG_MAX) return err('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  let withValues = false;
  if (c.argv.length === 4 && optName(arg(c, 3)) === 'withvalues') withValues = true;
  else if (c.argv.length >= 4) return err(E.syntax);
  // RESP2 replies count·2 elements: a count whose double overflows is refused first.
  if (withValues && (n < -(LLONG_MAX / 2n) || n > LLONG_MAX / 2n)) return err('ERR value is out of range');
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'hash', EMPTY_ARRAY);
  if (isReply(o)) return o;
  const entries = [...o.val.m];
  const out: RespValue[] = [];
  const push = (e: [string, string] | undefined): void => {
    if (e === undefined) return;
    if (withValues) pushPair(c, out, bulk(e[0]), bulk(e[1]));
    else out.push(bulk(e[0]));
  };
  if (n === 0n) return EMPTY_ARRAY;
  if (n < 0n) {
    // CASE 1: repetitions allowed, |count| draws.
    const count = -n;
    if (count > 10_000_000n) return err('ERR value is out of range'); // bounded memory (ours, not Redis's)
    for (let i = 0n; i < count; i++) push(entries[c.core.prng.int(0, entries.length)]);
    return array(out);
  }
  if (n >= BigInt(entries.length)) {
    for (const e of entries) push(e); // CASE 2: the whole hash
    return array(out);
  }
  // CASE 3/4: `count` distinct fields (a partial Fisher–Yates shuffle).
  const k = Number(n);
  for (let i = 0; i < k; i++) {
    const j = c.core.prng.int(i, entries.length);
    const a = entries[i], b = entries[j];
    if (a === undefined || b === undefined) break;
    entries[i] = b;
    entries[j] = a;
    push(b);
  }
  return array(out);
}

const W = ['write', 'denyoom', 'fast'] as const;
const R = ['readonly', 'fast'] as const;
export const HASH_COMMANDS: readonly CommandSpec[] = [
  cmd('hset', -4, W, [1, 1, 1], 'hash', hsetCommand),
  cmd('hmset', -4, W, [1, 1, 1], 'hash', hsetCommand),
  cmd('hsetnx', 4, W, [1, 1, 1], 'hash', hsetnxCommand),
  cmd('hget', 3, R, [1, 1, 1], 'hash', hgetCommand),
  cmd('hmget', -3, R, [1, 1, 1], 'hash', hmgetCommand),
  cmd('hgetall', 2, ['readonly'], [1, 1, 1], 'hash', (c) => hgetallGeneric(c, true, true)),
  cmd('hkeys', 2, ['readonly'], [1, 1, 1], 'hash', (c) => hgetallGeneric(c, true, false)),
  cmd('hvals', 2, ['readonly'], [1, 1, 1], 'hash', (c) => hgetallGeneric(c, false, true)),
  cmd('hdel', -3, ['write', 'fast'], [1, 1, 1], 'hash', hdelCommand),
  cmd('hlen', 2, R, [1, 1, 1], 'hash', hlenCommand),
  cmd('hstrlen', 3, R, [1, 1, 1], 'hash', hstrlenCommand),
  cmd('hexists', 3, R, [1, 1, 1], 'hash', hexistsCommand),
  cmd('hincrby', 4, W, [1, 1, 1], 'hash', hincrbyCommand),
  cmd('hincrbyfloat', 4, W, [1, 1, 1], 'hash', hincrbyfloatCommand),
  cmd('hrandfield', -2, ['readonly'], [1, 1, 1], 'hash', hrandfieldCommand),
];
