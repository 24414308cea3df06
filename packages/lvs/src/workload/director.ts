import { ConnTable, type Conn } from '../conntable.js';
import { LvsError } from '../errors.js';
import type { SchedulerName } from '../schedulers/index.js';
import { VirtualService, type RandomSource, type ServiceFlag } from '../service.js';
import { checkTraffic, type TrafficOptions } from './traffic.js';

export interface WorkloadOptions extends TrafficOptions {
  seed: number;
  scheduler: SchedulerName;
  flags?: readonly ServiceFlag[];
  /** Real servers in list order (front first). */
  servers: readonly { name: string; weight: number }[];
  /** 'tcp' (default) or 'udp' — UDP connections stay inactive and expire 5 min after their last packet. */
  proto?: 'tcp' | 'udp';
  /** Remove this server (keepalived's default on a failed check) at `failAtMs`. */
  fail?: { name: string; atMs: number };
  /** Sample the active counts this often (for charts). Default 1 000 ms. */
  sampleMs?: number;
}

export interface WorkloadResult {
  scheduler: SchedulerName;
  picks: Record<string, number>; // map-ok: built by Object.fromEntries (own data properties, so a server named __proto__ is kept)
  none: number;
  maxActive: Record<string, number>; // map-ok: built by Object.fromEntries, as picks
  /** max(picks) / mean(picks) over the servers that were never removed (1 = perfectly even by count). */
  imbalance: number;
  /** Peak over time of max(active) / mean(active), weighted servers compared per unit weight. */
  peakActivePerWeight: number;
  /** Sources that connected both before and after the failure, and how many of them changed server. */
  movedSeen: number;
  moved: number;
  /** Of those that moved, how many had NOT been on the failed server (collateral moves). */
  movedCollateral: number;
  series: { t: number; active: Record<string, number> }[]; // map-ok: built by Object.fromEntries, as picks
}

/** What reaches the director: the clients' packets, and its own timers coming due. */
export type DirectorInput =
  | { type: 'syn'; cid: number; src: number; sport: number }
  | { type: 'ack'; cid: number }
  | { type: 'fin'; cid: number }
  | { type: 'expire'; cid: number }
  | { type: 'fail' }
  | { type: 'sample' };

/** What the director asks of its environment: wake it with `input` after `afterMs`. */
export interface DirectorTimer {
  afterMs: number;
  input: DirectorInput;
}

/**
 * The LVS director of a workload as a pure core: a VirtualService and its connection table,
 * moving connections SYN_RECV → ESTABLISHED → TIME_WAIT → expired, counting picks, peaks and
 * which sources moved after a server was removed. `start()` and each `step(now, input)` return
 * the timers it wants; time only comes in as `now`.
 */
export class DirectorCore {
  readonly #opts: WorkloadOptions;
  readonly #clock = { now: 0 };
  readonly svc: VirtualService;
  readonly #table: ConnTable;
  readonly #byCid = new Map<number, Conn>();
  readonly #picks = new Map<string, number>();
  readonly #maxActive = new Map<string, number>();
  #none = 0;
  readonly #before = new Map<number, string>();
  readonly #after = new Map<number, string>();
  readonly #series: WorkloadResult['series'] = [];
  #peak = 0;
  readonly #sampleMs: number;

  constructor(opts: WorkloadOptions, twosRandom: RandomSource) {
    checkTraffic(opts, (m) => new LvsError('BAD_OPTION', m));
    this.#opts = opts;
    this.#sampleMs = opts.sampleMs ?? 1000;
    if (!(this.#sampleMs > 0 && Number.isFinite(this.#sampleMs))) throw new LvsError('BAD_OPTION', `workload: sampleMs must be finite and > 0, found ${String(this.#sampleMs)}`);
    const clock = this.#clock;
    this.svc = new VirtualService({ scheduler: opts.scheduler, flags: opts.flags ?? [], now: () => clock.now, random: twosRandom });
    for (const s of opts.servers) {
      this.#picks.set(s.name, 0);
      this.#maxActive.set(s.name, 0);
    }
    // ipvsadm -a links at the front: add back to front so the list reads as given
    for (let i = opts.servers.length - 1; i >= 0; i--) {
      const s = opts.servers[i];
      if (s !== undefined) this.svc.addDest({ name: s.name, weight: s.weight, addr: `10.0.1.${String(i + 1)}` });
    }
    this.#table = new ConnTable(this.svc);
  }

  /** The timers armed at t = 0: the first sample and the failure. */
  start(): DirectorTimer[] {
    const out: DirectorTimer[] = [{ afterMs: this.#sampleMs, input: { type: 'sample' } }];
    if (this.#opts.fail) out.push({ afterMs: this.#opts.fail.atMs, input: { type: 'fail' } });
    return out;
  }

  step(now: number, input: DirectorInput): DirectorTimer[] {
    this.#clock.now = now;
    switch (input.type) {
      case 'syn':
        this.onSyn(now, input.cid, input.src, input.sport);
        return [];
      case 'ack':
      case 'fin':
        return this.onPacket(now, input.type, input.cid);
      case 'expire': {
        const c = this.#byCid.get(input.cid);
        if (c !== undefined) {
          this.#table.expire(c);
          this.#byCid.delete(input.cid);
        }
        return [];
      }
      case 'fail':
        if (this.#opts.fail) this.svc.delDest(this.#opts.fail.name);
        return [];
      case 'sample':
        return this.onSample(now);
    }
  }

  private onSyn(now: number, cid: number, src: number, sport: number): void {
    const c = this.#table.open({ srcAddr: src, srcPort: sport, dstAddr: 0x0a0000fe, dstPort: 80 }, this.#opts.proto ?? 'tcp', now);
    if (c === null) {
      this.#none++;
      return;
    }
    this.#byCid.set(cid, c);
    this.#picks.set(c.dest.name, (this.#picks.get(c.dest.name) ?? 0) + 1);
    const fail = this.#opts.fail;
    const log = fail !== undefined && now >= fail.atMs ? this.#after : this.#before;
    if (log === this.#before || !this.#after.has(src)) log.set(src, c.dest.name);
  }

  private onPacket(now: number, kind: 'ack' | 'fin', cid: number): DirectorTimer[] {
    const c = this.#byCid.get(cid);
    if (c === undefined) return [];
    if (kind === 'ack') {
      this.#table.setState(c, 'ESTABLISHED', now);
      if (c.dest.activeConns > (this.#maxActive.get(c.dest.name) ?? 0)) this.#maxActive.set(c.dest.name, c.dest.activeConns);
      return [];
    }
    // the last packet: TIME_WAIT for TCP; a UDP entry lives 5 more minutes
    const state = c.proto === 'udp' ? 'UDP' : 'TIME_WAIT';
    this.#table.setState(c, state, now);
    return [{ afterMs: this.#table.timeoutsMs[state], input: { type: 'expire', cid } }];
  }

  private onSample(now: number): DirectorTimer[] {
    const active = new Map<string, number>();
    let sum = 0;
    let wsum = 0;
    let mx = 0;
    for (const d of this.svc.dests) {
      active.set(d.name, d.activeConns);
      if (d.weight > 0) {
        sum += d.activeConns;
        wsum += d.weight;
        mx = Math.max(mx, d.activeConns / d.weight);
      }
    }
    if (sum > 0) this.#peak = Math.max(this.#peak, mx / (sum / wsum));
    this.#series.push({ t: now, active: Object.fromEntries(active) });
    return now + this.#sampleMs <= this.#opts.durationMs ? [{ afterMs: this.#sampleMs, input: { type: 'sample' } }] : [];
  }

  result(): WorkloadResult {
    const o = this.#opts;
    const kept = o.servers.filter((s) => s.name !== o.fail?.name);
    const counts = kept.map((s) => (this.#picks.get(s.name) ?? 0) / s.weight);
    const mean = counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length);
    let moved = 0;
    let movedSeen = 0;
    let collateral = 0;
    for (const [src, a] of this.#after) {
      const b = this.#before.get(src);
      if (b === undefined) continue;
      movedSeen++;
      if (a !== b) {
        moved++;
        if (b !== o.fail?.name) collateral++;
      }
    }
    return {
      scheduler: o.scheduler,
      picks: Object.fromEntries(this.#picks),
      none: this.#none,
      maxActive: Object.fromEntries(this.#maxActive),
      imbalance: mean > 0 ? Math.max(...counts) / mean : 0,
      peakActivePerWeight: this.#peak,
      movedSeen,
      moved,
      movedCollateral: collateral,
      series: this.#series,
    };
  }
}
