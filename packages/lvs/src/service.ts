import { checkPort, toAddr } from './addr.js';
import { Dest, INT32_MAX } from './dest.js';
import { checkClock, checkInt, describe, LvsError } from './errors.js';
import { createScheduler, SCHEDULER_NAMES, type SchedulerName } from './schedulers/index.js';

/** The packet fields a scheduler may read (first packet of a new connection). */
export interface Packet {
  srcAddr: string | number;
  srcPort?: number;
  dstAddr?: string | number;
  dstPort?: number;
}

/** A packet with addresses parsed to host-order u32 (`ntohl`) and ports defaulted to 0. */
export interface SchedPacket {
  readonly src: number;
  readonly sport: number;
  readonly dst: number;
  readonly dport: number;
}

/** Per-service scheduler flags (`ipvsadm -b`): IP_VS_SVC_F_SCHED1/2 for sh and mh. */
export type ServiceFlag = 'sh-fallback' | 'sh-port' | 'mh-fallback' | 'mh-port';
const FLAG_NAMES: readonly ServiceFlag[] = ['sh-fallback', 'sh-port', 'mh-fallback', 'mh-port'];

/** Something that yields uniformly random u32s (`Prng` from @protolab/sim fits). */
export interface RandomSource {
  nextU32(): number;
}

/** What a scheduler sees of its service: the destination list in kernel order and its inputs. */
export interface ServiceView {
  /** `svc->destinations`, front (index 0) to back. Never mutate. */
  readonly dests: readonly Dest[];
  readonly flags: ReadonlySet<ServiceFlag>;
  /** Milliseconds on the injected clock (jiffies for lblc/lblcr). */
  now(): number;
  /** The injected randomness (twos). */
  random(): RandomSource;
}

/**
 * An IPVS scheduler module (`struct ip_vs_scheduler`): the hooks the kernel calls from
 * ip_vs_ctl.c. `schedule` returns a destination or null ("no destination available").
 */
export interface Scheduler {
  readonly name: SchedulerName;
  initService?(svc: ServiceView): void;
  /** Called after the new dest was linked at the front of the list. */
  addDest?(svc: ServiceView, dest: Dest): void;
  /** Called after `dest` was unlinked; `formerIndex` is where it was in the list. */
  delDest?(svc: ServiceView, dest: Dest, formerIndex: number): void;
  /** Called after an edit (`ipvsadm -e`) changed weight or thresholds. */
  updDest?(svc: ServiceView, dest: Dest): void;
  schedule(svc: ServiceView, pkt: SchedPacket): Dest | null;
  /** Run periodic work (lblc/lblcr garbage collection) due at or before `now`. */
  advance?(svc: ServiceView, now: number): void;
  /** Called whenever a dest's counters/flags/weight change (indexed pickers). */
  destChanged?(svc: ServiceView, dest: Dest): void;
}

export interface SchedulerOptions {
  /** sh/dh bucket hash: 'hash_32' (current kernels) or 'multiplicative' (pre-hash_32 kernels). */
  tableHash?: 'hash_32' | 'multiplicative';
  /** lblc/lblcr `*_expiration` sysctl in ms (default 24 h). */
  expirationMs?: number;
  /** mh table size index (CONFIG_IP_VS_MH_TAB_INDEX, 8..17; default 12 → 4093 slots). */
  mhTabIndex?: number;
  /** lc/wlc/sed/nq: keep a segment tree instead of scanning (same choice, O(log n) per change). */
  indexed?: boolean;
}

export interface VirtualServiceOptions extends SchedulerOptions {
  scheduler: SchedulerName | Scheduler;
  flags?: readonly ServiceFlag[];
  /** Injected clock in ms (default: a clock stuck at 0). */
  now?: () => number;
  /** Injected randomness for twos. */
  random?: RandomSource;
}

export interface DestSpec {
  name: string;
  weight: number;
  /** Real-server address (mh hashes it). Default: 10.x.y.z derived from the add order. */
  addr?: string | number;
  port?: number;
  uThreshold?: number;
  lThreshold?: number;
}

export interface DestEdit {
  weight?: number;
  uThreshold?: number;
  lThreshold?: number;
}

/**
 * An IPVS virtual service (`struct ip_vs_service`): the destination list in the kernel's order
 * (`__ip_vs_update_dest` links a new server at the FRONT) and the scheduler hooks, called as
 * ip_vs_ctl.c calls them.
 */
export class VirtualService implements ServiceView {
  #scheduler: Scheduler;
  readonly #schedOpts: SchedulerOptions;
  readonly flags: ReadonlySet<ServiceFlag>;
  readonly #list: Dest[] = [];
  readonly #byName = new Map<string, Dest>();
  readonly #now: () => number;
  readonly #random: RandomSource | undefined;
  #added = 0;

  constructor(opts: VirtualServiceOptions) {
    if (typeof opts !== 'object') throw new LvsError('BAD_OPTION', 'expected options { scheduler, flags? }');
    const s = opts.scheduler;
    if (typeof s === 'string') {
      if (!SCHEDULER_NAMES.includes(s)) {
        throw new LvsError('UNKNOWN_SCHEDULER', `expected one of ${SCHEDULER_NAMES.join(', ')}, found ${describe(s)}`);
      }
      this.#scheduler = createScheduler(s, opts);
    } else {
      this.#scheduler = s;
    }
    this.#schedOpts = opts;
    const flags = new Set<ServiceFlag>();
    for (const f of opts.flags ?? []) {
      if (!FLAG_NAMES.includes(f)) throw new LvsError('BAD_FLAG', `expected one of ${FLAG_NAMES.join(', ')}, found ${describe(f)}`);
      const prefix = f.slice(0, 2);
      if (prefix !== this.scheduler.name) {
        throw new LvsError('BAD_FLAG', `flag ${f} belongs to the ${prefix} scheduler, but this service uses ${this.scheduler.name}`);
      }
      flags.add(f);
    }
    this.flags = flags;
    this.#now = opts.now ?? (() => 0);
    this.#random = opts.random;
    this.scheduler.initService?.(this);
  }

  get scheduler(): Scheduler {
    return this.#scheduler;
  }

  /**
   * `ipvsadm -E -s <name>`: unbind the old scheduler and bind a new one, whose `init_service`
   * then sees the whole current list (ip_vs_edit_service). Flags are kept.
   */
  setScheduler(s: SchedulerName | Scheduler): void {
    if (typeof s === 'string' && !SCHEDULER_NAMES.includes(s)) {
      throw new LvsError('UNKNOWN_SCHEDULER', `expected one of ${SCHEDULER_NAMES.join(', ')}, found ${describe(s)}`);
    }
    this.#scheduler = typeof s === 'string' ? createScheduler(s, this.#schedOpts) : s;
    this.#scheduler.initService?.(this);
  }

  get dests(): readonly Dest[] {
    return this.#list;
  }
  /** The injected clock, checked: a clock that returns NaN or ±Infinity is a BAD_CLOCK error. */
  now(): number {
    return checkClock(this.#now());
  }
  random(): RandomSource {
    if (this.#random === undefined) throw new LvsError('NO_RANDOM', `scheduler ${this.scheduler.name} needs options.random ({ nextU32(): number })`);
    return this.#random;
  }

  /** `ipvsadm -a`: link at the front, then the scheduler's add_dest hook. */
  addDest(spec: DestSpec): Dest {
    if (typeof spec !== 'object' || typeof spec.name !== 'string' || spec.name === '') {
      throw new LvsError('BAD_OPTION', `addDest: expected { name: non-empty string, weight }, found ${describe(spec)}`);
    }
    if (this.#byName.has(spec.name)) throw new LvsError('DUPLICATE_DEST', `destination ${spec.name} already exists in this service`);
    checkInt('BAD_WEIGHT', `weight of ${spec.name}`, spec.weight, 0, INT32_MAX);
    this.#added++;
    const addr = spec.addr === undefined ? (0x0a000000 + this.#added) >>> 0 : toAddr(spec.addr);
    const port = spec.port === undefined ? 80 : checkPort(spec.port);
    const d = new Dest(spec.name, spec.weight, addr, port, spec.uThreshold ?? 0, spec.lThreshold ?? 0);
    d.observer = (x) => this.scheduler.destChanged?.(this, x);
    this.#list.unshift(d);
    this.#byName.set(d.name, d);
    this.scheduler.addDest?.(this, d);
    return d;
  }

  /** `ipvsadm -e`: new weight/thresholds, clear OVERLOAD as `__ip_vs_update_dest` does, upd_dest hook. */
  editDest(name: string, edit: DestEdit): Dest {
    const d = this.dest(name);
    if (edit.weight !== undefined) checkInt('BAD_WEIGHT', `weight of ${name}`, edit.weight, 0, INT32_MAX);
    if (edit.uThreshold !== undefined) {
      const u = checkInt('BAD_THRESHOLD', `upper threshold of ${name}`, edit.uThreshold, 0, INT32_MAX);
      // __ip_vs_update_dest: "if (udest->u_threshold == 0 || udest->u_threshold > dest->u_threshold) clear OVERLOAD"
      if (u === 0 || u > d.uThreshold) d.overloaded = false;
      d.uThreshold = u;
    }
    if (edit.lThreshold !== undefined) d.lThreshold = checkInt('BAD_THRESHOLD', `lower threshold of ${name}`, edit.lThreshold, 0, INT32_MAX);
    if (edit.weight !== undefined) d.setWeightInternal(edit.weight);
    this.scheduler.updDest?.(this, d);
    return d;
  }

  /** `ipvsadm -d`: unlink first (`__ip_vs_unlink_dest`), then the del_dest hook. */
  delDest(name: string): Dest {
    const d = this.dest(name);
    const i = this.#list.indexOf(d);
    this.#list.splice(i, 1);
    this.#byName.delete(name);
    d.available = false;
    this.scheduler.delDest?.(this, d, i);
    d.observer = undefined;
    return d;
  }

  dest(name: string): Dest {
    const d = this.#byName.get(name);
    if (d === undefined) throw new LvsError('NO_SUCH_DEST', `no destination named ${describe(name)} in this service`);
    return d;
  }

  /** Run due periodic scheduler work (lblc/lblcr expiry) up to the clock's now. */
  advance(): void {
    this.scheduler.advance?.(this, this.now());
  }

  /** `svc->scheduler->schedule(svc, skb, iph)`: the destination for a new connection, or null. */
  schedule(pkt: Packet): Dest | null {
    const sp: SchedPacket = {
      src: toAddr(pkt.srcAddr),
      sport: pkt.srcPort === undefined ? 0 : checkPort(pkt.srcPort),
      dst: pkt.dstAddr === undefined ? 0 : toAddr(pkt.dstAddr),
      dport: pkt.dstPort === undefined ? 0 : checkPort(pkt.dstPort),
    };
    this.scheduler.advance?.(this, this.now());
    return this.scheduler.schedule(this, sp);
  }
}
