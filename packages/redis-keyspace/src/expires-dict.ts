/**
 * The per-db `expires` hash table, shaped like Redis's dict.c so that activeExpireCycle can walk
 * it the way Redis does: power-of-two bucket arrays with chained entries, new entries at the head
 * of their chain, dictScan's reverse-binary cursor, and Redis's resize rules:
 *   - dict.c _dictExpandIfNeeded: grow to the next power of two above `used` when used >= size
 *     (the first insert creates 4 buckets, DICT_HT_INITIAL_SIZE);
 *   - server.c htNeedsResize / tryResizeHashTables (from databasesCron): shrink to the smallest
 *     power of two >= max(used, 4) when size > 4 and used*100/size < 10 (HASHTABLE_MIN_FILL).
 *
 * Approximation (stated in the README): Redis rehashes incrementally (one bucket per operation
 * plus 1 ms per cron tick); this table rehashes at once. dictScan's cursor is resize-safe in both,
 * so the order in which buckets are visited is the same modulo the rehash window.
 *
 * Entries are slot numbers owned by the caller (Db). The bucket of a slot is a fixed pseudo-random
 * 32-bit hash of the slot number (Redis hashes the key bytes with siphash and a random seed); what
 * matters for the cycle is only that keys land in buckets independently of their expiry times.
 */

export const DICT_HT_INITIAL_SIZE = 4;
export const HASHTABLE_MIN_FILL = 10;

/** A 32-bit integer mixer (the finaliser of MurmurHash3). */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function nextPower(n: number): number {
  let size = DICT_HT_INITIAL_SIZE;
  while (size < n) size *= 2;
  return size;
}

/** Reverse the bits of a 32-bit unsigned integer. */
function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/**
 * `a[i]` for an index the table's own links produced: every bucket head and chain link is a slot
 * below `next.length`, or -1, so an undefined read means the table is corrupt and is an error.
 */
function at(a: Int32Array, i: number): number {
  const v = a[i];
  if (v === undefined) throw new Error(`ExpiresDict: index ${i} is outside a table of ${a.length}`);
  return v;
}

export class ExpiresDict {
  /** Bucket heads (slot numbers, -1 = empty). Length 0 until the first insert. */
  heads: Int32Array = new Int32Array(0);
  /** Chain links, indexed by slot (grown by the owner through `ensureSlots`). */
  next: Int32Array = new Int32Array(0);
  used = 0;
  /** Number of expand/shrink operations (for tests that want to see resizes happen). */
  resizes = 0;

  get size(): number {
    return this.heads.length;
  }

  ensureSlots(capacity: number): void {
    if (this.next.length >= capacity) return;
    const grown = new Int32Array(Math.max(capacity, this.next.length * 2, 16));
    grown.set(this.next);
    this.next = grown;
  }

  bucketOf(slot: number): number {
    return mix32(slot) & (this.heads.length - 1);
  }

  /**
   * dictAdd of `slot` (not in the table): the head of its bucket's chain. The expand and the
   * growth of `next` are out of line, so that this stays small enough for V8 to inline into the
   * typed SET's chain (Keyspace.set → setFast → Db.setExpire → here).
   */
  add(slot: number): void {
    let heads = this.heads;
    if (this.used >= heads.length || slot >= this.next.length) heads = this.makeRoom(slot);
    const b = mix32(slot) & (heads.length - 1);
    const head = heads[b];
    if (head === undefined) throw new Error(`ExpiresDict: bucket ${b} is outside a table of ${heads.length}`);
    this.next[slot] = head;
    heads[b] = slot;
    this.used++;
  }

  /** add()'s rare cases: the table expands (dict.c _dictExpandIfNeeded), `next` grows to hold `slot`. */
  private makeRoom(slot: number): Int32Array {
    this.ensureSlots(slot + 1);
    this.expandIfNeeded();
    return this.heads;
  }

  /** dict.c _dictExpandIfNeeded (dict_can_resize is always true here: no fork child). */
  private expandIfNeeded(): void {
    if (this.heads.length === 0) this.rehashTo(DICT_HT_INITIAL_SIZE);
    else if (this.used >= this.heads.length) this.rehashTo(nextPower(this.used + 1));
  }

  remove(slot: number): void {
    const b = this.bucketOf(slot);
    let cur = at(this.heads, b);
    let prev = -1;
    while (cur !== -1) {
      if (cur === slot) {
        if (prev === -1) this.heads[b] = at(this.next, cur);
        else this.next[prev] = at(this.next, cur);
        this.used--;
        return;
      }
      prev = cur;
      cur = at(this.next, cur);
    }
    throw new Error(`ExpiresDict.remove: slot ${slot} is not in the table`);
  }

  clear(): void {
    this.heads = new Int32Array(0);
    this.used = 0;
  }

  /** server.c htNeedsResize. */
  needsResize(): boolean {
    const size = this.heads.length;
    return size > DICT_HT_INITIAL_SIZE && Math.floor((this.used * 100) / size) < HASHTABLE_MIN_FILL;
  }

  /** dict.c dictResize: shrink (or grow) to the smallest power of two holding `used`. */
  resize(): void {
    this.rehashTo(nextPower(Math.max(this.used, DICT_HT_INITIAL_SIZE)));
  }

  private rehashTo(size: number): void {
    const old = this.heads;
    const heads = new Int32Array(size).fill(-1);
    const mask = size - 1;
    // Walk every old chain; reinsert at the head of the new chain, as dictRehash does.
    for (let b = 0; b < old.length; b++) {
      let cur = at(old, b);
      while (cur !== -1) {
        const nxt = at(this.next, cur);
        const nb = mix32(cur) & mask;
        this.next[cur] = at(heads, nb);
        heads[nb] = cur;
        cur = nxt;
      }
    }
    this.heads = heads;
    this.resizes++;
  }

  /**
   * dict.c dictScan, one bucket: call `fn` for every slot in the bucket under `cursor`, and
   * return the next cursor (reverse-binary increment over the mask bits).
   */
  scan(cursor: number, fn: (slot: number) => void): number {
    const size = this.heads.length;
    if (size === 0 || this.used === 0) return 0;
    const mask = size - 1;
    let cur = at(this.heads, cursor & mask);
    while (cur !== -1) {
      // Read the link first: fn may delete `cur`.
      const nxt = at(this.next, cur);
      fn(cur);
      cur = nxt;
    }
    let v = (cursor | ~mask) >>> 0;
    v = rev32(v);
    v = (v + 1) >>> 0;
    return rev32(v);
  }
}
