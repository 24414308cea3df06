/**
 * Leader election for a fail-over (sentinel.c sentinelVoteLeader / sentinelGetLeader, Redis 7.0).
 * A sentinel votes at most once per epoch: the first candidate that asks in an epoch it has not
 * voted in gets the vote, every later request in that epoch gets the same answer.
 */

/** The voting state a sentinel keeps (sentinel.current_epoch and the master's leader fields). */
export interface VoteState {
  current_epoch: number;
  /** master->leader: who we voted for. */
  leader: string | undefined;
  /** master->leader_epoch: the epoch of that vote. */
  leader_epoch: number;
}

/**
 * A master's VoteState whose current_epoch reads and writes the sentinel-wide holder
 * (sentinel.current_epoch, one for every master; sentinel-state.ts).
 */
export function sharedEpochVote(epoch: { current_epoch: number }): VoteState {
  return {
    get current_epoch() { return epoch.current_epoch; },
    set current_epoch(v: number) { epoch.current_epoch = v; },
    leader: undefined,
    leader_epoch: 0,
  };
}

/**
 * sentinelVoteLeader: a request of epoch `reqEpoch` from `reqRunid`. Returns our vote (possibly
 * for someone else) and whether we voted just now. `plantedTwoVotesPerEpoch` is a
 * deliberately wrong variant that votes for whoever asks, kept to show the tests catch it.
 */
export function sentinelVoteLeader(
  s: VoteState,
  reqEpoch: number,
  reqRunid: string,
  plantedTwoVotesPerEpoch = false,
): { leader: string | undefined; leader_epoch: number; votedNow: boolean } {
  if (reqEpoch > s.current_epoch) s.current_epoch = reqEpoch; // +new-epoch
  let votedNow = false;
  if ((s.leader_epoch < reqEpoch && s.current_epoch <= reqEpoch) || (plantedTwoVotesPerEpoch && s.current_epoch <= reqEpoch)) {
    s.leader = reqRunid;
    s.leader_epoch = s.current_epoch;
    votedNow = true; // +vote-for-leader
  }
  return { leader: s.leader, leader_epoch: s.leader_epoch, votedNow };
}

/**
 * sentinelGetLeader: the winner of `epoch` given the votes we know of (ours included), or
 * undefined. A winner needs a majority of all the sentinels we know (voters / 2 + 1) and at
 * least `quorum` votes.
 */
export function sentinelGetLeader(votes: ReadonlyMap<string, string | undefined>, voters: number, quorum: number): string | undefined {
  const counts = new Map<string, number>();
  for (const v of votes.values()) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  let winner: string | undefined;
  let max = 0;
  for (const [runid, n] of counts) {
    if (n > max || (n === max && winner !== undefined && runid > winner)) {
      winner = runid;
      max = n;
    }
  }
  const votersQuorum = Math.floor(voters / 2) + 1;
  return winner !== undefined && max >= votersQuorum && max >= quorum ? winner : undefined;
}
