/**
 * FastLeaderElection (3.8) as a sans-I/O state machine for one server: the receiver thread
 * (WorkerReceiver) and the election loop (lookForLeader) folded into `receive`, the poll
 * timeouts into `onPollTimeout` / `onFinalizeTimeout`. Time never appears here: the caller
 * arms the named timers this returns and calls back when they fire.
 */
import type { Notification } from './messages.js';
import { SyncedLearnerTracker, type QuorumVerifier } from './quorum.js';
import { MIN_LONG_NUMBER, totalOrderPredicate, voteEquals, type ServerState, type Vote, type VoteKey, type VoteOrder } from './vote.js';
import { MIN_LONG, type Zxid } from './zxid.js';

/**
 * FastLeaderElection.getVoteTracker as a pure function: the tracker of the sids whose stored vote
 * equals `vote` (Vote.equals); `hasAllQuorums()` says whether they form a quorum in every verifier.
 */
export function voteTracker(votes: ReadonlyMap<number, Vote>, vote: Vote, ...verifiers: QuorumVerifier[]): SyncedLearnerTracker {
  const t = new SyncedLearnerTracker(...verifiers);
  for (const [sid, v] of votes) if (voteEquals(vote, v)) t.addAck(sid);
  return t;
}

/**
 * A proposal as a LOOKING vote of round `clock`. Written out field by field (same key order as
 * `{ ...proposal, electionEpoch, state, version }`): an object spread here cost ~4 % of a
 * 1,000-run election bench, being done on every notification.
 */
function lookingVote(p: VoteKey, clock: number): Vote {
  return { leader: p.leader, zxid: p.zxid, peerEpoch: p.peerEpoch, electionEpoch: clock, state: 'LOOKING', version: 0 };
}

export interface FleTimings {
  /** FastLeaderElection.finalizeWait (200 ms). */
  finalizeWaitMs: number;
  /** zookeeper.fastleader.minNotificationInterval (200 ms). */
  minNotificationIntervalMs: number;
  /** zookeeper.fastleader.maxNotificationInterval (60 000 ms). */
  maxNotificationIntervalMs: number;
}

export const DEFAULT_FLE_TIMINGS: FleTimings = {
  finalizeWaitMs: 200,
  minNotificationIntervalMs: 200,
  maxNotificationIntervalMs: 60_000,
};

/** What FLE needs from its QuorumPeer. */
export interface FleHost {
  readonly myid: number;
  readonly verifier: QuorumVerifier;
  /** LearnerType.PARTICIPANT (true) or OBSERVER (false). */
  readonly isParticipant: boolean;
  getLastLoggedZxid(): Zxid;
  getCurrentEpoch(): number;
  getPeerState(): ServerState;
  /** QuorumPeer.getCurrentVote: the vote the last election ended with. */
  getCurrentVote(): Vote;
}

export type FleAction =
  | { kind: 'send'; to: number; msg: Notification }
  | { kind: 'timer'; name: 'fle-poll' | 'fle-finalize'; delayMs: number }
  | { kind: 'cancel'; name: 'fle-poll' | 'fle-finalize' }
  | { kind: 'decided'; state: ServerState; vote: Vote; via: 'LOOKING' | 'in-round' | 'outofelection' };

export class FastLeaderElection {
  /** The election round ("logicalclock"), in memory, never reset while the process lives. */
  logicalclock = 0;
  /** The current proposal (proposedLeader, proposedZxid, proposedEpoch). */
  proposal: VoteKey = { leader: 0, zxid: 0n, peerEpoch: 0 };
  recvset = new Map<number, Vote>();
  outofelection = new Map<number, Vote>();
  notTimeoutMs: number;
  /** Inside the 200 ms finalizeWait loop. */
  finalizing = false;
  /** True between lookForLeader() and its return. */
  active = false;
  private readonly order: VoteOrder;
  private readonly selfQueue: Notification[] = [];
  private readonly ackScratch = new Set<number>();
  private draining = false;

  constructor(
    private readonly host: FleHost,
    private readonly timings: FleTimings = DEFAULT_FLE_TIMINGS,
    order: VoteOrder = totalOrderPredicate,
  ) {
    this.order = order;
    this.notTimeoutMs = timings.minNotificationIntervalMs;
  }

  private myVoteCache: { proposal: VoteKey; clock: number; vote: Vote } | undefined;

  /** My proposal as a LOOKING vote of this round (cached: proposals are replaced, never mutated). */
  private myVote(): Vote {
    const c = this.myVoteCache;
    if (c?.proposal === this.proposal && c.clock === this.logicalclock) return c.vote;
    const vote = lookingVote(this.proposal, this.logicalclock);
    this.myVoteCache = { proposal: this.proposal, clock: this.logicalclock, vote };
    return vote;
  }

  /** The verifier's weights, as the order takes them (one function, not one per comparison). */
  private readonly weightOf = (sid: number): number => this.host.verifier.getWeight(sid);

  private better(a: VoteKey, b: VoteKey): boolean {
    return this.order(a, b, this.weightOf);
  }

  /** getInitId / getInitLastLoggedZxid / getPeerEpoch. */
  initVote(): VoteKey {
    const voter = this.host.verifier.votingMembers.has(this.host.myid);
    return {
      leader: voter ? this.host.myid : MIN_LONG_NUMBER,
      zxid: this.host.isParticipant ? this.host.getLastLoggedZxid() : MIN_LONG,
      peerEpoch: this.host.isParticipant ? this.host.getCurrentEpoch() : MIN_LONG_NUMBER,
    };
  }

  /** lookForLeader(): a new round with my initial vote, sent to every voter (me included). */
  lookForLeader(out: FleAction[]): void {
    this.active = true;
    this.logicalclock++;
    this.recvset.clear();
    this.outofelection.clear();
    this.finalizing = false;
    this.notTimeoutMs = this.timings.minNotificationIntervalMs;
    this.proposal = this.initVote();
    this.sendNotifications(out);
    this.drainSelf(out);
    if (this.polling()) out.push({ kind: 'timer', name: 'fle-poll', delayMs: this.notTimeoutMs });
  }

  /** In the main loop, waiting on recvqueue.poll(notTimeout) (a method: fields change under calls). */
  polling(): boolean {
    return this.active && !this.finalizing;
  }

  /** The peer left LOOKING on its own (shutdown): stop the loop. */
  stop(out: FleAction[]): void {
    this.active = false;
    this.finalizing = false;
    this.selfQueue.length = 0;
    out.push({ kind: 'cancel', name: 'fle-poll' }, { kind: 'cancel', name: 'fle-finalize' });
  }

  private notification(): Notification {
    return {
      type: 'NOTIFICATION',
      state: 'LOOKING',
      leader: this.proposal.leader,
      zxid: this.proposal.zxid,
      electionEpoch: this.logicalclock,
      peerEpoch: this.proposal.peerEpoch,
      version: 2,
    };
  }

  /** sendNotifications(): my proposal to every voter; to myself it is looped back locally. */
  private sendNotifications(out: FleAction[]): void {
    for (const sid of this.host.verifier.votingMembers) {
      const msg = this.notification();
      if (sid === this.host.myid) this.selfQueue.push(msg);
      else out.push({ kind: 'send', to: sid, msg });
    }
  }

  private drainSelf(out: FleAction[]): void {
    if (this.draining) return;
    this.draining = true;
    // Bounded: each self-notification is produced by a proposal change, and proposals only
    // grow in a total order over a finite set of candidates per round.
    for (let guard = 0, n = this.selfQueue.shift(); n !== undefined && guard < 10_000; guard++, n = this.selfQueue.shift()) {
      if (!this.active) break;
      this.loopStep(this.host.myid, n, out);
    }
    this.selfQueue.length = 0;
    this.draining = false;
  }

  /** A notification arrived from `from` (WorkerReceiver.run). */
  receive(from: number, n: Notification, out: FleAction[]): void {
    const voters = this.host.verifier.votingMembers;
    const myState = this.host.getPeerState();
    if (!voters.has(from)) {
      // "Not a voter": answer with my current vote and drop the message.
      const cur = this.host.getCurrentVote();
      out.push({ kind: 'send', to: from, msg: { type: 'NOTIFICATION', state: myState, leader: cur.leader, zxid: cur.zxid, electionEpoch: this.logicalclock, peerEpoch: cur.peerEpoch, version: 2 } });
      return;
    }
    if (myState === 'LOOKING') {
      if (n.state === 'LOOKING' && n.electionEpoch < this.logicalclock) {
        // Help a peer in an older round: send it my current proposal.
        out.push({ kind: 'send', to: from, msg: this.notification() });
      }
      if (this.active) {
        this.loopStep(from, n, out);
        this.drainSelf(out);
      }
      return;
    }
    if (n.state === 'LOOKING') {
      // Not LOOKING myself: tell the looking peer whom I follow / that I lead.
      const cur = this.host.getCurrentVote();
      out.push({ kind: 'send', to: from, msg: { type: 'NOTIFICATION', state: myState, leader: cur.leader, zxid: cur.zxid, electionEpoch: cur.electionEpoch, peerEpoch: cur.peerEpoch, version: 2 } });
    }
  }

  /** recvqueue.poll(notTimeout) returned null. */
  onPollTimeout(out: FleAction[]): void {
    if (!this.active || this.finalizing) return;
    // manager.haveDelivered() is true in the simulation (nothing stuck in a send queue).
    this.sendNotifications(out);
    this.notTimeoutMs = Math.min(this.notTimeoutMs * 2, this.timings.maxNotificationIntervalMs);
    this.drainSelf(out);
    if (this.polling()) out.push({ kind: 'timer', name: 'fle-poll', delayMs: this.notTimeoutMs });
  }

  /** The finalizeWait poll returned null: no better vote for 200 ms, the election is over. */
  onFinalizeTimeout(out: FleAction[]): void {
    if (!this.active || !this.finalizing) return;
    this.finalizing = false;
    const endVote = lookingVote(this.proposal, this.logicalclock);
    this.decide(this.proposal.leader, endVote, 'LOOKING', out);
  }

  private decide(leader: number, endVote: Vote, via: 'LOOKING' | 'in-round' | 'outofelection', out: FleAction[]): void {
    const state: ServerState = leader === this.host.myid ? 'LEADING' : this.host.isParticipant ? 'FOLLOWING' : 'OBSERVING';
    this.active = false;
    this.selfQueue.length = 0; // leaveInstance: recvqueue.clear()
    out.push({ kind: 'cancel', name: 'fle-poll' }, { kind: 'cancel', name: 'fle-finalize' });
    const vote: Vote = { leader: endVote.leader, zxid: endVote.zxid, peerEpoch: endVote.peerEpoch, electionEpoch: endVote.electionEpoch, state, version: endVote.version };
    out.push({ kind: 'decided', state, vote, via });
  }

  /** FastLeaderElection.getVoteTracker(votes, vote): the sids whose stored vote equals `vote`. */
  getVoteTracker(votes: ReadonlyMap<number, Vote>, vote: Vote): SyncedLearnerTracker {
    return voteTracker(votes, vote, this.host.verifier);
  }

  /**
   * `getVoteTracker(votes, vote).hasAllQuorums()` for our single verifier, without building a
   * tracker: asked on every notification, so it reuses one set (the voters whose vote equals).
   */
  private quorumFor(votes: ReadonlyMap<number, Vote>, vote: Vote): boolean {
    const acks = this.ackScratch;
    acks.clear();
    const verifier = this.host.verifier;
    for (const [sid, v] of votes) if (verifier.votingMembers.has(sid) && voteEquals(vote, v)) acks.add(sid);
    return acks.size > 0 && verifier.containsQuorum(acks);
  }

  /** checkLeader(votes, leader, electionEpoch). */
  checkLeader(votes: ReadonlyMap<number, Vote>, leader: number, electionEpoch: number): boolean {
    if (leader !== this.host.myid) return votes.get(leader)?.state === 'LEADING';
    return this.logicalclock === electionEpoch;
  }

  /** One iteration of the lookForLeader loop for notification `n` from `from`. */
  private loopStep(from: number, n: Notification, out: FleAction[]): void {
    if (this.finalizing) {
      if (this.better(n, this.proposal)) {
        // recvqueue.put(n); break: leave finalizeWait and handle n normally.
        this.finalizing = false;
        out.push({ kind: 'cancel', name: 'fle-finalize' });
      } else {
        // Discarded; the 200 ms poll starts again.
        out.push({ kind: 'timer', name: 'fle-finalize', delayMs: this.timings.finalizeWaitMs });
        return;
      }
    }
    const voters = this.host.verifier.votingMembers;
    if (voters.has(from) && voters.has(n.leader)) this.handle(from, n, out);
    if (this.polling()) out.push({ kind: 'timer', name: 'fle-poll', delayMs: this.notTimeoutMs });
  }

  private handle(from: number, n: Notification, out: FleAction[]): void {
    switch (n.state) {
      case 'LOOKING': {
        if (n.electionEpoch > this.logicalclock) {
          this.logicalclock = n.electionEpoch;
          this.recvset.clear();
          const init = this.initVote();
          this.proposal = this.better(n, init) ? { leader: n.leader, zxid: n.zxid, peerEpoch: n.peerEpoch } : init;
          this.sendNotifications(out);
        } else if (n.electionEpoch < this.logicalclock) {
          return;
        } else if (this.better(n, this.proposal)) {
          this.proposal = { leader: n.leader, zxid: n.zxid, peerEpoch: n.peerEpoch };
          this.sendNotifications(out);
        }
        this.recvset.set(from, { leader: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch, state: 'LOOKING', version: 0 });
        if (this.quorumFor(this.recvset, this.myVote())) {
          this.finalizing = true;
          out.push({ kind: 'cancel', name: 'fle-poll' }, { kind: 'timer', name: 'fle-finalize', delayMs: this.timings.finalizeWaitMs });
        }
        return;
      }
      case 'OBSERVING':
        return;
      case 'FOLLOWING':
      case 'LEADING': {
        const theirs: Vote = { leader: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch, state: n.state, version: n.version };
        const endVote: Vote = { leader: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch, state: n.state, version: 0 };
        if (n.electionEpoch === this.logicalclock) {
          // Stored with version 0, compared with a vote carrying the sender's version.
          this.recvset.set(from, { ...theirs, version: 0 });
          if (this.quorumFor(this.recvset, theirs) && this.checkLeader(this.recvset, n.leader, n.electionEpoch)) {
            this.decide(n.leader, endVote, 'in-round', out);
            return;
          }
        }
        this.outofelection.set(from, theirs);
        if (this.quorumFor(this.outofelection, theirs) && this.checkLeader(this.outofelection, n.leader, n.electionEpoch)) {
          this.logicalclock = n.electionEpoch;
          this.decide(n.leader, endVote, 'outofelection', out);
        }
        return;
      }
    }
  }
}
