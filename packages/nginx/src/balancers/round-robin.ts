import { eligibleBase, smoothStep, takePeer, type Lists, type NginxPeer, type RequestState } from '../peer.js';

/**
 * ngx_http_upstream_get_round_robin_peer (ngx_http_upstream_round_robin.c): a single-peer list
 * takes its peer unless down or at max_conns; otherwise ngx_http_upstream_get_peer's smooth
 * weighted round robin over the peers this request has not tried. Nothing chosen in the primary
 * list → the same over the backup list.
 */
export function getRoundRobin(lists: Lists, rq: RequestState, now: number): NginxPeer | null {
  // Bounded: at most two lists (primary, then backup).
  for (;;) {
    const first = rq.list.peers[0];
    if (rq.list.single && first !== undefined) {
      // a single peer: no fail_timeout check and no `checked` update, only down and max_conns
      if (!first.down && !(first.maxConns !== 0 && first.conns >= first.maxConns)) {
        rq.tried.add(first);
        first.conns++;
        return first;
      }
    } else {
      const peer = smoothStep(rq.list, (p) => !rq.tried.has(p) && eligibleBase(p, now));
      if (peer !== null) return takePeer(rq, peer, now);
    }
    if (rq.list !== lists.primary || lists.backup === undefined) return null;
    rq.list = lists.backup;
    rq.tried = new Set();
  }
}

/**
 * ngx_http_upstream_get_least_conn_peer (ngx_http_upstream_least_conn_module.c): the peer with
 * the least `conns / weight` (cross-multiplied), and among several exact ties smooth weighted
 * round robin from the first of them. Falls through to the backup list like round robin.
 */
export function getLeastConn(lists: Lists, rq: RequestState, now: number): NginxPeer | null {
  // Bounded: at most two lists (primary, then backup).
  for (;;) {
    const usable = (p: NginxPeer): boolean => !rq.tried.has(p) && eligibleBase(p, now);
    let best: NginxPeer | null = null;
    let many = false;
    for (const p of rq.list.peers) {
      if (!usable(p)) continue;
      if (best === null || p.conns * best.weight < best.conns * p.weight) {
        best = p;
        many = false;
      } else if (p.conns * best.weight === best.conns * p.weight) {
        many = true;
      }
    }
    if (best !== null) {
      if (many) {
        // nginx restarts the smooth WRR loop at the first tied peer; peers before it are not tied
        const b = best;
        const tied = smoothStep(rq.list, (p) => usable(p) && p.conns * b.weight === b.conns * p.weight);
        if (tied !== null) best = tied;
      }
      return takePeer(rq, best, now);
    }
    if (rq.list !== lists.primary || lists.backup === undefined) return null;
    rq.list = lists.backup;
    rq.tried = new Set();
  }
}
