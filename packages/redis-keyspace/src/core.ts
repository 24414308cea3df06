/**
 * The server-side state every command works on: databases, the cached command time, lazy expiry
 * (db.c expireIfNeeded / lookupKey*), setKey, deletion, server.dirty, the stats INFO reports, and
 * propagation (server.c propagate / alsoPropagate) to the AOF/replicas hook.
 */
import { Db } from './db.js';
import type { Maxmemory } from './maxmemory.js';
import type { PayloadCodec, PropagateFn } from './types.js';
import { KeyspaceError } from './types.js';
import { binToBytes } from './bytes.js';
import type { Val, Thresholds } from './values.js';
import { DEFAULT_THRESHOLDS } from './values.js';
import { Prng } from '@protolab/sim';
import type { KeyspaceEventSink } from './notify.js';
import { NOTIFY_EXPIRED, NOTIFY_KEY_MISS, NOTIFY_NEW, notifyKeyspaceEvent } from './notify.js';

export interface ExpireStats {
  /** server.stat_expiredkeys */
  expiredKeys: number;
  /** server.stat_expired_stale_perc (a fraction 0..1, as Redis stores it; INFO prints ×100) */
  expiredStalePerc: number;
  /** server.stat_expired_time_cap_reached_count */
  expiredTimeCapReachedCount: number;
  /** server.stat_expire_cycle_time_used (µs) */
  expireCycleTimeUsedUs: number;
  /** Keys removed by activeExpireCycle only (not in Redis's INFO; useful for curves) */
  activeExpiredKeys: number;
  /** Completed slow / fast cycles (not in INFO). */
  slowCycles: number;
  fastCycles: number;
  /**
   * server.stat_keyspace_hits / stat_keyspace_misses: read lookups (db.c lookupKey without
   * LOOKUP_WRITE or LOOKUP_NOSTATS) that found a live key / found none.
   */
  keyspaceHits: number;
  keyspaceMisses: number;
}

export class KeyspaceCore {
  readonly dbs: Db[];
  readonly nowFn: () => number;
  readonly thresholds: Thresholds;
  /** server.dirty */
  dirty = 0;
  readonly stats: ExpireStats = {
    expiredKeys: 0,
    expiredStalePerc: 0,
    expiredTimeCapReachedCount: 0,
    expireCycleTimeUsedUs: 0,
    activeExpiredKeys: 0,
    slowCycles: 0,
    fastCycles: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
  };
  onPropagate: PropagateFn | undefined;
  /**
   * Shared with every Db, so that dbAdd can stamp a new key's LRU with the command's time and
   * raise the "new" event (onNew is set only while class 'n' is on and a sink listens).
   */
  readonly clock: { now: number; onNew: ((key: string, dbid: number) => void) | undefined } = { now: 0, onNew: undefined };
  private notifyFlags = 0;
  private eventSink: KeyspaceEventSink | undefined = undefined;

  /** server.notify_keyspace_events: the NOTIFY_* bits (notify.ts) of the enabled classes; 0 = off. */
  get notifyKeyspaceEvents(): number {
    return this.notifyFlags;
  }
  set notifyKeyspaceEvents(flags: number) {
    this.notifyFlags = flags;
    this.updateOnNew();
  }
  /** Where enabled events go (notify.ts notifyKeyspaceEvent); a server publishes them. */
  get onKeyspaceEvent(): KeyspaceEventSink | undefined {
    return this.eventSink;
  }
  set onKeyspaceEvent(sink: KeyspaceEventSink | undefined) {
    this.eventSink = sink;
    this.updateOnNew();
  }
  private updateOnNew(): void {
    const on = (this.notifyFlags & NOTIFY_NEW) !== 0 && this.eventSink !== undefined;
    this.clock.onNew = on ? this.raiseNew : undefined;
  }
  /** db.c dbAdd's notifyKeyspaceEvent(NOTIFY_NEW, "new", key, db->id). */
  private readonly raiseNew = (key: string, dbid: number): void => {
    notifyKeyspaceEvent(this, NOTIFY_NEW, 'new', key, dbid);
  };
  /** The time of the current command (Redis caches one "now" per command). */
  get cmdNow(): number {
    return this.clock.now;
  }
  set cmdNow(ms: number) {
    this.clock.now = ms;
  }
  /**
   * When true, lazy expiry neither deletes nor reports keys as expired: the state Redis is in
   * while loading RDB/AOF (2.1 "Nothing expires while the server is loading").
   */
  loading = false;
  /**
   * server.masterhost != NULL (db.c expireIfNeeded): lookups hide a logically expired key but do
   * not delete it, and the active expire cycle does not run; the key goes when the master's DEL
   * arrives. Set by a replication layer on REPLICAOF host port, cleared on REPLICAOF NO ONE.
   */
  replica = false;
  /**
   * checkClientPauseTimeoutAndReturnIfPaused() true (networking.c, 7.0; set by a server's CLIENT
   * PAUSE): as on a replica, lookups hide a logically expired key without deleting it, neither
   * expire cycle runs, and performEvictions evicts nothing (evict.c isSafeToPerformEvictions).
   */
  paused = false;
  /** server.current_client == server.master: the command being applied comes from our master. */
  fromMaster = false;

  /** maxmemory state (evict.c), when a limit or policy is configured. */
  maxmemory: Maxmemory | undefined = undefined;

  /** DUMP/RESTORE's payload format (handed in: see PayloadCodec). */
  payloadCodec: PayloadCodec | undefined;
  /** The server's randomness (RANDOMKEY, HRANDFIELD, …): seeded, never Math.random. */
  readonly prng: Prng;

  constructor(now: () => number, databases: number, onPropagate: PropagateFn | undefined, thresholds?: Partial<Thresholds>, prng: Prng = new Prng(0)) {
    this.prng = prng;
    if (!Number.isInteger(databases) || databases < 1) {
      throw new KeyspaceError('BAD_OPTION', `databases must be an integer >= 1, found ${String(databases)}`);
    }
    this.nowFn = now;
    this.dbs = Array.from({ length: databases }, (_, i) => new Db(i, this.clock));
    this.onPropagate = onPropagate;
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...thresholds };
  }

  /**
   * While EXEC runs, every propagated op (the commands' writes and the lazy-expiry DELs they
   * trigger) is collected here; execCommand then wraps them in MULTI/EXEC when there is more
   * than one (observed on 7.0.15: `MULTI, GET expired, SET a 1, EXEC` logs MULTI, DEL, SET, EXEC).
   */
  pending: { db: number; argv: readonly string[] }[] | undefined;

  /** Emit one propagated command (argv as binary strings). */
  propagate(db: number, argv: readonly string[]): void {
    if (this.pending) {
      this.pending.push({ db, argv });
      return;
    }
    this.emit(db, argv);
  }

  emit(db: number, argv: readonly string[]): void {
    const fn = this.onPropagate;
    if (fn === undefined) return;
    fn(db, argv.map(binToBytes));
  }

  /** db.c keyIsExpired: strictly after the deadline. */
  keyIsExpired(db: Db, slot: number): boolean {
    if (this.loading) return false;
    const when = db.getExpire(slot);
    return !Number.isNaN(when) && this.cmdNow > when;
  }

  /**
   * db.c expireIfNeeded + deleteExpiredKeyAndPropagate: on a master a key whose deadline passed
   * is deleted, counted in expired_keys, and `DEL key` is propagated. Returns true when the key
   * is to be treated as missing (deleted, or hidden on a replica).
   */
  expireIfNeeded(db: Db, slot: number): boolean {
    if (!this.keyIsExpired(db, slot)) return false;
    // A replica (server.masterhost set) never deletes: it hides the key from its clients and
    // waits for the master's DEL; the master's own stream sees the key as the master does.
    if (this.replica) return !this.fromMaster;
    // (db.c 7.0: then checkClientPauseTimeoutAndReturnIfPaused — hidden, not deleted)
    if (this.paused) return true;
    this.deleteExpiredKeyAndPropagate(db, slot);
    return true;
  }

  deleteExpiredKeyAndPropagate(db: Db, slot: number): void {
    const key = db.keyOf[slot];
    if (key === undefined) throw new KeyspaceError('INTERNAL', `db ${db.id}: expiring free slot ${slot}`);
    db.deleteSlot(slot);
    this.maxmemory?.refreshKey(db, key); // its estimate leaves used memory (no recount of every key)
    notifyKeyspaceEvent(this, NOTIFY_EXPIRED, 'expired', key, db.id); // db.c deleteExpiredKeyAndPropagate
    this.stats.expiredKeys++;
    // lazyfree-lazy-expire no (7.0 default) → DEL, not UNLINK.
    if (this.onPropagate !== undefined || this.pending) this.propagate(db.id, ['DEL', key]);
  }

  /** db.c lookupKey (read or write): the slot of a live key, or -1. */
  lookup(db: Db, key: string): number {
    const slot = db.dict.get(key);
    if (slot === undefined) return -1;
    if (db.hasExpire(slot) && this.expireIfNeeded(db, slot)) return -1;
    db.setLru(slot, this.cmdNow); // lookupKey's LRU update (OBJECT IDLETIME)
    if (this.maxmemory !== undefined) this.maxmemory.touch(db, slot, this.cmdNow); // updateLFU
    return slot;
  }

  /**
   * db.c lookupKeyRead: lookup() that also counts stat_keyspace_hits / stat_keyspace_misses
   * (lookupKey counts every lookup made without LOOKUP_WRITE or LOOKUP_NOSTATS).
   */
  lookupRead(db: Db, key: string): number {
    const slot = this.lookup(db, key);
    if (slot < 0) this.keyMiss(db, key);
    else this.stats.keyspaceHits++;
    return slot;
  }

  /**
   * db.c lookupKey's miss without LOOKUP_WRITE: stat_keyspace_misses++, and the "keymiss" event
   * (class 'm') unless the lookup asked LOOKUP_NONOTIFY (`notify` false).
   */
  keyMiss(db: Db, key: string, notify = true): void {
    this.stats.keyspaceMisses++;
    if (notify) notifyKeyspaceEvent(this, NOTIFY_KEY_MISS, 'keymiss', key, db.id);
  }

  /**
   * db.c lookupKeyReadWithFlags(LOOKUP_NOTOUCH) (TYPE, EXISTS, TTL, OBJECT): expires lazily and
   * counts hits/misses (NOTOUCH does not skip the stats) but leaves the LRU alone. `notify`
   * false: LOOKUP_NONOTIFY as well (OBJECT's objectCommandLookup), no "keymiss" event.
   */
  lookupNoTouch(db: Db, key: string, notify = true): number {
    const slot = db.dict.get(key);
    if (slot === undefined || (db.hasExpire(slot) && this.expireIfNeeded(db, slot))) {
      this.keyMiss(db, key, notify);
      return -1;
    }
    this.stats.keyspaceHits++;
    return slot;
  }

  /**
   * db.c setKey: add or overwrite; without keepTtl an existing TTL is removed (removeExpire).
   * Returns the slot.
   */
  setKey(db: Db, key: string, val: Val, keepTtl: boolean): number {
    let slot = db.dict.get(key);
    // setKey's lookupKeyWrite: a key whose deadline passed goes first ("expired"), so the value is
    // added ("new"); a replica hides it without deleting, and it is overwritten.
    if (slot !== undefined && db.hasExpire(slot) && this.expireIfNeeded(db, slot)) slot = db.dict.get(key);
    if (slot === undefined) return db.add(key, val);
    db.overwrite(slot, val);
    db.setLru(slot, this.cmdNow);
    if (!keepTtl) db.removeExpire(slot);
    return slot;
  }

  /** Delete a key known to exist (dbSyncDelete). */
  deleteKey(db: Db, slot: number): void {
    db.deleteSlot(slot);
  }

  /** server.c emptyData for one db or all (-1). Returns keys removed. */
  emptyData(dbnum: number): number {
    let removed = 0;
    for (const db of this.dbs) if (dbnum === -1 || db.id === dbnum) removed += db.empty();
    return removed;
  }
}
