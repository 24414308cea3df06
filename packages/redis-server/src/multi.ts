/**
 * multi.c: WATCH bookkeeping and the dirty-CAS rule. server.db[i].watched_keys maps a key to the
 * clients watching it; touchWatchedKey (called from signalModifiedKey on every write, expiry and
 * eviction of a key) flags each of them CLIENT_DIRTY_CAS, and their EXEC then answers a null
 * array without running anything. FLUSHDB/FLUSHALL/SWAPDB call touchAllWatchedKeysInDb.
 */
import type { Client } from './client.js';
import { keyOf } from './client.js';
import type { RedisServer } from './server.js';

export class WatchedKeys {
  /** db → key → watching clients (server.db[db].watched_keys). */
  private readonly byDb = new Map<number, Map<string, Set<Client>>>();

  /** Whether any client watches anything (writes skip the key lookup otherwise). */
  get empty(): boolean {
    return this.byDb.size === 0;
  }

  /** multi.c watchForKey */
  watch(client: Client, db: number, key: string): void {
    let keys = client.watched.get(db);
    if (keys === undefined) client.watched.set(db, (keys = new Set()));
    if (keys.has(key)) return;
    keys.add(key);
    let dbMap = this.byDb.get(db);
    if (dbMap === undefined) this.byDb.set(db, (dbMap = new Map<string, Set<Client>>()));
    let clients = dbMap.get(key);
    if (clients === undefined) dbMap.set(key, (clients = new Set()));
    clients.add(client);
  }

  /** multi.c unwatchAllKeys (also clears CLIENT_DIRTY_CAS, as UNWATCH/EXEC/DISCARD do). */
  unwatchAll(client: Client): void {
    for (const [db, keys] of client.watched) {
      const dbMap = this.byDb.get(db);
      if (dbMap === undefined) continue;
      for (const key of keys) {
        const clients = dbMap.get(key);
        if (clients === undefined) continue;
        clients.delete(client);
        if (clients.size === 0) dbMap.delete(key);
      }
      if (dbMap.size === 0) this.byDb.delete(db);
    }
    client.watched.clear();
    client.dirtyCas = false;
  }

  /** multi.c touchWatchedKey */
  touch(db: number, key: string): void {
    const clients = this.byDb.get(db)?.get(key);
    if (clients === undefined) return;
    for (const c of clients) c.dirtyCas = true;
  }

  /**
   * multi.c touchAllWatchedKeysInDb. Difference: Redis flags a watcher only when its key existed
   * in the db being emptied; here every watcher of the db is flagged (a spurious EXEC failure,
   * never a missed one).
   */
  touchAllInDb(db: number): void {
    const dbMap = this.byDb.get(db);
    if (dbMap === undefined) return;
    for (const clients of dbMap.values()) for (const c of clients) c.dirtyCas = true;
  }
}

/**
 * signalModifiedKey → touchWatchedKey for one propagated write: flag the WATCHers of the keys it
 * names (COMMAND GETKEYS), every watcher of a flushed / swapped db, and report keys that clients
 * are blocked on (server.ready_keys) through `ready`.
 */
export function touchOp(srv: RedisServer, db: number, argv: Uint8Array[], ready: (db: number, key: Uint8Array) => void): void {
  const name = keyOf(argv[0] ?? new Uint8Array()).toLowerCase();
  if (name === 'multi' || name === 'exec' || name === 'select') return;
  if (name === 'flushall' || name === 'flushdb' || name === 'swapdb') {
    // FLUSHALL empties every db; SWAPDB's dbs are its arguments; FLUSHDB its own db.
    const dbs = name === 'flushdb' ? [db] : name === 'swapdb' ? argv.slice(1).map((a) => Number(keyOf(a))) : [...Array(16).keys()];
    for (const d of dbs) srv.watchedKeys.touchAllInDb(d);
    return;
  }
  const keys = srv.keyspace.execute(['COMMAND', 'GETKEYS', ...argv]);
  if (keys.type !== 'array') return;
  for (const k of keys.value) {
    if (k.type !== 'bulk') continue;
    const key = keyOf(k.value);
    srv.watchedKeys.touch(db, key);
    if (srv.blocking.has(db, key)) ready(db, k.value);
  }
  // MOVE and COPY … DB n also write the key in another db.
  if (name === 'move' && argv[1] !== undefined && argv[2] !== undefined) srv.watchedKeys.touch(Number(keyOf(argv[2])), keyOf(argv[1]));
}
