/**
 * Keyspace-wide commands of db.c (DEL, EXISTS, TYPE, SELECT, FLUSHDB, …) and the few server.c /
 * object.c commands that only read the keyspace. Registered through DB_COMMANDS.
 */
import type { RespValue } from '@protolab/resp';
import { string2ll } from './numbers.js';
import { OK, NULL_BULK, E, err, int, bulk, simple } from './replies.js';
import { encodingOf, typeOf } from './values.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, lookupKeyRead, lower } from './server.js';

function delCommand(c: Ctx): RespValue {
  const db = c.client.db;
  let deleted = 0;
  for (let j = 1; j < c.argv.length; j++) {
    const slot = c.core.lookup(db, arg(c, j));
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
  for (let j = 1; j < c.argv.length; j++) if (lookupKeyRead(c, arg(c, j)) !== undefined) n++;
  return int(n);
}

function typeCommand(c: Ctx): RespValue {
  const o = lookupKeyRead(c, arg(c, 1));
  return simple(o === undefined ? 'none' : typeOf(o.val));
}

function objectCommand(c: Ctx): RespValue {
  const sub = lower(arg(c, 1));
  if (sub === 'encoding') {
    if (c.argv.length !== 3) return err(E.arity('object|encoding'));
    const o = lookupKeyRead(c, arg(c, 2));
    return o === undefined ? NULL_BULK : bulk(encodingOf(o.val));
  }
  return err(`ERR unknown subcommand '${arg(c, 1)}'. Try OBJECT HELP.`);
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

function pingCommand(c: Ctx): RespValue {
  if (c.argv.length > 2) return err(E.arity('ping'));
  return c.argv.length === 2 ? bulk(arg(c, 1)) : simple('PONG');
}

export const DB_COMMANDS: readonly CommandSpec[] = [
  cmd('del', -2, ['write'], [1, -1, 1], 'generic', delCommand),
  cmd('unlink', -2, ['write', 'fast'], [1, -1, 1], 'generic', delCommand),
  cmd('exists', -2, ['readonly', 'fast'], [1, -1, 1], 'generic', existsCommand),
  cmd('type', 2, ['readonly', 'fast'], [1, 1, 1], 'generic', typeCommand),
  cmd('object', -2, [], [0, 0, 0], 'generic', objectCommand),
  cmd('dbsize', 1, ['readonly', 'fast'], [0, 0, 0], 'server', (c) => int(c.client.db.size)),
  cmd('select', 2, ['loading', 'stale', 'fast'], [0, 0, 0], 'connection', selectCommand),
  cmd('flushdb', -1, ['write'], [0, 0, 0], 'server', flushdbCommand),
  cmd('flushall', -1, ['write'], [0, 0, 0], 'server', flushallCommand),
  cmd('info', -1, ['loading', 'stale'], [0, 0, 0], 'server', infoCommand),
  cmd('ping', -1, ['fast'], [0, 0, 0], 'connection', pingCommand),
  cmd('echo', 2, ['fast'], [0, 0, 0], 'connection', (c) => bulk(arg(c, 1))),
];
