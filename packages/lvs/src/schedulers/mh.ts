import type { Dest } from '../dest.js';
import { at, LvsError } from '../errors.js';
import type { SchedPacket, Scheduler, SchedulerOptions, ServiceView } from '../service.js';
import { gcd } from './wrr.js';
import { hsiphash32 } from './siphash.js';

/** ip_vs_mh.c `primes[]`: table sizes for CONFIG_IP_VS_MH_TAB_INDEX 8..17. */
export const MH_PRIMES = [251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071] as const;

/** generate_hash_secret: the kernel's keys are fixed constants, not random. */
const HASH1 = [2654435761n, 2654435761n] as const;
const HASH2 = [2654446892n, 2654446892n] as const;

function unavailable(d: Dest): boolean {
  return d.weight <= 0 || d.overloaded;
}

function fls(x: number): number {
  return x === 0 ? 0 : 32 - Math.clz32(x);
}

/**
 * mh — Maglev hashing (ip_vs_mh.c, Linux 4.18+). Each dest gets a permutation
 * `offset = hash1(addr,port) mod M`, `skip = hash2(addr,port) mod (M-1) + 1`; rounds over the list
 * let each dest claim `turns` free slots (turns from `last_weight`, so quiescing to weight 0 keeps
 * the table). Lookup: `slot = hash1(src [+ sport]) mod M`. Rebuilt on add, delete and edit.
 */
export class MaglevHashing implements Scheduler {
  readonly name = 'mh' as const;
  readonly size: number;
  /** CONFIG_IP_VS_MH_TAB_INDEX / 2: the weight scaling bits. */
  readonly tabBits: number;
  lookup: (Dest | null)[];
  gcd = 0;
  rshift = 0;

  constructor(opts: SchedulerOptions = {}) {
    const index = opts.mhTabIndex ?? 12;
    if (!Number.isInteger(index) || index < 8 || index > 17) {
      throw new LvsError('BAD_OPTION', `mhTabIndex: expected an integer in [8, 17], found ${String(index)}`);
    }
    this.size = at(MH_PRIMES, index - 8, 'MH_PRIMES');
    this.tabBits = Math.floor(index / 2);
    this.lookup = new Array<Dest | null>(this.size).fill(null);
  }

  /** ip_vs_mh_hashkey: hsiphash of `offset + port + addr` as one u32. */
  static hashkey(addr: number, port: number, key: readonly [bigint, bigint], offset: number): number {
    return hsiphash32((offset + port + addr) >>> 0, key[0], key[1]);
  }

  private recompute(svc: ServiceView): void {
    // ip_vs_mh_gcd_weight / ip_vs_mh_shift_weight, on last_weight
    let g = 0;
    let mw = 0;
    for (const d of svc.dests) {
      const w = d.lastWeight;
      if (w > 0) g = g > 0 ? gcd(w, g) : w;
      if (w > mw) mw = w;
    }
    this.gcd = g;
    this.rshift = g < 1 ? 0 : Math.max(0, fls(Math.trunc(mw / g)) - this.tabBits);
    this.reassign(svc);
  }

  /** ip_vs_mh_permutate + ip_vs_mh_populate. */
  private reassign(svc: ServiceView): void {
    const M = this.size;
    const list = svc.dests;
    if (list.length > M) throw new LvsError('BAD_OPTION', `mh: ${list.length} dests exceed the table size ${M}`);
    if (this.gcd < 1) {
      this.lookup.fill(null);
      return;
    }
    const perm: number[] = [];
    const skip: number[] = [];
    const turns: number[] = [];
    for (const d of list) {
      const offset = MaglevHashing.hashkey(d.addr, d.port, HASH1, 0) % M;
      skip.push((MaglevHashing.hashkey(d.addr, d.port, HASH2, 0) % (M - 1)) + 1);
      perm.push(offset);
      const t = Math.trunc(d.lastWeight / this.gcd) >> this.rshift;
      turns.push(t !== 0 ? t : d.lastWeight !== 0 ? 1 : 0);
    }
    const taken = new Uint8Array(M);
    let n = 0;
    let dtCount = 0;
    // Each round gives every dest with turns >= 1 at least one slot, so at most M rounds.
    while (n < M) {
      for (let i = 0; i < list.length; ) {
        if ((turns[i] ?? 0) < 1) {
          i++;
          continue;
        }
        let c = perm[i] ?? 0;
        while (taken[c] === 1) {
          c += skip[i] ?? 0;
          if (c >= M) c -= M;
          perm[i] = c;
        }
        taken[c] = 1;
        this.lookup[c] = at(list, i, 'dest list');
        if (++n === M) return;
        if (++dtCount >= (turns[i] ?? 0)) {
          dtCount = 0;
          i++;
        }
      }
    }
  }

  initService(svc: ServiceView): void {
    this.recompute(svc);
  }
  addDest(svc: ServiceView): void {
    this.recompute(svc);
  }
  delDest(svc: ServiceView): void {
    this.recompute(svc);
  }
  updDest(svc: ServiceView): void {
    this.recompute(svc);
  }

  slotOf(src: number, port: number, offset = 0): number {
    return MaglevHashing.hashkey(src, port, HASH1, offset) % this.size;
  }

  schedule(svc: ServiceView, pkt: SchedPacket): Dest | null {
    const port = svc.flags.has('mh-port') ? pkt.sport : 0;
    const ihash = this.slotOf(pkt.src, port);
    const first = this.lookup[ihash] ?? null;
    if (!svc.flags.has('mh-fallback')) return first === null || unavailable(first) ? null : first;
    if (first === null) return null;
    if (!unavailable(first)) return first;
    for (let offset = 0; offset < this.size; offset++) {
      const roffset = (offset + ihash) % this.size;
      const d = this.lookup[this.slotOf(pkt.src, port, roffset)] ?? null;
      if (d === null) break;
      if (!unavailable(d)) return d;
    }
    return null;
  }
}
