import { splitServer } from '../addr.js';
import { CRC32_INIT, crc32, crc32Final, crc32Update, utf8 } from '../crc32.js';
import { at } from '../errors.js';
import { eligibleBase, peerAtWeight, smoothStep, takePeer, tryTake, type Lists, type NginxPeer, type RequestState } from '../peer.js';
import { getRoundRobin } from './round-robin.js';

/** ip_hash / hash / chash give up and use round robin after this many tries of one request. */
export const HASH_MAX_TRIES = 20;

/**
 * ngx_http_upstream_get_ip_hash_peer: `h = 89`, then `h = (h·113 + b) mod 6271` over the key
 * bytes (ipHashKey: an IPv4 client's first three octets); `h mod total_weight` picks the peer by
 * weight. A peer that cannot be taken rehashes from the current h (kept across the request's tries).
 */
export function getIpHash(lists: Lists, rq: RequestState, key: Uint8Array, now: number): NginxPeer | null {
  if (rq.hashTries > HASH_MAX_TRIES || rq.list.single) return getRoundRobin(lists, rq, now);
  let hash = rq.ipHash;
  // Bounded: every failed candidate uses one of the 20 tries.
  for (;;) {
    hash = ipHashValue(key, hash);
    const p = peerAtWeight(rq.list, hash % rq.list.totalWeight);
    if (tryTake(rq, p, now)) {
      rq.ipHash = hash;
      return p;
    }
    if (++rq.hashTries > HASH_MAX_TRIES) return getRoundRobin(lists, rq, now);
  }
}

/** The ip_hash value nginx computes from `start` (89 on the first try), before `% total_weight`. */
export function ipHashValue(key: Uint8Array, start = 89): number {
  let h = start;
  for (const b of key) h = (h * 113 + b) % 6271;
  return h;
}

/**
 * ngx_http_upstream_get_hash_peer (Cache::Memcached compatible): the running sum
 * `acc += (crc32(rehash? + key) >> 16) & 0x7fff`, `acc mod total_weight` picks the peer by weight.
 * An empty key or a single peer → round robin.
 */
export function getHash(lists: Lists, rq: RequestState, key: Uint8Array, now: number): NginxPeer | null {
  if (rq.hashTries > HASH_MAX_TRIES || rq.list.single || key.length === 0) return getRoundRobin(lists, rq, now);
  // Bounded: every failed candidate uses one of the 20 tries.
  for (;;) {
    let c = CRC32_INIT;
    if (rq.rehash > 0) c = crc32Update(c, utf8(String(rq.rehash)));
    c = crc32Final(crc32Update(c, key));
    rq.acc = (rq.acc + ((c >>> 16) & 0x7fff)) >>> 0;
    rq.rehash++;
    const p = peerAtWeight(rq.list, rq.acc % rq.list.totalWeight);
    if (tryTake(rq, p, now)) return p;
    if (++rq.hashTries > HASH_MAX_TRIES) return getRoundRobin(lists, rq, now);
  }
}

export interface ChashPoint {
  hash: number;
  server: string;
}

/**
 * ngx_http_upstream_init_chash: 160 × weight ketama points per primary peer — the crc32 of
 * `host \0 port` continued over the previous point's 4 bytes — sorted and deduplicated.
 */
export function chashPoints(peers: readonly NginxPeer[]): ChashPoint[] {
  const pts: ChashPoint[] = [];
  for (const p of peers) {
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
  const out: ChashPoint[] = [];
  for (const pt of pts) {
    const last = out[out.length - 1];
    if (last === undefined || last.hash !== pt.hash) out.push(pt);
  }
  return out;
}

/** ngx_http_upstream_find_chash_point: the first point with hash ≥ k (may be points.length). */
export function findChashPoint(points: readonly ChashPoint[], k: number): number {
  let i = 0;
  let j = points.length;
  while (i < j) {
    const m = (i + j) >>> 1;
    const h = at(points, m, 'chash point').hash;
    if (k > h) i = m + 1;
    else if (k < h) j = m;
    else return m;
  }
  return i;
}

/**
 * ngx_http_upstream_get_chash_peer: walk the ring from the key's point; at each point, smooth WRR
 * among the untried eligible peers with that server string; none → the next point.
 */
export function getChash(lists: Lists, points: readonly ChashPoint[], rq: RequestState, key: Uint8Array, now: number): NginxPeer | null {
  if (rq.hashTries > HASH_MAX_TRIES || rq.list.single || key.length === 0 || points.length === 0) return getRoundRobin(lists, rq, now);
  rq.point ??= findChashPoint(points, crc32(key)); // ngx_http_upstream_init_chash_peer
  // Bounded: every point without a usable peer uses one of the 20 tries.
  for (;;) {
    const server = at(points, rq.point % points.length, 'chash point').server;
    const best = smoothStep(rq.list, (p) => !rq.tried.has(p) && p.server === server && eligibleBase(p, now));
    if (best !== null) return takePeer(rq, best, now);
    rq.point++;
    if (++rq.hashTries > HASH_MAX_TRIES) return getRoundRobin(lists, rq, now);
  }
}
