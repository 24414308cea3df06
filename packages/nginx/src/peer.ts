import { checkInt, NginxError } from './errors.js';

export interface NginxServerSpec {
  /** Label returned by picks. */
  name: string;
  /** The server string as written in the config (`127.0.0.1:8081`); ketama points hash it. */
  address: string;
  weight?: number;
  down?: boolean;
  backup?: boolean;
  /** `max_fails` (default 1; 0 disables failure accounting). */
  maxFails?: number;
  /** `fail_timeout` in seconds (default 10). */
  failTimeoutSec?: number;
  /** `max_conns` (default 0 = unlimited). */
  maxConns?: number;
}

/** One peer: `ngx_http_upstream_rr_peer_t`. */
export class NginxPeer {
  readonly name: string;
  readonly server: string;
  readonly weight: number;
  readonly maxFails: number;
  readonly failTimeoutSec: number;
  readonly maxConns: number;
  down: boolean;
  effectiveWeight: number;
  currentWeight = 0;
  conns = 0;
  fails = 0;
  /** Seconds (ngx_time()). */
  accessed = 0;
  checked = 0;
  constructor(s: NginxServerSpec) {
    this.name = s.name;
    this.server = s.address;
    this.weight = checkInt('BAD_WEIGHT', `weight of ${s.name}`, s.weight ?? 1, 1, 0x7fffffff);
    this.maxFails = checkInt('BAD_OPTION', `max_fails of ${s.name}`, s.maxFails ?? 1, 0, 0x7fffffff);
    this.failTimeoutSec = checkInt('BAD_OPTION', `fail_timeout of ${s.name}`, s.failTimeoutSec ?? 10, 0, 0x7fffffff);
    this.maxConns = checkInt('BAD_OPTION', `max_conns of ${s.name}`, s.maxConns ?? 0, 0, 0x7fffffff);
    this.down = s.down ?? false;
    this.effectiveWeight = this.weight;
  }
}

/** A list of peers (`ngx_http_upstream_rr_peers_t`): the primaries, or the backups. */
export interface PeerList {
  readonly peers: readonly NginxPeer[];
  readonly totalWeight: number;
  /** `peers->single`: exactly one peer in this list. */
  readonly single: boolean;
}

export function peerList(specs: readonly NginxServerSpec[]): PeerList {
  const peers = specs.map((s) => new NginxPeer(s));
  return { peers, totalWeight: peers.reduce((a, p) => a + p.weight, 0), single: peers.length === 1 };
}

/** The upstream's two lists: every balancer reads these (backups only for round robin and least_conn). */
export interface Lists {
  readonly primary: PeerList;
  readonly backup: PeerList | undefined;
}

/** Per-request state (`ngx_http_upstream_rr_peer_data_t` + the hash and random modules' additions). */
export class RequestState {
  list: PeerList;
  tried = new Set<NginxPeer>();
  /** ip_hash: `iphp->hash` (starts at 89) — kept between the tries of one request. */
  ipHash = 89;
  /** ip_hash / hash / chash / random: `->tries` (more than 20 falls back to round robin). */
  hashTries = 0;
  /** hash: `hp->hash` (the running sum) and `hp->rehash`. */
  acc = 0;
  rehash = 0;
  /** chash: `hp->hash`, the point index (set at request init). */
  point: number | undefined;
  /** `pc->tries`: primaries + backups; each failed try uses one. */
  triesLeft: number;
  constructor(list: PeerList, triesLeft: number) {
    this.list = list;
    this.triesLeft = triesLeft;
  }
}

/**
 * The test every balancer applies before taking a peer: not `down`, not failed `max_fails` times
 * within the last `fail_timeout` seconds, not at `max_conns`. `now` is ngx_time() (seconds).
 */
export function eligibleBase(p: NginxPeer, now: number): boolean {
  if (p.down) return false;
  if (p.maxFails !== 0 && p.fails >= p.maxFails && now - p.checked <= p.failTimeoutSec) return false;
  if (p.maxConns !== 0 && p.conns >= p.maxConns) return false;
  return true;
}

/**
 * One step of smooth weighted round robin over `candidates` (ngx_http_upstream_get_peer's loop,
 * shared with least_conn's tie-break and chash): every candidate adds its effective weight to
 * its current weight, the largest current weight wins (the earliest on ties) and pays back the
 * total. Σ current_weight over a list is 0 before and after — asserted, since every caller
 * depends on it (a peer that never runs cannot drift).
 */
export function smoothStep(list: PeerList, take: (p: NginxPeer) => boolean): NginxPeer | null {
  let best: NginxPeer | null = null;
  let total = 0;
  let sum = 0;
  for (const p of list.peers) {
    sum += p.currentWeight;
    if (!take(p)) continue;
    p.currentWeight += p.effectiveWeight;
    total += p.effectiveWeight;
    if (p.effectiveWeight < p.weight) p.effectiveWeight++;
    if (best === null || p.currentWeight > best.currentWeight) best = p;
  }
  if (sum !== 0) throw new NginxError('INVARIANT', `smooth WRR: Σ current_weight of the list is ${String(sum)}, expected 0`);
  if (best !== null) best.currentWeight -= total;
  return best;
}

/** Count a chosen peer as in use: conns + 1, restart its fail_timeout window when that is over. */
export function takePeer(rq: RequestState, p: NginxPeer, now: number): NginxPeer {
  p.conns++;
  if (now - p.checked > p.failTimeoutSec) p.checked = now;
  rq.tried.add(p);
  return p;
}

/**
 * ip_hash and hash once a peer is computed: take it unless this request tried it or it is
 * down / failed / at max_conns.
 */
export function tryTake(rq: RequestState, p: NginxPeer, now: number): boolean {
  if (rq.tried.has(p) || !eligibleBase(p, now)) return false;
  takePeer(rq, p, now);
  return true;
}

/** The peer that the weight point `w` (0 ≤ w < total weight) falls on, walking the peers in order. */
export function peerAtWeight(list: PeerList, w: number): NginxPeer {
  let rest = w;
  for (const p of list.peers) {
    if (rest < p.weight) return p;
    rest -= p.weight;
  }
  throw new NginxError('INVARIANT', `weight point ${String(w)} is not below the total weight ${String(list.totalWeight)}`);
}
