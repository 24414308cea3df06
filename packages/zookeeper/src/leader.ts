/**
 * The leader's side of Zab (ZooKeeper 3.8 `quorum/Leader.java`): discovery (getEpochToPropose,
 * waitForEpochAck), the NEWLEADER quorum (waitForNewLeaderAck), then broadcast (propose,
 * processAck/tryToCommit, commit/inform, the lead() ping loop). One LearnerHandler per learner
 * connection (learner-handler.ts) carries each learner through its own stages.
 */
import { invariant } from './errors.js';
import type { Txn, ZabMessage } from './messages.js';
import type { PeerHost } from './peer-types.js';
import { SyncedLearnerTracker } from './quorum.js';
import { LearnerHandler } from './learner-handler.js';
import { isNewEpochZxid, makeZxid, zxidToHex, type Zxid } from './zxid.js';

interface Outstanding {
  txn: Txn;
  acks: SyncedLearnerTracker;
}

/** StateSummary: what a learner (or the leader itself) reports in ACKEPOCH. */
export interface StateSummary {
  currentEpoch: number;
  lastZxid: Zxid;
}

/**
 * Where the leader is, as a tagged union: each stage holds exactly what it needs.
 * - discovery: waiting for a quorum of FOLLOWERINFO (Leader.getEpochToPropose); `epoch` grows.
 * - epochAck: the epoch is chosen; waiting for a quorum of ACKEPOCH (waitForEpochAck).
 * - sync: learners are being synced; waiting for a quorum of NEWLEADER ACKs (waitForNewLeaderAck).
 * - broadcast: established; proposals, commits and pings.
 */
export type LeaderStage =
  | { readonly name: 'discovery'; readonly connecting: Set<number> }
  | { readonly name: 'epochAck'; readonly electing: Set<number> }
  | { readonly name: 'sync'; readonly newLeaderAcks: SyncedLearnerTracker }
  | {
      readonly name: 'broadcast';
      readonly outstanding: Outstanding[];
      lastProposed: Zxid;
      lastCommitted: Zxid;
      counter: number;
      tick: number;
      tickSkip: boolean;
    };

export class Leader {
  stage: LeaderStage = { name: 'discovery', connecting: new Set() };
  /** The epoch this leader proposes (final once the stage is past discovery). */
  epoch = -1;
  readonly handlers = new Map<number, LearnerHandler>();
  /** The leader's own StateSummary, taken when it starts leading. */
  readonly leaderSummary: StateSummary;

  constructor(readonly peer: PeerHost) {
    this.leaderSummary = { currentEpoch: peer.durable.currentEpoch, lastZxid: peer.db.lastProcessedZxid };
  }

  /** Leader.lead(): arm the initLimit wait and propose an epoch with our own acceptedEpoch. */
  lead(): void {
    const p = this.peer;
    p.arm({ name: 'leader-wait' }, p.timings.initLimit * p.timings.tickTime);
    this.getEpochToPropose(p.myid, p.durable.acceptedEpoch);
  }

  isEstablished(): boolean {
    return this.stage.name === 'broadcast';
  }

  /** Leader.getEpochToPropose(sid, lastAcceptedEpoch). */
  getEpochToPropose(sid: number, lastAcceptedEpoch: number): void {
    const st = this.stage;
    if (st.name !== 'discovery') return;
    const p = this.peer;
    if (lastAcceptedEpoch >= this.epoch) this.epoch = lastAcceptedEpoch + 1;
    if (p.verifier.votingMembers.has(sid)) st.connecting.add(sid);
    if (!st.connecting.has(p.myid) || !p.verifier.containsQuorum(st.connecting)) return;
    this.stage = { name: 'epochAck', electing: new Set() };
    p.durable.acceptedEpoch = this.epoch;
    p.persistEpochs();
    p.emit({ type: 'epochChosen', epoch: this.epoch });
    p.arm({ name: 'leader-wait' }, p.timings.initLimit * p.timings.tickTime);
    for (const h of this.handlers.values()) if (h.stage.name === 'waitForEpoch') h.sendLeaderInfo();
    this.waitForEpochAck(p.myid, this.leaderSummary);
  }

  /** Leader.waitForEpochAck(sid, stateSummary). Returns false if the learner must be dropped. */
  waitForEpochAck(sid: number, ss: StateSummary): boolean {
    const st = this.stage;
    if (st.name !== 'epochAck') return true; // electionFinished: later learners just sync
    const p = this.peer;
    if (ss.currentEpoch !== -1) {
      const mine = this.leaderSummary;
      if (ss.currentEpoch > mine.currentEpoch || (ss.currentEpoch === mine.currentEpoch && ss.lastZxid > mine.lastZxid)) {
        // "Follower is ahead of the leader": this LearnerHandler throws and closes.
        p.emit({ type: 'followerAhead', learner: sid });
        return false;
      }
      if (p.verifier.votingMembers.has(sid)) st.electing.add(sid);
    }
    if (!st.electing.has(p.myid) || !p.verifier.containsQuorum(st.electing)) return true;
    const newLeaderAcks = new SyncedLearnerTracker(p.verifier);
    this.stage = { name: 'sync', newLeaderAcks };
    p.emit({ type: 'synchronizing', epoch: this.epoch, ackers: [...st.electing].sort((a, b) => a - b) });
    // Leader.lead(): currentEpoch = epoch after the epoch-ack quorum.
    p.durable.currentEpoch = this.epoch;
    p.persistEpochs();
    newLeaderAcks.addAck(p.myid); // waitForNewLeaderAck(self.getId(), zk.getZxid())
    p.arm({ name: 'leader-wait' }, p.timings.initLimit * p.timings.tickTime);
    for (const h of this.handlers.values()) if (h.stage.name === 'waitForEpochAck') h.syncLearner();
    this.checkNewLeaderQuorum();
    return true;
  }

  /** Leader.waitForNewLeaderAck(sid, zxid) for one learner's ACK of NEWLEADER. */
  waitForNewLeaderAck(h: LearnerHandler): void {
    const st = this.stage;
    if (st.name !== 'sync') {
      h.sendUpToDate(); // already established: this learner can start
      return;
    }
    if (!h.observer) st.newLeaderAcks.addAck(h.sid);
    this.checkNewLeaderQuorum();
  }

  private checkNewLeaderQuorum(): void {
    const st = this.stage;
    if (st.name !== 'sync' || !st.newLeaderAcks.hasAllQuorums()) return;
    const p = this.peer;
    // Leader.startZkServer(): lastProcessedZxid = (epoch, 0); the vote's peerEpoch is updated.
    const zxid = makeZxid(this.epoch, 0);
    p.db.lastProcessedZxid = zxid;
    this.stage = { name: 'broadcast', outstanding: [], lastProposed: zxid, lastCommitted: zxid, counter: 0, tick: 0, tickSkip: true };
    p.currentVote = { ...p.currentVote, peerEpoch: this.epoch };
    p.cancel({ name: 'leader-wait' });
    p.emit({ type: 'established', epoch: this.epoch, zxid, ackers: st.newLeaderAcks.ackSids() });
    for (const h of this.handlers.values()) if (h.stage.name === 'waitForNewLeaderAck') h.sendUpToDate();
    p.arm({ name: 'leader-tick' }, p.timings.tickTime / 2);
  }

  /** The initLimit wait ran out before the leader was established. */
  waitTimeout(): void {
    const what = {
      discovery: 'Timeout while waiting for epoch from quorum',
      epochAck: 'Timeout while waiting for epoch to be acked by quorum',
      sync: 'Timeout while waiting for NEWLEADER to be acked by quorum',
      broadcast: undefined,
    }[this.stage.name];
    if (what !== undefined) this.peer.stepDown(`leader shutdown: ${what}`);
  }

  /** Leader.lead() main loop: every tickTime/2 ping; every tickTime check the synced quorum. */
  tick(): void {
    const st = this.stage;
    if (st.name !== 'broadcast') return;
    const p = this.peer;
    if (!st.tickSkip) {
      st.tick++;
      const synced = new SyncedLearnerTracker(p.verifier);
      synced.addAck(p.myid);
      for (const h of this.handlers.values()) if (st.tick <= h.tickOfNextAckDeadline) synced.addAck(h.sid);
      if (!synced.hasAllQuorums()) {
        p.stepDown(`leader shutdown: Not sufficient followers synced, only synced with sids: [${synced.ackSids().join(',')}]`);
        return;
      }
    }
    st.tickSkip = !st.tickSkip;
    for (const h of this.handlers.values()) if (h.sending()) h.send([{ type: 'PING', zxid: st.lastProposed }]);
    p.arm({ name: 'leader-tick' }, p.timings.tickTime / 2);
  }

  /** A client write. Returns the zxid proposed, or undefined if this leader does not serve. */
  clientWrite(data: string): Zxid | undefined {
    const st = this.stage;
    if (st.name !== 'broadcast') return undefined;
    if (st.counter >= 0xffffffff) {
      // "zxid lower 32 bits have rolled over, forcing re-election"
      this.peer.stepDown('leader shutdown: zxid counter rolled over');
      return undefined;
    }
    st.counter++;
    const txn: Txn = { zxid: makeZxid(this.epoch, st.counter), data };
    this.propose(txn);
    return txn.zxid;
  }

  /** Leader.propose: forward to every synced follower, log (fsync) and ack our own proposal. */
  private propose(txn: Txn): void {
    const st = this.stage;
    if (st.name !== 'broadcast') return;
    invariant(txn.zxid > st.lastProposed, 'Leader.propose: proposals ascend in zxid order', () => `${zxidToHex(txn.zxid)} after ${zxidToHex(st.lastProposed)}`);
    st.lastProposed = txn.zxid;
    st.outstanding.push({ txn, acks: new SyncedLearnerTracker(this.peer.verifier) });
    this.peer.emit({ type: 'proposed', zxid: txn.zxid });
    for (const h of this.handlers.values()) if (h.forwarding() && !h.observer) h.send([{ type: 'PROPOSAL', zxid: txn.zxid, txn }]);
    this.peer.logAppend([txn]);
    this.processAck(this.peer.myid, txn.zxid);
  }

  /** Leader.processAck + tryToCommit: commits strictly in zxid order. */
  processAck(sid: number, zxid: Zxid): void {
    const st = this.stage;
    if (st.name !== 'broadcast' || isNewEpochZxid(zxid)) return;
    const p = st.outstanding.find((o) => o.txn.zxid === zxid);
    if (p === undefined) return;
    p.acks.addAck(sid);
    for (let head = st.outstanding[0]; head?.acks.hasAllQuorums() === true; head = st.outstanding[0]) {
      st.outstanding.shift();
      this.commit(head.txn);
    }
  }

  /** Leader.commit / inform: COMMIT to followers, INFORM (with the txn) to observers, then apply. */
  private commit(txn: Txn): void {
    const st = this.stage;
    if (st.name !== 'broadcast') return;
    invariant(txn.zxid > st.lastCommitted, 'Leader.tryToCommit: commits ascend in zxid order', () => `${zxidToHex(txn.zxid)} after ${zxidToHex(st.lastCommitted)}`);
    st.lastCommitted = txn.zxid;
    for (const h of this.handlers.values()) {
      if (!h.forwarding()) continue;
      h.send([h.observer ? { type: 'INFORM', zxid: txn.zxid, txn } : { type: 'COMMIT', zxid: txn.zxid }]);
    }
    this.peer.applyTxn(txn, 'committed');
  }

  /** Proposals not yet committed (for Leader.startForwarding). */
  outstanding(): readonly Txn[] {
    return this.stage.name === 'broadcast' ? this.stage.outstanding.map((o) => o.txn) : [];
  }

  /** Packets from a learner's connection: a fresh FOLLOWERINFO opens a new LearnerHandler. */
  onZab(from: number, m: ZabMessage): void {
    const first = m.packets[0];
    if (m.seq === 1 && (first?.type === 'FOLLOWERINFO' || first?.type === 'OBSERVERINFO')) {
      // A new connection from this learner replaces any older one.
      this.handlers.get(from)?.remove();
      const observer = first.type === 'OBSERVERINFO' || !this.peer.verifier.votingMembers.has(from);
      const tick = this.stage.name === 'broadcast' ? this.stage.tick : 0;
      this.handlers.set(from, new LearnerHandler(this, from, m.conn, observer, tick));
    }
    this.handlers.get(from)?.onMessage(m);
  }

  /** The current leader tick (LearnerHandler deadlines are counted in it). */
  currentTick(): number {
    return this.stage.name === 'broadcast' ? this.stage.tick : 0;
  }
}
