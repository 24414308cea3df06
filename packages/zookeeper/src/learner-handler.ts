/**
 * LearnerHandler (ZooKeeper 3.8 `quorum/LearnerHandler.java`): the leader's side of one learner
 * connection. Its stages and the packets each accepts are a table (`HANDLER_TRANSITIONS`); a
 * packet with no entry is a protocol error, and before broadcast the handler is dropped, as
 * LearnerHandler.run returns on "... is not ACKEPOCH" / "Next packet was supposed to be an ACK".
 */
import { ZkError, defined } from './errors.js';
import type { Leader } from './leader.js';
import type { Txn, ZabMessage, ZabPacket } from './messages.js';
import { syncFollower, type SyncMode } from './sync.js';
import { step, type TransitionTable } from './zab-table.js';
import { epochOf, makeZxid, zxidToHex, type Zxid } from './zxid.js';

/**
 * - connected: the connection is open; FOLLOWERINFO / OBSERVERINFO is expected.
 * - waitForEpoch: FOLLOWERINFO counted; LEADERINFO waits for a quorum (getEpochToPropose).
 * - ackEpoch: LEADERINFO sent; ACKEPOCH is expected.
 * - waitForEpochAck: ACKEPOCH counted; the sync waits for a quorum of them.
 * - newLeaderAck: DIFF/TRUNC/SNAP ... NEWLEADER sent; the NEWLEADER ACK is expected.
 * - waitForNewLeaderAck: acked; UPTODATE waits for a quorum of NEWLEADER ACKs.
 * - broadcast: UPTODATE sent; ACKs and PINGs.
 */
export type HandlerStage =
  | { readonly name: 'connected' }
  | { readonly name: 'waitForEpoch' }
  | { readonly name: 'ackEpoch' }
  | { readonly name: 'waitForEpochAck'; readonly peerLastZxid: Zxid }
  | { readonly name: 'newLeaderAck'; readonly syncMode: SyncMode }
  | { readonly name: 'waitForNewLeaderAck'; readonly syncMode: SyncMode }
  | { readonly name: 'broadcast'; readonly syncMode: SyncMode };

export type HandlerStageName = HandlerStage['name'];

function onLearnerInfo(h: LearnerHandler, p: Extract<ZabPacket, { type: 'FOLLOWERINFO' | 'OBSERVERINFO' }>): void {
  const epochChosen = h.leader.stage.name !== 'discovery';
  h.stage = { name: 'waitForEpoch' };
  // If this FOLLOWERINFO completes the quorum, getEpochToPropose sends every waiting handler
  // (this one included) its LEADERINFO; if the epoch was chosen before, send it now.
  h.leader.getEpochToPropose(h.sid, epochOf(p.zxid));
  if (epochChosen) h.sendLeaderInfo();
}

function onAckEpoch(h: LearnerHandler, p: Extract<ZabPacket, { type: 'ACKEPOCH' }>): void {
  const electionFinished = h.leader.stage.name === 'sync' || h.leader.stage.name === 'broadcast';
  h.stage = { name: 'waitForEpochAck', peerLastZxid: p.zxid };
  // If this ACKEPOCH completes the quorum, waitForEpochAck syncs every waiting handler (this one
  // included); if the quorum was complete before, this late learner is synced now.
  if (!h.leader.waitForEpochAck(h.sid, { currentEpoch: p.currentEpoch, lastZxid: p.zxid })) h.remove();
  else if (electionFinished) h.syncLearner();
}

function onNewLeaderAck(h: LearnerHandler, p: Extract<ZabPacket, { type: 'ACK' }>): void {
  const st = h.stage;
  // waitForNewLeaderAck(sid, zxid): an ACK for another epoch is ignored.
  if (st.name !== 'newLeaderAck' || p.zxid !== makeZxid(h.leader.epoch, 0)) return;
  h.stage = { name: 'waitForNewLeaderAck', syncMode: st.syncMode };
  h.leader.waitForNewLeaderAck(h);
}

function onAck(h: LearnerHandler, p: Extract<ZabPacket, { type: 'ACK' }>): void {
  if (!h.observer) h.leader.processAck(h.sid, p.zxid);
}

/** PING: the deadline already moved when the message arrived (LearnerHandler.run, PING). */
function onPing(): void {
  // Session touches are not modelled.
}

/** `stage × packet → handler` for a LearnerHandler (LearnerHandler.run, 3.8). */
export const HANDLER_TRANSITIONS: TransitionTable<HandlerStageName, LearnerHandler> = {
  connected: { FOLLOWERINFO: onLearnerInfo, OBSERVERINFO: onLearnerInfo },
  waitForEpoch: {},
  ackEpoch: { ACKEPOCH: onAckEpoch },
  waitForEpochAck: {},
  newLeaderAck: { ACK: onNewLeaderAck },
  waitForNewLeaderAck: {},
  broadcast: { ACK: onAck, PING: onPing },
};

export class LearnerHandler {
  stage: HandlerStage = { name: 'connected' };
  private sendSeq = 0;
  private recvSeq = 0;
  /** LearnerHandler.tickOfNextAckDeadline, in leader ticks. */
  tickOfNextAckDeadline: number;

  constructor(
    readonly leader: Leader,
    readonly sid: number,
    readonly conn: string,
    readonly observer: boolean,
    tick: number,
  ) {
    const t = leader.peer.timings;
    this.tickOfNextAckDeadline = tick + t.initLimit + t.syncLimit;
  }

  /** startSendingPackets() happened: pings allowed. */
  sending(): boolean {
    const n = this.stage.name;
    return n === 'newLeaderAck' || n === 'waitForNewLeaderAck' || n === 'broadcast';
  }

  /** In Leader.forwardingFollowers / observingLearners (from syncLearner on). */
  forwarding(): boolean {
    return this.sending();
  }

  /** LearnerHandler.getSyncMode. */
  syncMode(): SyncMode | undefined {
    const st = this.stage;
    return st.name === 'newLeaderAck' || st.name === 'waitForNewLeaderAck' || st.name === 'broadcast' ? st.syncMode : undefined;
  }

  private current(): boolean {
    return this.leader.handlers.get(this.sid) === this && this.leader.peer.currentRole() === this.leader;
  }

  send(packets: ZabPacket[]): void {
    if (packets.length === 0) return;
    this.sendSeq++;
    this.leader.peer.send(this.sid, this.conn, this.sendSeq, packets);
  }

  remove(): void {
    if (this.leader.handlers.get(this.sid) === this) this.leader.handlers.delete(this.sid);
    this.leader.peer.cancel({ name: 'learner-handler', sid: this.sid });
  }

  /** The read timeout (initLimit before broadcast, syncLimit in it) ran out. */
  timeout(): void {
    this.remove();
  }

  private armRead(): void {
    const t = this.leader.peer.timings;
    const ticks = this.stage.name === 'broadcast' ? t.syncLimit : t.initLimit;
    this.leader.peer.arm({ name: 'learner-handler', sid: this.sid }, ticks * t.tickTime);
  }

  onMessage(m: ZabMessage): void {
    if (m.conn !== this.conn || m.seq <= this.recvSeq) return; // a stale connection, or a duplicate
    if (m.seq !== this.recvSeq + 1) {
      this.remove(); // a gap: the connection broke
      return;
    }
    this.recvSeq = m.seq;
    this.armRead();
    const t = this.leader.peer.timings;
    const tick = this.leader.currentTick();
    this.tickOfNextAckDeadline = this.stage.name === 'broadcast' ? tick + t.syncLimit : Math.max(this.tickOfNextAckDeadline, tick + t.syncLimit);
    for (const p of m.packets) {
      if (!this.current()) return;
      if (!step(HANDLER_TRANSITIONS, this.stage.name, this, p)) this.unexpected(p);
    }
  }

  /** No transition: LearnerHandler.run logs it; it closes the connection unless in broadcast. */
  private unexpected(p: ZabPacket): void {
    const stage = this.stage.name;
    const dropped = stage !== 'broadcast';
    const error = new ZkError('PROTOCOL', `expected ${Object.keys(HANDLER_TRANSITIONS[stage]).join(' or ') || 'no packet'} from learner ${String(this.sid)} in stage ${stage}, found ${p.type} ${zxidToHex(p.zxid)}`);
    this.leader.peer.emit({ type: 'protocolError', error, peer: this.sid, stage, packet: p.type, dropped });
    if (dropped) this.remove();
  }

  sendLeaderInfo(): void {
    this.stage = { name: 'ackEpoch' };
    this.send([{ type: 'LEADERINFO', zxid: makeZxid(this.leader.epoch, 0) }]);
  }

  sendUpToDate(): void {
    const st = this.stage;
    if (st.name !== 'waitForNewLeaderAck') return;
    this.stage = { name: 'broadcast', syncMode: st.syncMode };
    this.armRead();
    this.send([{ type: 'UPTODATE', zxid: -1n }]);
  }

  /** LearnerHandler.syncFollower + what follows it (startForwarding, SNAP, NEWLEADER). */
  syncLearner(): void {
    const st = this.stage;
    if (st.name !== 'waitForEpochAck') return;
    const p = this.leader.peer;
    const d = p.durable;
    const peer = st.peerLastZxid;
    const files = d.logFiles;
    // FileTxnIterator opens the file holding peer; every later file counts at full size, so
    // only a peer inside the newest file is within 0.33 x the snapshot size.
    let startFile = 0;
    files.forEach((f, i) => { if (f <= peer) startFile = i; });
    const withinSizeLimit = files.length <= 1 || startFile === files.length - 1;
    const r = syncFollower({
      peerLastZxid: peer,
      lastProcessedZxid: p.db.lastProcessedZxid,
      committedLog: p.db.committedLog.map((t) => t.zxid),
      txnLog: { zxids: d.log.map((t) => t.zxid), withinSizeLimit },
      snapshotSizeFactor: p.snapshotSizeFactor,
      forceSnapSync: p.forceSnapSync,
      plantedBugNeverTrunc: p.planted.syncNeverTruncs === true,
    });
    const packets = this.syncPackets(r.packets);
    // Leader.startForwarding(handler, lastSeenZxid): outstanding proposals above it.
    if (!this.observer) for (const txn of this.leader.outstanding()) if (txn.zxid > r.startForwardingZxid) packets.push({ type: 'PROPOSAL', zxid: txn.zxid, txn });
    packets.push({ type: 'NEWLEADER', zxid: makeZxid(this.leader.epoch, 0) });
    this.stage = { name: 'newLeaderAck', syncMode: r.syncMode };
    p.emit({ type: 'syncSent', learner: this.sid, mode: r.syncMode, reason: r.reason, peerLastZxid: peer, opZxid: r.packets[0]?.zxid ?? 0n, packets: r.packets.map((x) => `${x.type} ${zxidToHex(x.zxid)}`) });
    this.send(packets);
  }

  /** syncFollower's decision as packets with their txns (a SNAP carries the whole history). */
  private syncPackets(decided: ReturnType<typeof syncFollower>['packets']): ZabPacket[] {
    const p = this.leader.peer;
    let byZxid: Map<Zxid, Txn> | undefined;
    const txnOf = (zxid: Zxid): Txn => {
      if (byZxid === undefined) {
        byZxid = new Map();
        for (const t of p.durable.log) byZxid.set(t.zxid, t);
        for (const t of p.db.history) byZxid.set(t.zxid, t);
      }
      return defined(byZxid.get(zxid), `LearnerHandler.syncFollower: the leader holds every txn it queues (${zxidToHex(zxid)})`);
    };
    return decided.map((x): ZabPacket => {
      if (x.type === 'SNAP') return { type: 'SNAP', zxid: x.zxid, snapshot: p.db.history.slice() };
      if (x.type === 'PROPOSAL') return { type: 'PROPOSAL', zxid: x.zxid, txn: txnOf(x.zxid) };
      return { type: x.type, zxid: x.zxid };
    });
  }
}
