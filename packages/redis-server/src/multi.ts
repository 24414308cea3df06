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
  /** Called when a key is watched or a client unwatches (the server tracks written keys only while some are watched). */
  onChange: (() => void) | undefined;

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
    this.onChange?.();
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
    this.onChange?.();
  }

  /** multi.c touchWatchedKey */
  touch(db: number, key: string): void {
    const clients = this.byDb.get(db)?.get(key);
    if (clients === undefined) return;
    for (const c of clients) c.dirtyCas = true;
  }

  /**
   * multi.c touchAllWatchedKeysInDb: flag the watchers of db's keys that `existed` (in the db
   * emptied or in the one swapped in; dictFind, so a logically expired key counts).
   */
  touchAllInDb(db: number, existed: (key: string) => boolean): void {
    const dbMap = this.byDb.get(db);
    if (dbMap === undefined) return;
    for (const [key, clients] of dbMap) if (existed(key)) for (const c of clients) c.dirtyCas = true;
  }
}

/** Every db of the server (`databases`). */
const allDbs = (srv: RedisServer): number[] => [...Array(srv.keyspace.core.dbs.length).keys()];

/**
 * db.c flushallCommand / flushdbCommand call touchAllWatchedKeysInDb before emptying: run just
 * before a FLUSHALL/FLUSHDB outside MULTI (the keys are gone afterwards). Returns whether it did
 * (touchOp then skips the propagated flush). Inside EXEC the flush is seen only afterwards and
 * every watcher of the db is flagged (a spurious EXEC failure, never a missed one).
 */
export function touchBeforeFlush(srv: RedisServer, db: number, argv: readonly Uint8Array[]): boolean {
  const name = keyOf(argv[0] ?? new Uint8Array()).toLowerCase();
  if (name !== 'flushall' && name !== 'flushdb') return false;
  signalFlushedDb(srv, name === 'flushdb' ? db : -1);
  return true;
}

/**
 * db.c signalFlushedDb → touchAllWatchedKeysInDb(db, NULL) for `dbnum` (-1: every db): flag the
 * WATCHers of keys that exist now, before they are emptied (FLUSH*, DEBUG RELOAD, emptyData).
 */
export function signalFlushedDb(srv: RedisServer, dbnum: number): void {
  for (const d of dbnum === -1 ? allDbs(srv) : [dbnum]) {
    const dict = srv.keyspace.core.dbs[d]?.dict;
    srv.watchedKeys.touchAllInDb(d, (key) => dict?.has(key) === true);
  }
}

/**
 * Writes whose propagated form also names keys they only read: signalModifiedKey is called for the
 * destination alone (t_set.c sinterGenericCommand / sunionDiffGenericCommand, t_zset.c
 * zunionInterDiffGenericCommand / zrangeGenericCommand, hyperloglog.c pfmergeCommand, bitops.c
 * bitopCommand, db.c copyCommand, sort.c sortCommand, geo.c georadiusGeneric), so a WATCH on a
 * source stays valid (redis-server 7.0.15 runs that EXEC). Their destination is the first key
 * COMMAND GETKEYS lists for all but SORT / GEORADIUS…, where it is every key after the source.
 */
const STORE_FIRST = new Set(['sunionstore', 'sinterstore', 'sdiffstore', 'zunionstore', 'zinterstore', 'zdiffstore', 'zrangestore', 'pfmerge', 'geosearchstore', 'bitop']);
const SOURCE_FIRST = new Set(['copy', 'sort', 'georadius', 'georadiusbymember']);

/**
 * signalModifiedKey → touchWatchedKey for one propagated write: flag the WATCHers of the keys it
 * names (COMMAND GETKEYS), every watcher of a flushed / swapped db, and signal the keys that
 * clients are blocked on as ready (server.ready_keys).
 */
export function touchOp(srv: RedisServer, db: number, argv: Uint8Array[], preTouched = false): void {
  const name = keyOf(argv[0] ?? new Uint8Array()).toLowerCase();
  if (name === 'multi' || name === 'exec' || name === 'select') return;
  if (name === 'swapdb') {
    // After the swap: a key existed in either db before it iff it exists in either now.
    const dicts = argv.slice(1, 3).map((a) => srv.keyspace.core.dbs[Number(keyOf(a))]?.dict);
    const existed = (key: string): boolean => dicts.some((d) => d?.has(key) === true);
    for (const a of argv.slice(1, 3)) srv.watchedKeys.touchAllInDb(Number(keyOf(a)), existed);
    return;
  }
  if (name === 'flushall' || name === 'flushdb') {
    if (preTouched) return;
    const dbs = name === 'flushdb' ? [db] : allDbs(srv);
    for (const d of dbs) srv.watchedKeys.touchAllInDb(d, () => true);
    return;
  }
  const keys = srv.keyspace.execute(['COMMAND', 'GETKEYS', ...argv]);
  if (keys.type !== 'array') return;
  // Only the keys the command wrote: a STORE command's sources were read, not modified.
  const written = STORE_FIRST.has(name) ? keys.value.slice(0, 1) : SOURCE_FIRST.has(name) ? keys.value.slice(1) : keys.value;
  for (const k of written) {
    if (k.type !== 'bulk') continue;
    const key = keyOf(k.value);
    srv.watchedKeys.touch(db, key);
    if (srv.blocking.has(db, key)) srv.blocking.signalKeyAsReady(db, k.value);
  }
  // MOVE and COPY … DB n also write the key in another db.
  if (name === 'move' && argv[1] !== undefined && argv[2] !== undefined) srv.watchedKeys.touch(Number(keyOf(argv[2])), keyOf(argv[1]));
}
