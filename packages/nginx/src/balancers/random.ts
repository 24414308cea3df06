import { eligibleBase, takePeer, type Lists, type NginxPeer, type RequestState } from '../peer.js';
import { getRoundRobin } from './round-robin.js';
import { HASH_MAX_TRIES } from './hash.js';

/** Something that yields uniformly random u32s (`Prng` from @protolab/sim fits); stands in for ngx_random(). */
export interface RandomSource {
  nextU32(): number;
}

/**
 * ngx_http_upstream_update_random: `ranges[i]` = the total weight of the peers before peer i
 * (primaries only: `random` does not allow `backup`).
 */
export function randomRanges(peers: readonly NginxPeer[]): Float64Array {
  const ranges = new Float64Array(peers.length);
  let total = 0;
  peers.forEach((p, i) => {
    ranges[i] = total;
    total += p.weight;
  });
  return ranges;
}

/**
 * ngx_http_upstream_peek_random_peer: `x = ngx_random() % total_weight` (ngx_random is a 31-bit
 * `random()`; we take the top 31 bits of the injected u32), then a binary search for the last
 * range start ≤ x.
 */
export function peekRandomPeer(ranges: Float64Array, totalWeight: number, random: RandomSource): number {
  const x = (random.nextU32() >>> 1) % totalWeight;
  let i = 0;
  let j = ranges.length;
  while (j - i > 1) {
    const k = (i + j) >>> 1;
    if (x < (ranges[k] ?? 0)) j = k;
    else i = k;
  }
  return i;
}

/**
 * ngx_http_upstream_get_random_peer (`random`): draw peers by weight until one is untried and
 * eligible; more than 20 draws, or a single peer, → round robin.
 * ngx_http_upstream_get_random2_peer (`random two [least_conn]`): draw two DIFFERENT usable peers
 * and take the second unless it has strictly more `conns / weight` than the first (ties: the second).
 */
export function getRandom(lists: Lists, ranges: Float64Array, rq: RequestState, random: RandomSource, two: boolean, now: number): NginxPeer | null {
  const list = lists.primary;
  if (rq.hashTries > HASH_MAX_TRIES || list.peers.length < 2) return getRoundRobin(lists, rq, now);
  let prev: NginxPeer | null = null;
  // Bounded: every draw that is not taken uses one of the 20 tries.
  for (;;) {
    const peer = list.peers[peekRandomPeer(ranges, list.totalWeight, random)];
    if (peer !== undefined && peer !== prev && !rq.tried.has(peer) && eligibleBase(peer, now)) {
      if (!two) return takePeer(rq, peer, now);
      if (prev !== null) return takePeer(rq, peer.conns * prev.weight > prev.conns * peer.weight ? prev : peer, now);
      prev = peer;
    }
    if (++rq.hashTries > HASH_MAX_TRIES) return getRoundRobin(lists, rq, now);
  }
}
