/**
 * maxmemory and eviction as Redis 7.0 approximates them (evict.c), sans-I/O.
 *
 *  - Every object carries 24 bits of access information (robj.lru). Under an LRU policy (or
 *    none) it is the LRU clock — seconds, modulo 2^24 — of the last access; under an LFU policy
 *    it is 16 bits of "last decrement time" in minutes and an 8-bit logarithmic counter.
 *  - performEvictions runs before a command when used memory is above `maxmemory`: it samples
 *    `maxmemory-samples` keys per database into a 16-entry pool ordered by idleness
 *    (evictionPoolPopulate), deletes the best candidate, and repeats until enough memory is freed.
 *    `noeviction` frees nothing: the command is refused with -OOM when it may grow memory.
 *  - Randomness comes from an injected 32-bit source (the sim's Prng); time from the caller.
 *
 * What "memory" is, is the host's business (EvictionHost.usedMemory): the keyspace uses the
 * documented per-object estimate of `objectMemoryEstimate`.
 */

/** server.h LRU_BITS / LRU_CLOCK_MAX / LRU_CLOCK_RESOLUTION (ms). */
export const LRU_BITS = 24;
export const LRU_CLOCK_MAX = (1 << LRU_BITS) - 1;
export const LRU_CLOCK_RESOLUTION = 1000;
/** server.h LFU_INIT_VAL: a new key's counter, so it is not evicted before it can be used. */
export const LFU_INIT_VAL = 5;
/** evict.c EVPOOL_SIZE */
export const EVPOOL_SIZE = 16;

export type MaxmemoryPolicy =
  | 'noeviction'
  | 'allkeys-lru'
  | 'volatile-lru'
  | 'allkeys-lfu'
  | 'volatile-lfu'
  | 'allkeys-random'
  | 'volatile-random'
  | 'volatile-ttl';

export const MAXMEMORY_POLICIES: readonly MaxmemoryPolicy[] = [
  'noeviction', 'allkeys-lru', 'volatile-lru', 'allkeys-lfu', 'volatile-lfu', 'allkeys-random', 'volatile-random', 'volatile-ttl',
];

export interface EvictionConfig {
  /** `maxmemory` in bytes (0 = no limit, the default). */
  maxmemory: number;
  /** `maxmemory-policy` (default noeviction). */
  policy: MaxmemoryPolicy;
  /** `maxmemory-samples` (default 5). */
  samples: number;
  /** `lfu-log-factor` (default 10). */
  lfuLogFactor: number;
  /** `lfu-decay-time` in minutes (default 1). */
  lfuDecayTime: number;
}

export const DEFAULT_EVICTION_CONFIG: EvictionConfig = { maxmemory: 0, policy: 'noeviction', samples: 5, lfuLogFactor: 10, lfuDecayTime: 1 };

export interface RandomSource {
  nextU32(): number;
}

export const isLfu = (p: MaxmemoryPolicy): boolean => p === 'allkeys-lfu' || p === 'volatile-lfu';
const isLru = (p: MaxmemoryPolicy): boolean => p === 'allkeys-lru' || p === 'volatile-lru';
const isAllKeys = (p: MaxmemoryPolicy): boolean => p.startsWith('allkeys-');

// ---------------------------------------------------------------------------------------------
// LRU clock and LFU counter (evict.c)

/** evict.c getLRUClock: seconds since the epoch modulo 2^24. */
export function lruClock(nowMs: number): number {
  return Math.floor(nowMs / LRU_CLOCK_RESOLUTION) & LRU_CLOCK_MAX;
}

/** evict.c estimateObjectIdleTime: ms since the last access, with the 24-bit clock's wrap. */
export function estimateObjectIdleTime(lru: number, nowMs: number): number {
  const clock = lruClock(nowMs);
  if (clock >= lru) return (clock - lru) * LRU_CLOCK_RESOLUTION;
  return (clock + (LRU_CLOCK_MAX - lru)) * LRU_CLOCK_RESOLUTION;
}

/** evict.c LFUGetTimeInMinutes: minutes since the epoch modulo 2^16. */
export function lfuTimeInMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60_000) & 0xffff;
}

/** evict.c LFUTimeElapsed: minutes since `ldt`, with the 16-bit wrap. */
export function lfuTimeElapsed(ldt: number, nowMs: number): number {
  const now = lfuTimeInMinutes(nowMs);
  return now >= ldt ? now - ldt : 65535 - ldt + now;
}

/** evict.c LFULogIncr: increment with probability 1 / ((counter − LFU_INIT_VAL) · factor + 1). */
export function lfuLogIncr(counter: number, logFactor: number, rng: RandomSource): number {
  if (counter === 255) return 255;
  const r = rng.nextU32() / 0x1_0000_0000;
  const baseval = Math.max(0, counter - LFU_INIT_VAL);
  const p = 1 / (baseval * logFactor + 1);
  return r < p ? counter + 1 : counter;
}

/** evict.c LFUDecrAndReturn: the counter after one decrement per `decayTime` minutes idle. */
export function lfuDecrAndReturn(lru: number, nowMs: number, decayTime: number): number {
  const ldt = lru >>> 8;
  const counter = lru & 255;
  const periods = decayTime > 0 ? Math.floor(lfuTimeElapsed(ldt, nowMs) / decayTime) : 0;
  if (periods === 0) return counter;
  return periods > counter ? 0 : counter - periods;
}

/** object.c createObject: the 24 bits a new object starts with under `policy`. */
export function initialLru(policy: MaxmemoryPolicy, nowMs: number): number {
  return isLfu(policy) ? (lfuTimeInMinutes(nowMs) << 8) | LFU_INIT_VAL : lruClock(nowMs);
}

/** db.c lookupKey's access update (updateLFU, or the LRU clock). */
export function touchLru(lru: number, cfg: EvictionConfig, nowMs: number, rng: RandomSource): number {
  if (!isLfu(cfg.policy)) return lruClock(nowMs);
  const counter = lfuLogIncr(lfuDecrAndReturn(lru, nowMs, cfg.lfuDecayTime), cfg.lfuLogFactor, rng);
  return (lfuTimeInMinutes(nowMs) << 8) | counter;
}

// ---------------------------------------------------------------------------------------------
// The eviction pool and performEvictions

/** A key as the eviction code sees it: its database and its name (binary string). */
export interface EvictionCandidate {
  dbid: number;
  key: string;
}

interface PoolEntry extends EvictionCandidate {
  /** larger = better candidate (idle ms, 255 − LFU counter, or "time to live" inverted) */
  idle: number;
}

/** What performEvictions needs from the server. */
export interface EvictionHost {
  /** Number of databases. */
  readonly dbCount: number;
  /** Keys in db `dbid` (all, or only those with a TTL). */
  size(dbid: number, volatileOnly: boolean): number;
  /** dict.c dictGetSomeKeys: up to `count` keys of the db (all, or only those with a TTL). */
  sampleKeys(dbid: number, volatileOnly: boolean, count: number, rng: RandomSource): string[];
  /** dictGetRandomKey (all, or only those with a TTL); undefined when empty. */
  randomKey(dbid: number, volatileOnly: boolean, rng: RandomSource): string | undefined;
  /** The key's 24 LRU/LFU bits, or undefined when the key is gone (a pool ghost). */
  lruOf(dbid: number, key: string): number | undefined;
  /** The key's absolute deadline (ms), or undefined without one / when gone. */
  expireOf(dbid: number, key: string): number | undefined;
  /** Bytes in use, by the host's estimate. */
  usedMemory(): number;
  /** Delete the key, propagate DEL, count it in evicted_keys (dbGenericDelete + propagateDeletion). */
  evict(dbid: number, key: string): void;
}

export class EvictionPool {
  readonly entries: (PoolEntry | undefined)[] = new Array<PoolEntry | undefined>(EVPOOL_SIZE).fill(undefined);

  /**
   * evict.c evictionPoolPopulate's insertion: the pool stays sorted by ascending idle; a key
   * worse than every entry of a full pool is dropped; when full, the worst entry falls off the
   * left to make room.
   */
  insert(c: PoolEntry): void {
    const pool = this.entries;
    let k = 0;
    while (k < EVPOOL_SIZE && pool[k] !== undefined && (pool[k]?.idle ?? 0) < c.idle) k++;
    if (k === 0 && pool[EVPOOL_SIZE - 1] !== undefined) return;
    if (k < EVPOOL_SIZE && pool[k] === undefined) {
      pool[k] = c;
      return;
    }
    if (pool[EVPOOL_SIZE - 1] === undefined) {
      for (let j = EVPOOL_SIZE - 1; j > k; j--) pool[j] = pool[j - 1]; // free space on the right
    } else {
      k--;
      for (let j = 0; j < k; j++) pool[j] = pool[j + 1]; // drop the leftmost (least idle)
    }
    pool[k] = c;
  }
}

/** The pool score of a key under `cfg.policy` (evictionPoolPopulate's `idle`). */
function poolScore(host: EvictionHost, dbid: number, key: string, cfg: EvictionConfig, nowMs: number): number | undefined {
  if (cfg.policy === 'volatile-ttl') {
    const when = host.expireOf(dbid, key);
    return when === undefined ? undefined : Number.MAX_SAFE_INTEGER - when;
  }
  const lru = host.lruOf(dbid, key);
  if (lru === undefined) return undefined;
  if (isLru(cfg.policy)) return estimateObjectIdleTime(lru, nowMs);
  return 255 - lfuDecrAndReturn(lru, nowMs, cfg.lfuDecayTime);
}

export function evictionPoolPopulate(host: EvictionHost, pool: EvictionPool, dbid: number, cfg: EvictionConfig, nowMs: number, rng: RandomSource): void {
  const volatileOnly = !isAllKeys(cfg.policy);
  for (const key of host.sampleKeys(dbid, volatileOnly, cfg.samples, rng)) {
    const idle = poolScore(host, dbid, key, cfg, nowMs);
    if (idle !== undefined) pool.insert({ dbid, key, idle });
  }
}

export interface EvictionState {
  readonly pool: EvictionPool;
  /** evict.c's static next_db for the random policies. */
  nextDb: number;
}

export function newEvictionState(): EvictionState {
  return { pool: new EvictionPool(), nextDb: 0 };
}

/** One key to evict under `cfg.policy`, or undefined when there is none. */
export function findBestKey(host: EvictionHost, state: EvictionState, cfg: EvictionConfig, nowMs: number, rng: RandomSource): EvictionCandidate | undefined {
  const volatileOnly = !isAllKeys(cfg.policy);
  if (cfg.policy === 'allkeys-random' || cfg.policy === 'volatile-random') {
    for (let i = 0; i < host.dbCount; i++) {
      const dbid = ++state.nextDb % host.dbCount;
      const key = host.randomKey(dbid, volatileOnly, rng);
      if (key !== undefined) return { dbid, key };
    }
    return undefined;
  }
  const pool = state.pool.entries;
  // Bounded: each round either finds a key, or empties ghosts out of a 16-entry pool, or stops.
  for (let round = 0; round <= EVPOOL_SIZE; round++) {
    let total = 0;
    for (let dbid = 0; dbid < host.dbCount; dbid++) {
      const n = host.size(dbid, volatileOnly);
      if (n > 0) evictionPoolPopulate(host, state.pool, dbid, cfg, nowMs, rng);
      total += n;
    }
    if (total === 0) return undefined;
    for (let k = EVPOOL_SIZE - 1; k >= 0; k--) {
      const e = pool[k];
      if (e === undefined) continue;
      pool[k] = undefined;
      const alive = volatileOnly ? host.expireOf(e.dbid, e.key) !== undefined : host.lruOf(e.dbid, e.key) !== undefined;
      if (alive) return { dbid: e.dbid, key: e.key };
    }
  }
  return undefined;
}

export type EvictResult = 'ok' | 'fail';

/**
 * evict.c performEvictions: evict until used memory is at or below maxmemory. 'fail' when it is
 * still above (noeviction, or nothing left to evict under a volatile policy). Redis also stops
 * after a time budget and continues in a timer; here the loop runs to the end (bounded by the
 * number of keys).
 */
export function performEvictions(host: EvictionHost, state: EvictionState, cfg: EvictionConfig, nowMs: number, rng: RandomSource): EvictResult {
  if (cfg.maxmemory <= 0) return 'ok';
  let used = host.usedMemory();
  if (used <= cfg.maxmemory) return 'ok';
  if (cfg.policy === 'noeviction') return 'fail';
  let keys = 0;
  for (let d = 0; d < host.dbCount; d++) keys += host.size(d, false);
  for (let guard = 0; used > cfg.maxmemory && guard <= keys; guard++) {
    const best = findBestKey(host, state, cfg, nowMs, rng);
    if (best === undefined) return 'fail';
    host.evict(best.dbid, best.key);
    used = host.usedMemory();
  }
  return used > cfg.maxmemory ? 'fail' : 'ok';
}

/** server.c shared.oomerr */
export const OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";
