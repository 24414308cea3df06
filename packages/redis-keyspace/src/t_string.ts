/**
 * String commands (t_string.c). Registered in the command table through STRING_COMMANDS (see
 * commands.ts for how a type file plugs in).
 */
import type { RespValue } from '@protolab/resp';
import { LLONG_MAX, LLONG_MIN, string2ll } from './numbers.js';
import { OK, NULL_BULK, E, err, int, bulk } from './replies.js';
import type { Val } from './values.js';
import { RawStr, strOf } from './values.js';
import type { KeyspaceCore } from './core.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, isReply, lookupKeyReadOrReply, lower } from './server.js';

function isStr(v: Val): v is string | RawStr {
  return typeof v === 'string' || v instanceof RawStr;
}

export const enum SetFlag {
  NX = 1, XX = 2, GET = 4, KEEPTTL = 8, PERSIST = 16, EX = 32, PX = 64, EXAT = 128, PXAT = 256,
}
const EXPIRE_FLAGS = SetFlag.EX | SetFlag.PX | SetFlag.EXAT | SetFlag.PXAT;

/** t_string.c parseExtendedStringArgumentsOrReply. Returns flags + expire arg, or an error reply. */
function parseSetArgs(argv: string[], isSet: boolean): { flags: number; expire: string | undefined } | RespValue {
  let flags = 0;
  let expire: string | undefined;
  for (let j = isSet ? 3 : 2; j < argv.length; j++) {
    const opt = lower(argv[j] ?? '');
    const next = j === argv.length - 1 ? undefined : argv[j + 1];
    if (opt === 'nx' && !(flags & SetFlag.XX) && isSet) flags |= SetFlag.NX;
    else if (opt === 'xx' && !(flags & SetFlag.NX) && isSet) flags |= SetFlag.XX;
    else if (opt === 'get' && isSet) flags |= SetFlag.GET;
    else if (opt === 'keepttl' && !(flags & SetFlag.PERSIST) && !(flags & EXPIRE_FLAGS) && isSet) flags |= SetFlag.KEEPTTL;
    else if (opt === 'persist' && !isSet && !(flags & EXPIRE_FLAGS) && !(flags & SetFlag.KEEPTTL)) flags |= SetFlag.PERSIST;
    else if (next !== undefined && (opt === 'ex' || opt === 'px' || opt === 'exat' || opt === 'pxat')) {
      const f = opt === 'ex' ? SetFlag.EX : opt === 'px' ? SetFlag.PX : opt === 'exat' ? SetFlag.EXAT : SetFlag.PXAT;
      if (flags & (SetFlag.KEEPTTL | SetFlag.PERSIST) || flags & (EXPIRE_FLAGS & ~f)) return err(E.syntax);
      flags |= f;
      expire = next;
      j++;
    } else return err(E.syntax);
  }
  return { flags, expire };
}

/**
 * t_string.c getExpireMillisecondsOrReply: the absolute deadline in ms, or an error reply.
 * Non-integer → not-an-integer; ≤ 0, seconds above LLONG_MAX/1000, or overflow after adding
 * now → "invalid expire time in '<cmd>' command".
 */
export function expireMillis(core: KeyspaceCore, arg: string, flags: number, cmd: string): bigint | RespValue {
  const v = string2ll(arg);
  if (v === undefined) return err(E.notInteger);
  const seconds = (flags & (SetFlag.EX | SetFlag.EXAT)) !== 0;
  if (v <= 0n || (seconds && v > LLONG_MAX / 1000n)) return err(E.expireTime(cmd));
  let ms = seconds ? v * 1000n : v;
  if (flags & (SetFlag.EX | SetFlag.PX)) ms += BigInt(core.cmdNow);
  if (ms > LLONG_MAX || ms <= 0n) return err(E.expireTime(cmd)); // C overflow wraps negative
  return ms;
}

function getGeneric(c: Ctx, key: string): RespValue {
  const o = lookupKeyReadOrReply(c, key, 'string', NULL_BULK);
  if (isReply(o)) return o;
  return bulk(strOf(o.val));
}

function setCommand(c: Ctx): RespValue {
  const { core, argv } = c;
  const db = c.client.db;
  const parsed = parseSetArgs(argv, true);
  if ('type' in parsed) return parsed;
  const { flags, expire } = parsed;
  let when: bigint | undefined;
  if (expire !== undefined) {
    const ms = expireMillis(core, expire, flags, 'set');
    if (typeof ms !== 'bigint') return ms;
    when = ms;
  }
  const key = arg(c, 1);
  const val = arg(c, 2);
  let getReply: RespValue | undefined;
  if (flags & SetFlag.GET) {
    getReply = getGeneric(c, key);
    if (getReply.type === 'error') return getReply;
  }
  const found = core.lookup(db, key) >= 0;
  if ((flags & SetFlag.NX && found) || (flags & SetFlag.XX && !found)) {
    return getReply ?? NULL_BULK;
  }
  const slot = core.setKey(db, key, val, (flags & SetFlag.KEEPTTL) !== 0 || when !== undefined);
  core.dirty++;
  if (when !== undefined) {
    db.setExpire(slot, when);
    c.propagateAs = ['SET', key, val, 'PXAT', when.toString()];
  } else if (flags & SetFlag.GET) {
    // Propagate without the GET argument(s).
    c.propagateAs = argv.filter((a, j) => j < 3 || lower(a) !== 'get');
  }
  return getReply ?? OK;
}

function setexGeneric(c: Ctx, unitFlag: SetFlag, name: string): RespValue {
  const { core } = c;
  const ms = expireMillis(core, arg(c, 2), unitFlag, name);
  if (typeof ms !== 'bigint') return ms;
  const key = arg(c, 1);
  const val = arg(c, 3);
  core.lookup(c.client.db, key); // lookupKeyWrite inside setKey: lazily expires first
  const slot = core.setKey(c.client.db, key, val, true);
  core.dirty++;
  c.client.db.setExpire(slot, ms);
  c.propagateAs = ['SET', key, val, 'PXAT', ms.toString()];
  return OK;
}

/** expire.c checkAlreadyExpired (master, not loading). */
export function alreadyExpired(core: KeyspaceCore, when: bigint): boolean {
  return !core.loading && when <= BigInt(core.cmdNow);
}

function getexCommand(c: Ctx): RespValue {
  const { core, argv } = c;
  const db = c.client.db;
  const parsed = parseSetArgs(argv, false);
  if ('type' in parsed) return parsed;
  const { flags, expire } = parsed;
  // t_string.c getexCommand: lookup and type check come before the expire time is validated.
  const key = arg(c, 1);
  const slot = core.lookup(db, key);
  if (slot < 0) return NULL_BULK;
  const v = db.valOf[slot]!;
  if (!isStr(v)) return err(E.wrongType);
  let when: bigint | undefined;
  if (expire !== undefined) {
    const ms = expireMillis(core, expire, flags, 'getex');
    if (typeof ms !== 'bigint') return ms;
    when = ms;
  }
  const reply = bulk(strOf(v));
  if (when !== undefined && alreadyExpired(core, when)) {
    core.deleteKey(db, slot);
    core.dirty++;
    c.propagateAs = ['DEL', key];
  } else if (when !== undefined) {
    db.setExpire(slot, when);
    core.dirty++;
    c.propagateAs = ['PEXPIREAT', key, when.toString()];
  } else if (flags & SetFlag.PERSIST) {
    if (db.removeExpire(slot)) {
      core.dirty++;
      c.propagateAs = ['PERSIST', key];
    }
  }
  return reply;
}

function getdelCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const key = arg(c, 1);
  const slot = c.core.lookup(db, key);
  if (slot < 0) return NULL_BULK;
  const v = db.valOf[slot]!;
  if (!isStr(v)) return err(E.wrongType);
  c.core.deleteKey(db, slot);
  c.core.dirty++;
  c.propagateAs = ['DEL', key];
  return bulk(strOf(v));
}

function incrDecr(c: Ctx, key: string, incr: bigint): RespValue {
  const { core } = c;
  const db = c.client.db;
  const slot = core.lookup(db, key);
  let value = 0n;
  if (slot >= 0) {
    const v = db.valOf[slot]!;
    if (!isStr(v)) return err(E.wrongType);
    const parsed = string2ll(strOf(v));
    if (parsed === undefined) return err(E.notInteger);
    value = parsed;
  }
  if ((incr < 0n && value < 0n && incr < LLONG_MIN - value) || (incr > 0n && value > 0n && incr > LLONG_MAX - value)) {
    return err(E.overflow);
  }
  value += incr;
  const s = value.toString();
  if (slot >= 0) db.overwrite(slot, s); // dbOverwrite keeps the TTL
  else db.add(key, s);
  core.dirty++;
  return int(value);
}

function appendCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const key = arg(c, 1);
  const slot = c.core.lookup(db, key);
  let total: number;
  if (slot < 0) {
    db.add(key, arg(c, 2)); // new key: tryObjectEncoding, so int/embstr/raw by content
    total = arg(c, 2).length;
  } else {
    const v = db.valOf[slot]!;
    if (!isStr(v)) return err(E.wrongType);
    const s = strOf(v) + arg(c, 2);
    db.overwrite(slot, new RawStr(s)); // dbUnshareStringValue: raw from now on
    total = s.length;
  }
  c.core.dirty++;
  return int(total);
}

function strlenCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, arg(c, 1));
  if (slot < 0) return int(0);
  const v = db.valOf[slot]!;
  if (!isStr(v)) return err(E.wrongType);
  return int(strOf(v).length);
}

/** t_string.c: INCRBY/DECRBY parse their increment before the lookup. */
function incrbyCommand(c: Ctx, sign: 1n | -1n): RespValue {
  const by = string2ll(arg(c, 2));
  if (by === undefined) return err(E.notInteger);
  if (sign < 0n && by === LLONG_MIN) return err('ERR decrement would overflow');
  return incrDecr(c, arg(c, 1), sign * by);
}

const W = ['write', 'denyoom', 'fast'] as const;
export const STRING_COMMANDS: readonly CommandSpec[] = [
  cmd('get', 2, ['readonly', 'fast'], [1, 1, 1], 'string', (c) => getGeneric(c, arg(c, 1))),
  cmd('set', -3, ['write', 'denyoom'], [1, 1, 1], 'string', setCommand),
  cmd('setex', 4, ['write', 'denyoom'], [1, 1, 1], 'string', (c) => setexGeneric(c, SetFlag.EX, 'setex')),
  cmd('psetex', 4, ['write', 'denyoom'], [1, 1, 1], 'string', (c) => setexGeneric(c, SetFlag.PX, 'psetex')),
  cmd('getex', -2, ['write', 'fast'], [1, 1, 1], 'string', getexCommand),
  cmd('getdel', 2, ['write', 'fast'], [1, 1, 1], 'string', getdelCommand),
  cmd('incr', 2, W, [1, 1, 1], 'string', (c) => incrDecr(c, arg(c, 1), 1n)),
  cmd('decr', 2, W, [1, 1, 1], 'string', (c) => incrDecr(c, arg(c, 1), -1n)),
  cmd('incrby', 3, W, [1, 1, 1], 'string', (c) => incrbyCommand(c, 1n)),
  cmd('decrby', 3, W, [1, 1, 1], 'string', (c) => incrbyCommand(c, -1n)),
  cmd('append', 3, W, [1, 1, 1], 'string', appendCommand),
  cmd('strlen', 2, ['readonly', 'fast'], [1, 1, 1], 'string', strlenCommand),
];
