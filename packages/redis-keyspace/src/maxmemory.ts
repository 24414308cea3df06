/**
 * maxmemory for the Keyspace: the memory estimate, the per-key access data the policies need, and
 * the EvictionHost over the keyspace's databases that evict.ts's performEvictions drives.
 *
 * The memory estimate (`objectMemoryEstimate`, bytes) is a documented model of what jemalloc
 * would hold for one key in Redis 7.0, not a measurement:
 *   key:    dictEntry 24 + robj 16 + key sds (length + 4); a TTL adds an expires dictEntry 24
 *   string: int encoding 0 (the value lives in the robj); embstr length + 4; raw length + 9
 *   list:   quicklist 40 + 32 per node + the listpack bytes of every node (quicklist.ts)
 *   set:    intset 8 + 8 per member; hashtable dict 56 + 8 per bucket + (24 + 16) per member
 *   zset:   listpack 7 + member bytes + 11 per member; skiplist dict and skiplist nodes:
 *           56 + 8 per bucket + (24 + 48 + 4) per member + member bytes
 *   hash:   listpack 7 + 24 per field; hashtable 56 + 8 per bucket + (24 + 40) per field
 * Collections count members by number (and zset members by their bytes), so that re-estimating a
 * key costs O(1) (a list: O(nodes)). While `maxmemory` is set (> 0) the total is kept
 * incrementally, because performEvictions reads it before every command: a command's keys are
 * re-estimated after it runs; commands that touch whole databases (FLUSH*, SWAPDB, MOVE) and the
 * active expire cycle trigger a full recount. Without a limit nothing reads it per command, so
 * nothing is kept: `usedMemory()` (INFO memory) sums the estimate over every key on demand, an
 * O(keys) walk, and the incremental total starts with a full count the moment a limit is set
 * (CONFIG SET maxmemory). Both give the same number (the incremental total always equals a full
 * recount: a property test holds it to that). Redis's used_memory is an allocator counter, O(1).
 */
import type { Db } from './db.js';
import type { KeyspaceCore } from './core.js';
import type { Val } from './values.js';
import { ListVal, SetVal, ZsetVal, HashVal, RawStr } from './values.js';
import { stringEncoding } from './values.js';
import type { CommandSpec } from './server.js';
import type { EvictionConfig, EvictionHost, EvictionState, RandomSource, EvictResult } from './evict.js';
import {
  DEFAULT_EVICTION_CONFIG, LFU_INIT_VAL, MAXMEMORY_POLICIES, isLfu, lfuDecrAndReturn, lfuTimeInMinutes, lruClock, newEvictionState,
  performEvictions, touchLru,
} from './evict.js';
import { KeyspaceError } from './types.js';
import { NOTIFY_EVICTED, notifyKeyspaceEvent } from './notify.js';

const pow2 = (n: number): number => (n <= 4 ? 4 : 2 ** Math.ceil(Math.log2(n)));

/** The documented per-key memory estimate (see the file comment), in bytes. */
export function objectMemoryEstimate(key: string, v: Val, hasTtl: boolean): number {
  let bytes = 24 + 16 + key.length + 4 + (hasTtl ? 24 : 0);
  if (typeof v === 'string') {
    const enc = stringEncoding(v);
    bytes += enc === 'int' ? 0 : enc === 'embstr' ? v.length + 4 : v.length + 9;
  } else if (v instanceof RawStr) bytes += v.length + 9;
  else if (v instanceof ListVal) {
    bytes += 40 + 32 * v.ql.nodeCount + v.ql.bytes; // Σ (32 + node->sz), kept by the quicklist
  } else if (v instanceof SetVal) {
    const n = v.m.size;
    bytes += v.intset ? 8 + 8 * n : 56 + 8 * pow2(n) + 40 * n;
  } else if (v instanceof ZsetVal) {
    const n = v.size;
    bytes += v.listpack ? 7 + v.memberBytes + 11 * n : 56 + 8 * pow2(n) + 76 * n + v.memberBytes;
  } else if (v instanceof HashVal) {
    const n = v.m.size;
    bytes += v.listpack ? 7 + 24 * n : 56 + 8 * pow2(n) + 64 * n;
  }
  return bytes;
}

export interface MaxmemoryOptions {
  /** `maxmemory` in bytes of the estimate (0 = no limit, the default). */
  maxmemory?: number;
  /** `maxmemory-policy` (default noeviction). */
  maxmemoryPolicy?: EvictionConfig['policy'];
  /** `maxmemory-samples` (default 5). */
  maxmemorySamples?: number;
  /** `lfu-log-factor` (default 10). */
  lfuLogFactor?: number;
  /** `lfu-decay-time` in minutes (default 1). */
  lfuDecayTime?: number;
}

export function evictionConfig(o: MaxmemoryOptions): EvictionConfig {
  const cfg: EvictionConfig = {
    maxmemory: o.maxmemory ?? DEFAULT_EVICTION_CONFIG.maxmemory,
    policy: o.maxmemoryPolicy ?? DEFAULT_EVICTION_CONFIG.policy,
    samples: o.maxmemorySamples ?? DEFAULT_EVICTION_CONFIG.samples,
    lfuLogFactor: o.lfuLogFactor ?? DEFAULT_EVICTION_CONFIG.lfuLogFactor,
    lfuDecayTime: o.lfuDecayTime ?? DEFAULT_EVICTION_CONFIG.lfuDecayTime,
  };
  const bad = (what: string, v: unknown): never => {
    throw new KeyspaceError('BAD_OPTION', `${what}: invalid value ${String(v)}`);
  };
  if (!Number.isSafeInteger(cfg.maxmemory) || cfg.maxmemory < 0) bad('maxmemory must be an integer ≥ 0', cfg.maxmemory);
  if (!MAXMEMORY_POLICIES.includes(cfg.policy)) bad(`maxmemoryPolicy must be one of ${MAXMEMORY_POLICIES.join(', ')}`, cfg.policy);
  if (!Number.isInteger(cfg.samples) || cfg.samples < 1 || cfg.samples > 64) bad('maxmemorySamples must be an integer in 1..64', cfg.samples);
  if (!Number.isInteger(cfg.lfuLogFactor) || cfg.lfuLogFactor < 0) bad('lfuLogFactor must be an integer ≥ 0', cfg.lfuLogFactor);
  if (!Number.isInteger(cfg.lfuDecayTime) || cfg.lfuDecayTime < 0) bad('lfuDecayTime must be an integer ≥ 0', cfg.lfuDecayTime);
  return cfg;
}

/** Commands whose effect is not confined to their key arguments: recount everything after them. */
const WHOLE_DB = new Set(['flushall', 'flushdb', 'swapdb', 'move', 'copy', 'exec', 'randomkey', 'keys', 'scan']);

/** The keys of a command (legacy key range, or the row's getKeys). */
function commandKeys(spec: CommandSpec, argv: readonly string[]): string[] {
  const idx = spec.getKeys !== undefined ? spec.getKeys(argv) : [];
  if (spec.getKeys === undefined && spec.firstKey > 0) {
    const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
    for (let i = spec.firstKey; i <= last && i < argv.length; i += Math.max(1, spec.step)) idx.push(i);
  }
  return idx.map((i) => argv[i] ?? '');
}

export class Maxmemory implements EvictionHost {
  readonly state: EvictionState = newEvictionState();
  /** server.stat_evictedkeys */
  evictedKeys = 0;
  /** The incremental total; meaningful only while `tracking`. */
  private used = 0;
  /** Whether `used` and `memo` are kept per command (only while cfg.maxmemory > 0). */
  private tracking = false;
  private readonly memo = new Map<Db, Map<string, number>>();
  /** LFU words (ldt << 8 | counter) by slot, valid while the slot still holds `key`. */
  private readonly lfu = new Map<Db, Map<number, { key: string; word: number }>>();

  constructor(
    private readonly core: KeyspaceCore,
    readonly cfg: EvictionConfig,
    private readonly rng: RandomSource,
  ) {
    if (cfg.maxmemory > 0) this.recountAll();
  }

  get dbCount(): number {
    return this.core.dbs.length;
  }

  private db(dbid: number): Db {
    const db = this.core.dbs[dbid];
    if (db === undefined) throw new KeyspaceError('INTERNAL', `maxmemory: no db ${dbid}`);
    return db;
  }

  /**
   * Bytes in use by the estimate (INFO's used_memory here): the kept total while a limit is set
   * (starting to keep it if the limit was just set), else a walk over every key.
   */
  usedMemory(): number {
    if (this.tracking) return this.used;
    if (this.cfg.maxmemory > 0) {
      this.recountAll();
      return this.used;
    }
    let sum = 0;
    for (const db of this.core.dbs) for (const [key, slot] of db.dict) sum += objectMemoryEstimate(key, db.valOf[slot] ?? '', db.hasExpire(slot));
    return sum;
  }

  /** Whether the total is kept per command now (a limit is set and it was counted since). */
  get tracked(): boolean {
    return this.tracking;
  }

  /** Re-estimate one key (after a command changed it, or it disappeared); nothing while untracked. */
  refreshKey(db: Db, key: string): void {
    if (!this.tracking) return;
    let m = this.memo.get(db);
    if (m === undefined) this.memo.set(db, (m = new Map<string, number>()));
    const old = m.get(key) ?? 0;
    const slot = db.dict.get(key);
    const now = slot === undefined ? 0 : objectMemoryEstimate(key, db.valOf[slot] ?? '', db.hasExpire(slot));
    if (now === 0) m.delete(key);
    else m.set(key, now);
    this.used += now - old;
  }

  /** Count every key again, and keep the total from now on (while a limit is set). */
  recountAll(): void {
    this.used = 0;
    this.memo.clear();
    this.tracking = this.cfg.maxmemory > 0;
    if (!this.tracking) return;
    for (const db of this.core.dbs) for (const key of db.dict.keys()) this.refreshKey(db, key);
  }

  /**
   * After a command ran: account for what it changed. With no limit (any more) the kept total
   * is dropped; with a limit set since the last command, everything is counted once.
   */
  afterCommand(spec: CommandSpec, argv: readonly string[], db: Db): void {
    if (this.cfg.maxmemory <= 0) {
      if (this.tracking) this.recountAll(); // stops tracking, frees the memo
      return;
    }
    if (!this.tracking || WHOLE_DB.has(spec.name)) this.recountAll();
    else for (const k of commandKeys(spec, argv)) this.refreshKey(db, k);
  }

  /** processCommand's check: evict first; true when the command must be refused with -OOM. */
  beforeCommand(denyoom: boolean, nowMs: number): boolean {
    const r: EvictResult = performEvictions(this, this.state, this.cfg, nowMs, this.rng);
    return r === 'fail' && denyoom;
  }

  /** db.c lookupKey's access update under an LFU policy (updateLFU). */
  touch(db: Db, slot: number, nowMs: number): void {
    if (!isLfu(this.cfg.policy)) return;
    const key = db.keyOf[slot] ?? '';
    let m = this.lfu.get(db);
    if (m === undefined) this.lfu.set(db, (m = new Map<number, { key: string; word: number }>()));
    const cur = this.lfuWord(db, slot) ?? (lfuTimeInMinutes(nowMs) << 8) | LFU_INIT_VAL;
    m.set(slot, { key, word: touchLru(cur, this.cfg, nowMs, this.rng) });
  }

  private lfuWord(db: Db, slot: number): number | undefined {
    const e = this.lfu.get(db)?.get(slot);
    return e !== undefined && e.key === db.keyOf[slot] ? e.word : undefined;
  }

  /** OBJECT FREQ: the LFU counter after decay (a key never touched since creation: LFU_INIT_VAL). */
  freq(db: Db, slot: number, nowMs: number): number {
    const w = this.lfuWord(db, slot) ?? (lfuTimeInMinutes(db.lruAt(slot)) << 8) | LFU_INIT_VAL;
    return lfuDecrAndReturn(w, nowMs, this.cfg.lfuDecayTime);
  }

  // EvictionHost ---------------------------------------------------------------------------

  size(dbid: number, volatileOnly: boolean): number {
    const db = this.db(dbid);
    return volatileOnly ? db.expires.used : db.size;
  }

  /** dictGetSomeKeys, approximated by uniform draws over the db's slots (free slots redrawn). */
  sampleKeys(dbid: number, volatileOnly: boolean, count: number, rng: RandomSource): string[] {
    const db = this.db(dbid);
    const out: string[] = [];
    const slots = db.keyOf.length;
    if (slots === 0 || this.size(dbid, volatileOnly) === 0) return out;
    for (let tries = 0; out.length < count && tries < count * 20; tries++) {
      const slot = rng.nextU32() % slots;
      const key = db.keyOf[slot];
      if (key === undefined || db.dict.get(key) !== slot) continue;
      if (volatileOnly && !db.hasExpire(slot)) continue;
      out.push(key);
    }
    return out;
  }

  randomKey(dbid: number, volatileOnly: boolean, rng: RandomSource): string | undefined {
    return this.sampleKeys(dbid, volatileOnly, 1, rng)[0];
  }

  lruOf(dbid: number, key: string): number | undefined {
    const db = this.db(dbid);
    const slot = db.dict.get(key);
    if (slot === undefined) return undefined;
    if (isLfu(this.cfg.policy)) return this.lfuWord(db, slot) ?? (lfuTimeInMinutes(db.lruAt(slot)) << 8) | LFU_INIT_VAL;
    return lruClock(db.lruAt(slot));
  }

  expireOf(dbid: number, key: string): number | undefined {
    const db = this.db(dbid);
    const slot = db.dict.get(key);
    return slot === undefined || !db.hasExpire(slot) ? undefined : db.getExpire(slot);
  }

  /** dbGenericDelete + propagateDeletion (lazyfree-lazy-eviction no → DEL) + stat_evictedkeys. */
  evict(dbid: number, key: string): void {
    const db = this.db(dbid);
    const slot = db.dict.get(key);
    if (slot === undefined) return;
    this.core.deleteKey(db, slot);
    this.refreshKey(db, key);
    this.evictedKeys++;
    notifyKeyspaceEvent(this.core, NOTIFY_EVICTED, 'evicted', key, dbid); // evict.c performEvictions
    this.core.propagate(dbid, ['DEL', key]);
  }
}
