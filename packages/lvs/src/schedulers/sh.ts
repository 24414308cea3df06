import { hash32, mulU32 } from '../addr.js';
import type { Dest } from '../dest.js';
import { at } from '../errors.js';
import type { SchedPacket, Scheduler, SchedulerOptions, ServiceView } from '../service.js';

/** CONFIG_IP_VS_SH_TAB_BITS / CONFIG_IP_VS_DH_TAB_BITS default. */
export const TAB_BITS = 8;
export const TAB_SIZE = 1 << TAB_BITS;
const TAB_MASK = TAB_SIZE - 1;

export type TableHash = NonNullable<SchedulerOptions['tableHash']>;

/**
 * The bucket of a 32-bit key. Current kernels (ip_vs_sh.c / ip_vs_dh.c) use the golden-ratio
 * `hash_32(key, 8)` — the TOP 8 bits of `key * 0x61C88647`. Older kernels used
 * `(key * 2654435761) & 255`, the LOW 8 bits, so for IPv4 only the last octet mattered.
 */
export function tableBucket(key: number, offset: number, how: TableHash): number {
  const h = how === 'hash_32' ? hash32(key >>> 0, TAB_BITS) : mulU32(key >>> 0, 2654435761) & TAB_MASK;
  return (offset + h) & TAB_MASK;
}

function isUnavailable(d: Dest): boolean {
  return d.weight <= 0 || d.overloaded;
}

/**
 * sh — ip_vs_sh.c. A 256-bucket table filled by `ip_vs_sh_reassign`: walk the list cyclically,
 * each dest takes consecutive buckets until it has `weight` of them (a weight-0 dest still takes
 * one: the test is `++count >= weight`). Rebuilt on add, delete and edit.
 * Key: source address (+ source port with sh-port). sh-fallback probes
 * `bucket(key, (i + h) mod 256)` for i = 0..255, i.e. buckets 2h, 2h+1, … (mod 256).
 */
export class SourceHashing implements Scheduler {
  readonly name: 'sh' | 'dh' = 'sh';
  table: (Dest | null)[] = new Array<Dest | null>(TAB_SIZE).fill(null);
  readonly how: TableHash;
  constructor(opts: SchedulerOptions = {}) {
    this.how = opts.tableHash ?? 'hash_32';
  }

  /** ip_vs_sh_reassign. */
  reassign(svc: ServiceView): void {
    const list = svc.dests;
    if (list.length === 0) {
      this.table.fill(null);
      return;
    }
    let p = 0;
    let count = 0;
    for (let i = 0; i < TAB_SIZE; i++) {
      const d = at(list, p, 'dest list');
      this.table[i] = d;
      if (++count >= d.weight) {
        p = (p + 1) % list.length;
        count = 0;
      }
    }
  }
  initService(svc: ServiceView): void {
    this.reassign(svc);
  }
  addDest(svc: ServiceView): void {
    this.reassign(svc);
  }
  delDest(svc: ServiceView): void {
    this.reassign(svc);
  }
  updDest(svc: ServiceView): void {
    this.reassign(svc);
  }

  bucketOf(pkt: SchedPacket, withPort: boolean, offset = 0): number {
    return tableBucket((pkt.src + (withPort ? pkt.sport : 0)) >>> 0, offset, this.how);
  }

  schedule(svc: ServiceView, pkt: SchedPacket): Dest | null {
    const withPort = svc.flags.has('sh-port');
    const ihash = this.bucketOf(pkt, withPort);
    const first = this.table[ihash] ?? null;
    if (!svc.flags.has('sh-fallback')) return first === null || isUnavailable(first) ? null : first;
    // ip_vs_sh_get_fallback
    if (first === null) return null;
    if (!isUnavailable(first)) return first;
    for (let offset = 0; offset < TAB_SIZE; offset++) {
      const roffset = (offset + ihash) % TAB_SIZE;
      const d = this.table[this.bucketOf(pkt, withPort, roffset)] ?? null;
      if (d === null) break;
      if (!isUnavailable(d)) return d;
    }
    return null;
  }
}

/**
 * dh — ip_vs_dh.c. Same table size and hash, keyed by the DESTINATION address; the fill ignores
 * weights (bucket i → dest i mod n in list order); rebuilt on add/delete only (no upd hook);
 * no fallback.
 */
export class DestinationHashing implements Scheduler {
  readonly name = 'dh' as const;
  table: (Dest | null)[] = new Array<Dest | null>(TAB_SIZE).fill(null);
  readonly how: TableHash;
  constructor(opts: SchedulerOptions = {}) {
    this.how = opts.tableHash ?? 'hash_32';
  }
  /** ip_vs_dh_reassign. */
  reassign(svc: ServiceView): void {
    const list = svc.dests;
    for (let i = 0; i < TAB_SIZE; i++) this.table[i] = list.length === 0 ? null : at(list, i % list.length, 'dest list');
  }
  initService(svc: ServiceView): void {
    this.reassign(svc);
  }
  addDest(svc: ServiceView): void {
    this.reassign(svc);
  }
  delDest(svc: ServiceView): void {
    this.reassign(svc);
  }
  schedule(_svc: ServiceView, pkt: SchedPacket): Dest | null {
    const d = this.table[tableBucket(pkt.dst, 0, this.how)] ?? null;
    if (d === null || !d.available || d.weight <= 0 || d.overloaded) return null;
    return d;
  }
}
