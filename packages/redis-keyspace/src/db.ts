/**
 * One Redis database (server.h redisDb): the main dict (key → value) and the expires dict
 * (key → absolute ms). Storage is columnar to keep memory per key low: a JS Map from key to a
 * slot number, and per-slot arrays for key, value and deadline. The expires dict is an
 * ExpiresDict over the same slot numbers.
 *
 * A key's deadline and its LRU time sit side by side in one Float64Array (`meta`: 2·slot the
 * deadline, 2·slot + 1 the LRU time), so the 16-byte pair a lookup reads and writes is one cache
 * line: a typed GET of a key with a TTL touches the dict, this pair and the value column.
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

/**
 * A meta column for `slots` slots: every deadline NaN (no TTL). The LRU halves are NaN too until
 * add() stamps them (a slot is read only after add); one native fill is cheaper than a strided loop.
 */
function newMeta(slots: number): Float64Array {
  return new Float64Array(2 * slots).fill(NO_EXPIRE);
}

/** What every Db of a keyspace shares: the command's time and the new-key event hook. */
export interface DbShared {
  readonly now: number;
  /** db.c dbAdd's notifyKeyspaceEvent(NOTIFY_NEW, "new", …); undefined while 'n' is off. */
  readonly onNew: ((key: string, dbid: number) => void) | undefined;
}

export class Db {
  readonly id: number;
  readonly dict = new Map<string, number>();
  keyOf: string[] = [];
  valOf: Val[] = [];
  /**
   * Per slot [deadline, lru]: the deadline in ms (NaN = no TTL; the expires dict's value), then
   * robj.lru, the ms time of the key's last access (OBJECT IDLETIME), stamped by add().
   */
  meta: Float64Array = newMeta(16);
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

  /**
   * The server's cached command time (KeyspaceCore.cmdNow), for new keys' LRU stamps, and the
   * 'n' notification of dbAdd (set by KeyspaceCore only while new-key events are enabled).
   */
  private readonly clock: DbShared;

  constructor(id: number, clock: DbShared = { now: 0, onNew: undefined }) {
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
    if (2 * slot >= this.meta.length) {
      const grown = newMeta(this.meta.length);
      grown.set(this.meta);
      this.meta = grown;
    }
    return slot;
  }

  /**
   * dbAdd: the key must not exist. `lru`: its access time (default the command's time). Raises
   * db.c dbAdd's "new" event (class 'n') unless `loaded` (rdb.c dbAddRDBLoad raises none).
   */
  add(key: string, val: Val, known: number = ASCII_UNKNOWN, lru: number = this.clock.now, loaded = false): number {
    if (!this.highKeys && (known & KEY_ASCII) === 0 && !isAscii(key)) this.highKeys = true;
    if (!this.highStrings && (known & VALUE_ASCII) === 0) this.noteString(val);
    this.tableSize = sizeAfterAdd(this.tableSize, this.dict.size);
    this.version++;
    const slot = this.allocSlot();
    this.keyOf[slot] = key;
    this.valOf[slot] = val;
    this.meta[2 * slot + 1] = lru;
    this.dict.set(key, slot);
    const onNew = this.clock.onNew;
    if (onNew !== undefined && !loaded) onNew(key, this.id);
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
    if (!Number.isNaN(this.getExpire(slot))) this.removeExpire(slot);
    this.dict.delete(key);
    this.version++;
    this.keyOf[slot] = '';
    this.valOf[slot] = '';
    this.freeSlots.push(slot);
  }

  hasExpire(slot: number): boolean {
    return !Number.isNaN(this.getExpire(slot));
  }

  /** The deadline in ms, NaN when the key has no TTL. */
  getExpire(slot: number): number {
    return this.meta[2 * slot] ?? NO_EXPIRE;
  }

  /** robj.lru as the ms time of the last access (add() stamps it, lookups update it). */
  lruAt(slot: number): number {
    return this.meta[2 * slot + 1] ?? 0;
  }

  /** lookupKey's access update: robj.lru = now. */
  setLru(slot: number, ms: number): void {
    this.meta[2 * slot + 1] = ms;
  }

  /** Exact deadline as bigint (for replies). Only meaningful when hasExpire. */
  getExpireExact(slot: number): bigint {
    const big = this.bigExp.get(slot);
    return big ?? BigInt(this.getExpire(slot));
  }

  /**
   * The deadline of `slot` (ms); a new one enters the expires dict. The bigint and first-deadline
   * cases are out of line: this sits on the typed SET's path, which V8 inlines only while small.
   */
  setExpire(slot: number, whenMs: number | bigint): void {
    if (typeof whenMs === 'bigint') {
      this.setExpireBig(slot, whenMs);
      return;
    }
    if (this.bigExp.size > 0) this.bigExp.delete(slot); // skip the Map op in the common case
    const at = 2 * slot;
    if (Number.isNaN(this.meta[at] ?? NO_EXPIRE)) this.addExpire(slot);
    this.meta[at] = whenMs;
  }

  /** setExpire of a bigint: kept exactly in bigExp when beyond 2^53. */
  private setExpireBig(slot: number, whenMs: bigint): void {
    if (whenMs > BigInt(Number.MAX_SAFE_INTEGER) || whenMs < BigInt(Number.MIN_SAFE_INTEGER)) this.bigExp.set(slot, whenMs);
    else this.bigExp.delete(slot);
    if (Number.isNaN(this.getExpire(slot))) this.addExpire(slot);
    this.meta[2 * slot] = Number(whenMs);
  }

  /** A slot's first deadline: it joins the expires dict. */
  private addExpire(slot: number): void {
    this.expires.add(slot); // grows its chain links to hold the slot
  }

  removeExpire(slot: number): boolean {
    if (Number.isNaN(this.getExpire(slot))) return false;
    this.expires.remove(slot);
    this.meta[2 * slot] = NO_EXPIRE;
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
    this.meta = newMeta(16);
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
