import { checkInt, LvsError } from './errors.js';

/** The largest weight/count we accept: the kernel keeps them in 32-bit signed `atomic_t`s. */
export const INT32_MAX = 0x7fffffff;

/** An integer in [0, INT32_MAX] (a count the kernel keeps in an `atomic_t`). */
function isCount(n: unknown): n is number {
  return typeof n === 'number' && (n | 0) === n && n >= 0;
}

/** Called when a field any scheduler reads changes (used by the indexed least-connection pickers). */
export type DestObserver = (d: Dest) => void;

/**
 * One real server of a virtual service — the kernel's `struct ip_vs_dest`
 * (include/net/ip_vs.h). Counters and the OVERLOAD flag are settable so that any state traced
 * from the kernel source can be replayed; setters validate and notify the service.
 */
export class Dest {
  readonly name: string;
  /** Host-order IPv4 address (`ntohl(dest->addr.ip)`); used by mh's permutation. */
  readonly addr: number;
  /** Real-server port (`ntohs(dest->port)`); used by mh's permutation. */
  readonly port: number;
  #weight: number;
  /** Last non-zero weight (`dest->last_weight`), read by mh only. */
  lastWeight: number;
  #active = 0;
  #inact = 0;
  /** Persistence templates (`persistconns`); no scheduler reads it. */
  persistConns = 0;
  #overloaded = false;
  /** `IP_VS_DEST_F_AVAILABLE`: true while linked in the service, false once deleted. */
  available = true;
  /** `-x` upper connection threshold (0 = none). */
  uThreshold: number;
  /** `-y` lower connection threshold (0 = none). */
  lThreshold: number;
  /** @internal */
  observer: DestObserver | undefined;
  /** @internal list position cached by IndexedLeastConn (-1 = none). */
  slot = -1;
  /** @internal lblc/lblcr index: this dest counted as `2·activeconns < weight`. */
  underHalf = false;

  constructor(name: string, weight: number, addr: number, port: number, uThreshold: number, lThreshold: number) {
    this.name = name;
    this.#weight = checkInt('BAD_WEIGHT', `weight of ${name}`, weight, 0, INT32_MAX);
    this.lastWeight = weight > 0 ? weight : 0;
    this.addr = addr;
    this.port = port;
    this.uThreshold = checkInt('BAD_THRESHOLD', `upper threshold of ${name}`, uThreshold, 0, INT32_MAX);
    this.lThreshold = checkInt('BAD_THRESHOLD', `lower threshold of ${name}`, lThreshold, 0, INT32_MAX);
  }

  get weight(): number {
    return this.#weight;
  }
  /** @internal use VirtualService.editDest so the scheduler's upd_dest hook runs. */
  setWeightInternal(w: number): void {
    this.#weight = checkInt('BAD_WEIGHT', `weight of ${this.name}`, w, 0, INT32_MAX);
    if (w > 0) this.lastWeight = w;
    this.observer?.(this);
  }

  get activeConns(): number {
    return this.#active;
  }
  set activeConns(n: number) {
    // the message is only built for a bad value: counters change on every connection event
    this.#active = isCount(n) ? n : checkInt('BAD_COUNT', `activeConns of ${this.name}`, n, 0, INT32_MAX);
    this.observer?.(this);
  }
  get inactConns(): number {
    return this.#inact;
  }
  set inactConns(n: number) {
    this.#inact = isCount(n) ? n : checkInt('BAD_COUNT', `inactConns of ${this.name}`, n, 0, INT32_MAX);
    this.observer?.(this);
  }
  /** `IP_VS_DEST_F_OVERLOAD`. */
  get overloaded(): boolean {
    return this.#overloaded;
  }
  set overloaded(v: boolean) {
    if (typeof v !== 'boolean') throw new LvsError('BAD_OPTION', `overloaded of ${this.name}: expected a boolean`);
    this.#overloaded = v;
    this.observer?.(this);
  }

  /** `ip_vs_dest_totalconns`: active + inactive. */
  totalConns(): number {
    return this.#active + this.#inact;
  }
}

/**
 * `ip_vs_dest_conn_overhead` (include/net/ip_vs.h): `(activeconns << 8) + inactconns` computed in
 * a C `int`, i.e. wrapping at 32 bits exactly as the kernel does for absurd counts.
 */
export function connOverhead(d: Dest): number {
  return ((d.activeConns << 8) + d.inactConns) | 0;
}

/**
 * `(__s64)a * b > (__s64)c * d` evaluated exactly (the kernel's cross-multiplication that
 * replaces `a/d > c/b`). Plain doubles are exact below 2^53; beyond that we switch to BigInt.
 */
export function mulGt(a: number, b: number, c: number, d: number): boolean {
  const x = a * b;
  const y = c * d;
  if (Math.abs(x) < 2 ** 53 && Math.abs(y) < 2 ** 53) return x > y;
  return BigInt(a) * BigInt(b) > BigInt(c) * BigInt(d);
}
