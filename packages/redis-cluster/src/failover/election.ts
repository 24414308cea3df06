/**
 * Cluster replica fail-over, the pure parts (cluster.c, Redis 7.0): a replica's rank and election
 * delay (clusterGetSlaveRank, clusterHandleSlaveFailover), a master's vote on a
 * FAILOVER_AUTH_REQUEST (clusterSendFailoverAuthIfNeeded), the votes a replica needs, and the
 * config-epoch collision rule (clusterHandleConfigEpochCollision).
 *
 * Not here yet (issue 18, step 3): PFAIL → FAIL by gossip, the message exchange on @protolab/sim,
 * slot ownership moving to the promoted replica, CLUSTER FAILOVER [FORCE|TAKEOVER].
 */

/** A sibling replica of the same master, as this replica sees it (from gossip). */
export interface SiblingReplica {
  readonly repl_offset: number;
  /** nodeCantFailover: the sibling cannot fail over (e.g. flagged nofailover or its link is down). */
  readonly cantFailover: boolean;
}

/**
 * clusterGetSlaveRank: how many sibling replicas that can fail over have a greater replication
 * offset than ours. Rank 0 is the best-placed replica.
 */
export function clusterGetSlaveRank(myOffset: number, siblings: readonly SiblingReplica[]): number {
  let rank = 0;
  for (const s of siblings) if (!s.cantFailover && s.repl_offset > myOffset) rank++;
  return rank;
}

/**
 * clusterHandleSlaveFailover: the replica waits 500 ms + random(0..499) ms (so the FAIL message
 * can spread first) + 1000 ms per rank before asking for votes. `random500` is a draw in [0, 500)
 * from the caller's seeded stream.
 */
export function failoverAuthDelayMs(rank: number, random500: number): number {
  if (!Number.isInteger(random500) || random500 < 0 || random500 >= 500) throw new RangeError(`expected a random draw in [0, 500), found ${random500}`);
  return 500 + random500 + rank * 1000;
}

/** needed_quorum = masters serving slots / 2 + 1 (clusterHandleSlaveFailover). */
export function neededQuorum(mastersWithSlots: number): number {
  return Math.floor(mastersWithSlots / 2) + 1;
}

/** What a master remembers for voting (server.cluster->lastVoteEpoch, node->slaveof->voted_time). */
export interface VoterState {
  currentEpoch: number;
  lastVoteEpoch: number;
  /** Per failing master id: virtual ms when we last voted for one of its replicas. */
  readonly votedTime: Map<string, number>;
}

export interface AuthRequest {
  /** The requester's currentEpoch. */
  readonly currentEpoch: number;
  /** The failing master the requester replicates. */
  readonly masterId: string;
  /** The failing master is flagged FAIL in our view. */
  readonly masterFailed: boolean;
  /** The request carries CLUSTERMSG_FLAG0_FORCEACK (manual fail-over). */
  readonly forceAck: boolean;
  /** The requester's configEpoch, and the highest configEpoch among current owners of its slots. */
  readonly configEpoch: number;
  readonly maxOwnerConfigEpoch: number;
}

export type AuthDecision =
  | { readonly vote: true }
  | { readonly vote: false; readonly reason: 'old-epoch' | 'already-voted' | 'master-not-failed' | 'voted-recently' | 'stale-slots' };

/**
 * clusterSendFailoverAuthIfNeeded: one vote per epoch. Refuse a request from an older epoch, a
 * second request in an epoch we already voted in, a request for a master we do not see as FAIL
 * (unless FORCEACK), a second replica of the same master within 2 × node-timeout, and a request
 * whose slots are claimed by a newer configEpoch. On a vote, remember the epoch and the time.
 * `plantedTwoVotesPerEpoch` is a deliberately wrong variant kept for the tests.
 */
export function clusterSendFailoverAuthIfNeeded(
  s: VoterState,
  req: AuthRequest,
  nowMs: number,
  nodeTimeoutMs: number,
  plantedTwoVotesPerEpoch = false,
): AuthDecision {
  if (req.currentEpoch < s.currentEpoch) return { vote: false, reason: 'old-epoch' };
  if (s.lastVoteEpoch === s.currentEpoch && !plantedTwoVotesPerEpoch) return { vote: false, reason: 'already-voted' };
  if (!req.masterFailed && !req.forceAck) return { vote: false, reason: 'master-not-failed' };
  const voted = s.votedTime.get(req.masterId);
  if (voted !== undefined && nowMs - voted < nodeTimeoutMs * 2 && !plantedTwoVotesPerEpoch) return { vote: false, reason: 'voted-recently' };
  if (req.maxOwnerConfigEpoch > req.configEpoch) return { vote: false, reason: 'stale-slots' };
  s.lastVoteEpoch = s.currentEpoch;
  s.votedTime.set(req.masterId, nowMs);
  return { vote: true };
}

/**
 * clusterHandleConfigEpochCollision: two masters with the same configEpoch; the one with the
 * lexicographically smaller node id takes currentEpoch + 1 as its new configEpoch.
 */
export function clusterHandleConfigEpochCollision(
  me: { readonly id: string; configEpoch: number },
  sender: { readonly id: string; readonly configEpoch: number },
  cluster: { currentEpoch: number },
): boolean {
  if (sender.configEpoch !== me.configEpoch || sender.id <= me.id) return false;
  cluster.currentEpoch++;
  me.configEpoch = cluster.currentEpoch;
  return true;
}
