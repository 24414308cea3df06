import { hash32, mulU32 } from '../addr.js';
import { connOverhead, mulGt, type Dest } from '../dest.js';
import type { SchedPacket, Scheduler, SchedulerOptions, ServiceView } from '../service.js';
import { at, LvsError } from '../errors.js';
import { wlcPick } from './conn.js';
import { IndexedLeastConn } from './indexed.js';

/** ip_vs_lblc.c / ip_vs_lblcr.c constants. */
export const CHECK_EXPIRE_INTERVAL_MS = 60_000;
export const COUNT_FOR_FULL_EXPIRATION = 30;
export const ENTRY_TIMEOUT_MS = 6 * 60_000;
export const LBLC_TAB_BITS = 10;
export const LBLC_TAB_SIZE = 1 << LBLC_TAB_BITS;
/** `tbl->max_size = IP_VS_LBLC_TAB_SIZE * 16`. */
export const LBLC_MAX_SIZE = LBLC_TAB_SIZE * 16;
export const DEFAULT_EXPIRATION_MS = 24 * 60 * 60_000;

/** ip_vs_lblc_hashkey: `(addr * 2654435761) & 1023` (bucket placement only matters to the over-full GC). */
export function lblcBucket(addr: number): number {
  return mulU32(addr, 2654435761) & (LBLC_TAB_SIZE - 1);
}

/** ip_vs_lblcr_hashkey: `hash_32(addr, 10)`. */
export function lblcrBucket(addr: number): number {
  return hash32(addr, LBLC_TAB_BITS);
}

/**
 * The locality schedulers' "overloaded" test (`is_overloaded` in ip_vs_lblc.c/ip_vs_lblcr.c):
 * `activeconns > weight` and some server of the service has `2 * activeconns < weight`.
 * Note: this is NOT the OVERLOAD flag.
 */
export function lblcOverloaded(d: Dest, list: readonly Dest[]): boolean {
  if (d.activeConns > d.weight) {
    for (const x of list) if (x.activeConns * 2 < x.weight) return true;
  }
  return false;
}

interface Entry<V> {
  addr: number;
  lastuse: number;
  value: V;
}

/**
 * The per-service cache both locality schedulers keep: 1024 hash buckets (newest entry first in
 * a bucket), a 60 s timer doing a full sweep every 30th run, and a quicker 6-minute sweep from a
 * rover bucket when over 16384 entries (`ip_vs_lblc_check_expire`).
 */
export class LocalityTable<V> {
  readonly buckets: Entry<V>[][] = Array.from({ length: LBLC_TAB_SIZE }, () => []);
  entries = 0;
  counter = 1;
  rover = 0;
  nextCheckMs: number;
  constructor(
    readonly bucketOf: (addr: number) => number,
    readonly expirationMs: number,
    startMs: number,
  ) {
    this.nextCheckMs = startMs + CHECK_EXPIRE_INTERVAL_MS;
  }

  private bucket(addr: number): Entry<V>[] {
    return at(this.buckets, this.bucketOf(addr), 'lblc table');
  }
  get(addr: number): Entry<V> | undefined {
    for (const e of this.bucket(addr)) if (e.addr === addr) return e;
    return undefined;
  }
  insert(addr: number, value: V, now: number): Entry<V> {
    const e = { addr, lastuse: now, value };
    this.bucket(addr).unshift(e);
    this.entries++;
    return e;
  }
  /** Delete `e` and add a fresh entry for its address at the head of the bucket, reusing `e`. */
  replace(e: Entry<V>, value: V, now: number): void {
    const b = this.bucket(e.addr);
    const i = b.indexOf(e);
    if (i > 0) {
      b.splice(i, 1);
      b.unshift(e);
    }
    e.value = value;
    e.lastuse = now;
  }
  remove(e: Entry<V>): void {
    const b = this.bucket(e.addr);
    const i = b.indexOf(e);
    if (i >= 0) {
      b.splice(i, 1);
      this.entries--;
    }
  }

  /**
   * Run every 60 s timer tick due at or before `now`, each at its own time. Once the table is
   * empty a tick only moves `counter` round its 30-tick cycle, so the remaining ticks are skipped
   * arithmetically: the loop runs at most (expiration / 60 s + 31) times while entries remain
   * (no lookups happen in between, so every entry expires by then), whatever the clock jump.
   */
  advance(now: number): void {
    while (this.nextCheckMs <= now) {
      if (this.entries === 0) {
        const ticks = Math.floor((now - this.nextCheckMs) / CHECK_EXPIRE_INTERVAL_MS) + 1;
        this.counter = ((this.counter - 1 + ticks) % COUNT_FOR_FULL_EXPIRATION) + 1;
        this.nextCheckMs += ticks * CHECK_EXPIRE_INTERVAL_MS;
        return;
      }
      this.checkExpire(this.nextCheckMs);
      this.nextCheckMs += CHECK_EXPIRE_INTERVAL_MS;
    }
  }

  /** ip_vs_lblc_check_expire at time `t`. */
  private checkExpire(t: number): void {
    if (this.counter % COUNT_FOR_FULL_EXPIRATION === 0) {
      // ip_vs_lblc_full_check: remove entries idle for the expiration time
      for (const b of this.entries > 0 ? this.buckets : []) {
        for (let i = b.length - 1; i >= 0; i--) {
          const e = at(b, i, 'lblc bucket');
          if (t < e.lastuse + this.expirationMs) continue;
          b.splice(i, 1);
          this.entries--;
        }
      }
      this.counter = 1;
      return;
    }
    if (this.entries <= LBLC_MAX_SIZE) {
      this.counter++;
      return;
    }
    let goal = Math.trunc(((this.entries - LBLC_MAX_SIZE) * 4) / 3);
    if (goal > LBLC_MAX_SIZE / 2) goal = LBLC_MAX_SIZE / 2;
    let j = this.rover;
    for (let i = 0; i < LBLC_TAB_SIZE; i++) {
      j = (j + 1) & (LBLC_TAB_SIZE - 1);
      const b = at(this.buckets, j, 'lblc table');
      for (let k = 0; k < b.length; ) {
        const e = at(b, k, 'lblc bucket');
        if (t < e.lastuse + ENTRY_TIMEOUT_MS) {
          k++;
          continue;
        }
        b.splice(k, 1);
        this.entries--;
        goal--;
      }
      if (goal <= 0) break;
    }
    this.rover = j;
  }
}

/**
 * The two service-wide questions lblc and lblcr ask — the wlc choice, and "is some server under
 * half its weight?" (`is_overloaded`'s scan) — either by the kernel's O(n) scans or, with
 * `indexed`, from a segment tree (IndexedLeastConn) and a running count kept by the dest hooks.
 * Both give the same answers; the index makes a pick O(log n) amortised.
 */
class ServiceWide {
  readonly #tree: IndexedLeastConn | undefined;
  /** Indexed only: how many servers have 2·activeconns < weight (each one's answer is `d.underHalf`). */
  #under = 0;
  constructor(indexed: boolean) {
    this.#tree = indexed ? new IndexedLeastConn('wlc') : undefined;
  }
  private track(d: Dest, present: boolean): void {
    const now = present && d.activeConns * 2 < d.weight;
    if (d.underHalf !== now) this.#under += now ? 1 : -1;
    d.underHalf = now;
  }
  init(svc: ServiceView): void {
    if (this.#tree === undefined) return;
    this.#tree.initService(svc);
    this.#under = 0;
    for (const d of svc.dests) {
      d.underHalf = false;
      this.track(d, true);
    }
  }
  added(svc: ServiceView, d: Dest): void {
    this.#tree?.addDest(svc);
    if (this.#tree !== undefined) this.track(d, true);
  }
  deleted(svc: ServiceView, d: Dest): void {
    this.#tree?.delDest(svc);
    if (this.#tree !== undefined) this.track(d, false);
  }
  changed(svc: ServiceView, d: Dest): void {
    if (this.#tree === undefined) return;
    this.#tree.destChanged(svc, d);
    this.track(d, true);
  }
  wlc(svc: ServiceView): Dest | null {
    return this.#tree === undefined ? wlcPick(svc.dests) : this.#tree.schedule(svc);
  }
  overloaded(d: Dest, svc: ServiceView): boolean {
    return this.#tree === undefined ? lblcOverloaded(d, svc.dests) : d.activeConns > d.weight && this.#under > 0;
  }
}

function tableOf<V>(t: LocalityTable<V> | undefined): LocalityTable<V> {
  if (t === undefined) throw new LvsError('INVARIANT', 'locality scheduler used before initService');
  return t;
}

function checkExpiration(ms: number | undefined): number {
  const v = ms ?? DEFAULT_EXPIRATION_MS;
  if (!Number.isInteger(v) || v < 1 || v > 0x7fffffff) throw new LvsError('BAD_OPTION', `expirationMs: expected an integer in [1, 2147483647], found ${String(v)}`);
  return v;
}

/**
 * lblc — ip_vs_lblc.c. Keyed by the packet's destination address: a cached server is kept while
 * it is AVAILABLE, weight > 0 and not `lblcOverloaded` (the OVERLOAD flag is not consulted on this
 * path); otherwise the wlc choice over the whole service replaces the entry.
 */
export class Lblc implements Scheduler {
  readonly name = 'lblc' as const;
  table: LocalityTable<Dest> | undefined;
  readonly expirationMs: number;
  readonly #wide: ServiceWide;
  constructor(opts: SchedulerOptions = {}) {
    this.expirationMs = checkExpiration(opts.expirationMs);
    this.#wide = new ServiceWide(opts.indexed === true);
  }
  initService(svc: ServiceView): void {
    this.table = new LocalityTable<Dest>(lblcBucket, this.expirationMs, svc.now());
    this.#wide.init(svc);
  }
  addDest(svc: ServiceView, d: Dest): void {
    this.#wide.added(svc, d);
  }
  delDest(svc: ServiceView, d: Dest): void {
    this.#wide.deleted(svc, d);
  }
  destChanged(svc: ServiceView, d: Dest): void {
    this.#wide.changed(svc, d);
  }
  advance(_svc: ServiceView, now: number): void {
    tableOf(this.table).advance(now);
  }
  schedule(svc: ServiceView, pkt: SchedPacket): Dest | null {
    const tbl = tableOf(this.table);
    const now = svc.now();
    const en = tbl.get(pkt.dst);
    if (en !== undefined) {
      en.lastuse = now;
      const d = en.value;
      if (d.available && d.weight > 0 && !this.#wide.overloaded(d, svc)) return d;
    }
    const dest = this.#wide.wlc(svc);
    if (dest === null) return null;
    // ip_vs_lblc_new: an entry for the same dest is kept; otherwise replaced by a fresh one at
    // the head of its bucket (we reuse the object: same fields, same place, no allocation)
    if (en === undefined) tbl.insert(pkt.dst, dest, now);
    else if (en.value !== dest) tbl.replace(en, dest, now);
    return dest;
  }
}

/** lblcr's per-destination-IP server set, newest first (`struct ip_vs_dest_set`). */
export interface DestSet {
  members: Dest[];
  lastmod: number;
}

/** ip_vs_dest_set_min: wlc rule inside the set (first candidate AVAILABLE with weight > 0). */
export function destSetMin(set: DestSet): Dest | null {
  let i = 0;
  let least: Dest | null = null;
  for (; i < set.members.length; i++) {
    const d = at(set.members, i, 'lblcr set');
    if (d.overloaded) continue;
    if (d.weight > 0 && d.available) {
      least = d;
      break;
    }
  }
  if (least === null) return null;
  let loh = connOverhead(least);
  for (i++; i < set.members.length; i++) {
    const d = at(set.members, i, 'lblcr set');
    if (d.overloaded) continue;
    const doh = connOverhead(d);
    if (mulGt(loh, d.weight, doh, least.weight) && d.available) {
      least = d;
      loh = doh;
    }
  }
  return least;
}

/** ip_vs_dest_set_max: the most loaded per weight (weight > 0), first on ties. */
export function destSetMax(set: DestSet): Dest | null {
  let i = 0;
  let most: Dest | null = null;
  for (; i < set.members.length; i++) {
    const d = at(set.members, i, 'lblcr set');
    if (d.weight > 0) {
      most = d;
      break;
    }
  }
  if (most === null) return null;
  let moh = connOverhead(most);
  for (i++; i < set.members.length; i++) {
    const d = at(set.members, i, 'lblcr set');
    const doh = connOverhead(d);
    if (mulGt(doh, most.weight, moh, d.weight) && d.weight > 0) {
      most = d;
      moh = doh;
    }
  }
  return most;
}

/**
 * lblcr — ip_vs_lblcr.c. Each destination IP maps to a SET of servers. A pick takes the set's wlc
 * minimum; if the set has more than one member and was not modified for `expirationMs`, its most
 * loaded member is dropped. An lblc-overloaded (or missing) minimum adds the service-wide wlc
 * choice to the set.
 */
export class Lblcr implements Scheduler {
  readonly name = 'lblcr' as const;
  table: LocalityTable<DestSet> | undefined;
  readonly expirationMs: number;
  readonly #wide: ServiceWide;
  constructor(opts: SchedulerOptions = {}) {
    this.expirationMs = checkExpiration(opts.expirationMs);
    this.#wide = new ServiceWide(opts.indexed === true);
  }
  initService(svc: ServiceView): void {
    this.table = new LocalityTable<DestSet>(lblcrBucket, this.expirationMs, svc.now());
    this.#wide.init(svc);
  }
  addDest(svc: ServiceView, d: Dest): void {
    this.#wide.added(svc, d);
  }
  delDest(svc: ServiceView, d: Dest): void {
    this.#wide.deleted(svc, d);
  }
  destChanged(svc: ServiceView, d: Dest): void {
    this.#wide.changed(svc, d);
  }
  advance(_svc: ServiceView, now: number): void {
    tableOf(this.table).advance(now);
  }
  /** The set cached for a destination address (for tests and examples). */
  setFor(dst: number): readonly Dest[] | undefined {
    return tableOf(this.table).get(dst)?.value.members;
  }
  schedule(svc: ServiceView, pkt: SchedPacket): Dest | null {
    const tbl = tableOf(this.table);
    const now = svc.now();
    const en = tbl.get(pkt.dst);
    if (en !== undefined) {
      en.lastuse = now;
      const set = en.value;
      const m = destSetMin(set);
      if (set.members.length > 1 && now > set.lastmod + this.expirationMs) {
        const most = destSetMax(set);
        if (most !== null) {
          set.members.splice(set.members.indexOf(most), 1);
          set.lastmod = now;
        }
      }
      if (m !== null && !this.#wide.overloaded(m, svc)) return m;
      const dest = this.#wide.wlc(svc);
      if (dest === null) return null;
      if (!set.members.includes(dest)) {
        set.members.unshift(dest);
        set.lastmod = now;
      }
      return dest;
    }
    const dest = this.#wide.wlc(svc);
    if (dest === null) return null;
    tbl.insert(pkt.dst, { members: [dest], lastmod: now }, now);
    return dest;
  }
}
