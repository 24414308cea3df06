/**
 * cluster.c dumpCommand and restoreCommand, over the injected payload codec (types.ts
 * PayloadCodec). Without a codec both answer an error that says so.
 */
import type { RespValue } from '@protolab/resp';
import { OK, NULL_BULK, E, err, bulk } from './replies.js';
import { string2ll } from '@protolab/redis-common';
import { binFromBytes, binToBytes } from './bytes.js';
import { encodingOf } from './values.js';
import { redisValueOf, valFromRedis } from './convert.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, lookupKeyRead, lookupKeyWrite, optName } from './server.js';
import { alreadyExpired } from './t_string.js';
import { KeyspaceError } from './types.js';
import type { Val } from './values.js';
import { NOTIFY_GENERIC, notifyKeyspaceEvent } from './notify.js';

const E_NO_CODEC = 'ERR DUMP/RESTORE need a payload codec (KeyspaceOptions.payloadCodec, e.g. from @protolab/redis-rdb)';

function dumpCommand(c: Ctx): RespValue {
  const codec = c.core.payloadCodec;
  if (codec === undefined) return err(E_NO_CODEC);
  const o = lookupKeyRead(c, arg(c, 1));
  if (o === undefined) return NULL_BULK;
  return bulk(binFromBytes(codec.dump(redisValueOf(o.val), encodingOf(o.val))));
}

interface RestoreOptions {
  replace: boolean;
  absttl: boolean;
  idleSeconds: bigint | undefined;
}

function parseRestoreOptions(c: Ctx): RestoreOptions | RespValue {
  const o: RestoreOptions = { replace: false, absttl: false, idleSeconds: undefined };
  let freq: bigint | undefined;
  for (let j = 4; j < c.argv.length; j++) {
    const opt = optName(arg(c, j));
    const more = c.argv.length - j - 1;
    if (opt === 'replace') o.replace = true;
    else if (opt === 'absttl') o.absttl = true;
    else if (opt === 'idletime' && more >= 1 && freq === undefined) {
      const v = string2ll(arg(c, ++j));
      if (v === undefined) return err(E.notInteger);
      if (v < 0n) return err('ERR Invalid IDLETIME value, must be >= 0');
      o.idleSeconds = v;
    } else if (opt === 'freq' && more >= 1 && o.idleSeconds === undefined) {
      const v = string2ll(arg(c, ++j));
      if (v === undefined) return err(E.notInteger);
      if (v < 0n || v > 255n) return err('ERR Invalid FREQ value, must be >= 0 and <= 255');
      freq = v; // LFU counters are part of the eviction work; under noeviction FREQ only validates
    } else return err(E.syntax);
  }
  return o;
}

/** cluster.c restoreCommand. */
function restoreCommand(c: Ctx): RespValue {
  const codec = c.core.payloadCodec;
  if (codec === undefined) return err(E_NO_CODEC);
  const opts = parseRestoreOptions(c);
  if ('type' in opts) return opts;
  const db = c.client.db;
  const key = arg(c, 1);
  if (!opts.replace && lookupKeyWrite(c, key) !== undefined) return err('BUSYKEY Target key name already exists.'); // cluster.c restoreCommand: no hits/misses
  let ttl = string2ll(arg(c, 2));
  if (ttl === undefined) return err(E.notInteger);
  if (ttl < 0n) return err('ERR Invalid TTL value, must be >= 0');
  const value = codec.restore(binToBytes(arg(c, 3)));
  if (value === 'checksum') return err('ERR DUMP payload version or checksum are wrong');
  if (value === 'format') return err('ERR Bad data format');
  let deleted = false;
  if (opts.replace) {
    const slot = c.core.lookup(db, key);
    if (slot >= 0) {
      c.core.deleteKey(db, slot);
      deleted = true;
    }
  }
  if (ttl !== 0n && !opts.absttl) ttl += BigInt(c.core.cmdNow);
  if (ttl !== 0n && alreadyExpired(c.core, ttl)) {
    if (deleted) {
      c.propagateAs = ['DEL', key];
      notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', key, db.id); // cluster.c restoreCommand
      c.core.dirty++;
    }
    return OK;
  }
  let val: Val;
  try {
    val = valFromRedis(value, c.core.thresholds);
  } catch (e) {
    // Ours: a value with a string longer than the keyspace can hold (an LZF string expanding past
    // STRING_MAX_BYTES); Redis would load it.
    if (e instanceof KeyspaceError && e.code === 'STRING_TOO_LONG') return err('ERR Bad data format');
    throw e;
  }
  const slot = db.add(key, val);
  if (ttl !== 0n) {
    db.setExpire(slot, ttl);
    if (!opts.absttl) {
      const out = c.argv.slice();
      out[2] = ttl.toString();
      out.push('ABSTTL');
      c.propagateAs = out;
    }
  }
  if (opts.idleSeconds !== undefined) db.setLru(slot, c.core.cmdNow - Number(opts.idleSeconds) * 1000);
  notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'restore', key, db.id); // cluster.c restoreCommand
  c.core.dirty++;
  return OK;
}

export const DUMP_COMMANDS: readonly CommandSpec[] = [
  cmd('dump', 2, ['readonly'], [1, 1, 1], 'generic', dumpCommand),
  cmd('restore', -4, ['write', 'denyoom'], [1, 1, 1], 'generic', restoreCommand, { acl: ['@keyspace', '@write', '@slow', '@dangerous'] }),
];
