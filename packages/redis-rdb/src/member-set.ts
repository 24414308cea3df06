/**
 * Duplicate detection while a collection loads: what rdb.c `rdbLoadObject` gets from `dictAdd`
 * failing ("Duplicate set members detected", "Duplicate zset fields detected", "Duplicate hash
 * fields detected") and, for listpacks and ziplists, from `lpValidateIntegrityAndDups` /
 * `ziplistValidateIntegrity` with deep sanitisation (what `redis-check-rdb` runs).
 *
 * One instance is reused for every key: the members' bytes are copied into one arena and found
 * through an open-addressing table of (FNV-1a hash, 1 + member index) pairs, so checking a key
 * allocates nothing once the arrays have grown to the largest collection seen. Integers (listpack
 * and ziplist integer entries) are compared as their decimal text, as Redis compares the sds it
 * gets from `lpGet`.
 */
import { intToBytes } from './bytes.js';

export class MemberSet {
  private arena = new Uint8Array(1024);
  private used = 0;
  /** (start, length) of each member in the arena */
  private spans = new Int32Array(64);
  private count = 0;
  /** pairs (hash, 1 + member index); 0 = empty slot */
  private table = new Int32Array(64);
  private mask = 31;

  /** Start a new collection of about `expected` members (the table is sized once, never beyond 2^21 slots up front). */
  reset(expected: number): void {
    let slots = 32;
    const want = Math.min(expected, 1 << 20) * 2;
    while (slots < want) slots *= 2;
    if (slots * 2 !== this.table.length) this.table = new Int32Array(slots * 2);
    else this.table.fill(0);
    this.mask = slots - 1;
    this.used = 0;
    this.count = 0;
  }

  /** Add `buf[s, s + n)`; false when an equal member is already present. */
  add(buf: Uint8Array, s: number, n: number): boolean {
    let h = 0x811c9dc5 | 0;
    for (let i = s; i < s + n; i++) h = Math.imul(h ^ (buf[i] ?? 0), 0x01000193);
    const t = this.table;
    const mask = this.mask;
    let i = h & mask;
    for (;;) {
      const m = (t[2 * i + 1] ?? 0);
      if (m === 0) break;
      if (t[2 * i] === h && this.equals(m - 1, buf, s, n)) return false;
      i = (i + 1) & mask;
    }
    this.store(buf, s, n);
    t[2 * i] = h;
    t[2 * i + 1] = this.count;
    if (this.count * 2 > mask) this.grow();
    return true;
  }

  addBytes(b: Uint8Array): boolean {
    return this.add(b, 0, b.length);
  }

  /** An integer entry, compared as its decimal text. */
  addInt(v: number | bigint): boolean {
    const text = intToBytes(v);
    return this.add(text, 0, text.length);
  }

  private equals(m: number, buf: Uint8Array, s: number, n: number): boolean {
    if (this.spans[2 * m + 1] !== n) return false;
    const a = this.arena;
    const o = (this.spans[2 * m] ?? 0);
    for (let k = 0; k < n; k++) if (a[o + k] !== buf[s + k]) return false;
    return true;
  }

  private store(buf: Uint8Array, s: number, n: number): void {
    if (this.used + n > this.arena.length) {
      const bigger = new Uint8Array(Math.max(this.arena.length * 2, this.used + n));
      bigger.set(this.arena.subarray(0, this.used));
      this.arena = bigger;
    }
    const a = this.arena;
    const o = this.used;
    if (n <= 32) {
      // short members (the usual listpack field): a loop, no subarray object per member
      for (let k = 0; k < n; k++) a[o + k] = buf[s + k] ?? 0;
    } else a.set(buf.subarray(s, s + n), o);
    if (2 * this.count + 2 > this.spans.length) {
      const bigger = new Int32Array(this.spans.length * 2);
      bigger.set(this.spans);
      this.spans = bigger;
    }
    this.spans[2 * this.count] = this.used;
    this.spans[2 * this.count + 1] = n;
    this.used += n;
    this.count++;
  }

  private grow(): void {
    const old = this.table;
    const mask = this.mask * 2 + 1;
    const t = new Int32Array(2 * (mask + 1));
    for (let j = 0; j < old.length; j += 2) {
      const m = (old[j + 1] ?? 0);
      if (m === 0) continue;
      let i = (old[j] ?? 0) & mask;
      while (t[2 * i + 1] !== 0) i = (i + 1) & mask;
      t[2 * i] = (old[j] ?? 0);
      t[2 * i + 1] = m;
    }
    this.table = t;
    this.mask = mask;
  }
}
