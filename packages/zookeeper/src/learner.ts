/**
 * The learner's side of Zab (ZooKeeper 3.8 `quorum/Learner.java`, `Follower.java`,
 * `Observer.java`): registerWithLeader (FOLLOWERINFO → LEADERINFO → ACKEPOCH), syncWithLeader
 * (DIFF / TRUNC / SNAP, PROPOSAL/COMMIT, NEWLEADER, UPTODATE) and Follower.processPacket in
 * broadcast. The stages and the packets each accepts are a table (`LEARNER_TRANSITIONS`).
 */
import { ZkError, invariant } from './errors.js';
import type { Txn, ZabMessage, ZabPacket } from './messages.js';
import { CONNECT_RETRY_MS, type PeerHost } from './peer-types.js';
import type { SyncMode } from './sync.js';
import { step, type TransitionTable } from './zab-table.js';
import { epochOf, makeZxid, zxidToHex, type Zxid } from './zxid.js';

/**
 * - registering: FOLLOWERINFO sent (again on a fresh connection every second); LEADERINFO expected.
 * - syncStart: ACKEPOCH sent; the first sync packet (DIFF, TRUNC or SNAP) is expected.
 * - sync: receiving PROPOSAL/COMMIT until NEWLEADER. With SNAP and TRUNC the txns are applied
 *   directly; with DIFF they are kept for the txn log (`writeToTxnLog`).
 * - newLeaderAcked: NEWLEADER logged and acked; everything goes to the txn log until UPTODATE.
 * - broadcast: serving; Follower.processPacket.
 */
export type LearnerStage =
  | { readonly name: 'registering' }
  | { readonly name: 'syncStart'; readonly newEpoch: number }
  | { readonly name: 'sync'; readonly newEpoch: number; readonly mode: SyncMode; readonly notCommitted: Txn[]; readonly committed: Zxid[] }
  | { readonly name: 'newLeaderAcked'; readonly newEpoch: number; readonly mode: SyncMode; readonly notCommitted: Txn[]; readonly committed: Zxid[]; readonly deferredAcks: Zxid[] }
  | { readonly name: 'broadcast'; readonly newEpoch: number; readonly mode: SyncMode };

export type LearnerStageName = LearnerStage['name'];
type In<N extends LearnerStageName> = Extract<LearnerStage, { name: N }>;
type Pkt<T extends ZabPacket['type']> = Extract<ZabPacket, { type: T }>;

/** Learner.registerWithLeader, LEADERINFO: accept a newer epoch, ack an equal one with -1. */
function onLeaderInfo(f: Learner, p: Pkt<'LEADERINFO'>): void {
  const host = f.host;
  host.cancel({ name: 'learner-connect' });
  const newEpoch = epochOf(p.zxid);
  let reportedEpoch = host.durable.currentEpoch;
  if (newEpoch > host.durable.acceptedEpoch) {
    host.durable.acceptedEpoch = newEpoch;
    host.persistEpochs();
  } else if (newEpoch === host.durable.acceptedEpoch) {
    reportedEpoch = -1;
  } else {
    host.stepDown(`Leaders epoch, ${String(newEpoch)} is less than accepted epoch, ${String(host.durable.acceptedEpoch)}`);
    return;
  }
  f.stage = { name: 'syncStart', newEpoch };
  f.send([{ type: 'ACKEPOCH', zxid: host.db.lastProcessedZxid, currentEpoch: reportedEpoch }]);
}

function onDiff(f: Learner): void {
  f.stage = { name: 'sync', newEpoch: f.at('syncStart').newEpoch, mode: 'DIFF', notCommitted: [], committed: [] };
}

function onSnap(f: Learner, p: Pkt<'SNAP'>): void {
  const host = f.host;
  f.stage = { name: 'sync', newEpoch: f.at('syncStart').newEpoch, mode: 'SNAP', notCommitted: [], committed: [] };
  host.db = { history: p.snapshot.slice(), lastProcessedZxid: p.zxid, committedLog: [] };
  for (const t of p.snapshot.slice(-(host.commitLogCount + 1))) host.addCommittedProposal(t);
}

function onTrunc(f: Learner, p: Pkt<'TRUNC'>): void {
  const host = f.host;
  f.stage = { name: 'sync', newEpoch: f.at('syncStart').newEpoch, mode: 'TRUNC', notCommitted: [], committed: [] };
  const before = host.db.lastProcessedZxid;
  const removed = host.durable.log.filter((t) => t.zxid > p.zxid).map((t) => t.zxid);
  host.logTruncate(p.zxid);
  host.loadDatabase();
  host.emit({ type: 'truncated', from: before, to: p.zxid, removed });
  host.db.lastProcessedZxid = p.zxid;
}

function onSyncProposal(f: Learner, p: Pkt<'PROPOSAL'>): void {
  f.at('sync', 'newLeaderAcked').notCommitted.push(p.txn);
}

/** INFORM during sync: a commit for an observer, PROPOSAL + COMMIT in one. */
function onSyncInform(f: Learner, p: Pkt<'INFORM'>): void {
  const st = f.at('sync', 'newLeaderAcked');
  if (!f.writeToTxnLog()) f.host.applyTxn(p.txn, 'applied');
  else {
    st.notCommitted.push(p.txn);
    st.committed.push(p.zxid);
  }
}

function onSyncCommit(f: Learner, p: Pkt<'COMMIT'>): void {
  const st = f.at('sync', 'newLeaderAcked');
  if (f.writeToTxnLog()) {
    st.committed.push(p.zxid);
    return;
  }
  const head = st.notCommitted[0];
  if (head?.zxid === p.zxid) {
    st.notCommitted.shift();
    f.host.applyTxn(head, 'applied');
  }
  // else: "Committing 0x.. but next pending txn 0x.." (a warning in 3.8)
}

/** NEWLEADER: snapshot if needed, currentEpoch = newEpoch, log the proposals so far, ACK. */
function onNewLeader(f: Learner): void {
  const st = f.at('sync');
  const host = f.host;
  if (st.mode !== 'DIFF') host.logReplaceWithSnapshot(host.db.history, host.db.lastProcessedZxid);
  host.durable.currentEpoch = st.newEpoch;
  host.persistEpochs();
  // Log the proposals received so far before acking NEWLEADER (the 3.8.5+ order,
  // ZOOKEEPER-4785; 3.8.0 logged them asynchronously). Their ACKs follow the UPTODATE ack.
  const logged = st.notCommitted.splice(0);
  f.stage = { name: 'newLeaderAcked', newEpoch: st.newEpoch, mode: st.mode, notCommitted: [], committed: st.committed, deferredAcks: logged.map((t) => t.zxid) };
  f.log(logged, false);
  f.send([{ type: 'ACK', zxid: makeZxid(st.newEpoch, 0) }]);
}

function onUpToDateBeforeNewLeader(f: Learner): void {
  f.host.fatal('UPTODATE before NEWLEADER (a pre-Zab-1.0 leader; not modelled)');
}

/** UPTODATE: ack it, send the deferred ACKs, log the rest, commit what was committed, serve. */
function onUpToDate(f: Learner): void {
  const st = f.at('newLeaderAcked');
  const host = f.host;
  f.stage = { name: 'broadcast', newEpoch: st.newEpoch, mode: st.mode };
  host.arm({ name: 'learner-read' }, host.timings.syncLimit * host.timings.tickTime);
  f.send([{ type: 'ACK', zxid: makeZxid(st.newEpoch, 0) }]);
  if (host.isParticipant) for (const z of st.deferredAcks) f.send([{ type: 'ACK', zxid: z }]);
  f.log(st.notCommitted);
  for (const z of st.committed) f.commit(z);
  host.currentVote = { ...host.currentVote, peerEpoch: st.newEpoch };
  host.lastSyncMode = st.mode;
  host.emit({ type: 'synced', leader: f.leader, epoch: st.newEpoch, mode: st.mode, history: host.db.history.map((t) => t.zxid) });
}

function onProposal(f: Learner, p: Pkt<'PROPOSAL'>): void {
  // "Got zxid 0x.. expected 0x.." is only a warning in ZooKeeper.
  f.log([p.txn]);
}

function onCommit(f: Learner, p: Pkt<'COMMIT'>): void {
  f.commit(p.zxid);
}

/** Observer.processPacket, INFORM: log and apply a committed txn. */
function onInform(f: Learner, p: Pkt<'INFORM'>): void {
  if (p.txn.zxid <= f.host.db.lastProcessedZxid) return;
  f.host.logAppend([p.txn]);
  f.host.applyTxn(p.txn, 'applied');
}

function onPing(f: Learner): void {
  f.send([{ type: 'PING', zxid: f.host.db.lastProcessedZxid }]);
}

/** Learner.syncWithLeader ignores PINGs (the leader's sender thread already pings). */
function ignorePing(): void {
  // nothing to do
}

/** `stage × packet → handler` for a learner (Learner.registerWithLeader/syncWithLeader, Follower.processPacket). */
export const LEARNER_TRANSITIONS: TransitionTable<LearnerStageName, Learner> = {
  registering: { LEADERINFO: onLeaderInfo },
  syncStart: { DIFF: onDiff, SNAP: onSnap, TRUNC: onTrunc },
  sync: { PROPOSAL: onSyncProposal, INFORM: onSyncInform, COMMIT: onSyncCommit, NEWLEADER: onNewLeader, UPTODATE: onUpToDateBeforeNewLeader, PING: ignorePing },
  newLeaderAcked: { PROPOSAL: onSyncProposal, INFORM: onSyncInform, COMMIT: onSyncCommit, UPTODATE: onUpToDate, PING: ignorePing },
  broadcast: { PROPOSAL: onProposal, COMMIT: onCommit, INFORM: onInform, PING: onPing },
};

/**
 * What a learner does with a packet its stage has no entry for, as ZooKeeper does:
 * registerWithLeader throws ("First packet should have been NEWLEADER") and the learner goes
 * LOOKING; syncWithLeader exits on a first packet other than DIFF/TRUNC/SNAP; later in sync
 * and in broadcast an unknown packet is only logged (Follower.processPacket "Unknown packet type").
 */
const ON_UNEXPECTED: Readonly<Record<LearnerStageName, 'drop' | 'exit' | 'warn'>> = {
  registering: 'drop',
  syncStart: 'exit',
  sync: 'warn',
  newLeaderAcked: 'warn',
  broadcast: 'warn',
};

export class Learner {
  stage: LearnerStage = { name: 'registering' };
  conn: string;
  private sendSeq = 0;
  private recvSeq = 0;
  /** Txns logged but not yet committed (FollowerZooKeeperServer.pendingTxns). */
  private readonly pending: Txn[] = [];

  constructor(
    readonly host: PeerHost,
    readonly leader: number,
  ) {
    this.conn = host.newConnectionId();
  }

  /** Follower.followLeader: the read timeout, then registerWithLeader. */
  followLeader(): void {
    const t = this.host.timings;
    this.host.arm({ name: 'learner-read' }, t.initLimit * t.tickTime);
    this.registerWithLeader();
  }

  /** The stage, which must be one of `names` (an invariant of the transition table). */
  at<N extends LearnerStageName>(...names: N[]): In<N> {
    const st = this.stage;
    invariant((names as LearnerStageName[]).includes(st.name), 'a learner handler runs only in the stages its table row names', () => `expected ${names.join('|')}, in ${st.name}`);
    return st as In<N>;
  }

  /** In sync, txns go to the txn log (DIFF, or after NEWLEADER) or are applied directly (SNAP, TRUNC). */
  writeToTxnLog(): boolean {
    return this.stage.name !== 'sync' || this.stage.mode === 'DIFF';
  }

  /** Learner.registerWithLeader: FOLLOWERINFO (re-sent on a fresh connection each second). */
  private registerWithLeader(): void {
    this.sendSeq = 0;
    this.recvSeq = 0;
    const type = this.host.isParticipant ? 'FOLLOWERINFO' : 'OBSERVERINFO';
    this.send([{ type, zxid: makeZxid(this.host.durable.acceptedEpoch, 0) }]);
    this.host.arm({ name: 'learner-connect' }, CONNECT_RETRY_MS);
  }

  connectRetry(): void {
    if (this.stage.name !== 'registering' || this.recvSeq > 0) return;
    this.conn = this.host.newConnectionId();
    this.registerWithLeader();
  }

  send(packets: ZabPacket[]): void {
    this.sendSeq++;
    this.host.send(this.leader, this.conn, this.sendSeq, packets);
  }

  onZab(from: number, m: ZabMessage): void {
    if (from !== this.leader || m.conn !== this.conn || m.seq <= this.recvSeq) return;
    if (m.seq !== this.recvSeq + 1) {
      this.host.stepDown('connection broken (a packet from the leader was lost)');
      return;
    }
    this.recvSeq = m.seq;
    const t = this.host.timings;
    this.host.arm({ name: 'learner-read' }, (this.stage.name === 'broadcast' ? t.syncLimit : t.initLimit) * t.tickTime);
    for (const p of m.packets) {
      if (this.host.currentRole() !== this) return;
      if (!step(LEARNER_TRANSITIONS, this.stage.name, this, p)) this.unexpected(p);
    }
  }

  private unexpected(p: ZabPacket): void {
    const stage = this.stage.name;
    const what = ON_UNEXPECTED[stage];
    const error = new ZkError('PROTOCOL', `expected ${Object.keys(LEARNER_TRANSITIONS[stage]).join(' or ')} from leader ${String(this.leader)} in stage ${stage}, found ${p.type} ${zxidToHex(p.zxid)}`);
    this.host.emit({ type: 'protocolError', error, peer: this.leader, stage, packet: p.type, dropped: what !== 'warn' });
    if (what === 'exit') this.host.fatal(`Got unexpected packet from leader: ${p.type}, exiting`);
    if (what === 'drop') this.host.stepDown(error.message);
  }

  /** Log txns (those past the log's end), queue them as pending, and ACK them if asked. */
  log(txns: readonly Txn[], ack = true): void {
    if (txns.length === 0) return;
    const log = this.host.durable.log;
    const last = log[log.length - 1]?.zxid ?? -1n;
    this.host.logAppend(txns.filter((t) => t.zxid > last));
    for (const t of txns) this.pending.push(t);
    if (ack && this.host.isParticipant) for (const t of txns) this.send([{ type: 'ACK', zxid: t.zxid }]);
  }

  /** FollowerZooKeeperServer.commit: the zxid must be the oldest pending txn, or exit. */
  commit(zxid: Zxid): void {
    const head = this.pending[0];
    if (head === undefined) {
      // "Committing 0x.. without seeing txn": only a warning in ZooKeeper; reported, not applied.
      const error = new ZkError('PROTOCOL', `Committing ${zxidToHex(zxid)} without seeing txn`);
      this.host.emit({ type: 'protocolError', error, peer: this.leader, stage: this.stage.name, packet: 'COMMIT', dropped: false });
      return;
    }
    if (head.zxid !== zxid) this.host.fatal(`Committing zxid ${zxidToHex(zxid)} but next pending txn ${zxidToHex(head.zxid)}`);
    this.pending.shift();
    this.host.applyTxn(head, 'applied');
  }

  /** Zab phase as the TLA+ spec names it. */
  zabPhase(): 'DISCOVERY' | 'SYNCHRONIZATION' | 'BROADCAST' {
    const n = this.stage.name;
    return n === 'registering' ? 'DISCOVERY' : n === 'broadcast' ? 'BROADCAST' : 'SYNCHRONIZATION';
  }
}
