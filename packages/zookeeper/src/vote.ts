/**
 * Votes and their order (FastLeaderElection.totalOrderPredicate, Vote.equals).
 */
import type { Zxid } from './zxid.js';

/** QuorumPeer.ServerState; the number is what goes on the wire. */
export type ServerState = 'LOOKING' | 'FOLLOWING' | 'LEADING' | 'OBSERVING';
export const SERVER_STATE_WIRE: Readonly<Record<ServerState, number>> = {
  LOOKING: 0,
  FOLLOWING: 1,
  LEADING: 2,
  OBSERVING: 3,
};

/** The part of a vote the total order looks at. `peerEpoch` is the proposed leader's epoch. */
export interface VoteKey {
  leader: number;
  zxid: Zxid;
  peerEpoch: number;
}

/** org.apache.zookeeper.server.quorum.Vote. */
export interface Vote extends VoteKey {
  electionEpoch: number;
  state: ServerState;
  /** Notification format version: 2 in 3.8; votes stored in recvset by FLE carry 0. */
  version: number;
}

/** Long.MIN_VALUE as a number (exact in a double): observers' leader and peerEpoch. */
export const MIN_LONG_NUMBER = -9223372036854775808;

/**
 * FastLeaderElection.totalOrderPredicate(newId, newZxid, newEpoch, curId, curZxid, curEpoch):
 * `newVote` wins iff its candidate has non-zero weight and (peerEpoch, zxid, sid) is
 * lexicographically larger. Equal triples do not win (strict).
 */
export function totalOrderPredicate(newVote: VoteKey, currentVote: VoteKey, weightOf?: (sid: number) => number): boolean {
  if (weightOf !== undefined && weightOf(newVote.leader) === 0) return false;
  if (newVote.peerEpoch !== currentVote.peerEpoch) return newVote.peerEpoch > currentVote.peerEpoch;
  if (newVote.zxid !== currentVote.zxid) return newVote.zxid > currentVote.zxid;
  return newVote.leader > currentVote.leader;
}

/** Planted bug: the order without the peerEpoch (what the seed notes describe). */
export function totalOrderPredicateIgnoringEpoch(newVote: VoteKey, currentVote: VoteKey, weightOf?: (sid: number) => number): boolean {
  if (weightOf !== undefined && weightOf(newVote.leader) === 0) return false;
  if (newVote.zxid !== currentVote.zxid) return newVote.zxid > currentVote.zxid;
  return newVote.leader > currentVote.leader;
}

export type VoteOrder = typeof totalOrderPredicate;

/**
 * Vote.equals (3.8): if either side is LOOKING, leader, zxid, electionEpoch and peerEpoch must
 * all match. Otherwise (FOLLOWING/LEADING on both sides) zxid and electionEpoch are ignored
 * (ZOOKEEPER-1805/1732); if exactly one side has version > 0 only the leader is compared
 * (rolling-upgrade workaround), else leader and peerEpoch.
 */
export function voteEquals(a: Vote, b: Vote): boolean {
  if (a.state === 'LOOKING' || b.state === 'LOOKING') {
    return a.leader === b.leader && a.zxid === b.zxid && a.electionEpoch === b.electionEpoch && a.peerEpoch === b.peerEpoch;
  }
  if (a.version > 0 !== b.version > 0) return a.leader === b.leader;
  return a.leader === b.leader && a.peerEpoch === b.peerEpoch;
}
