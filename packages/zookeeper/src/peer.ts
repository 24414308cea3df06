/**
 * One ZooKeeper server (QuorumPeer) as a sans-I/O state machine: FLE while LOOKING, then Zab
 * as Leader (Leader.lead + one LearnerHandler per learner) or as Follower/Observer
 * (Learner.registerWithLeader + syncWithLeader + Follower.processPacket).
 *
 * Inputs: `start()`, `receive(from, msg)`, `onTimer(name)`, `clientWrite(data)`.
 * Outputs (returned as data): messages to send, named timers to (re)arm or cancel, durable
 * writes (each one is an fsync in ZooKeeper: the txn log before an ACK, the epoch files), and
 * events for observers of the run. The caller owns the network, the clock and the disk.
 */
import { ZkError } from './errors.js';
import { DEFAULT_FLE_TIMINGS, FastLeaderElection, type FleAction, type FleHost } from './fle.js';
import type { Message, Notification, Txn, ZabMessage, ZabPacket } from './messages.js';
import { SyncedLearnerTracker, type QuorumVerifier } from './quorum.js';
import { syncFollower, type SyncMode, type SyncReason } from './sync.js';
import { totalOrderPredicate, totalOrderPredicateIgnoringEpoch, type ServerState, type Vote } from './vote.js';
import { epochOf, isNewEpochZxid, makeZxid, zxidToHex, type Zxid } from './zxid.js';

export interface PeerTimings {
  /** tickTime (ms). ZooKeeper's sample config and our default: 2000. */
  tickTime: number;
  /** initLimit (ticks) for discovery and sync. Debian's zoo.cfg: 10. */
  initLimit: number;
  /** syncLimit (ticks) for broadcast. Debian's zoo.cfg: 5. */
  syncLimit: number;
  finalizeWaitMs: number;
  minNotificationIntervalMs: number;
  maxNotificationIntervalMs: number;
}

export const DEFAULT_TIMINGS: PeerTimings = {
  tickTime: 2000,
  initLimit: 10,
  syncLimit: 5,
  ...DEFAULT_FLE_TIMINGS,
};

/** Planted bugs, kept so the property tests can show they catch them. */
export interface PlantedBugs {
  voteOrderIgnoresEpoch?: boolean;
  syncNeverTruncs?: boolean;
}

export interface PeerConfig {
  myid: number;
  verifier: QuorumVerifier;
  /** Every server id in the ensemble, observers included. */
  servers: readonly number[];
  timings?: Partial<PeerTimings>;
  /** zookeeper.commitLogCount: committed proposals kept in memory for DIFF (500). */
  commitLogCount?: number;
  /** snapCount: a snapshot and a new txn log file after this many logged txns (100 000). */
  snapCount?: number;
  /** zookeeper.snapshotSizeFactor (0.33); negative disables txnlog sync. */
  snapshotSizeFactor?: number;
  forceSnapSync?: boolean;
  planted?: PlantedBugs;
}

/** What survives a crash: the epoch files and the snapshot + txn log, here one txn list. */
export interface DurableState {
  acceptedEpoch: number;
  currentEpoch: number;
  /** Snapshot contents followed by the txn log, ascending zxids. */
  log: Txn[];
  /** First zxid of each txn log file, oldest first (a file starts after each restart and snapshot). */
  logFiles: Zxid[];
  /**
   * The zxid the newest snapshot was taken at (its file name, `snapshot.<zxid>`). After a SNAP
   * sync it can be above the last txn, e.g. (e, 0); loading starts from it.
   */
  snapZxid: Zxid;
}

export function emptyDurable(): DurableState {
  return { acceptedEpoch: 0, currentEpoch: 0, log: [], logFiles: [], snapZxid: 0n };
}

export type DurableWrite =
  | { op: 'epochs'; acceptedEpoch: number; currentEpoch: number }
  | { op: 'append'; txns: Txn[]; logFiles: Zxid[]; newFile: boolean }
  | { op: 'truncate'; length: number; logFiles: Zxid[]; snapZxid: Zxid }
  | { op: 'replace'; txns: Txn[]; logFiles: Zxid[]; snapZxid: Zxid };

export type TimerName = string;

export type PeerEvent =
  | { type: 'decided'; state: ServerState; vote: Vote; round: number; via: string }
  | { type: 'lookingAgain'; reason: string }
  | { type: 'epochChosen'; epoch: number }
  | { type: 'synchronizing'; epoch: number; ackers: number[] }
  | { type: 'established'; epoch: number; zxid: Zxid; ackers: number[] }
  | { type: 'syncSent'; learner: number; mode: SyncMode; reason: SyncReason; peerLastZxid: Zxid; opZxid: Zxid; packets: string[] }
  | { type: 'synced'; leader: number; epoch: number; mode: SyncMode; history: Zxid[] }
  | { type: 'truncated'; from: Zxid; to: Zxid; removed: Zxid[] }
  | { type: 'proposed'; zxid: Zxid }
  | { type: 'committed'; zxid: Zxid; data: string }
  | { type: 'applied'; zxid: Zxid }
  | { type: 'followerAhead'; learner: number }
  | { type: 'fatal'; reason: string }
  /** Something ZooKeeper only warns about but the Zab spec says never happens. */
  | { type: 'anomaly'; reason: string };

export type PeerOutput =
  | { kind: 'send'; to: number; msg: Message }
  | { kind: 'timer'; name: TimerName; delayMs: number }
  | { kind: 'cancel'; name: TimerName }
  | { kind: 'persist'; write: DurableWrite }
  | { kind: 'event'; event: PeerEvent };

interface Db {
  /** Applied transactions (the data tree's history). */
  history: Txn[];
  lastProcessedZxid: Zxid;
  /** ZKDatabase.committedLog: up to commitLogCount + 1 recent committed txns. */
  committedLog: Txn[];
}

type HandlerStage = 'epoch' | 'ackepoch' | 'waitEpochQuorum' | 'newleaderAck' | 'waitNewLeaderQuorum' | 'broadcast';

/** LearnerHandler: the leader's side of one learner connection. */
interface Handler {
  sid: number;
  conn: string;
  observer: boolean;
  stage: HandlerStage;
  sendSeq: number;
  recvSeq: number;
  peerLastZxid: Zxid;
  tickOfNextAckDeadline: number;
  /** startSendingPackets() happened: pings allowed. */
  sending: boolean;
  /** In Leader.forwardingFollowers / observingLearners. */
  forwarding: boolean;
  syncMode?: SyncMode;
}

interface Outstanding {
  txn: Txn;
  acks: SyncedLearnerTracker;
}

interface LeaderState {
  phase: 'discovery' | 'sync' | 'broadcast';
  epoch: number;
  waitingForNewEpoch: boolean;
  connecting: Set<number>;
  electionFinished: boolean;
  electing: Set<number>;
  leaderSummary: { currentEpoch: number; lastZxid: Zxid };
  newLeaderAcks: SyncedLearnerTracker;
  quorumFormed: boolean;
  handlers: Map<number, Handler>;
  outstanding: Outstanding[];
  lastProposed: Zxid;
  counter: number;
  tick: number;
  tickSkip: boolean;
}

interface LearnerState {
  leader: number;
  conn: string;
  sendSeq: number;
  recvSeq: number;
  phase: 'registering' | 'syncing' | 'broadcast';
  newEpoch: number;
  mode?: SyncMode;
  snapshotNeeded: boolean;
  writeToTxnLog: boolean;
  notCommitted: Txn[];
  committed: Zxid[];
  gotNewLeader: boolean;
  /** Txns logged but not yet committed (FollowerZooKeeperServer.pendingTxns). */
  pending: Txn[];
  lastQueued: Zxid;
  /** Txns logged at NEWLEADER; their ACKs go out after the UPTODATE ack, as SyncThread sends them. */
  deferredAcks: Zxid[];
}

function maxZxid(a: Zxid, b: Zxid): Zxid {
  return a > b ? a : b;
}

/** Learner.connectToLeader retries a refused connection after 1 s. */
const CONNECT_RETRY_MS = 1000;

/** Read through a call so the type checker does not narrow a field that callees change. */
function stageOf(h: Handler): HandlerStage {
  return h.stage;
}

export class QuorumPeer implements FleHost {
  readonly myid: number;
  readonly verifier: QuorumVerifier;
  readonly isParticipant: boolean;
  readonly timings: PeerTimings;
  readonly commitLogCount: number;
  readonly snapCount: number;
  readonly snapshotSizeFactor: number;
  readonly forceSnapSync: boolean;
  readonly planted: PlantedBugs;
  readonly servers: readonly number[];

  state: ServerState = 'LOOKING';
  currentVote: Vote;
  readonly durable: DurableState;
  db: Db = { history: [], lastProcessedZxid: 0n, committedLog: [] };
  readonly fle: FastLeaderElection;
  leader: LeaderState | undefined;
  learner: LearnerState | undefined;
  /** Sync mode of the last completed sync as a learner (QuorumPeer.getSyncMode history). */
  lastSyncMode: SyncMode | undefined;
  private boot: number;
  private connCounter = 0;
  private sinceSnapshot = 0;
  private newFileOnNextAppend = true;
  private out: PeerOutput[] = [];
  /** QuorumCnxManager: the newest notification queued or sent to each peer. */
  private readonly lastNotificationTo = new Map<number, Notification>();
  /** The incarnation each peer's current connection belongs to. */
  private readonly peerBoots = new Map<number, number>();

  constructor(config: PeerConfig, durable: DurableState, boot = 0) {
    if (!config.servers.includes(config.myid)) {
      throw new ZkError('UNKNOWN_SERVER', `expected myid ${config.myid} among servers [${config.servers.join(',')}]`);
    }
    this.myid = config.myid;
    this.verifier = config.verifier;
    this.servers = config.servers;
    this.isParticipant = config.verifier.votingMembers.has(config.myid);
    this.timings = { ...DEFAULT_TIMINGS, ...config.timings };
    this.commitLogCount = config.commitLogCount ?? 500;
    this.snapCount = config.snapCount ?? 100_000;
    this.snapshotSizeFactor = config.snapshotSizeFactor ?? 0.33;
    this.forceSnapSync = config.forceSnapSync ?? false;
    this.planted = config.planted ?? {};
    this.durable = durable;
    this.boot = boot;
    this.loadDatabase();
    this.currentVote = { leader: this.myid, zxid: this.db.lastProcessedZxid, peerEpoch: durable.currentEpoch, electionEpoch: 0, state: 'LOOKING', version: 2 };
    this.fle = new FastLeaderElection(this, this.timings, this.planted.voteOrderIgnoresEpoch === true ? totalOrderPredicateIgnoringEpoch : totalOrderPredicate);
  }

  // ---------------------------------------------------------------- FleHost
  getLastLoggedZxid(): Zxid {
    return this.db.lastProcessedZxid;
  }
  getCurrentEpoch(): number {
    return this.durable.currentEpoch;
  }
  getPeerState(): ServerState {
    return this.state;
  }
  getCurrentVote(): Vote {
    return this.currentVote;
  }

  // ---------------------------------------------------------------- inputs
  start(): PeerOutput[] {
    this.startLooking('start');
    return this.flush();
  }

  receive(from: number, msg: Message): PeerOutput[] {
    if (msg.type === 'NOTIFICATION') this.onNotification(from, msg);
    else this.onZab(from, msg);
    return this.flush();
  }

  onTimer(name: TimerName): PeerOutput[] {
    if (name === 'fle-poll') this.runFle((o) => { this.fle.onPollTimeout(o); });
    else if (name === 'fle-finalize') this.runFle((o) => { this.fle.onFinalizeTimeout(o); });
    else if (name === 'leader-tick') this.leaderTick();
    else if (name === 'leader-wait') this.leaderWaitTimeout();
    else if (name.startsWith('handler-')) this.handlerTimeout(Number(name.slice('handler-'.length)));
    else if (name === 'learner-read') this.learnerFails('read timeout: no packet from the leader');
    else if (name === 'learner-connect') this.learnerConnectRetry();
    return this.flush();
  }

  /** A client write submitted to this server. Only an established leader accepts it. */
  clientWrite(data: string): { accepted: boolean; zxid?: Zxid; outputs: PeerOutput[] } {
    const l = this.leader;
    if (this.state !== 'LEADING' || l?.phase !== 'broadcast') return { accepted: false, outputs: this.flush() };
    if (l.counter >= 0xffffffff) {
      // "zxid lower 32 bits have rolled over, forcing re-election"
      this.shutdownLeader('zxid counter rolled over');
      return { accepted: false, outputs: this.flush() };
    }
    l.counter++;
    const zxid = makeZxid(l.epoch, l.counter);
    const txn: Txn = { zxid, data };
    this.propose(l, txn);
    return { accepted: true, zxid, outputs: this.flush() };
  }

  // ---------------------------------------------------------------- helpers
  private flush(): PeerOutput[] {
    const o = this.out;
    this.out = [];
    return o;
  }

  private emit(event: PeerEvent): void {
    this.out.push({ kind: 'event', event });
  }

  private get t(): PeerTimings {
    return this.timings;
  }

  /** ZKDatabase.loadDataBase: snapshot + txn log replayed; every logged txn is applied. */
  private loadDatabase(): void {
    const log = this.durable.log;
    this.db = {
      history: log.slice(),
      lastProcessedZxid: maxZxid(log[log.length - 1]?.zxid ?? 0n, this.durable.snapZxid),
      committedLog: log.slice(Math.max(0, log.length - (this.commitLogCount + 1))),
    };
  }

  private addCommittedProposal(txn: Txn): void {
    const c = this.db.committedLog;
    if (c.length > this.commitLogCount) c.shift();
    c.push(txn);
  }

  private persistEpochs(): void {
    this.out.push({ kind: 'persist', write: { op: 'epochs', acceptedEpoch: this.durable.acceptedEpoch, currentEpoch: this.durable.currentEpoch } });
  }

  /** FileTxnLog.append + commit (fsync): a new file after a restart or a snapshot. */
  private logAppend(txns: Txn[]): void {
    if (txns.length === 0) return;
    const d = this.durable;
    const files = d.logFiles.length;
    for (const txn of txns) {
      const last = d.log[d.log.length - 1];
      if (last !== undefined && txn.zxid <= last.zxid) {
        this.emit({ type: 'fatal', reason: `txn log append out of order: ${zxidToHex(txn.zxid)} after ${zxidToHex(last.zxid)}` });
        continue;
      }
      if (this.newFileOnNextAppend) {
        d.logFiles.push(txn.zxid);
        this.newFileOnNextAppend = false;
      }
      d.log.push(txn);
      this.sinceSnapshot++;
      if (this.sinceSnapshot >= this.snapCount) {
        // SyncRequestProcessor: roll the log and take a snapshot.
        this.sinceSnapshot = 0;
        this.newFileOnNextAppend = true;
      }
    }
    this.out.push({ kind: 'persist', write: { op: 'append', txns, logFiles: d.logFiles.slice(), newFile: d.logFiles.length !== files } });
  }

  /** FileTxnSnapLog.truncateLog(zxid): keep txns <= zxid. */
  private logTruncate(zxid: Zxid): void {
    const d = this.durable;
    let n = d.log.length;
    while (n > 0 && d.log[n - 1]!.zxid > zxid) n--;
    d.log.length = n;
    d.logFiles = d.logFiles.filter((f) => f <= zxid);
    // A snapshot newer than the truncation point no longer describes the log.
    if (d.snapZxid > zxid) d.snapZxid = zxid;
    this.newFileOnNextAppend = true;
    this.out.push({ kind: 'persist', write: { op: 'truncate', length: n, logFiles: d.logFiles.slice(), snapZxid: d.snapZxid } });
  }

  /** A snapshot replaces everything up to its zxid; later log files start after it. */
  private logReplaceWithSnapshot(txns: Txn[], snapZxid: Zxid): void {
    const d = this.durable;
    d.log = txns.slice();
    d.logFiles = [];
    d.snapZxid = snapZxid;
    this.newFileOnNextAppend = true;
    this.sinceSnapshot = 0;
    this.out.push({ kind: 'persist', write: { op: 'replace', txns: txns.slice(), logFiles: [], snapZxid } });
  }

  private sendZab(to: number, conn: string, seq: number, packets: ZabPacket[]): void {
    if (packets.length === 0) return;
    this.out.push({ kind: 'send', to, msg: { type: 'ZAB', conn, seq, packets } });
  }

  // ---------------------------------------------------------------- election
  private runFle(fn: (out: FleAction[]) => void): void {
    const acts: FleAction[] = [];
    fn(acts);
    for (const a of acts) {
      if (a.kind === 'send') this.sendNotification(a.to, a.msg);
      else if (a.kind === 'timer') this.out.push({ kind: 'timer', name: a.name, delayMs: a.delayMs });
      else if (a.kind === 'cancel') this.out.push({ kind: 'cancel', name: a.name });
      else this.onDecided(a.state, a.vote, a.via);
    }
  }

  private startLooking(reason: string): void {
    this.state = 'LOOKING';
    this.leader = undefined;
    this.learner = undefined;
    // The in-memory database is cleared when a role ends and reloaded from disk, so the vote
    // carries every logged txn, committed or not.
    this.loadDatabase();
    this.newFileOnNextAppend = true;
    for (const name of ['leader-tick', 'leader-wait', 'learner-read', 'learner-connect']) this.out.push({ kind: 'cancel', name });
    for (const sid of this.servers) this.out.push({ kind: 'cancel', name: `handler-${sid}` });
    if (reason !== 'start') this.emit({ type: 'lookingAgain', reason });
    this.runFle((o) => { this.fle.lookForLeader(o); });
  }

  private sendNotification(to: number, n: Notification): void {
    const msg: Notification = { ...n, boot: this.boot };
    this.lastNotificationTo.set(to, msg);
    this.out.push({ kind: 'send', to, msg });
  }

  private onNotification(from: number, n: Notification): void {
    if (n.boot !== undefined && this.peerBoots.get(from) !== n.boot) {
      // A new connection from this peer: our SendWorker first (re)sends the last message.
      this.peerBoots.set(from, n.boot);
      const last = this.lastNotificationTo.get(from);
      if (last !== undefined) this.out.push({ kind: 'send', to: from, msg: last });
    }
    this.runFle((o) => { this.fle.receive(from, n, o); });
  }

  private onDecided(state: ServerState, vote: Vote, via: string): void {
    this.state = state;
    this.currentVote = vote;
    this.emit({ type: 'decided', state, vote, round: this.fle.logicalclock, via });
    if (state === 'LEADING') this.lead();
    else this.followLeader(vote.leader);
  }

  // ---------------------------------------------------------------- leader
  private lead(): void {
    // Leader.lead(): zk.loadData() (our db is already loaded), tick = 0.
    const l: LeaderState = {
      phase: 'discovery',
      epoch: -1,
      waitingForNewEpoch: true,
      connecting: new Set(),
      electionFinished: false,
      electing: new Set(),
      leaderSummary: { currentEpoch: this.durable.currentEpoch, lastZxid: this.db.lastProcessedZxid },
      newLeaderAcks: new SyncedLearnerTracker(this.verifier),
      quorumFormed: false,
      handlers: new Map(),
      outstanding: [],
      lastProposed: this.db.lastProcessedZxid,
      counter: 0,
      tick: 0,
      tickSkip: true,
    };
    this.leader = l;
    this.out.push({ kind: 'timer', name: 'leader-wait', delayMs: this.t.initLimit * this.t.tickTime });
    this.getEpochToPropose(l, this.myid, this.durable.acceptedEpoch);
  }

  private shutdownLeader(reason: string): void {
    this.startLooking(`leader shutdown: ${reason}`);
  }

  /** Leader.getEpochToPropose(sid, lastAcceptedEpoch). */
  private getEpochToPropose(l: LeaderState, sid: number, lastAcceptedEpoch: number): void {
    if (!l.waitingForNewEpoch) return;
    if (lastAcceptedEpoch >= l.epoch) l.epoch = lastAcceptedEpoch + 1;
    if (this.verifier.votingMembers.has(sid)) l.connecting.add(sid);
    if (l.connecting.has(this.myid) && this.verifier.containsQuorum(l.connecting)) {
      l.waitingForNewEpoch = false;
      this.durable.acceptedEpoch = l.epoch;
      this.persistEpochs();
      this.emit({ type: 'epochChosen', epoch: l.epoch });
      // zk.setZxid(makeZxid(epoch, 0)); the leader acks its own epoch.
      l.lastProposed = makeZxid(l.epoch, 0);
      this.out.push({ kind: 'timer', name: 'leader-wait', delayMs: this.t.initLimit * this.t.tickTime });
      for (const h of l.handlers.values()) if (h.stage === 'epoch') this.sendLeaderInfo(l, h);
      this.waitForEpochAck(l, this.myid, l.leaderSummary);
    }
  }

  private sendLeaderInfo(l: LeaderState, h: Handler): void {
    h.stage = 'ackepoch';
    this.handlerSend(h, [{ type: 'LEADERINFO', zxid: makeZxid(l.epoch, 0) }]);
  }

  /** Leader.waitForEpochAck(sid, stateSummary). Returns false if the learner must be dropped. */
  private waitForEpochAck(l: LeaderState, sid: number, ss: { currentEpoch: number; lastZxid: Zxid }): boolean {
    if (l.electionFinished) return true;
    if (ss.currentEpoch !== -1) {
      const ahead = ss.currentEpoch > l.leaderSummary.currentEpoch || (ss.currentEpoch === l.leaderSummary.currentEpoch && ss.lastZxid > l.leaderSummary.lastZxid);
      if (ahead) {
        // "Follower is ahead of the leader": this LearnerHandler throws and closes.
        this.emit({ type: 'followerAhead', learner: sid });
        return false;
      }
      if (this.verifier.votingMembers.has(sid)) l.electing.add(sid);
    }
    if (l.electing.has(this.myid) && this.verifier.containsQuorum(l.electing)) {
      l.electionFinished = true;
      this.emit({ type: 'synchronizing', epoch: l.epoch, ackers: [...l.electing].sort((a, b) => a - b) });
      // Leader.lead(): currentEpoch = epoch after the epoch-ack quorum.
      this.durable.currentEpoch = l.epoch;
      this.persistEpochs();
      l.phase = 'sync';
      l.newLeaderAcks.addAck(this.myid); // waitForNewLeaderAck(self.getId(), zk.getZxid())
      this.out.push({ kind: 'timer', name: 'leader-wait', delayMs: this.t.initLimit * this.t.tickTime });
      for (const h of l.handlers.values()) if (h.stage === 'waitEpochQuorum') this.syncLearner(l, h);
      this.checkNewLeaderQuorum(l);
    }
    return true;
  }

  private leaderWaitTimeout(): void {
    const l = this.leader;
    if (l === undefined || l.phase === 'broadcast') return;
    const what = l.waitingForNewEpoch ? 'Timeout while waiting for epoch from quorum' : !l.electionFinished ? 'Timeout while waiting for epoch to be acked by quorum' : 'Timeout while waiting for NEWLEADER to be acked by quorum';
    this.shutdownLeader(what);
  }

  private handlerSend(h: Handler, packets: ZabPacket[]): void {
    h.sendSeq++;
    this.sendZab(h.sid, h.conn, h.sendSeq, packets);
  }

  private removeHandler(l: LeaderState, h: Handler): void {
    l.handlers.delete(h.sid);
    this.out.push({ kind: 'cancel', name: `handler-${h.sid}` });
  }

  private armHandlerRead(h: Handler): void {
    const ticks = h.stage === 'broadcast' ? this.t.syncLimit : this.t.initLimit;
    this.out.push({ kind: 'timer', name: `handler-${h.sid}`, delayMs: ticks * this.t.tickTime });
  }

  private handlerTimeout(sid: number): void {
    const l = this.leader;
    const h = l?.handlers.get(sid);
    if (l === undefined || h === undefined) return;
    this.removeHandler(l, h);
  }

  /** LearnerHandler.syncFollower + what follows it (startForwarding, SNAP, NEWLEADER). */
  private syncLearner(l: LeaderState, h: Handler): void {
    const d = this.durable;
    const peer = h.peerLastZxid;
    const files = d.logFiles;
    // FileTxnIterator opens the file holding peer; every later file counts at full size, so
    // only a peer inside the newest file is within 0.33 x the snapshot size.
    let startFile = 0;
    for (let i = 0; i < files.length; i++) if (files[i]! <= peer) startFile = i;
    const withinSizeLimit = files.length <= 1 || startFile === files.length - 1;
    const r = syncFollower({
      peerLastZxid: peer,
      lastProcessedZxid: this.db.lastProcessedZxid,
      committedLog: this.db.committedLog.map((t) => t.zxid),
      txnLog: { zxids: d.log.map((t) => t.zxid), withinSizeLimit },
      snapshotSizeFactor: this.snapshotSizeFactor,
      forceSnapSync: this.forceSnapSync,
      plantedBugNeverTrunc: this.planted.syncNeverTruncs === true,
    });
    const byZxid = new Map<Zxid, Txn>();
    for (const t of d.log) byZxid.set(t.zxid, t);
    for (const t of this.db.history) byZxid.set(t.zxid, t);
    const packets: ZabPacket[] = [];
    for (const p of r.packets) {
      if (p.type === 'SNAP') packets.push({ type: 'SNAP', zxid: p.zxid, snapshot: this.db.history.slice() });
      else if (p.type === 'PROPOSAL') {
        const txn = byZxid.get(p.zxid);
        if (txn === undefined) throw new ZkError('PROTOCOL', `leader ${this.myid} has no txn ${zxidToHex(p.zxid)} to send`);
        packets.push({ type: 'PROPOSAL', zxid: p.zxid, txn });
      } else packets.push({ type: p.type, zxid: p.zxid });
    }
    // Leader.startForwarding(handler, lastSeenZxid): outstanding proposals above it.
    for (const o of l.outstanding) {
      if (o.txn.zxid > r.startForwardingZxid && !h.observer) packets.push({ type: 'PROPOSAL', zxid: o.txn.zxid, txn: o.txn });
    }
    h.forwarding = true;
    h.syncMode = r.syncMode;
    packets.push({ type: 'NEWLEADER', zxid: makeZxid(l.epoch, 0) });
    h.stage = 'newleaderAck';
    h.sending = true;
    this.emit({ type: 'syncSent', learner: h.sid, mode: r.syncMode, reason: r.reason, peerLastZxid: peer, opZxid: r.packets[0]?.zxid ?? 0n, packets: r.packets.map((p) => `${p.type} ${zxidToHex(p.zxid)}`) });
    this.handlerSend(h, packets);
  }

  private checkNewLeaderQuorum(l: LeaderState): void {
    if (l.quorumFormed || !l.newLeaderAcks.hasAllQuorums()) return;
    l.quorumFormed = true;
    l.phase = 'broadcast';
    // Leader.startZkServer(): lastProcessedZxid = (epoch, 0); vote's peerEpoch updated.
    this.db.lastProcessedZxid = makeZxid(l.epoch, 0);
    l.lastProposed = this.db.lastProcessedZxid;
    this.currentVote = { ...this.currentVote, peerEpoch: l.epoch };
    this.out.push({ kind: 'cancel', name: 'leader-wait' });
    this.emit({ type: 'established', epoch: l.epoch, zxid: this.db.lastProcessedZxid, ackers: l.newLeaderAcks.ackSids() });
    for (const h of l.handlers.values()) {
      if (h.stage === 'waitNewLeaderQuorum') this.sendUpToDate(h);
    }
    l.tick = 0;
    l.tickSkip = true;
    this.out.push({ kind: 'timer', name: 'leader-tick', delayMs: this.t.tickTime / 2 });
  }

  private sendUpToDate(h: Handler): void {
    h.stage = 'broadcast';
    this.armHandlerRead(h);
    this.handlerSend(h, [{ type: 'UPTODATE', zxid: -1n }]);
  }

  /** Leader.lead() main loop: every tickTime/2 ping; every tickTime check synced quorum. */
  private leaderTick(): void {
    const l = this.leader;
    if (l?.phase !== 'broadcast') return;
    if (!l.tickSkip) {
      l.tick++;
      const synced = new SyncedLearnerTracker(this.verifier);
      synced.addAck(this.myid);
      for (const h of l.handlers.values()) if (l.tick <= h.tickOfNextAckDeadline) synced.addAck(h.sid);
      if (!synced.hasAllQuorums()) {
        this.shutdownLeader(`Not sufficient followers synced, only synced with sids: [${synced.ackSids().join(',')}]`);
        return;
      }
    }
    l.tickSkip = !l.tickSkip;
    for (const h of l.handlers.values()) {
      if (h.sending) this.handlerSend(h, [{ type: 'PING', zxid: l.lastProposed }]);
    }
    this.out.push({ kind: 'timer', name: 'leader-tick', delayMs: this.t.tickTime / 2 });
  }

  private propose(l: LeaderState, txn: Txn): void {
    l.lastProposed = txn.zxid;
    const acks = new SyncedLearnerTracker(this.verifier);
    l.outstanding.push({ txn, acks });
    this.emit({ type: 'proposed', zxid: txn.zxid });
    for (const h of l.handlers.values()) {
      if (h.forwarding && !h.observer) this.handlerSend(h, [{ type: 'PROPOSAL', zxid: txn.zxid, txn }]);
    }
    // The leader logs its own proposal (fsync) and acks it.
    this.logAppend([txn]);
    this.processAck(l, this.myid, txn.zxid);
  }

  /** Leader.processAck + tryToCommit: commits strictly in zxid order. */
  private processAck(l: LeaderState, sid: number, zxid: Zxid): void {
    if (isNewEpochZxid(zxid)) return;
    const p = l.outstanding.find((o) => o.txn.zxid === zxid);
    if (p === undefined) return;
    p.acks.addAck(sid);
    while (l.outstanding.length > 0 && l.outstanding[0]!.acks.hasAllQuorums()) {
      const o = l.outstanding.shift()!;
      this.commit(l, o.txn);
    }
  }

  private commit(l: LeaderState, txn: Txn): void {
    for (const h of l.handlers.values()) {
      if (!h.forwarding) continue;
      if (h.observer) this.handlerSend(h, [{ type: 'INFORM', zxid: txn.zxid, txn }]);
      else this.handlerSend(h, [{ type: 'COMMIT', zxid: txn.zxid }]);
    }
    this.db.history.push(txn);
    this.db.lastProcessedZxid = txn.zxid;
    this.addCommittedProposal(txn);
    this.emit({ type: 'committed', zxid: txn.zxid, data: txn.data });
  }

  private leaderOnZab(from: number, m: ZabMessage): void {
    const l = this.leader!;
    let h = l.handlers.get(from);
    const first = m.packets[0];
    if (first !== undefined && (first.type === 'FOLLOWERINFO' || first.type === 'OBSERVERINFO') && m.seq === 1) {
      // A new connection from this learner replaces any older one.
      if (h !== undefined) this.removeHandler(l, h);
      h = {
        sid: from,
        conn: m.conn,
        observer: first.type === 'OBSERVERINFO' || !this.verifier.votingMembers.has(from),
        stage: 'epoch',
        sendSeq: 0,
        recvSeq: 0,
        peerLastZxid: 0n,
        tickOfNextAckDeadline: l.tick + this.t.initLimit + this.t.syncLimit,
        sending: false,
        forwarding: false,
      };
      l.handlers.set(from, h);
    }
    if (h?.conn !== m.conn) return; // a stale connection
    if (m.seq <= h.recvSeq) return; // duplicate
    if (m.seq !== h.recvSeq + 1) {
      this.removeHandler(l, h); // a gap: the connection broke
      return;
    }
    h.recvSeq = m.seq;
    this.armHandlerRead(h);
    h.tickOfNextAckDeadline = h.stage === 'broadcast' ? l.tick + this.t.syncLimit : Math.max(h.tickOfNextAckDeadline, l.tick + this.t.syncLimit);
    for (const p of m.packets) {
      if (!l.handlers.has(from) || this.leader !== l) return;
      this.handlerPacket(l, h, p);
    }
  }

  private handlerPacket(l: LeaderState, h: Handler, p: ZabPacket): void {
    switch (p.type) {
      case 'FOLLOWERINFO':
      case 'OBSERVERINFO': {
        if (h.stage !== 'epoch') return;
        this.getEpochToPropose(l, h.sid, epochOf(p.zxid));
        if (!l.waitingForNewEpoch && this.leader === l && stageOf(h) === 'epoch') this.sendLeaderInfo(l, h);
        return;
      }
      case 'ACKEPOCH': {
        if (h.stage !== 'ackepoch') return;
        h.peerLastZxid = p.zxid;
        h.stage = 'waitEpochQuorum';
        if (!this.waitForEpochAck(l, h.sid, { currentEpoch: p.currentEpoch, lastZxid: p.zxid })) {
          this.removeHandler(l, h);
          return;
        }
        if (l.electionFinished && stageOf(h) === 'waitEpochQuorum' && this.leader === l) this.syncLearner(l, h);
        return;
      }
      case 'ACK': {
        if (h.stage === 'newleaderAck') {
          // waitForNewLeaderAck(sid, zxid): an ACK for another epoch is ignored.
          if (p.zxid !== makeZxid(l.epoch, 0)) return;
          h.stage = 'waitNewLeaderQuorum';
          if (!l.quorumFormed) {
            if (!h.observer) l.newLeaderAcks.addAck(h.sid);
            this.checkNewLeaderQuorum(l);
          } else this.sendUpToDate(h);
          return;
        }
        if (h.observer) return;
        this.processAck(l, h.sid, p.zxid);
        return;
      }
      case 'PING':
        return; // tickOfNextAckDeadline already moved
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- learner
  private followLeader(leader: number): void {
    this.connCounter++;
    this.learner = {
      leader,
      conn: `${this.myid}.${this.boot}.${this.connCounter}`,
      sendSeq: 0,
      recvSeq: 0,
      phase: 'registering',
      newEpoch: -1,
      snapshotNeeded: false,
      writeToTxnLog: false,
      notCommitted: [],
      committed: [],
      gotNewLeader: false,
      pending: [],
      lastQueued: 0n,
      deferredAcks: [],
    };
    this.out.push({ kind: 'timer', name: 'learner-read', delayMs: this.t.initLimit * this.t.tickTime });
    this.registerWithLeader();
  }

  /** Learner.registerWithLeader: FOLLOWERINFO (re-sent on a fresh connection each second). */
  private registerWithLeader(): void {
    const f = this.learner!;
    f.sendSeq = 1;
    f.recvSeq = 0;
    const type = this.isParticipant ? 'FOLLOWERINFO' : 'OBSERVERINFO';
    this.sendZab(f.leader, f.conn, 1, [{ type, zxid: makeZxid(this.durable.acceptedEpoch, 0) }]);
    this.out.push({ kind: 'timer', name: 'learner-connect', delayMs: CONNECT_RETRY_MS });
  }

  private learnerConnectRetry(): void {
    const f = this.learner;
    if (f?.phase !== 'registering' || f.recvSeq > 0) return;
    this.connCounter++;
    f.conn = `${this.myid}.${this.boot}.${this.connCounter}`;
    this.registerWithLeader();
  }

  private learnerSend(packets: ZabPacket[]): void {
    const f = this.learner!;
    f.sendSeq++;
    this.sendZab(f.leader, f.conn, f.sendSeq, packets);
  }

  private learnerFails(reason: string): void {
    if (this.learner === undefined) return;
    this.startLooking(reason);
  }

  private learnerOnZab(from: number, m: ZabMessage): void {
    const f = this.learner!;
    if (from !== f.leader || m.conn !== f.conn) return;
    if (m.seq <= f.recvSeq) return;
    if (m.seq !== f.recvSeq + 1) {
      this.learnerFails('connection broken (a packet from the leader was lost)');
      return;
    }
    f.recvSeq = m.seq;
    const ticks = f.phase === 'broadcast' ? this.t.syncLimit : this.t.initLimit;
    this.out.push({ kind: 'timer', name: 'learner-read', delayMs: ticks * this.t.tickTime });
    for (const p of m.packets) {
      if (this.learner !== f) return;
      this.learnerPacket(f, p);
    }
  }

  private learnerPacket(f: LearnerState, p: ZabPacket): void {
    if (f.phase === 'registering') {
      if (p.type !== 'LEADERINFO') return;
      this.out.push({ kind: 'cancel', name: 'learner-connect' });
      const newEpoch = epochOf(p.zxid);
      let reportedEpoch = this.durable.currentEpoch;
      if (newEpoch > this.durable.acceptedEpoch) {
        this.durable.acceptedEpoch = newEpoch;
        this.persistEpochs();
      } else if (newEpoch === this.durable.acceptedEpoch) {
        reportedEpoch = -1;
      } else {
        this.learnerFails(`Leaders epoch, ${newEpoch} is less than accepted epoch, ${this.durable.acceptedEpoch}`);
        return;
      }
      f.newEpoch = newEpoch;
      f.phase = 'syncing';
      this.learnerSend([{ type: 'ACKEPOCH', zxid: this.db.lastProcessedZxid, currentEpoch: reportedEpoch }]);
      return;
    }
    if (f.phase === 'syncing') {
      this.syncWithLeader(f, p);
      return;
    }
    this.followerProcessPacket(f, p);
  }

  /** Learner.syncWithLeader, one packet at a time. */
  private syncWithLeader(f: LearnerState, p: ZabPacket): void {
    if (f.mode === undefined) {
      switch (p.type) {
        case 'DIFF':
          f.mode = 'DIFF';
          f.snapshotNeeded = false;
          f.writeToTxnLog = true;
          return;
        case 'SNAP':
          f.mode = 'SNAP';
          this.db = { history: p.snapshot.slice(), lastProcessedZxid: p.zxid, committedLog: [] };
          for (const t of p.snapshot.slice(-(this.commitLogCount + 1))) this.addCommittedProposal(t);
          f.snapshotNeeded = true;
          f.writeToTxnLog = false;
          return;
        case 'TRUNC': {
          f.mode = 'TRUNC';
          const before = this.db.lastProcessedZxid;
          const removed = this.durable.log.filter((t) => t.zxid > p.zxid).map((t) => t.zxid);
          this.logTruncate(p.zxid);
          this.loadDatabase();
          this.emit({ type: 'truncated', from: before, to: p.zxid, removed });
          this.db.lastProcessedZxid = p.zxid;
          f.snapshotNeeded = true;
          f.writeToTxnLog = false;
          return;
        }
        default:
          this.emit({ type: 'fatal', reason: `expected DIFF, TRUNC or SNAP as the first sync packet, found ${p.type}` });
          this.learnerFails('unexpected first sync packet');
          return;
      }
    }
    switch (p.type) {
      case 'PROPOSAL':
        f.notCommitted.push(p.txn);
        return;
      case 'INFORM':
        // A commit for an observer (Learner.syncWithLeader treats it as PROPOSAL + COMMIT).
        if (!f.writeToTxnLog) this.applyTxn(p.txn);
        else {
          f.notCommitted.push(p.txn);
          f.committed.push(p.zxid);
        }
        return;
      case 'COMMIT': {
        if (!f.writeToTxnLog) {
          const head = f.notCommitted[0];
          if (head?.zxid === p.zxid) {
            f.notCommitted.shift();
            this.applyTxn(head);
          }
          // else: "Committing 0x.. but next pending txn 0x.." (a warning in 3.8)
        } else f.committed.push(p.zxid);
        return;
      }
      case 'NEWLEADER': {
        if (f.snapshotNeeded) this.logReplaceWithSnapshot(this.db.history, this.db.lastProcessedZxid);
        this.durable.currentEpoch = f.newEpoch;
        this.persistEpochs();
        f.writeToTxnLog = true;
        f.gotNewLeader = true;
        // Log the proposals received so far before acking NEWLEADER (the 3.8.5+ order,
        // ZOOKEEPER-4785; 3.8.0 logged them asynchronously).
        const logged = f.notCommitted.splice(0);
        this.learnerLog(f, logged, false);
        f.deferredAcks.push(...logged.map((t) => t.zxid));
        this.learnerSend([{ type: 'ACK', zxid: makeZxid(f.newEpoch, 0) }]);
        return;
      }
      case 'UPTODATE': {
        if (!f.gotNewLeader) {
          this.emit({ type: 'fatal', reason: 'UPTODATE before NEWLEADER' });
          this.learnerFails('UPTODATE before NEWLEADER');
          return;
        }
        f.phase = 'broadcast';
        this.out.push({ kind: 'timer', name: 'learner-read', delayMs: this.t.syncLimit * this.t.tickTime });
        this.learnerSend([{ type: 'ACK', zxid: makeZxid(f.newEpoch, 0) }]);
        if (this.isParticipant) for (const z of f.deferredAcks.splice(0)) this.learnerSend([{ type: 'ACK', zxid: z }]);
        this.learnerLog(f, f.notCommitted.splice(0));
        for (const z of f.committed.splice(0)) this.followerCommit(f, z);
        this.currentVote = { ...this.currentVote, peerEpoch: f.newEpoch };
        this.lastSyncMode = f.mode;
        this.emit({ type: 'synced', leader: f.leader, epoch: f.newEpoch, mode: f.mode ?? 'DIFF', history: this.db.history.map((t) => t.zxid) });
        return;
      }
      case 'PING':
        return;
      default:
        return;
    }
  }

  private learnerLog(f: LearnerState, txns: Txn[], ack = true): void {
    if (txns.length === 0) return;
    const last = this.durable.log[this.durable.log.length - 1]?.zxid ?? -1n;
    const fresh = txns.filter((t) => t.zxid > last);
    this.logAppend(fresh);
    for (const t of txns) {
      if (t.zxid > f.lastQueued) f.lastQueued = t.zxid;
      f.pending.push(t);
    }
    if (ack && this.isParticipant) for (const t of txns) this.learnerSend([{ type: 'ACK', zxid: t.zxid }]);
  }

  private applyTxn(txn: Txn): void {
    this.db.history.push(txn);
    this.db.lastProcessedZxid = txn.zxid;
    this.addCommittedProposal(txn);
    this.emit({ type: 'applied', zxid: txn.zxid });
  }

  /** FollowerZooKeeperServer.commit: the zxid must be the oldest pending txn, or exit. */
  private followerCommit(f: LearnerState, zxid: Zxid): void {
    const head = f.pending[0];
    if (head === undefined) {
      this.emit({ type: 'fatal', reason: `Committing zxid ${zxidToHex(zxid)} but no txn` });
      this.learnerFails('commit without a pending txn');
      return;
    }
    if (head.zxid !== zxid) {
      this.emit({ type: 'fatal', reason: `Committing zxid ${zxidToHex(zxid)} but next pending txn ${zxidToHex(head.zxid)}` });
      this.learnerFails('commit out of order');
      return;
    }
    f.pending.shift();
    this.applyTxn(head);
  }

  /** Follower.processPacket / Observer.processPacket in broadcast. */
  private followerProcessPacket(f: LearnerState, p: ZabPacket): void {
    switch (p.type) {
      case 'PROPOSAL':
        // "Got zxid 0x.. expected 0x.." is only a warning in ZooKeeper.
        this.learnerLog(f, [p.txn]);
        return;
      case 'COMMIT':
        this.followerCommit(f, p.zxid);
        return;
      case 'INFORM':
        if (p.txn.zxid > this.db.lastProcessedZxid) {
          this.logAppend([p.txn]);
          this.applyTxn(p.txn);
        }
        return;
      case 'PING':
        this.learnerSend([{ type: 'PING', zxid: this.db.lastProcessedZxid }]);
        return;
      case 'DIFF':
      case 'TRUNC':
      case 'SNAP':
      case 'NEWLEADER':
        // Follower.processPacket: "Unknown packet type" (a warning); ZkV3_7_0.tla: never happens.
        this.emit({ type: 'anomaly', reason: `${p.type} received in BROADCAST` });
        return;
      default:
        return;
    }
  }

  private onZab(from: number, m: ZabMessage): void {
    if (this.state === 'LEADING' && this.leader !== undefined) this.leaderOnZab(from, m);
    else if ((this.state === 'FOLLOWING' || this.state === 'OBSERVING') && this.learner !== undefined) this.learnerOnZab(from, m);
    // Otherwise no connection exists on this side: dropped.
  }

  // ---------------------------------------------------------------- introspection
  /** Applied history (zxids). */
  historyZxids(): Zxid[] {
    return this.db.history.map((t) => t.zxid);
  }

  /** Sync mode each learner got from this leader (LearnerHandler.getSyncMode). */
  learnerSyncModes(): Map<number, SyncMode | undefined> {
    const m = new Map<number, SyncMode | undefined>();
    for (const h of this.leader?.handlers.values() ?? []) m.set(h.sid, h.syncMode);
    return m;
  }

  /** Established leader: NEWLEADER acked by a quorum and serving. */
  isEstablishedLeader(): boolean {
    return this.state === 'LEADING' && this.leader?.phase === 'broadcast';
  }

  leaderEpoch(): number | undefined {
    return this.leader !== undefined && this.leader.epoch >= 0 ? this.leader.epoch : undefined;
  }

  /** Zab phase as the TLA+ spec names it. */
  zabPhase(): 'ELECTION' | 'DISCOVERY' | 'SYNCHRONIZATION' | 'BROADCAST' {
    if (this.state === 'LOOKING') return 'ELECTION';
    if (this.leader !== undefined) return this.leader.phase === 'discovery' ? 'DISCOVERY' : this.leader.phase === 'sync' ? 'SYNCHRONIZATION' : 'BROADCAST';
    if (this.learner !== undefined) return this.learner.phase === 'registering' ? 'DISCOVERY' : this.learner.phase === 'syncing' ? 'SYNCHRONIZATION' : 'BROADCAST';
    return 'ELECTION';
  }
}
