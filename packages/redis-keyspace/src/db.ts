/**
 * One Redis database (server.h redisDb): the main dict (key → value) and the expires dict
 * (key → absolute ms). Storage is columnar to keep memory per key low: a JS Map from key to a
 * slot number, and per-slot arrays for key, value and deadline. The expires dict is an
 * ExpiresDict over the same slot numbers.
 */
import { ExpiresDict } from './expires-dict.js';
import type { Val } from './values.js';
import { RawStr } from './values.js';
import { isAscii } from './bytes.js';
import { KeyspaceError } from './types.js';
import { sizeAfterAdd, sizeAfterResize } from './scan.js';

const NO_EXPIRE = NaN;

/** Hints for add/overwrite from callers that already checked (saves a second scan per write). */
export const ASCII_UNKNOWN = 0;
export const KEY_ASCII = 1;
export const VALUE_ASCII = 2;

export class Db {
  readonly id: number;
  readonly dict = new Map<string, number>();
  keyOf: string[] = [];
  valOf: Val[] = [];
  expOf: Float64Array = new Float64Array(16).fill(NO_EXPIRE);
  /** robj.lru: the ms time of the key's last access (OBJECT IDLETIME); 0 = never set. */
  lruOf: Float64Array = new Float64Array(16);
  /** Exact deadlines beyond 2^53 ms (PXAT up to LLONG_MAX), keyed by slot. */
  readonly bigExp = new Map<number, bigint>();
  readonly expires = new ExpiresDict();
  /** dictScan cursor of activeExpireCycle (redisDb.expires_cursor). */
  expiresCursor = 0;
  /** redisDb.avg_ttl: running average TTL of sampled keys (ms). */
  avgTtl = 0;
  /**
   * Sticky: a key with a byte >= 0x80 was added since the last empty(). While false every key is
   * ASCII, so a JS-text key can be looked up as it is (its UTF-8 form is itself, and a non-ASCII
   * text cannot match). Never cleared by deletes: a stale `true` only costs a conversion.
   */
  highKeys = false;
  /** Sticky, likewise: a string value with a byte >= 0x80 was stored since the last empty(). */
  highStrings = false;
  /** The main dict's modelled table size (dict.c; see scan.ts), what SCAN's cursor walks. */
  tableSize = 0;
  /** Bumped on every add and delete: SCAN's cached bucket order is valid while it is unchanged. */
  version = 0;
  private freeSlots: number[] = [];
  private highWater = 0;

  /** The server's cached command time (KeyspaceCore.cmdNow), for new keys' LRU stamps. */
  private readonly clock: { readonly now: number };

  constructor(id: number, clock: { readonly now: number } = { now: 0 }) {
    this.id = id;
    this.clock = clock;
  }

  get size(): number {
    return this.dict.size;
  }

  private allocSlot(): number {
    const s = this.freeSlots.pop();
    if (s !== undefined) return s;
    const slot = this.highWater++;
    if (slot >= this.expOf.length) {
      const grown = new Float64Array(this.expOf.length * 2).fill(NO_EXPIRE);
      grown.set(this.expOf);
      this.expOf = grown;
      const lru = new Float64Array(grown.length);
      lru.set(this.lruOf);
      this.lruOf = lru;
    }
    return slot;
  }

  /** dbAdd: the key must not exist. */
  add(key: string, val: Val, known: number = ASCII_UNKNOWN): number {
    if (!this.highKeys && (known & KEY_ASCII) === 0 && !isAscii(key)) this.highKeys = true;
    if (!this.highStrings && (known & VALUE_ASCII) === 0) this.noteString(val);
    this.tableSize = sizeAfterAdd(this.tableSize, this.dict.size);
    this.version++;
    const slot = this.allocSlot();
    this.keyOf[slot] = key;
    this.valOf[slot] = val;
    this.lruOf[slot] = this.clock.now;
    this.dict.set(key, slot);
    return slot;
  }

  /** Replace the value of an existing slot (dbOverwrite); the TTL is the caller's business. */
  overwrite(slot: number, val: Val, known: number = ASCII_UNKNOWN): void {
    if (!this.highStrings && (known & VALUE_ASCII) === 0) this.noteString(val);
    this.valOf[slot] = val;
  }

  /** Bytes written into a string value in place (APPEND/SETRANGE): keep highStrings right. */
  noteStringBytes(bin: string): void {
    if (!this.highStrings && !isAscii(bin)) this.highStrings = true;
  }

  private noteString(val: Val): void {
    const s = typeof val === 'string' ? val : val instanceof RawStr ? val.s : undefined;
    if (s !== undefined && !isAscii(s)) this.highStrings = true;
  }

  /** dbSyncDelete by slot. */
  deleteSlot(slot: number): void {
    const key = this.keyOf[slot];
    if (key === undefined) throw new KeyspaceError('INTERNAL', `db ${this.id}: deleting free slot ${slot}`);
    if (!Number.isNaN((this.expOf[slot] ?? NO_EXPIRE))) this.removeExpire(slot);
    this.dict.delete(key);
    this.version++;
    this.keyOf[slot] = '';
    this.valOf[slot] = '';
    this.freeSlots.push(slot);
  }

  hasExpire(slot: number): boolean {
    return !Number.isNaN((this.expOf[slot] ?? NO_EXPIRE));
  }

  getExpire(slot: number): number {
    return (this.expOf[slot] ?? NO_EXPIRE);
  }

  /** Exact deadline as bigint (for replies). Only meaningful when hasExpire. */
  getExpireExact(slot: number): bigint {
    const big = this.bigExp.get(slot);
    return big ?? BigInt((this.expOf[slot] ?? NO_EXPIRE));
  }

  setExpire(slot: number, whenMs: number | bigint): void {
    let asNum: number;
    if (typeof whenMs === 'bigint') {
      asNum = Number(whenMs);
      if (whenMs > BigInt(Number.MAX_SAFE_INTEGER) || whenMs < BigInt(Number.MIN_SAFE_INTEGER)) {
        this.bigExp.set(slot, whenMs);
      } else this.bigExp.delete(slot);
    } else {
      asNum = whenMs;
      if (this.bigExp.size > 0) this.bigExp.delete(slot); // skip the Map op in the common case
    }
    if (Number.isNaN((this.expOf[slot] ?? NO_EXPIRE))) {
      this.expires.ensureSlots(this.highWater);
      this.expires.add(slot);
    }
    this.expOf[slot] = asNum;
  }

  removeExpire(slot: number): boolean {
    if (Number.isNaN((this.expOf[slot] ?? NO_EXPIRE))) return false;
    this.expires.remove(slot);
    this.expOf[slot] = NO_EXPIRE;
    if (this.bigExp.size > 0) this.bigExp.delete(slot);
    return true;
  }

  /** server.c tryResizeHashTables for the main dict (the cron's shrink below 10% fill). */
  resizeMainDict(): void {
    const size = sizeAfterResize(this.tableSize, this.dict.size);
    if (size !== this.tableSize) {
      this.tableSize = size;
      this.version++;
    }
  }

  /**
   * db.c dbSwapDatabases: exchange everything but the id with `other` (clients keep their
   * selected index, so they now see the other data). Every own field is swapped, so a field added
   * later cannot be forgotten.
   */
  swapWith(other: Db): void {
    const a = this as unknown as Record<string, unknown>; // map-ok: keys are this class's own field names (Object.keys), never input
    const b = other as unknown as Record<string, unknown>; // map-ok: as above
    for (const k of Object.keys(a)) {
      if (k === 'id' || k === 'clock') continue;
      const t = a[k];
      a[k] = b[k];
      b[k] = t;
    }
  }

  /** emptyDb for this db: returns the number of keys removed. */
  empty(): number {
    const n = this.dict.size;
    this.dict.clear();
    this.keyOf = [];
    this.valOf = [];
    this.expOf = new Float64Array(16).fill(NO_EXPIRE);
    this.lruOf = new Float64Array(16);
    this.bigExp.clear();
    this.expires.clear();
    this.expiresCursor = 0;
    this.avgTtl = 0;
    this.freeSlots = [];
    this.highWater = 0;
    this.highKeys = false;
    this.highStrings = false;
    this.tableSize = 0;
    this.version++;
    return n;
  }
}
