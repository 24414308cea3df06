/**
 * String commands (t_string.c). Keyspace events as t_string.c 7.0 raises them (setGenericCommand
 * "set" then "expire", getexCommand "del"/"expire"/"persist", getdelCommand "del", getsetCommand and
 * msetGenericCommand "set", incrDecrCommand "incrby", incrbyfloatCommand "incrbyfloat"). Registered in the command table through STRING_COMMANDS (see
 * commands.ts for how a type file plugs in).
 */
import type { RespValue } from '@protolab/resp';
import { LLONG_MAX, LLONG_MIN, string2number } from './numbers.js';
import { string2ll } from '@protolab/redis-common';
import { OK, NULL_BULK, E, err, int, bulk, array } from './replies.js';
import { RawStr, strOf } from './values.js';
import type { KeyspaceCore } from './core.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, isReply, isType, lookupKeyReadOrReply, lookupTypedWrite, optName } from './server.js';
import { ldAdd, ld2string, ldFromBigint, string2ld } from './longdouble.js';
import type { LongDouble } from './longdouble.js';
import { NOTIFY_GENERIC, NOTIFY_STRING, notifyKeyspaceEvent } from './notify.js';

export const enum SetFlag {
  NX = 1, XX = 2, GET = 4, KEEPTTL = 8, PERSIST = 16, EX = 32, PX = 64, EXAT = 128, PXAT = 256,
}
const EXPIRE_FLAGS = SetFlag.EX | SetFlag.PX | SetFlag.EXAT | SetFlag.PXAT;

/** t_string.c parseExtendedStringArgumentsOrReply. Returns flags + expire arg, or an error reply. */
function parseSetArgs(argv: string[], isSet: boolean): { flags: number; expire: string | undefined } | RespValue {
  let flags = 0;
  let expire: string | undefined;
  for (let j = isSet ? 3 : 2; j < argv.length; j++) {
    const opt = optName(argv[j] ?? '');
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
export function expireMillis(core: KeyspaceCore, arg: string, flags: number, cmd: string): bigint | number | RespValue {
  const seconds = (flags & (SetFlag.EX | SetFlag.EXAT)) !== 0;
  // Fast path: a canonical positive integer below 2^53 whose deadline stays below 2^53 needs no
  // bigint (every limit checked below lies far beyond 2^53).
  const n = string2number(arg);
  if (n !== undefined && n > 0) {
    let ms = seconds ? n * 1000 : n;
    if (flags & (SetFlag.EX | SetFlag.PX)) ms += core.cmdNow;
    if (Number.isSafeInteger(ms) && ms > 0) return ms;
  }
  const v = string2ll(arg);
  if (v === undefined) return err(E.notInteger);
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

/** t_string.c setGenericCommand with the flags parsed; `ok`/`abort` are the replies SETNX changes. */
function setCommand(c: Ctx): RespValue {
  const parsed = parseSetArgs(c.argv, true);
  if ('type' in parsed) return parsed;
  return setGeneric(c, parsed.flags, parsed.expire, OK, NULL_BULK);
}

function setGeneric(c: Ctx, flags: number, expire: string | undefined, ok: RespValue, abort: RespValue): RespValue {
  const { core, argv } = c;
  const db = c.client.db;
  let when: bigint | number | undefined;
  if (expire !== undefined) {
    const ms = expireMillis(core, expire, flags, 'set');
    if (typeof ms === 'object') return ms;
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
    return getReply ?? abort;
  }
  const slot = core.setKey(db, key, val, (flags & SetFlag.KEEPTTL) !== 0 || when !== undefined);
  core.dirty++;
  notifyKeyspaceEvent(core, NOTIFY_STRING, 'set', key, db.id);
  if (when !== undefined) {
    db.setExpire(slot, when);
    notifyKeyspaceEvent(core, NOTIFY_GENERIC, 'expire', key, db.id);
    // 7.0.15 propagates SET key value PXAT ms (NX/XX/GET dropped), whichever unit was given.
    c.propagateAs = ['SET', key, val, 'PXAT', when.toString()];
  } else if (flags & SetFlag.GET) {
    // Propagate without the GET argument(s).
    c.propagateAs = argv.filter((a, j) => j < 3 || optName(a) !== 'get');
  }
  return getReply ?? ok;
}

function setexGeneric(c: Ctx, unitFlag: SetFlag, name: string): RespValue {
  const { core } = c;
  const ms = expireMillis(core, arg(c, 2), unitFlag, name);
  if (typeof ms === 'object') return ms;
  const key = arg(c, 1);
  const val = arg(c, 3);
  core.lookup(c.client.db, key); // lookupKeyWrite inside setKey: lazily expires first
  const slot = core.setKey(c.client.db, key, val, true);
  core.dirty++;
  notifyKeyspaceEvent(core, NOTIFY_STRING, 'set', key, c.client.db.id); // setGenericCommand
  c.client.db.setExpire(slot, ms);
  notifyKeyspaceEvent(core, NOTIFY_GENERIC, 'expire', key, c.client.db.id);
  c.propagateAs = ['SET', key, val, 'PXAT', ms.toString()];
  return OK;
}

/** expire.c checkAlreadyExpired (master, not loading). */
export function alreadyExpired(core: KeyspaceCore, when: bigint | number): boolean {
  return !core.loading && when <= core.cmdNow; // bigint vs number compares exactly
}

function getexCommand(c: Ctx): RespValue {
  const { core, argv } = c;
  const db = c.client.db;
  const parsed = parseSetArgs(argv, false);
  if ('type' in parsed) return parsed;
  const { flags, expire } = parsed;
  // t_string.c getexCommand: lookup and type check come before the expire time is validated.
  const key = arg(c, 1);
  const o = lookupKeyReadOrReply(c, key, 'string', NULL_BULK);
  if (isReply(o)) return o;
  let when: bigint | number | undefined;
  if (expire !== undefined) {
    const ms = expireMillis(core, expire, flags, 'getex');
    if (typeof ms === 'object') return ms;
    when = ms;
  }
  const reply = bulk(strOf(o.val));
  if (when !== undefined && alreadyExpired(core, when)) {
    core.deleteKey(db, o.slot);
    notifyKeyspaceEvent(core, NOTIFY_GENERIC, 'del', key, db.id);
    core.dirty++;
    c.propagateAs = ['DEL', key];
  } else if (when !== undefined) {
    db.setExpire(o.slot, when);
    notifyKeyspaceEvent(core, NOTIFY_GENERIC, 'expire', key, db.id);
    core.dirty++;
    c.propagateAs = ['PEXPIREAT', key, when.toString()];
  } else if (flags & SetFlag.PERSIST) {
    if (db.removeExpire(o.slot)) {
      notifyKeyspaceEvent(core, NOTIFY_GENERIC, 'persist', key, db.id);
      core.dirty++;
      c.propagateAs = ['PERSIST', key];
    }
  }
  return reply;
}

function getdelCommand(c: Ctx): RespValue {
  const key = arg(c, 1);
  const o = lookupKeyReadOrReply(c, key, 'string', NULL_BULK);
  if (isReply(o)) return o;
  c.core.deleteKey(c.client.db, o.slot);
  notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', key, c.client.db.id);
  c.core.dirty++;
  c.propagateAs = ['DEL', key];
  return bulk(strOf(o.val));
}

/** t_string.c getsetCommand: GET, then setKey without KEEPTTL; propagated as SET. */
function getsetCommand(c: Ctx): RespValue {
  const key = arg(c, 1);
  const reply = getGeneric(c, key);
  if (reply.type === 'error') return reply;
  c.core.setKey(c.client.db, key, arg(c, 2), false);
  notifyKeyspaceEvent(c.core, NOTIFY_STRING, 'set', key, c.client.db.id);
  c.core.dirty++;
  c.propagateAs = ['SET', key, arg(c, 2)];
  return reply;
}

function mgetCommand(c: Ctx): RespValue {
  const { core, argv } = c;
  const db = c.client.db;
  const out = new Array<RespValue>(argv.length - 1); // the reply's length is known: no growth
  for (let j = 1; j < argv.length; j++) {
    // lookupKeyRead, by slot (no RObj per key): a missing key or another type answers nil
    const slot = core.lookupRead(db, argv[j] ?? '');
    const v = slot < 0 ? undefined : db.valOf[slot];
    out[j - 1] = v !== undefined && isType(v, 'string') ? bulk(strOf(v)) : NULL_BULK;
  }
  return array(out);
}

/** t_string.c msetGenericCommand. */
function msetGeneric(c: Ctx, nx: boolean): RespValue {
  if (c.argv.length % 2 === 0) return err(E.arity(nx ? 'msetnx' : 'mset'));
  const db = c.client.db;
  if (nx) for (let j = 1; j < c.argv.length; j += 2) if (c.core.lookup(db, arg(c, j)) >= 0) return int(0);
  for (let j = 1; j < c.argv.length; j += 2) {
    c.core.lookup(db, arg(c, j)); // setKey's lookupKeyWrite: lazy expiry first
    c.core.setKey(db, arg(c, j), arg(c, j + 1), false);
    notifyKeyspaceEvent(c.core, NOTIFY_STRING, 'set', arg(c, j), db.id);
  }
  c.core.dirty += (c.argv.length - 1) / 2;
  return nx ? int(1) : OK;
}

function incrDecr(c: Ctx, key: string, incr: bigint | number): RespValue {
  const { core } = c;
  const db = c.client.db;
  const o = lookupTypedWrite(c, key, 'string');
  if (o !== undefined && isReply(o)) return o;
  if (typeof incr === 'number') {
    // Fast path: value, increment and result all below 2^53 — plain numbers give the same digits
    // as int64 arithmetic (the overflow limits lie far beyond); anything else takes the bigint path.
    const cur = o === undefined ? 0 : string2number(strOf(o.val));
    const sum = cur === undefined ? NaN : cur + incr;
    if (Number.isSafeInteger(sum)) {
      const s = String(sum);
      if (o !== undefined) db.overwrite(o.slot, s); // dbOverwrite keeps the TTL
      else db.add(key, s);
      core.dirty++;
      notifyKeyspaceEvent(core, NOTIFY_STRING, 'incrby', key, db.id); // incrDecrCommand
      return int(sum);
    }
    incr = BigInt(incr);
  }
  let value = 0n;
  if (o !== undefined) {
    const parsed = string2ll(strOf(o.val));
    if (parsed === undefined) return err(E.notInteger);
    value = parsed;
  }
  if ((incr < 0n && value < 0n && incr < LLONG_MIN - value) || (incr > 0n && value > 0n && incr > LLONG_MAX - value)) {
    return err(E.overflow);
  }
  value += incr;
  const s = value.toString();
  if (o !== undefined) db.overwrite(o.slot, s); // dbOverwrite keeps the TTL
  else db.add(key, s);
  core.dirty++;
  notifyKeyspaceEvent(core, NOTIFY_STRING, 'incrby', key, db.id);
  return int(value);
}

/** t_string.c: INCRBY/DECRBY parse their increment before the lookup. */
function incrbyCommand(c: Ctx, sign: 1n | -1n): RespValue {
  const small = string2number(arg(c, 2));
  if (small !== undefined) return incrDecr(c, arg(c, 1), sign < 0n ? -small : small);
  const by = string2ll(arg(c, 2));
  if (by === undefined) return err(E.notInteger);
  if (sign < 0n && by === LLONG_MIN) return err('ERR decrement would overflow');
  return incrDecr(c, arg(c, 1), sign * by);
}

/** object.c getLongDoubleFromObject: an int-encoded value exactly, else util.c string2ld. */
export function ldOfString(s: string): LongDouble | 'inf' | '-inf' | undefined {
  const asInt = s.length <= 20 ? string2ll(s) : undefined;
  return asInt !== undefined ? ldFromBigint(asInt) : string2ld(s);
}

/** a + b as INCRBYFLOAT computes it, or the error text (NaN/infinite operands or result). */
export function ldIncr(a: LongDouble | 'inf' | '-inf', b: LongDouble | 'inf' | '-inf'): string | { error: string } {
  const nanOrInf = { error: 'ERR increment would produce NaN or Infinity' };
  if (typeof a === 'string' || typeof b === 'string') return nanOrInf;
  const sum = ldAdd(a, b);
  return sum === 'inf' ? nanOrInf : ld2string(sum);
}

/** t_string.c incrbyfloatCommand: long double arithmetic, propagated as SET key value KEEPTTL. */
function incrbyfloatCommand(c: Ctx): RespValue {
  const key = arg(c, 1);
  const o = lookupTypedWrite(c, key, 'string');
  if (o !== undefined && isReply(o)) return o;
  const value = o === undefined ? ldFromBigint(0n) : ldOfString(strOf(o.val));
  if (value === undefined) return err(E.notFloat);
  const incr = string2ld(arg(c, 2));
  if (incr === undefined) return err(E.notFloat);
  const sum = ldIncr(value, incr);
  if (typeof sum !== 'string') return err(sum.error);
  const stored = new RawStr(sum); // createStringObjectFromLongDouble: embstr/raw, never int
  stored.enc = sum.length <= 44 ? 'embstr' : 'raw';
  if (o !== undefined) c.client.db.overwrite(o.slot, stored);
  else c.client.db.add(key, stored);
  c.core.dirty++;
  notifyKeyspaceEvent(c.core, NOTIFY_STRING, 'incrbyfloat', key, c.client.db.id);
  c.propagateAs = ['SET', key, sum, 'KEEPTTL'];
  return bulk(sum);
}

const W = ['write', 'denyoom', 'fast'] as const;
const R = ['readonly', 'fast'] as const;
export const STRING_COMMANDS: readonly CommandSpec[] = [
  cmd('get', 2, R, [1, 1, 1], 'string', (c) => getGeneric(c, arg(c, 1))),
  cmd('set', -3, ['write', 'denyoom'], [1, 1, 1], 'string', setCommand),
  cmd('setnx', 3, W, [1, 1, 1], 'string', (c) => setGeneric(c, SetFlag.NX, undefined, int(1), int(0))),
  cmd('setex', 4, ['write', 'denyoom'], [1, 1, 1], 'string', (c) => setexGeneric(c, SetFlag.EX, 'setex')),
  cmd('psetex', 4, ['write', 'denyoom'], [1, 1, 1], 'string', (c) => setexGeneric(c, SetFlag.PX, 'psetex')),
  cmd('getex', -2, ['write', 'fast'], [1, 1, 1], 'string', getexCommand),
  cmd('getdel', 2, ['write', 'fast'], [1, 1, 1], 'string', getdelCommand),
  cmd('getset', 3, W, [1, 1, 1], 'string', getsetCommand),
  cmd('mget', -2, R, [1, -1, 1], 'string', mgetCommand),
  cmd('mset', -3, ['write', 'denyoom'], [1, -1, 2], 'string', (c) => msetGeneric(c, false)),
  cmd('msetnx', -3, ['write', 'denyoom'], [1, -1, 2], 'string', (c) => msetGeneric(c, true)),
  cmd('incr', 2, W, [1, 1, 1], 'string', (c) => incrDecr(c, arg(c, 1), 1)),
  cmd('decr', 2, W, [1, 1, 1], 'string', (c) => incrDecr(c, arg(c, 1), -1)),
  cmd('incrby', 3, W, [1, 1, 1], 'string', (c) => incrbyCommand(c, 1n)),
  cmd('decrby', 3, W, [1, 1, 1], 'string', (c) => incrbyCommand(c, -1n)),
  cmd('incrbyfloat', 3, W, [1, 1, 1], 'string', incrbyfloatCommand),
];
