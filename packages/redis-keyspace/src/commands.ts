/**
 * The command table: arity and handler per command, answering as Redis 7.0.15 does (texts checked
 * against the real server; see test/errors.test.ts). Handlers see argv as binary strings and set
 * `ctx.propagateAs` when Redis rewrites the command for the AOF/replicas (t_string.c
 * setGenericCommand, expire.c expireGenericCommand, …). A command is propagated when it changed
 * server.dirty (server.c call()), or always when `forcePropagate` is set (FLUSHDB/FLUSHALL).
 */
import type { RespValue } from '@protolab/resp';
import type { KeyspaceCore } from './core.js';
import type { Db } from './db.js';
import { LLONG_MAX, LLONG_MIN, formatDouble17g, parseDouble, string2ll } from './numbers.js';
import { OK, NULL_BULK, EMPTY_ARRAY, E, err, int, bulk, simple, array } from './replies.js';
import type { Val } from './values.js';
import {
  ListVal, RawStr, SetVal, ZsetVal, HashVal, encodingOf, intsetable, intsetOrder, strOf, typeOf,
} from './values.js';
import { binCompare } from './bytes.js';

export interface ClientState {
  db: Db;
  inMulti: boolean;
  queue: string[][];
  multiError: boolean;
}

export interface Ctx {
  core: KeyspaceCore;
  client: ClientState;
  argv: string[];
  /** Rewritten argv for propagation; undefined = the argv as received. */
  propagateAs: string[] | undefined;
  forcePropagate: boolean;
}

export interface CommandSpec {
  /** Redis arity: n > 0 exactly n arguments (with the name), n < 0 at least -n. */
  arity: number;
  handler: (c: Ctx) => RespValue;
  /** Queued inside MULTI? (false for MULTI/EXEC/DISCARD themselves) */
  queueable?: boolean;
}

const lower = (s: string): string => s.toLowerCase();

function isStr(v: Val): v is string | RawStr {
  return typeof v === 'string' || v instanceof RawStr;
}

function parseLL(s: string): bigint | undefined {
  return string2ll(s);
}

// ---------------------------------------------------------------------------------------------
// Strings and TTLs

const enum SetFlag {
  NX = 1, XX = 2, GET = 4, KEEPTTL = 8, PERSIST = 16, EX = 32, PX = 64, EXAT = 128, PXAT = 256,
}
const EXPIRE_FLAGS = SetFlag.EX | SetFlag.PX | SetFlag.EXAT | SetFlag.PXAT;

/** t_string.c parseExtendedStringArgumentsOrReply. Returns flags + expire arg, or an error reply. */
function parseSetArgs(argv: string[], isSet: boolean): { flags: number; expire: string | undefined } | RespValue {
  let flags = 0;
  let expire: string | undefined;
  for (let j = isSet ? 3 : 2; j < argv.length; j++) {
    const opt = lower(argv[j]!);
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
function expireMillis(core: KeyspaceCore, arg: string, flags: number, cmd: string): bigint | RespValue {
  const v = parseLL(arg);
  if (v === undefined) return err(E.notInteger);
  const seconds = (flags & (SetFlag.EX | SetFlag.EXAT)) !== 0;
  if (v <= 0n || (seconds && v > LLONG_MAX / 1000n)) return err(E.expireTime(cmd));
  let ms = seconds ? v * 1000n : v;
  if (flags & (SetFlag.EX | SetFlag.PX)) ms += BigInt(core.cmdNow);
  if (ms > LLONG_MAX || ms <= 0n) return err(E.expireTime(cmd)); // C overflow wraps negative
  return ms;
}

function getGeneric(c: Ctx, key: string): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, key);
  if (slot < 0) return NULL_BULK;
  const v = db.valOf[slot]!;
  if (!isStr(v)) return err(E.wrongType);
  return bulk(strOf(v));
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
  const key = argv[1]!;
  const val = argv[2]!;
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
  const { core, argv } = c;
  const ms = expireMillis(core, argv[2]!, unitFlag, name);
  if (typeof ms !== 'bigint') return ms;
  const key = argv[1]!;
  const val = argv[3]!;
  core.lookup(c.client.db, key); // lookupKeyWrite inside setKey: lazily expires first
  const slot = core.setKey(c.client.db, key, val, true);
  core.dirty++;
  c.client.db.setExpire(slot, ms);
  c.propagateAs = ['SET', key, val, 'PXAT', ms.toString()];
  return OK;
}

/** expire.c checkAlreadyExpired (master, not loading). */
function alreadyExpired(core: KeyspaceCore, when: bigint): boolean {
  return !core.loading && when <= BigInt(core.cmdNow);
}

function getexCommand(c: Ctx): RespValue {
  const { core, argv } = c;
  const db = c.client.db;
  const parsed = parseSetArgs(argv, false);
  if ('type' in parsed) return parsed;
  const { flags, expire } = parsed;
  // t_string.c getexCommand: lookup and type check come before the expire time is validated.
  const key = argv[1]!;
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
  const key = c.argv[1]!;
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
    const parsed = parseLL(strOf(v));
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
  const key = c.argv[1]!;
  const slot = c.core.lookup(db, key);
  let total: number;
  if (slot < 0) {
    db.add(key, c.argv[2]!); // new key: tryObjectEncoding, so int/embstr/raw by content
    total = c.argv[2]!.length;
  } else {
    const v = db.valOf[slot]!;
    if (!isStr(v)) return err(E.wrongType);
    const s = strOf(v) + c.argv[2]!;
    db.overwrite(slot, new RawStr(s)); // dbUnshareStringValue: raw from now on
    total = s.length;
  }
  c.core.dirty++;
  return int(total);
}

function strlenCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, c.argv[1]!);
  if (slot < 0) return int(0);
  const v = db.valOf[slot]!;
  if (!isStr(v)) return err(E.wrongType);
  return int(strOf(v).length);
}

// EXPIRE family ---------------------------------------------------------------------------------

const enum ExpFlag { NX = 1, XX = 2, GT = 4, LT = 8 }

/** expire.c expireGenericCommand. `basetime` 0 for the *AT forms; `seconds` for EXPIRE/EXPIREAT. */
function expireGeneric(c: Ctx, relative: boolean, seconds: boolean, name: string): RespValue {
  const { core, argv } = c;
  const db = c.client.db;
  let flag = 0;
  for (let j = 3; j < argv.length; j++) {
    const o = lower(argv[j]!);
    if (o === 'nx') flag |= ExpFlag.NX;
    else if (o === 'xx') flag |= ExpFlag.XX;
    else if (o === 'gt') flag |= ExpFlag.GT;
    else if (o === 'lt') flag |= ExpFlag.LT;
    else return err(`ERR Unsupported option ${argv[j]!}`);
  }
  if (flag & ExpFlag.NX && flag & (ExpFlag.XX | ExpFlag.GT | ExpFlag.LT)) {
    return err('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flag & ExpFlag.GT && flag & ExpFlag.LT) return err('ERR GT and LT options at the same time are not compatible');
  let when = parseLL(argv[2]!);
  if (when === undefined) return err(E.notInteger);
  if (seconds) {
    // C integer division truncates toward zero, like BigInt division.
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return err(E.expireTime(name));
    when *= 1000n;
  }
  const basetime = relative ? BigInt(core.cmdNow) : 0n;
  if (when > LLONG_MAX - basetime) return err(E.expireTime(name));
  when += basetime;
  const key = argv[1]!;
  const slot = core.lookup(db, key);
  if (slot < 0) return int(0);
  if (flag) {
    const has = db.hasExpire(slot);
    const current = has ? db.getExpireExact(slot) : -1n;
    if (flag & ExpFlag.NX && has) return int(0);
    if (flag & ExpFlag.XX && !has) return int(0);
    // GT: a key without TTL counts as infinite, so GT always fails on it.
    if (flag & ExpFlag.GT && (!has || when <= current)) return int(0);
    // LT: a key without TTL counts as infinite, so LT always succeeds on it.
    if (flag & ExpFlag.LT && has && when >= current) return int(0);
  }
  if (alreadyExpired(core, when)) {
    core.deleteKey(db, slot);
    core.dirty++;
    c.propagateAs = ['DEL', key]; // lazyfree-lazy-expire no
    return int(1);
  }
  db.setExpire(slot, when);
  core.dirty++;
  const out = argv.slice();
  out[0] = name === 'pexpireat' ? argv[0]! : 'PEXPIREAT';
  if (relative || seconds) out[2] = when.toString();
  c.propagateAs = out;
  return int(1);
}

/** expire.c ttlGenericCommand. */
function ttlGeneric(c: Ctx, outputMs: boolean, outputAbs: boolean): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, c.argv[1]!);
  if (slot < 0) return int(-2);
  if (!db.hasExpire(slot)) return int(-1);
  const expire = db.getExpireExact(slot);
  let ttl = outputAbs ? expire : expire - BigInt(c.core.cmdNow);
  if (ttl < 0n) ttl = 0n;
  return int(outputMs ? ttl : (ttl + 500n) / 1000n);
}

function persistCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, c.argv[1]!);
  if (slot < 0) return int(0);
  if (!db.removeExpire(slot)) return int(0);
  c.core.dirty++;
  return int(1);
}

// Keys ----------------------------------------------------------------------------------------

function delCommand(c: Ctx): RespValue {
  const db = c.client.db;
  let deleted = 0;
  for (let j = 1; j < c.argv.length; j++) {
    const slot = c.core.lookup(db, c.argv[j]!);
    if (slot >= 0) {
      c.core.deleteKey(db, slot);
      deleted++;
    }
  }
  c.core.dirty += deleted;
  return int(deleted);
}

function existsCommand(c: Ctx): RespValue {
  let n = 0;
  for (let j = 1; j < c.argv.length; j++) if (c.core.lookup(c.client.db, c.argv[j]!) >= 0) n++;
  return int(n);
}

function typeCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, c.argv[1]!);
  return simple(slot < 0 ? 'none' : typeOf(db.valOf[slot]!));
}

function objectCommand(c: Ctx): RespValue {
  const sub = lower(c.argv[1]!);
  if (sub === 'encoding') {
    if (c.argv.length !== 3) return err(E.arity('object|encoding'));
    const db = c.client.db;
    const slot = c.core.lookup(db, c.argv[2]!);
    if (slot < 0) return NULL_BULK;
    return bulk(encodingOf(db.valOf[slot]!));
  }
  return err(`ERR unknown subcommand '${c.argv[1]!}'. Try OBJECT HELP.`);
}

function flushFlags(c: Ctx): RespValue | undefined {
  if (c.argv.length > 2) return err(E.syntax);
  if (c.argv.length === 2) {
    const f = lower(c.argv[1]!);
    if (f !== 'sync' && f !== 'async') return err(E.syntax);
  }
  return undefined;
}

function flushdbCommand(c: Ctx): RespValue {
  const bad = flushFlags(c);
  if (bad) return bad;
  c.core.dirty += c.core.emptyData(c.client.db.id);
  c.forcePropagate = true;
  return OK;
}

function flushallCommand(c: Ctx): RespValue {
  const bad = flushFlags(c);
  if (bad) return bad;
  c.core.dirty += c.core.emptyData(-1);
  c.core.dirty++; // db.c flushAllDataAndResetRDB
  c.forcePropagate = true;
  return OK;
}

function selectCommand(c: Ctx): RespValue {
  const id = parseLL(c.argv[1]!);
  if (id === undefined || id > 2147483647n || id < -2147483648n) return err(E.notInteger);
  const db = c.core.dbs[Number(id)];
  if (id < 0n || db === undefined) return err(E.dbRange);
  c.client.db = db;
  return OK;
}

// Lists ---------------------------------------------------------------------------------------

function pushGeneric(c: Ctx, head: boolean): RespValue {
  const db = c.client.db;
  const key = c.argv[1]!;
  const slot = c.core.lookup(db, key);
  let list: ListVal;
  if (slot < 0) {
    list = new ListVal([]);
    db.add(key, list);
  } else {
    const v = db.valOf[slot]!;
    if (!(v instanceof ListVal)) return err(E.wrongType);
    list = v;
  }
  const items = c.argv.slice(2);
  if (head) list.items = items.reverse().concat(list.items);
  else for (const it of items) list.items.push(it);
  c.core.dirty += c.argv.length - 2;
  return int(list.items.length);
}

function rangeIndexes(startArg: string, endArg: string): [bigint, bigint] | RespValue {
  const start = parseLL(startArg);
  const end = parseLL(endArg);
  if (start === undefined || end === undefined) return err(E.notInteger);
  return [start, end];
}

/** t_list.c / t_zset.c rank-range normalisation. Returns [start, end] inclusive or undefined (empty). */
function normRange(start: bigint, end: bigint, len: number): [number, number] | undefined {
  const n = BigInt(len);
  if (start < 0n) start = n + start;
  if (end < 0n) end = n + end;
  if (start < 0n) start = 0n;
  if (start > end || start >= n) return undefined;
  if (end >= n) end = n - 1n;
  return [Number(start), Number(end)];
}

function lrangeCommand(c: Ctx): RespValue {
  const r = rangeIndexes(c.argv[2]!, c.argv[3]!);
  if (!Array.isArray(r)) return r;
  const db = c.client.db;
  const slot = c.core.lookup(db, c.argv[1]!);
  if (slot < 0) return EMPTY_ARRAY;
  const v = db.valOf[slot]!;
  if (!(v instanceof ListVal)) return err(E.wrongType);
  const range = normRange(r[0], r[1], v.items.length);
  if (!range) return EMPTY_ARRAY;
  return array(v.items.slice(range[0], range[1] + 1).map(bulk));
}

function llenCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, c.argv[1]!);
  if (slot < 0) return int(0);
  const v = db.valOf[slot]!;
  if (!(v instanceof ListVal)) return err(E.wrongType);
  return int(v.items.length);
}

// Sets ----------------------------------------------------------------------------------------

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
  const key = c.argv[1]!;
  const slot = c.core.lookup(db, key);
  let set: SetVal;
  if (slot < 0) {
    set = new SetVal(intsetable(c.argv[2]!), new Set()); // setTypeCreate looks at the first member
    db.add(key, set);
  } else {
    const v = db.valOf[slot]!;
    if (!(v instanceof SetVal)) return err(E.wrongType);
    set = v;
  }
  let added = 0;
  for (let j = 2; j < c.argv.length; j++) if (setAdd(set, c.argv[j]!, c.core.thresholds.setMaxIntsetEntries)) added++;
  c.core.dirty += added;
  return int(added);
}

function sremCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, c.argv[1]!);
  if (slot < 0) return int(0);
  const v = db.valOf[slot]!;
  if (!(v instanceof SetVal)) return err(E.wrongType);
  let removed = 0;
  for (let j = 2; j < c.argv.length; j++) {
    if (v.m.delete(c.argv[j]!)) removed++;
    if (v.m.size === 0) {
      c.core.deleteKey(db, slot);
      break;
    }
  }
  c.core.dirty += removed;
  return int(removed);
}

function smembersCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, c.argv[1]!);
  if (slot < 0) return EMPTY_ARRAY;
  const v = db.valOf[slot]!;
  if (!(v instanceof SetVal)) return err(E.wrongType);
  const members = v.intset ? intsetOrder(v.m) : [...v.m];
  return array(members.map(bulk));
}

function scardCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, c.argv[1]!);
  if (slot < 0) return int(0);
  const v = db.valOf[slot]!;
  if (!(v instanceof SetVal)) return err(E.wrongType);
  return int(v.m.size);
}

function sismemberCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, c.argv[1]!);
  if (slot < 0) return int(0);
  const v = db.valOf[slot]!;
  if (!(v instanceof SetVal)) return err(E.wrongType);
  return int(v.m.has(c.argv[2]!) ? 1 : 0);
}

// Sorted sets ---------------------------------------------------------------------------------

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
  const key = argv[1]!;
  const slot = core.lookup(db, key);
  let z: ZsetVal;
  let added = 0, updated = 0, processed = 0;
  let lastScore = 0;
  if (slot < 0) {
    if (xx) return incr ? NULL_BULK : int(0);
    const th = core.thresholds;
    const first = argv[idx + 1]!;
    z = new ZsetVal(!(th.zsetMaxListpackEntries === 0 || th.zsetMaxListpackValue < first.length), new Map());
    db.add(key, z);
  } else {
    const v = db.valOf[slot]!;
    if (!(v instanceof ZsetVal)) return err(E.wrongType);
    z = v;
  }
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
      const a = parseLL(argv[j + 1]!);
      const b = parseLL(argv[j + 2]!);
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
    if (!Array.isArray(r)) return r;
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
  const db = c.client.db;
  const slot = c.core.lookup(db, argv[1]!);
  if (slot < 0) return EMPTY_ARRAY;
  const v = db.valOf[slot]!;
  if (!(v instanceof ZsetVal)) return err(E.wrongType);
  const sorted = v.sorted();
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
  const db = c.client.db;
  const slot = c.core.lookup(db, c.argv[1]!);
  if (slot < 0) return int(0);
  const v = db.valOf[slot]!;
  if (!(v instanceof ZsetVal)) return err(E.wrongType);
  return int(v.m.size);
}

function zscoreCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, c.argv[1]!);
  if (slot < 0) return NULL_BULK;
  const v = db.valOf[slot]!;
  if (!(v instanceof ZsetVal)) return err(E.wrongType);
  const s = v.m.get(c.argv[2]!);
  return s === undefined ? NULL_BULK : bulk(formatDouble17g(s));
}

// Hashes --------------------------------------------------------------------------------------

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
  if (argv.length % 2 === 1) return err(E.arity(lower(argv[0]!) === 'hmset' ? 'hmset' : 'hset'));
  const db = c.client.db;
  const key = argv[1]!;
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
  if (h.listpack) for (let j = 2; j < argv.length; j++) if (argv[j]!.length > th.hashMaxListpackValue) h.listpack = false;
  let created = 0;
  for (let j = 2; j < argv.length; j += 2) if (hashSet(h, argv[j]!, argv[j + 1]!, th.hashMaxListpackEntries, th.hashMaxListpackValue)) created++;
  c.core.dirty += (argv.length - 2) / 2;
  return lower(argv[0]!) === 'hmset' ? OK : int(created);
}

function hgetCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, c.argv[1]!);
  if (slot < 0) return NULL_BULK;
  const v = db.valOf[slot]!;
  if (!(v instanceof HashVal)) return err(E.wrongType);
  const f = v.m.get(c.argv[2]!);
  return f === undefined ? NULL_BULK : bulk(f);
}

function hgetallCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, c.argv[1]!);
  if (slot < 0) return EMPTY_ARRAY;
  const v = db.valOf[slot]!;
  if (!(v instanceof HashVal)) return err(E.wrongType);
  const out: RespValue[] = [];
  for (const [f, val] of v.m) out.push(bulk(f), bulk(val));
  return array(out);
}

function hdelCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, c.argv[1]!);
  if (slot < 0) return int(0);
  const v = db.valOf[slot]!;
  if (!(v instanceof HashVal)) return err(E.wrongType);
  let deleted = 0;
  for (let j = 2; j < c.argv.length; j++) {
    if (v.m.delete(c.argv[j]!)) deleted++;
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
  const slot = c.core.lookup(db, c.argv[1]!);
  if (slot < 0) return int(0);
  const v = db.valOf[slot]!;
  if (!(v instanceof HashVal)) return err(E.wrongType);
  return int(v.m.size);
}

// Server --------------------------------------------------------------------------------------

function infoCommand(c: Ctx): RespValue {
  // 7.0 accepts several section names; we answer the first one (stats, keyspace, default/all).
  const section = c.argv.length >= 2 ? lower(c.argv[1]!) : 'default';
  const { stats } = c.core;
  const parts: string[] = [];
  const all = section === 'default' || section === 'all' || section === 'everything';
  if (all || section === 'stats') {
    parts.push(
      '# Stats\r\n' +
        `expired_keys:${stats.expiredKeys}\r\n` +
        `expired_stale_perc:${(stats.expiredStalePerc * 100).toFixed(2)}\r\n` +
        `expired_time_cap_reached_count:${stats.expiredTimeCapReachedCount}\r\n` +
        `expire_cycle_cpu_milliseconds:${Math.floor(stats.expireCycleTimeUsedUs / 1000)}\r\n`,
    );
  }
  if (all || section === 'keyspace') {
    let s = '# Keyspace\r\n';
    for (const db of c.core.dbs) {
      if (db.size === 0) continue;
      s += `db${db.id}:keys=${db.size},expires=${db.expires.used},avg_ttl=${Math.trunc(db.avgTtl)}\r\n`;
    }
    parts.push(s);
  }
  return bulk(parts.join('\r\n'));
}

export const COMMANDS: Record<string, CommandSpec> = {
  get: { arity: 2, handler: (c) => getGeneric(c, c.argv[1]!) },
  set: { arity: -3, handler: setCommand },
  setex: { arity: 4, handler: (c) => setexGeneric(c, SetFlag.EX, 'setex') },
  psetex: { arity: 4, handler: (c) => setexGeneric(c, SetFlag.PX, 'psetex') },
  getex: { arity: -2, handler: getexCommand },
  getdel: { arity: 2, handler: getdelCommand },
  incr: { arity: 2, handler: (c) => incrDecr(c, c.argv[1]!, 1n) },
  decr: { arity: 2, handler: (c) => incrDecr(c, c.argv[1]!, -1n) },
  incrby: {
    arity: 3,
    handler: (c) => {
      const by = parseLL(c.argv[2]!);
      return by === undefined ? err(E.notInteger) : incrDecr(c, c.argv[1]!, by);
    },
  },
  decrby: {
    arity: 3,
    handler: (c) => {
      const by = parseLL(c.argv[2]!);
      if (by === undefined) return err(E.notInteger);
      if (by === LLONG_MIN) return err('ERR decrement would overflow');
      return incrDecr(c, c.argv[1]!, -by);
    },
  },
  append: { arity: 3, handler: appendCommand },
  strlen: { arity: 2, handler: strlenCommand },
  del: { arity: -2, handler: delCommand },
  unlink: { arity: -2, handler: delCommand },
  exists: { arity: -2, handler: existsCommand },
  type: { arity: 2, handler: typeCommand },
  object: { arity: -2, handler: objectCommand },
  expire: { arity: -3, handler: (c) => expireGeneric(c, true, true, 'expire') },
  pexpire: { arity: -3, handler: (c) => expireGeneric(c, true, false, 'pexpire') },
  expireat: { arity: -3, handler: (c) => expireGeneric(c, false, true, 'expireat') },
  pexpireat: { arity: -3, handler: (c) => expireGeneric(c, false, false, 'pexpireat') },
  ttl: { arity: 2, handler: (c) => ttlGeneric(c, false, false) },
  pttl: { arity: 2, handler: (c) => ttlGeneric(c, true, false) },
  expiretime: { arity: 2, handler: (c) => ttlGeneric(c, false, true) },
  pexpiretime: { arity: 2, handler: (c) => ttlGeneric(c, true, true) },
  persist: { arity: 2, handler: persistCommand },
  dbsize: { arity: 1, handler: (c) => int(c.client.db.size) },
  select: { arity: 2, handler: selectCommand },
  flushdb: { arity: -1, handler: flushdbCommand },
  flushall: { arity: -1, handler: flushallCommand },
  rpush: { arity: -3, handler: (c) => pushGeneric(c, false) },
  lpush: { arity: -3, handler: (c) => pushGeneric(c, true) },
  lrange: { arity: 4, handler: lrangeCommand },
  llen: { arity: 2, handler: llenCommand },
  sadd: { arity: -3, handler: saddCommand },
  srem: { arity: -3, handler: sremCommand },
  smembers: { arity: 2, handler: smembersCommand },
  scard: { arity: 2, handler: scardCommand },
  sismember: { arity: 3, handler: sismemberCommand },
  zadd: { arity: -4, handler: zaddCommand },
  zrange: { arity: -4, handler: zrangeCommand },
  zcard: { arity: 2, handler: zcardCommand },
  zscore: { arity: 3, handler: zscoreCommand },
  hset: { arity: -4, handler: hsetCommand },
  hmset: { arity: -4, handler: hsetCommand },
  hget: { arity: 3, handler: hgetCommand },
  hgetall: { arity: 2, handler: hgetallCommand },
  hdel: { arity: -3, handler: hdelCommand },
  hlen: { arity: 2, handler: hlenCommand },
  info: { arity: -1, handler: infoCommand },
  ping: { arity: -1, handler: (c) => (c.argv.length > 2 ? err(E.arity('ping')) : c.argv.length === 2 ? bulk(c.argv[1]!) : simple('PONG')) },
  echo: { arity: 2, handler: (c) => bulk(c.argv[1]!) },
};
