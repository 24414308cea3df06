import { parseIPv4 } from '../addr.js';
import { checkInt, describe, LvsError } from '../errors.js';
import { CRC32_INIT, crc32, crc32Final, crc32Update, utf8 } from './crc32.js';

/** nginx `upstream` balancing methods (ngx_http_upstream_*). */
export type NginxMethod = 'round_robin' | 'ip_hash' | 'least_conn' | 'hash' | 'hash_consistent';
const METHODS: readonly NginxMethod[] = ['round_robin', 'ip_hash', 'least_conn', 'hash', 'hash_consistent'];

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

/** A list of peers (`ngx_http_upstream_rr_peers_t`): primaries, with the backups as `next`. */
interface PeerList {
  peers: NginxPeer[];
  totalWeight: number;
  /** `peers->single`: exactly one peer in this list. */
  single: boolean;
}

/** Per-request state (`ngx_http_upstream_rr_peer_data_t` + the hash modules' additions). */
class RequestState {
  list: PeerList;
  tried: Set<NginxPeer> = new Set();
  /** ip_hash: `iphp->hash` (starts at 89) — kept between the tries of one request. */
  ipHash = 89;
  /** ip_hash / hash / chash: `->tries`. */
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

interface ChashPoint {
  hash: number;
  server: string;
}

export interface PickRequest {
  /** Client address (ip_hash): dotted IPv4 or an IPv6 address as 16 bytes. */
  clientAddr?: string | Uint8Array;
  /** The evaluated `hash` key (hash / hash consistent). */
  key?: string;
}

/**
 * An nginx 1.22 `upstream { ... }` block as seen by ONE worker process (state is per worker
 * unless a `zone` is configured). `pick()` is one request's first `get` (the peer's `conns` goes
 * up), `free()` is `ngx_http_upstream_free_*_peer` (conns down, failure accounting).
 */
export class NginxUpstream {
  readonly method: NginxMethod;
  readonly primary: PeerList;
  readonly backup: PeerList | undefined;
  readonly #now: () => number;
  readonly points: ChashPoint[] = [];

  constructor(opts: { method: NginxMethod; servers: readonly NginxServerSpec[]; now?: () => number }) {
    if (!METHODS.includes(opts.method)) {
      throw new LvsError('BAD_OPTION', `method: expected one of ${METHODS.join(', ')}, found ${describe(opts.method)}`);
    }
    this.method = opts.method;
    const servers = opts.servers;
    if (servers.length === 0) {
      // ngx_http_upstream_init_round_robin: "no servers in upstream"
      throw new LvsError('EMPTY_SERVICE', 'upstream: expected at least one server, found none');
    }
    const seen = new Set<string>();
    for (const s of servers) {
      if (typeof s.name !== 'string' || s.name === '' || typeof s.address !== 'string' || s.address === '') {
        throw new LvsError('BAD_OPTION', `server: expected { name, address } strings, found ${describe(s.name)} / ${describe(s.address)}`);
      }
      if (seen.has(s.name)) throw new LvsError('DUPLICATE_SERVER', `server name ${s.name} appears twice`);
      seen.add(s.name);
      if (s.backup === true && (this.method === 'ip_hash' || this.method === 'hash' || this.method === 'hash_consistent')) {
        // ngx_http_upstream_server: the hash methods do not set NGX_HTTP_UPSTREAM_BACKUP
        throw new LvsError('BAD_OPTION', `server ${s.name}: "backup" cannot be used with ${this.method}`);
      }
    }
    const mk = (specs: readonly NginxServerSpec[]): PeerList => {
      const peers = specs.map((s) => new NginxPeer(s));
      return { peers, totalWeight: peers.reduce((a, p) => a + p.weight, 0), single: peers.length === 1 };
    };
    const prim = servers.filter((s) => s.backup !== true);
    if (prim.length === 0) throw new LvsError('EMPTY_SERVICE', 'upstream: expected at least one non-backup server');
    this.primary = mk(prim);
    const back = servers.filter((s) => s.backup === true);
    this.backup = back.length > 0 ? mk(back) : undefined;
    this.#now = opts.now ?? (() => 0);
    if (this.method === 'hash_consistent') this.initChash();
  }

  /** All peers, primaries then backups. */
  peers(): NginxPeer[] {
    return [...this.primary.peers, ...(this.backup?.peers ?? [])];
  }
  peer(name: string): NginxPeer {
    const p = this.peers().find((x) => x.name === name);
    if (p === undefined) throw new LvsError('NO_SUCH_DEST', `no server named ${describe(name)}`);
    return p;
  }

  /** ngx_time(): whole seconds. */
  private nowSec(): number {
    return Math.floor(this.#now() / 1000);
  }

  private eligibleBase(p: NginxPeer, now: number): boolean {
    if (p.down) return false;
    if (p.maxFails !== 0 && p.fails >= p.maxFails && now - p.checked <= p.failTimeoutSec) return false;
    if (p.maxConns !== 0 && p.conns >= p.maxConns) return false;
    return true;
  }

  /** ngx_http_upstream_get_peer: smooth weighted round robin over the list. */
  private getPeer(rq: RequestState): NginxPeer | null {
    const now = this.nowSec();
    let best: NginxPeer | null = null;
    let total = 0;
    for (const p of rq.list.peers) {
      if (rq.tried.has(p) || !this.eligibleBase(p, now)) continue;
      p.currentWeight += p.effectiveWeight;
      total += p.effectiveWeight;
      if (p.effectiveWeight < p.weight) p.effectiveWeight++;
      if (best === null || p.currentWeight > best.currentWeight) best = p;
    }
    if (best === null) return null;
    rq.tried.add(best);
    best.currentWeight -= total;
    if (now - best.checked > best.failTimeoutSec) best.checked = now;
    return best;
  }

  /** ngx_http_upstream_get_round_robin_peer, with the fall-through to the backup list. */
  private getRoundRobin(rq: RequestState): NginxPeer | null {
    let peer: NginxPeer | null;
    if (rq.list.single) {
      const p = rq.list.peers[0]!;
      peer = p.down || (p.maxConns !== 0 && p.conns >= p.maxConns) ? null : p;
      if (peer !== null) rq.tried.add(peer);
    } else {
      peer = this.getPeer(rq);
    }
    if (peer !== null) {
      peer.conns++;
      return peer;
    }
    if (rq.list === this.primary && this.backup !== undefined) {
      rq.list = this.backup;
      rq.tried = new Set();
      return this.getRoundRobin(rq);
    }
    return null;
  }

  /** ngx_http_upstream_get_least_conn_peer. */
  private getLeastConn(rq: RequestState): NginxPeer | null {
    const now = this.nowSec();
    const peers = rq.list.peers;
    let best: NginxPeer | null = null;
    let bestIndex = -1;
    let many = false;
    for (let i = 0; i < peers.length; i++) {
      const p = peers[i]!;
      if (rq.tried.has(p) || !this.eligibleBase(p, now)) continue;
      if (best === null || p.conns * best.weight < best.conns * p.weight) {
        best = p;
        bestIndex = i;
        many = false;
      } else if (p.conns * best.weight === best.conns * p.weight) {
        many = true;
      }
    }
    if (best === null) {
      if (rq.list === this.primary && this.backup !== undefined) {
        rq.list = this.backup;
        rq.tried = new Set();
        return this.getLeastConn(rq);
      }
      return null;
    }
    if (many) {
      let total = 0;
      for (let i = bestIndex; i < peers.length; i++) {
        const p = peers[i]!;
        if (rq.tried.has(p)) continue;
        if (p.conns * best.weight !== best.conns * p.weight) continue;
        if (!this.eligibleBase(p, now)) continue;
        p.currentWeight += p.effectiveWeight;
        total += p.effectiveWeight;
        if (p.effectiveWeight < p.weight) p.effectiveWeight++;
        if (p.currentWeight > best.currentWeight) best = p;
      }
      best.currentWeight -= total;
    }
    if (now - best.checked > best.failTimeoutSec) best.checked = now;
    rq.tried.add(best);
    best.conns++;
    return best;
  }

  /**
   * The part ip_hash and hash share once a peer is chosen: take it unless this request tried it or
   * it is down / failed / at max_conns; taking it counts the connection and restarts its
   * fail_timeout window when that window is over.
   */
  private tryTake(rq: RequestState, p: NginxPeer, now: number): boolean {
    if (rq.tried.has(p) || !this.eligibleBase(p, now)) return false;
    p.conns++;
    if (now - p.checked > p.failTimeoutSec) p.checked = now;
    rq.tried.add(p);
    return true;
  }

  /** ngx_http_upstream_get_ip_hash_peer. */
  private getIpHash(rq: RequestState, addr: Uint8Array): NginxPeer | null {
    if (rq.hashTries > 20 || rq.list.single) return this.getRoundRobin(rq);
    const now = this.nowSec();
    let hash = rq.ipHash;
    for (;;) {
      for (const b of addr) hash = (hash * 113 + b) % 6271;
      const p = peerAtWeight(rq.list.peers, hash % rq.list.totalWeight);
      if (this.tryTake(rq, p, now)) {
        rq.ipHash = hash;
        return p;
      }
      if (++rq.hashTries > 20) return this.getRoundRobin(rq);
    }
  }

  /** ngx_http_upstream_get_hash_peer (Cache::Memcached compatible). */
  private getHash(rq: RequestState, key: Uint8Array): NginxPeer | null {
    if (rq.hashTries > 20 || rq.list.single || key.length === 0) return this.getRoundRobin(rq);
    const now = this.nowSec();
    for (;;) {
      let c = CRC32_INIT;
      if (rq.rehash > 0) c = crc32Update(c, utf8(String(rq.rehash)));
      c = crc32Final(crc32Update(c, key));
      rq.acc = (rq.acc + ((c >>> 16) & 0x7fff)) >>> 0;
      rq.rehash++;
      const p = peerAtWeight(rq.list.peers, rq.acc % rq.list.totalWeight);
      if (this.tryTake(rq, p, now)) return p;
      if (++rq.hashTries > 20) return this.getRoundRobin(rq);
    }
  }

  /** ngx_http_upstream_init_chash: 160 × weight ketama points per peer, sorted, deduplicated. */
  private initChash(): void {
    const pts: ChashPoint[] = [];
    for (const p of this.primary.peers) {
      const [host, port] = splitServer(p.server);
      let base = crc32Update(CRC32_INIT, utf8(host));
      base = crc32Update(base, new Uint8Array([0]));
      base = crc32Update(base, utf8(port));
      const prev = new Uint8Array(4);
      const view = new DataView(prev.buffer);
      for (let j = 0; j < p.weight * 160; j++) {
        const h = crc32Final(crc32Update(base, prev));
        pts.push({ hash: h, server: p.server });
        view.setUint32(0, h, true); // little-endian host: prev_hash.value = hash
      }
    }
    // ngx_qsort is not stable, but equal hashes collapse to one point anyway (the first kept)
    pts.sort((a, b) => a.hash - b.hash);
    for (const pt of pts) {
      const last = this.points[this.points.length - 1];
      if (last === undefined || last.hash !== pt.hash) this.points.push(pt);
    }
  }

  /** ngx_http_upstream_find_chash_point: first point with hash >= k (may be points.length). */
  findChashPoint(k: number): number {
    let i = 0;
    let j = this.points.length;
    while (i < j) {
      const m = (i + j) >>> 1;
      const h = this.points[m]!.hash;
      if (k > h) i = m + 1;
      else if (k < h) j = m;
      else return m;
    }
    return i;
  }

  /** ngx_http_upstream_get_chash_peer. */
  private getChash(rq: RequestState, key: Uint8Array): NginxPeer | null {
    if (rq.hashTries > 20 || rq.list.single || key.length === 0) return this.getRoundRobin(rq);
    const now = this.nowSec();
    rq.point ??= this.findChashPoint(crc32(key)); // ngx_http_upstream_init_chash_peer
    for (;;) {
      const server = this.points[rq.point % this.points.length]!.server;
      let best: NginxPeer | null = null;
      let total = 0;
      for (const p of rq.list.peers) {
        if (rq.tried.has(p) || p.server !== server || !this.eligibleBase(p, now)) continue;
        p.currentWeight += p.effectiveWeight;
        total += p.effectiveWeight;
        if (p.effectiveWeight < p.weight) p.effectiveWeight++;
        if (best === null || p.currentWeight > best.currentWeight) best = p;
      }
      if (best !== null) {
        best.currentWeight -= total;
        best.conns++;
        if (now - best.checked > best.failTimeoutSec) best.checked = now;
        rq.tried.add(best);
        return best;
      }
      rq.point++;
      if (++rq.hashTries > 20) return this.getRoundRobin(rq);
    }
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
    return new RequestState(this.primary, this.primary.peers.length + (this.backup?.peers.length ?? 0));
  }

  private get(rq: RequestState, req: PickRequest): NginxPeer | null {
    switch (this.method) {
      case 'round_robin':
        return this.getRoundRobin(rq);
      case 'least_conn':
        return this.getLeastConn(rq);
      case 'ip_hash':
        return this.getIpHash(rq, ipHashKey(req.clientAddr));
      case 'hash':
        return this.getHash(rq, utf8(req.key ?? ''));
      case 'hash_consistent':
        return this.getChash(rq, utf8(req.key ?? ''));
    }
  }

  /** ngx_http_upstream_free_round_robin_peer: end of a request on `peer`. */
  free(peer: NginxPeer, outcome: { failed?: boolean } = {}): void {
    const list = this.primary.peers.includes(peer) ? this.primary : this.backup;
    if (list === undefined) throw new LvsError('NO_SUCH_DEST', `peer ${peer.name} is not in this upstream`);
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
      const single = (this.primary.peers.includes(p) ? this.primary : this.backup!).single;
      if (single || --rq.triesLeft === 0) return { tried, answered: null };
    }
  }

  /** pick + free in one call: a request that completes before the next one starts. */
  request(req: PickRequest = {}, outcome: { failed?: boolean } = {}): NginxPeer | null {
    const p = this.pick(req);
    if (p !== null) this.free(p, outcome);
    return p;
  }
}

/** ip_hash key bytes: IPv4 → the first three octets; IPv6 → all 16 bytes; none → 3 zero bytes. */
/** The peer that the weight point `w` (0 ≤ w < total weight) falls on, walking the peers in order. */
function peerAtWeight(peers: readonly NginxPeer[], w: number): NginxPeer {
  let i = 0;
  while (w >= peers[i]!.weight) {
    w -= peers[i]!.weight;
    i++;
  }
  return peers[i]!;
}

export function ipHashKey(addr: string | Uint8Array | undefined): Uint8Array {
  if (addr === undefined) return new Uint8Array(3);
  if (addr instanceof Uint8Array) {
    if (addr.length !== 16) throw new LvsError('BAD_ADDRESS', `expected a 16-byte IPv6 address, found ${addr.length} bytes`);
    return addr;
  }
  const v = parseIPv4(addr);
  return new Uint8Array([(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255]);
}

/** The ip_hash value nginx computes on its first try (before `% total_weight`). */
export function ipHashValue(key: Uint8Array, start = 89): number {
  let h = start;
  for (const b of key) h = (h * 113 + b) % 6271;
  return h;
}

/** Split a server string as ngx_http_upstream_init_chash does: trailing all-digit `:port`. */
export function splitServer(server: string): [host: string, port: string] {
  if (server.length >= 5 && server.slice(0, 5).toLowerCase() === 'unix:') return [server.slice(5), ''];
  for (let j = 0; j < server.length; j++) {
    const c = server[server.length - j - 1]!;
    if (c === ':') return [server.slice(0, server.length - j - 1), server.slice(server.length - j)];
    if (c < '0' || c > '9') break;
  }
  return [server, ''];
}
