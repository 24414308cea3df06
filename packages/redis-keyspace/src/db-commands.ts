/**
 * Keyspace-wide commands of db.c (DEL, EXISTS, TYPE, SELECT, FLUSHDB, …) and the few server.c /
 * object.c commands that only read the keyspace. Registered through DB_COMMANDS.
 */
import type { RespValue } from '@protolab/resp';
import { string2ll } from '@protolab/redis-common';
import { OK, NULL_BULK, E, err, int, bulk, simple, array } from './replies.js';
import { cloneVal, typeOf } from './values.js';
import type { Db } from './db.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, lookupKeyRead, lookupKeyWrite, lower, optName, valAt } from './server.js';
import { globTokens, stringmatchlen } from './glob.js';
import { KeyspaceError } from './types.js';
import { binToBytes } from './bytes.js';
import { NOTIFY_GENERIC, notifyKeyspaceEvent } from './notify.js';

function delCommand(c: Ctx): RespValue {
  const db = c.client.db;
  let deleted = 0;
  for (let j = 1; j < c.argv.length; j++) {
    const slot = c.core.lookup(db, arg(c, j));
    if (slot >= 0) {
      c.core.deleteKey(db, slot);
      notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', arg(c, j), db.id); // db.c delGenericCommand
      deleted++;
    }
  }
  c.core.dirty += deleted;
  return int(deleted);
}

function existsCommand(c: Ctx): RespValue {
  let n = 0;
  // lookupKeyReadWithFlags(LOOKUP_NOTOUCH): counts hits/misses, leaves the LRU alone
  for (let j = 1; j < c.argv.length; j++) if (c.core.lookupNoTouch(c.client.db, arg(c, j)) >= 0) n++;
  return int(n);
}

function typeCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const slot = c.core.lookupNoTouch(db, arg(c, 1)); // LOOKUP_NOTOUCH, as EXISTS
  return simple(slot < 0 ? 'none' : typeOf(valAt(db, slot)));
}

const E_NO_KEY = 'ERR no such key';
const E_SAME = 'ERR source and destination objects are the same';

/** object.c getIntFromObjectOrReply: a C int, or undefined. */
function parseInt32(s: string): number | undefined {
  const v = string2ll(s);
  if (v === undefined || v > 2147483647n || v < -2147483648n) return undefined;
  return Number(v);
}

/** The db a DB/MOVE argument names, or the error reply (selectDb's range check). */
function dbArg(c: Ctx, s: string): Db | RespValue {
  const id = parseInt32(s);
  if (id === undefined) return err(E.notInteger);
  const db = id < 0 ? undefined : c.core.dbs[id];
  return db === undefined ? err(E.dbRange) : db;
}

function isDb(x: Db | RespValue): x is Db {
  return 'dict' in x;
}

/** db.c renameGenericCommand: "new" (dbAdd) for the destination, then rename_from, rename_to. */
function renameGeneric(c: Ctx, nx: boolean): RespValue {
  const db = c.client.db;
  const src = arg(c, 1), dst = arg(c, 2);
  const o = lookupKeyWrite(c, src); // lookupKeyWriteOrReply: no hits/misses
  if (o === undefined) return err(E_NO_KEY);
  if (src === dst) return nx ? int(0) : OK;
  const expire = db.hasExpire(o.slot) ? db.getExpireExact(o.slot) : undefined;
  const existing = c.core.lookup(db, dst);
  if (existing >= 0) {
    if (nx) return int(0);
    c.core.deleteKey(db, existing);
  }
  const slot = db.add(dst, o.val);
  if (expire !== undefined) db.setExpire(slot, expire);
  const srcSlot = db.dict.get(src);
  if (srcSlot !== undefined) c.core.deleteKey(db, srcSlot);
  notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'rename_from', src, db.id);
  notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'rename_to', dst, db.id);
  c.core.dirty++;
  return nx ? int(1) : OK;
}

/** db.c moveCommand. */
function moveCommand(c: Ctx): RespValue {
  const src = c.client.db;
  const dst = dbArg(c, arg(c, 2));
  if (!isDb(dst)) return dst;
  if (dst === src) return err(E_SAME);
  const key = arg(c, 1);
  const o = lookupKeyWrite(c, key);
  if (o === undefined) return int(0);
  const expire = src.hasExpire(o.slot) ? src.getExpireExact(o.slot) : undefined;
  if (c.core.lookup(dst, key) >= 0) return int(0);
  const slot = dst.add(key, o.val);
  if (expire !== undefined) dst.setExpire(slot, expire);
  c.core.deleteKey(src, o.slot);
  notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'move_from', key, src.id); // db.c moveCommand
  notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'move_to', key, dst.id);
  c.core.dirty++;
  return int(1);
}

/** db.c copyCommand. */
function copyCommand(c: Ctx): RespValue {
  const src = c.client.db;
  let dst = src;
  let replace = false;
  for (let j = 3; j < c.argv.length; j++) {
    const o = optName(arg(c, j));
    if (o === 'replace') replace = true;
    else if (o === 'db' && c.argv.length - j - 1 >= 1) {
      const d = dbArg(c, arg(c, j + 1));
      if (!isDb(d)) return d;
      dst = d;
      j++;
    } else return err(E.syntax);
  }
  const key = arg(c, 1), newkey = arg(c, 2);
  if (src === dst && key === newkey) return err(E_SAME);
  const o = lookupKeyRead(c, key);
  if (o === undefined) return int(0);
  const expire = src.hasExpire(o.slot) ? src.getExpireExact(o.slot) : undefined;
  const existing = c.core.lookup(dst, newkey);
  if (existing >= 0 && !replace) return int(0);
  if (existing >= 0) c.core.deleteKey(dst, existing);
  const slot = dst.add(newkey, cloneVal(o.val));
  if (expire !== undefined) dst.setExpire(slot, expire);
  notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'copy_to', newkey, dst.id); // db.c copyCommand
  c.core.dirty++;
  return int(1);
}

/** db.c swapdbCommand (7.0 raises no keyspace event). */
function swapdbCommand(c: Ctx): RespValue {
  const a = parseInt32(arg(c, 1));
  if (a === undefined) return err('ERR invalid first DB index');
  const b = parseInt32(arg(c, 2));
  if (b === undefined) return err('ERR invalid second DB index');
  const da = a < 0 ? undefined : c.core.dbs[a];
  const dbb = b < 0 ? undefined : c.core.dbs[b];
  if (da === undefined || dbb === undefined) return err(E.dbRange);
  if (da !== dbb) da.swapWith(dbb);
  c.core.dirty++;
  return OK;
}

/** db.c keysCommand: every key matching, skipping (not deleting) expired ones. */
function keysCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const pattern = arg(c, 1);
  const all = pattern === '*';
  const toks = all ? undefined : globTokens(pattern);
  const out: RespValue[] = [];
  for (const [key, slot] of db.dict) {
    if (toks !== undefined && !stringmatchlen(toks, key)) continue;
    if (db.hasExpire(slot) && !c.core.loading && c.core.cmdNow > db.getExpire(slot)) continue; // keyIsExpired
    out.push(bulk(key));
  }
  return array(out);
}

/** db.c dbRandomKey: a fair random live key (expired picks are deleted and drawn again). */
function randomkeyCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const prng = c.core.prng;
  for (let tries = 0; db.size > 0; tries++) {
    let key: string | undefined;
    if (tries < 64) {
      const slot = prng.int(0, db.keyOf.length);
      const k = db.keyOf[slot];
      if (k === undefined || db.dict.get(k) !== slot) continue; // a free slot: draw again
      key = k;
    } else {
      // Sparse slot array: pick by rank instead (O(n), bounded fallback).
      let rank = prng.int(0, db.size);
      for (const k of db.dict.keys()) if (rank-- === 0) { key = k; break; }
    }
    if (key === undefined) continue;
    if (c.core.lookup(db, key) >= 0) return bulk(key);
    // A replica cannot delete expired keys: after 100 expired picks it returns one anyway
    // (dbRandomKey's maxtries), instead of drawing forever. Nor can a paused server (7.0 then
    // draws forever on a master whose keys have all expired: here the same 100 tries).
    if ((c.core.replica || c.core.paused) && tries >= 100) return bulk(key);
  }
  return NULL_BULK;
}

function touchCommand(c: Ctx): RespValue {
  let n = 0;
  for (let j = 1; j < c.argv.length; j++) if (lookupKeyRead(c, arg(c, j)) !== undefined) n++;
  return int(n);
}

function flushFlags(c: Ctx): RespValue | undefined {
  if (c.argv.length > 2) return err(E.syntax);
  if (c.argv.length === 2) {
    const f = lower(arg(c, 1));
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
  const id = string2ll(arg(c, 1));
  if (id === undefined || id > 2147483647n || id < -2147483648n) return err(E.notInteger);
  const db = c.core.dbs[Number(id)];
  if (id < 0n || db === undefined) return err(E.dbRange);
  c.client.db = db;
  return OK;
}

function infoCommand(c: Ctx): RespValue {
  // 7.0 accepts several section names; we answer the first one (stats, keyspace, default/all).
  const section = c.argv.length >= 2 ? lower(arg(c, 1)) : 'default';
  const { stats } = c.core;
  const parts: string[] = [];
  const all = section === 'default' || section === 'all' || section === 'everything';
  if (all || section === 'stats') {
    parts.push(
      '# Stats\r\n' +
        `expired_keys:${stats.expiredKeys}\r\n` +
        `expired_stale_perc:${(stats.expiredStalePerc * 100).toFixed(2)}\r\n` +
        `expired_time_cap_reached_count:${stats.expiredTimeCapReachedCount}\r\n` +
        `expire_cycle_cpu_milliseconds:${Math.floor(stats.expireCycleTimeUsedUs / 1000)}\r\n` +
        `evicted_keys:${c.core.maxmemory?.evictedKeys ?? 0}\r\n` +
        `keyspace_hits:${stats.keyspaceHits}\r\n` +
        `keyspace_misses:${stats.keyspaceMisses}\r\n`,
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
  const text = parts.join('\r\n');
  // addReplyVerbatim(c, info, len, "txt"): a bulk string in RESP2, a `=` verbatim string in RESP3
  return c.resp === 3 ? { type: 'verbatim', format: 'txt', value: binToBytes(text) } : bulk(text);
}

function pingCommand(c: Ctx): RespValue {
  if (c.argv.length > 2) return err(E.arity('ping'));
  return c.argv.length === 2 ? bulk(arg(c, 1)) : simple('PONG');
}

/** MULTI/EXEC/DISCARD run in Keyspace.dispatch (they need the connection); the rows give arity and COMMAND. */
function transactionProc(c: Ctx): RespValue {
  throw new KeyspaceError('INTERNAL', `${arg(c, 0)} is handled by Keyspace.dispatch, not by the command table`);
}

export const DB_COMMANDS: readonly CommandSpec[] = [
  cmd('multi', 1, ['loading', 'stale', 'fast', 'no_multi', 'allow_busy'], [0, 0, 0], 'transactions', transactionProc),
  cmd('exec', 1, ['noscript', 'loading', 'stale', 'skip_slowlog'], [0, 0, 0], 'transactions', transactionProc),
  cmd('discard', 1, ['noscript', 'loading', 'stale', 'fast', 'allow_busy'], [0, 0, 0], 'transactions', transactionProc),
  cmd('del', -2, ['write'], [1, -1, 1], 'generic', delCommand),
  cmd('unlink', -2, ['write', 'fast'], [1, -1, 1], 'generic', delCommand),
  cmd('exists', -2, ['readonly', 'fast'], [1, -1, 1], 'generic', existsCommand),
  cmd('type', 2, ['readonly', 'fast'], [1, 1, 1], 'generic', typeCommand),
  cmd('rename', 3, ['write'], [1, 2, 1], 'generic', (c) => renameGeneric(c, false)),
  cmd('renamenx', 3, ['write', 'fast'], [1, 2, 1], 'generic', (c) => renameGeneric(c, true)),
  cmd('move', 3, ['write', 'fast'], [1, 1, 1], 'generic', moveCommand),
  cmd('copy', -3, ['write', 'denyoom'], [1, 2, 1], 'generic', copyCommand),
  cmd('swapdb', 3, ['write', 'fast'], [0, 0, 0], 'server', swapdbCommand),
  cmd('keys', 2, ['readonly'], [0, 0, 0], 'generic', keysCommand, { acl: ['@keyspace', '@read', '@slow', '@dangerous'] }),
  cmd('randomkey', 1, ['readonly'], [0, 0, 0], 'generic', randomkeyCommand),
  cmd('touch', -2, ['readonly', 'fast'], [1, -1, 1], 'generic', touchCommand),
  cmd('dbsize', 1, ['readonly', 'fast'], [0, 0, 0], 'server', (c) => int(c.client.db.size)),
  cmd('select', 2, ['loading', 'stale', 'fast'], [0, 0, 0], 'connection', selectCommand),
  cmd('flushdb', -1, ['write'], [0, 0, 0], 'server', flushdbCommand),
  cmd('flushall', -1, ['write'], [0, 0, 0], 'server', flushallCommand),
  cmd('info', -1, ['loading', 'stale'], [0, 0, 0], 'server', infoCommand),
  cmd('ping', -1, ['fast'], [0, 0, 0], 'connection', pingCommand),
  cmd('echo', 2, ['fast'], [0, 0, 0], 'connection', (c) => bulk(arg(c, 1))),
];
