/**
 * The EXPIRE family, TTL/PTTL/EXPIRETIME/PEXPIRETIME and PERSIST (expire.c). Registered in the
 * command table through EXPIRE_COMMANDS.
 */
import type { RespValue } from '@protolab/resp';
import { LLONG_MAX, LLONG_MIN, string2number } from './numbers.js';
import { string2ll } from '@protolab/redis-common';
import { E, err, int } from './replies.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, lower } from './server.js';
import { alreadyExpired } from './t_string.js';
import { NOTIFY_GENERIC, notifyKeyspaceEvent } from './notify.js';

const enum ExpFlag { NX = 1, XX = 2, GT = 4, LT = 8 }

/** expire.c expireGenericCommand. `basetime` 0 for the *AT forms; `seconds` for EXPIRE/EXPIREAT. */
function expireGeneric(c: Ctx, relative: boolean, seconds: boolean, name: string): RespValue {
  const { core, argv } = c;
  const db = c.client.db;
  let flag = 0;
  for (let j = 3; j < argv.length; j++) {
    const o = lower(arg(c, j));
    if (o === 'nx') flag |= ExpFlag.NX;
    else if (o === 'xx') flag |= ExpFlag.XX;
    else if (o === 'gt') flag |= ExpFlag.GT;
    else if (o === 'lt') flag |= ExpFlag.LT;
    else return err(`ERR Unsupported option ${arg(c, j)}`);
  }
  if (flag & ExpFlag.NX && flag & (ExpFlag.XX | ExpFlag.GT | ExpFlag.LT)) {
    return err('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flag & ExpFlag.GT && flag & ExpFlag.LT) return err('ERR GT and LT options at the same time are not compatible');
  const when = expireWhen(c, seconds, relative, name);
  if (typeof when === 'object') return when;
  const key = arg(c, 1);
  const slot = core.lookup(db, key);
  if (slot < 0) return int(0);
  if (flag) {
    const has = db.hasExpire(slot);
    const current = has ? db.getExpireExact(slot) : -1n; // bigint vs number compares exactly
    if (flag & ExpFlag.NX && has) return int(0);
    if (flag & ExpFlag.XX && !has) return int(0);
    // GT: a key without TTL counts as infinite, so GT always fails on it.
    if (flag & ExpFlag.GT && (!has || when <= current)) return int(0);
    // LT: a key without TTL counts as infinite, so LT always succeeds on it.
    if (flag & ExpFlag.LT && has && when >= current) return int(0);
  }
  if (alreadyExpired(core, when)) {
    core.deleteKey(db, slot);
    notifyKeyspaceEvent(core, NOTIFY_GENERIC, 'del', key, db.id); // expireGenericCommand: a past deadline deletes
    core.dirty++;
    c.propagateAs = ['DEL', key]; // lazyfree-lazy-expire no
    return int(1);
  }
  db.setExpire(slot, when);
  notifyKeyspaceEvent(core, NOTIFY_GENERIC, 'expire', key, db.id);
  core.dirty++;
  const out = argv.slice();
  out[0] = name === 'pexpireat' ? arg(c, 0) : 'PEXPIREAT';
  if (relative || seconds) out[2] = when.toString();
  c.propagateAs = out;
  return int(1);
}

/**
 * expireGenericCommand's deadline: argv[2] (×1000 for seconds) plus the base time, or the error
 * reply. A canonical integer below 2^53 whose deadline stays below 2^53 is computed as a number
 * (the int64 limits checked on the bigint path lie far beyond 2^53).
 */
function expireWhen(c: Ctx, seconds: boolean, relative: boolean, name: string): bigint | number | RespValue {
  const basetimeMs = relative ? c.core.cmdNow : 0;
  const n = string2number(arg(c, 2));
  if (n !== undefined) {
    const ms = (seconds ? n * 1000 : n) + basetimeMs;
    if (Number.isSafeInteger(ms)) return ms;
  }
  let when = string2ll(arg(c, 2));
  if (when === undefined) return err(E.notInteger);
  if (seconds) {
    // C integer division truncates toward zero, like BigInt division.
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return err(E.expireTime(name));
    when *= 1000n;
  }
  const basetime = BigInt(basetimeMs);
  if (when > LLONG_MAX - basetime) return err(E.expireTime(name));
  return when + basetime;
}

/** expire.c ttlGenericCommand. */
function ttlGeneric(c: Ctx, outputMs: boolean, outputAbs: boolean): RespValue {
  const db = c.client.db;
  const slot = c.core.lookupNoTouch(db, arg(c, 1)); // lookupKeyReadWithFlags(LOOKUP_NOTOUCH): counts hits/misses
  if (slot < 0) return int(-2);
  if (!db.hasExpire(slot)) return int(-1);
  const expire = db.getExpireExact(slot);
  let ttl = outputAbs ? expire : expire - BigInt(c.core.cmdNow);
  if (ttl < 0n) ttl = 0n;
  return int(outputMs ? ttl : (ttl + 500n) / 1000n);
}

function persistCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookup(db, arg(c, 1));
  if (slot < 0) return int(0);
  if (!db.removeExpire(slot)) return int(0);
  notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'persist', arg(c, 1), db.id); // expire.c persistCommand
  c.core.dirty++;
  return int(1);
}

const W = ['write', 'fast'] as const;
const R = ['readonly', 'fast'] as const;
export const EXPIRE_COMMANDS: readonly CommandSpec[] = [
  cmd('expire', -3, W, [1, 1, 1], 'generic', (c) => expireGeneric(c, true, true, 'expire')),
  cmd('pexpire', -3, W, [1, 1, 1], 'generic', (c) => expireGeneric(c, true, false, 'pexpire')),
  cmd('expireat', -3, W, [1, 1, 1], 'generic', (c) => expireGeneric(c, false, true, 'expireat')),
  cmd('pexpireat', -3, W, [1, 1, 1], 'generic', (c) => expireGeneric(c, false, false, 'pexpireat')),
  cmd('ttl', 2, R, [1, 1, 1], 'generic', (c) => ttlGeneric(c, false, false)),
  cmd('pttl', 2, R, [1, 1, 1], 'generic', (c) => ttlGeneric(c, true, false)),
  cmd('expiretime', 2, R, [1, 1, 1], 'generic', (c) => ttlGeneric(c, false, true)),
  cmd('pexpiretime', 2, R, [1, 1, 1], 'generic', (c) => ttlGeneric(c, true, true)),
  cmd('persist', 2, W, [1, 1, 1], 'generic', persistCommand),
];
