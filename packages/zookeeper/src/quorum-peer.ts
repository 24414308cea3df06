/**
 * One ZooKeeper server (QuorumPeer, ZooKeeper 3.8 `quorum/QuorumPeer.java`) as a sans-I/O state
 * machine: FLE while LOOKING, then Zab as Leader (leader.ts + learner-handler.ts) or as
 * Follower/Observer (learner.ts).
 *
 * Inputs: `start()`, `receive(from, msg)`, `onTimer(timer)`, `clientWrite(data)`.
 * Outputs (returned as data): messages to send, named timers to (re)arm or cancel, durable
 * writes (each one is an fsync in ZooKeeper: the txn log before an ACK, the epoch files), and
 * events for observers of the run. The caller owns the network, the clock and the disk.
 * After a `fatal` event (where ZooKeeper exits the process) the server is `halted`: every
 * later input returns no outputs.
 */
import { ZkError, checkSid, invariant } from './errors.js';
import { addCommittedProposal, FileTxnSnapLog, loadDatabase } from './file-txn-snap-log.js';
import { FastLeaderElection, type FleAction, type FleHost } from './fle.js';
import { Leader } from './leader.js';
import { QuorumCnxManager } from './quorum-cnx-manager.js';
import { Learner } from './learner.js';
import type { Message, Notification, Txn, ZabPacket } from './messages.js';
import { DEFAULT_TIMINGS, type Db, type DurableState, type PeerConfig, type PeerEvent, type PeerHost } from './peer-types.js';
import type { PeerOutput, PeerTimer, PeerTimerName, PeerTimings, PlantedBugs } from './peer-types.js';
import type { QuorumVerifier } from './quorum.js';
import type { SyncMode } from './sync.js';
import { totalOrderPredicate, totalOrderPredicateIgnoringEpoch, type ServerState, type Vote } from './vote.js';
import { zxidToHex, type Zxid } from './zxid.js';

/** Thrown by `fatal` to unwind to the input boundary; never escapes a QuorumPeer method. */
class Halt extends Error {}

const ROLE_TIMERS: readonly PeerTimerName[] = ['leader-tick', 'leader-wait', 'learner-read', 'learner-connect'];
/** FLE re-arms its poll on every notification: one shared timer object per name. */
const FLE_TIMERS = { 'fle-poll': { name: 'fle-poll' }, 'fle-finalize': { name: 'fle-finalize' } } as const satisfies Record<string, PeerTimer>; // map-ok: a fixed literal table, indexed only by its own two names

export class QuorumPeer implements FleHost, PeerHost {
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
  /** The role while LEADING, FOLLOWING or OBSERVING. */
  leader: Leader | undefined;
  learner: Learner | undefined;
  /** Sync mode of the last completed sync as a learner (QuorumPeer.getSyncMode history). */
  lastSyncMode: SyncMode | undefined;
  /** Why the server stopped (a `fatal` event: ZooKeeper exits); undefined while it runs. */
  halted: string | undefined;
  private readonly boot: number;
  private connCounter = 0;
  /** The epoch files and the snapshot + txn log. */
  private readonly disk: FileTxnSnapLog;
  private out: PeerOutput[] = [];
  private readonly cnx: QuorumCnxManager;

  constructor(config: PeerConfig, durable: DurableState, boot = 0) {
    checkSid(config.myid, 'myid');
    for (const s of config.servers) checkSid(s, 'a server id');
    if (!config.servers.includes(config.myid)) {
      throw new ZkError('UNKNOWN_SERVER', `expected myid ${String(config.myid)} among servers [${config.servers.join(',')}]`);
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
    this.disk = new FileTxnSnapLog(durable, this.snapCount, (write) => { this.out.push({ kind: 'persist', write }); }, this.myid);
    this.boot = boot;
    this.cnx = new QuorumCnxManager(boot);
    this.loadDatabase();
    this.currentVote = { leader: this.myid, zxid: this.db.lastProcessedZxid, peerEpoch: durable.currentEpoch, electionEpoch: 0, state: 'LOOKING', version: 2 };
    this.fle = new FastLeaderElection(this, this.timings, this.planted.voteOrderIgnoresEpoch === true ? totalOrderPredicateIgnoringEpoch : totalOrderPredicate);
  }

  // ---------------------------------------------------------------- FleHost
  getLastLoggedZxid(): Zxid { return this.db.lastProcessedZxid; }
  getCurrentEpoch(): number { return this.durable.currentEpoch; }
  getPeerState(): ServerState { return this.state; }
  getCurrentVote(): Vote { return this.currentVote; }

  // ---------------------------------------------------------------- inputs
  start(): PeerOutput[] {
    return this.run(() => { this.startLooking('start'); });
  }

  receive(from: number, msg: Message): PeerOutput[] {
    // `run` inlined: this is called for every message, and a closure per message showed up in
    // the allocation profile
    if (this.halted !== undefined) return [];
    try {
      if (msg.type === 'NOTIFICATION') this.onNotification(from, msg);
      else if (this.state === 'LEADING') this.leader?.onZab(from, msg);
      else this.learner?.onZab(from, msg); // FOLLOWING/OBSERVING; LOOKING has no connection: dropped
    } catch (e) {
      if (!(e instanceof Halt)) throw e;
    }
    return this.takeOutputs();
  }

  /** A timer fired: a name for the timers that exist once, or a handler's timer with its sid. */
  onTimer(timer: PeerTimer | PeerTimerName): PeerOutput[] {
    const t: PeerTimer = typeof timer === 'string' ? { name: timer } : timer;
    return this.run(() => {
      switch (t.name) {
        case 'fle-poll': this.runFle((o) => { this.fle.onPollTimeout(o); }); return;
        case 'fle-finalize': this.runFle((o) => { this.fle.onFinalizeTimeout(o); }); return;
        case 'leader-tick': this.leader?.tick(); return;
        case 'leader-wait': this.leader?.waitTimeout(); return;
        case 'learner-handler': this.leader?.handlers.get(t.sid)?.timeout(); return;
        case 'learner-read': if (this.learner !== undefined) this.stepDown('read timeout: no packet from the leader'); return;
        case 'learner-connect': this.learner?.connectRetry(); return;
      }
    });
  }

  /** A client write submitted to this server. Only an established leader accepts it. */
  clientWrite(data: string): { accepted: boolean; zxid?: Zxid; outputs: PeerOutput[] } {
    let zxid: Zxid | undefined;
    const outputs = this.run(() => { zxid = this.state === 'LEADING' ? this.leader?.clientWrite(data) : undefined; });
    return zxid === undefined ? { accepted: false, outputs } : { accepted: true, zxid, outputs };
  }

  /** Runs one input; a `fatal` stops it (and every later one) where it happened. */
  private run(fn: () => void): PeerOutput[] {
    if (this.halted !== undefined) return [];
    try {
      fn();
    } catch (e) {
      if (!(e instanceof Halt)) throw e;
    }
    return this.takeOutputs();
  }

  private takeOutputs(): PeerOutput[] {
    const o = this.out;
    this.out = [];
    return o;
  }

  // ---------------------------------------------------------------- PeerHost
  emit(event: PeerEvent): void {
    this.out.push({ kind: 'event', event });
  }

  fatal(reason: string): never {
    this.emit({ type: 'fatal', reason });
    this.halted = reason;
    throw new Halt(reason);
  }

  send(to: number, conn: string, seq: number, packets: ZabPacket[]): void {
    if (packets.length === 0) return;
    this.out.push({ kind: 'send', to, msg: { type: 'ZAB', conn, seq, packets } });
  }

  arm(timer: PeerTimer, delayMs: number): void {
    this.out.push({ kind: 'timer', timer, delayMs });
  }

  cancel(timer: PeerTimer): void {
    this.out.push({ kind: 'cancel', timer });
  }

  currentRole(): object | undefined {
    return this.leader ?? this.learner;
  }

  newConnectionId(): string {
    this.connCounter++;
    return `${String(this.myid)}.${String(this.boot)}.${String(this.connCounter)}`;
  }

  loadDatabase(): void {
    this.db = loadDatabase(this.durable, this.commitLogCount);
  }

  addCommittedProposal(txn: Txn): void {
    addCommittedProposal(this.db, txn, this.commitLogCount);
  }

  applyTxn(txn: Txn, event: 'committed' | 'applied'): void {
    invariant(txn.zxid > this.db.lastProcessedZxid, 'a server applies txns in ascending zxid order', () => `s${String(this.myid)} applies ${zxidToHex(txn.zxid)} after ${zxidToHex(this.db.lastProcessedZxid)}`);
    this.db.history.push(txn);
    this.db.lastProcessedZxid = txn.zxid;
    this.addCommittedProposal(txn);
    this.emit(event === 'committed' ? { type: 'committed', zxid: txn.zxid, data: txn.data } : { type: 'applied', zxid: txn.zxid });
  }

  persistEpochs(): void {
    this.disk.persistEpochs();
  }

  logAppend(txns: readonly Txn[]): void {
    this.disk.append(txns);
  }

  logTruncate(zxid: Zxid): void {
    this.disk.truncate(zxid);
  }

  logReplaceWithSnapshot(txns: readonly Txn[], snapZxid: Zxid): void {
    this.disk.replaceWithSnapshot(txns, snapZxid);
  }

  stepDown(reason: string): void {
    this.startLooking(reason);
  }

  // ---------------------------------------------------------------- election
  private runFle(fn: (out: FleAction[]) => void): void {
    const acts: FleAction[] = [];
    fn(acts);
    this.applyFle(acts);
  }

  private applyFle(acts: readonly FleAction[]): void {
    for (const a of acts) {
      if (a.kind === 'send') this.sendNotification(a.to, a.msg);
      else if (a.kind === 'timer') this.arm(FLE_TIMERS[a.name], a.delayMs);
      else if (a.kind === 'cancel') this.cancel(FLE_TIMERS[a.name]);
      else this.onDecided(a.state, a.vote, a.via);
    }
  }

  private startLooking(reason: string): void {
    this.state = 'LOOKING';
    const leader = this.leader;
    this.leader = undefined;
    this.learner = undefined;
    // The in-memory database is cleared when a role ends and reloaded from disk, so the vote
    // carries every logged txn, committed or not.
    this.loadDatabase();
    this.disk.rollLog();
    for (const name of ROLE_TIMERS) this.cancel({ name });
    for (const sid of leader?.handlers.keys() ?? []) this.cancel({ name: 'learner-handler', sid });
    if (reason !== 'start') this.emit({ type: 'lookingAgain', reason });
    this.runFle((o) => { this.fle.lookForLeader(o); });
  }

  private sendNotification(to: number, n: Notification): void {
    this.out.push({ kind: 'send', to, msg: this.cnx.toSend(to, n) });
  }

  private onNotification(from: number, n: Notification): void {
    const resend = this.cnx.received(from, n);
    if (resend !== undefined) this.out.push({ kind: 'send', to: from, msg: resend });
    const acts: FleAction[] = [];
    this.fle.receive(from, n, acts);
    this.applyFle(acts);
  }

  private onDecided(state: ServerState, vote: Vote, via: string): void {
    this.state = state;
    this.currentVote = vote;
    this.emit({ type: 'decided', state, vote, round: this.fle.logicalclock, via });
    if (state === 'LEADING') {
      // Leader.lead(): zk.loadData() (our db is already loaded), tick = 0.
      const leader = new Leader(this);
      this.leader = leader;
      leader.lead();
    } else {
      const learner = new Learner(this, vote.leader);
      this.learner = learner;
      learner.followLeader();
    }
  }

  // ---------------------------------------------------------------- introspection
  /** Applied history (zxids). */
  historyZxids(): Zxid[] {
    return this.db.history.map((t) => t.zxid);
  }

  /** Sync mode each learner got from this leader (LearnerHandler.getSyncMode). */
  learnerSyncModes(): Map<number, SyncMode | undefined> {
    const m = new Map<number, SyncMode | undefined>();
    for (const h of this.leader?.handlers.values() ?? []) m.set(h.sid, h.syncMode());
    return m;
  }

  /** Established leader: NEWLEADER acked by a quorum and serving. */
  isEstablishedLeader(): boolean {
    return this.state === 'LEADING' && this.leader?.isEstablished() === true;
  }

  leaderEpoch(): number | undefined {
    return this.leader !== undefined && this.leader.epoch >= 0 ? this.leader.epoch : undefined;
  }

  /** Zab phase as the TLA+ spec names it. */
  zabPhase(): 'ELECTION' | 'DISCOVERY' | 'SYNCHRONIZATION' | 'BROADCAST' {
    if (this.state === 'LOOKING') return 'ELECTION';
    if (this.leader !== undefined) {
      const n = this.leader.stage.name;
      return n === 'discovery' || n === 'epochAck' ? 'DISCOVERY' : n === 'sync' ? 'SYNCHRONIZATION' : 'BROADCAST';
    }
    return this.learner?.zabPhase() ?? 'ELECTION';
  }
}
