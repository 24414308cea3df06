/**
 * Contract C2's data side (used by @protolab/redis-rdb and @protolab/redis-aof): every key as a
 * `KeyEntry` (what rdb.c rdbSaveRio walks), a key inserted as rdb.c rdbLoadObject + dbAdd load it,
 * and the copy a forked child (BGSAVE, BGREWRITEAOF) sees.
 */
import type { KeyspaceCore } from './core.js';
import { valAt } from './server.js';
import { binFromBytes } from './bytes.js';
import { makeEntry, valFromRedis } from './convert.js';
import type { KeyEntry, KeyspaceSnapshot } from './types.js';
import { KeyspaceError } from './types.js';
import type { Val } from './values.js';
import { cloneVal } from './values.js';

/**
 * Every key of every db, with value, deadline and the encoding Redis 7.0 would report.
 * Includes keys whose deadline passed but that were not reclaimed yet, as rdbSave writes
 * them (a master's loader then drops them).
 */
export function* keyspaceEntries(core: KeyspaceCore): Generator<KeyEntry> {
  for (const db of core.dbs) {
    for (const [key, slot] of db.dict) yield makeEntry(db.id, key, valAt(db, slot), db.hasExpire(slot) ? db.getExpire(slot) : undefined);
  }
}

/** Keyspace.restore: insert (or replace) a loaded key; no lazy expiry, no propagation, no dirty++. */
export function restoreEntry(core: KeyspaceCore, entry: KeyEntry): void {
  const db = core.dbs[entry.db];
  if (db === undefined) throw new KeyspaceError('BAD_DB', `restore: db ${entry.db} is out of range 0..${core.dbs.length - 1}`);
  const key = binFromBytes(entry.key);
  const val = valFromRedis(entry.value, core.thresholds);
  let slot = db.dict.get(key);
  if (slot === undefined) slot = db.add(key, val, undefined, undefined, true); // dbAddRDBLoad: no "new" event
  else {
    db.overwrite(slot, val);
    db.removeExpire(slot);
  }
  if (entry.expireAtMs !== undefined) db.setExpire(slot, entry.expireAtMs);
}

/** Keyspace.fork: the values copied at fork time, so later writes do not show in the snapshot. */
export function forkKeyspace(core: KeyspaceCore): KeyspaceSnapshot {
  const snap: { db: number; key: string; val: Val; exp: number | undefined }[] = [];
  for (const db of core.dbs) {
    for (const [key, slot] of db.dict) snap.push({ db: db.id, key, val: cloneVal(valAt(db, slot)), exp: db.hasExpire(slot) ? db.getExpire(slot) : undefined });
  }
  return {
    *entries(): Generator<KeyEntry> {
      for (const e of snap) yield makeEntry(e.db, e.key, e.val, e.exp);
    },
  };
}
