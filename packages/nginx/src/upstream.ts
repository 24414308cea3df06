import { ipHashKey } from './addr.js';
import { utf8 } from './crc32.js';
import { describe, NginxError } from './errors.js';
import { peerList, RequestState, type Lists, type NginxPeer, type NginxServerSpec, type PeerList } from './peer.js';
import { chashPoints, getChash, getHash, getIpHash, type ChashPoint } from './balancers/hash.js';
import { getRandom, randomRanges, type RandomSource } from './balancers/random.js';
import { getLeastConn, getRoundRobin } from './balancers/round-robin.js';

/** nginx `upstream` balancing methods (the ngx_http_upstream_*_module directives). */
export type NginxMethod = 'round_robin' | 'ip_hash' | 'least_conn' | 'hash' | 'hash_consistent' | 'random' | 'random_two';
export const NGINX_METHODS: readonly NginxMethod[] = ['round_robin', 'ip_hash', 'least_conn', 'hash', 'hash_consistent', 'random', 'random_two'];

/** Methods whose directive does not set NGX_HTTP_UPSTREAM_BACKUP: `backup` is a config error. */
const NO_BACKUP: ReadonlySet<NginxMethod> = new Set<NginxMethod>(['ip_hash', 'hash', 'hash_consistent', 'random', 'random_two']);

export interface PickRequest {
  /** Client address (ip_hash): dotted IPv4 or an IPv6 address as 16 bytes. */
  clientAddr?: string | Uint8Array;
  /** The evaluated `hash` key (hash / hash consistent). */
  key?: string;
}

export interface NginxUpstreamOptions {
  method: NginxMethod;
  servers: readonly NginxServerSpec[];
  /** Injected clock in ms (ngx_time() is its whole seconds). Default: stuck at 0. */
  now?: () => number;
  /** Injected randomness for `random` / `random_two` (ngx_random()). */
  random?: RandomSource;
}

/**
 * An nginx 1.22 `upstream { ... }` block as seen by ONE worker process (state is per worker
 * unless a `zone` is configured). `pick()` is one request's first `get` (the peer's `conns` goes
 * up), `free()` is `ngx_http_upstream_free_round_robin_peer` (conns down, failure accounting);
 * `request()` is both and returns the chosen server's name.
 */
export class NginxUpstream {
  readonly method: NginxMethod;
  readonly #lists: Lists;
  readonly #now: () => number;
  readonly #random: RandomSource | undefined;
  /** hash consistent: the ketama ring. */
  readonly points: readonly ChashPoint[];
  readonly #ranges: Float64Array;

  constructor(opts: NginxUpstreamOptions) {
    if (!NGINX_METHODS.includes(opts.method)) {
      throw new NginxError('BAD_OPTION', `method: expected one of ${NGINX_METHODS.join(', ')}, found ${describe(opts.method)}`);
    }
    this.method = opts.method;
    const servers = opts.servers;
    // ngx_http_upstream_init_round_robin: "no servers in upstream"
    if (servers.length === 0) throw new NginxError('EMPTY_UPSTREAM', 'upstream: expected at least one server, found none');
    const seen = new Set<string>();
    for (const s of servers) {
      if (typeof s.name !== 'string' || s.name === '' || typeof s.address !== 'string' || s.address === '') {
        throw new NginxError('BAD_OPTION', `server: expected { name, address } strings, found ${describe(s.name)} / ${describe(s.address)}`);
      }
      if (seen.has(s.name)) throw new NginxError('DUPLICATE_SERVER', `server name ${s.name} appears twice`);
      seen.add(s.name);
      if (s.backup === true && NO_BACKUP.has(this.method)) {
        throw new NginxError('BAD_OPTION', `server ${s.name}: "backup" cannot be used with ${this.method}`);
      }
    }
    const prim = servers.filter((s) => s.backup !== true);
    if (prim.length === 0) throw new NginxError('EMPTY_UPSTREAM', 'upstream: expected at least one non-backup server');
    const back = servers.filter((s) => s.backup === true);
    this.#lists = { primary: peerList(prim), backup: back.length > 0 ? peerList(back) : undefined };
    this.#now = opts.now ?? (() => 0);
    this.#random = opts.random;
    if ((this.method === 'random' || this.method === 'random_two') && this.#random === undefined) {
      throw new NginxError('NO_RANDOM', `method ${this.method} needs options.random ({ nextU32(): number })`);
    }
    this.points = this.method === 'hash_consistent' ? chashPoints(this.#lists.primary.peers) : [];
    this.#ranges = randomRanges(this.#lists.primary.peers);
  }

  /** All peers, primaries then backups. */
  peers(): NginxPeer[] {
    return [...this.#lists.primary.peers, ...(this.#lists.backup?.peers ?? [])];
  }
  peer(name: string): NginxPeer {
    const p = this.peers().find((x) => x.name === name);
    if (p === undefined) throw new NginxError('NO_SUCH_SERVER', `no server named ${describe(name)}`);
    return p;
  }

  /** ngx_time(): whole seconds of the injected clock. */
  private nowSec(): number {
    return Math.floor(this.#now() / 1000);
  }

  /**
   * One request's first upstream choice, or null when nginx would answer 502 ("no live
   * upstreams"). The chosen peer's `conns` is incremented; call `free` when the request ends.
   */
  pick(req: PickRequest = {}): NginxPeer | null {
    return this.get(this.newRequest(), req);
  }

  /** ngx_http_upstream_init_round_robin_peer: fresh per-request state, `pc->tries` = all peers. */
  private newRequest(): RequestState {
    return new RequestState(this.#lists.primary, this.#lists.primary.peers.length + (this.#lists.backup?.peers.length ?? 0));
  }

  private get(rq: RequestState, req: PickRequest): NginxPeer | null {
    const now = this.nowSec();
    const lists = this.#lists;
    switch (this.method) {
      case 'round_robin':
        return getRoundRobin(lists, rq, now);
      case 'least_conn':
        return getLeastConn(lists, rq, now);
      case 'ip_hash':
        return getIpHash(lists, rq, ipHashKey(req.clientAddr), now);
      case 'hash':
        return getHash(lists, rq, utf8(req.key ?? ''), now);
      case 'hash_consistent':
        return getChash(lists, this.points, rq, utf8(req.key ?? ''), now);
      case 'random':
      case 'random_two':
        return getRandom(lists, this.#ranges, rq, this.randomSource(), this.method === 'random_two', now);
    }
  }

  private randomSource(): RandomSource {
    if (this.#random === undefined) throw new NginxError('NO_RANDOM', `method ${this.method} needs options.random`);
    return this.#random;
  }

  private listOf(peer: NginxPeer): PeerList {
    if (this.#lists.primary.peers.includes(peer)) return this.#lists.primary;
    if (this.#lists.backup?.peers.includes(peer) === true) return this.#lists.backup;
    throw new NginxError('NO_SUCH_SERVER', `peer ${peer.name} is not in this upstream`);
  }

  /** ngx_http_upstream_free_round_robin_peer: end of a request on `peer`. */
  free(peer: NginxPeer, outcome: { failed?: boolean } = {}): void {
    const list = this.listOf(peer);
    if (peer.conns > 0) peer.conns--;
    if (list.single) return;
    const now = this.nowSec();
    if (outcome.failed === true) {
      peer.fails++;
      peer.accessed = now;
      peer.checked = now;
      if (peer.maxFails !== 0) peer.effectiveWeight -= Math.trunc(peer.weight / peer.maxFails);
      if (peer.effectiveWeight < 0) peer.effectiveWeight = 0;
    } else if (peer.accessed < peer.checked) {
      peer.fails = 0;
    }
  }

  /**
   * One whole request as ngx_http_upstream_next drives it: get a peer; if `connects(peer)` is
   * false the try fails (`free(peer, failed)`, one of `pc->tries` used) and the balancer is asked
   * again with the same per-request state (tried peers, ip_hash's h, hash's sum). Returns every
   * peer tried, the last one being the one that answered, or `answered: null` (502).
   */
  requestWithRetries(req: PickRequest, connects: (p: NginxPeer) => boolean): { tried: NginxPeer[]; answered: NginxPeer | null } {
    const rq = this.newRequest();
    const tried: NginxPeer[] = [];
    // Bounded: every failed try consumes one of pc->tries (= the number of peers).
    for (;;) {
      const p = this.get(rq, req);
      if (p === null) return { tried, answered: null };
      tried.push(p);
      if (connects(p)) {
        this.free(p);
        return { tried, answered: p };
      }
      this.free(p, { failed: true });
      // a single-peer list: free sets pc->tries = 0 (no retry, no failure accounting)
      if (this.listOf(p).single || --rq.triesLeft === 0) return { tried, answered: null };
    }
  }

  /**
   * pick + free in one call (a request that completes before the next one starts): the chosen
   * server's name, or null for a 502. Use `pick` when you need the peer object itself.
   */
  request(req: PickRequest = {}, outcome: { failed?: boolean } = {}): string | null {
    const p = this.pick(req);
    if (p !== null) this.free(p, outcome);
    return p === null ? null : p.name;
  }
}
