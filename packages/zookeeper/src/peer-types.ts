/**
 * The types one ZooKeeper server (QuorumPeer) shares with its roles (Leader + LearnerHandler,
 * Learner): configuration, durable state, timers, outputs and events, and `PeerHost`, the
 * services a role gets from its QuorumPeer.
 */
import type { ZkError } from './errors.js';
import { DEFAULT_FLE_TIMINGS } from './fle.js';
import type { Message, Txn, ZabPacket } from './messages.js';
import type { QuorumVerifier } from './quorum.js';
import type { SyncMode, SyncReason } from './sync.js';
import type { ServerState, Vote } from './vote.js';
import type { Zxid } from './zxid.js';

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

/** The timers of one server that exist once (FLE's polls, the leader's, the learner's). */
export type PeerTimerName = 'fle-poll' | 'fle-finalize' | 'leader-tick' | 'leader-wait' | 'learner-read' | 'learner-connect';

/**
 * A named timer. The leader keeps one read timer per LearnerHandler, so that one carries the
 * learner's sid as data instead of in its name.
 */
export type PeerTimer = { name: PeerTimerName } | { name: 'learner-handler'; sid: number };

/** The key a timer is armed under (unique per server): its name, plus the sid for a handler's. */
export function timerKey(t: PeerTimer): string {
  return t.name === 'learner-handler' ? `learner-handler:${String(t.sid)}` : t.name;
}

/** A timer that exists once per server, named by a string (what `onTimer('leader-wait')` takes). */
export type TimerName = PeerTimerName;

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
  /**
   * A Zab packet the receiving stage has no transition for (a ZkError with code PROTOCOL).
   * `dropped`: the connection was closed, as LearnerHandler.run does before broadcast ("... is
   * not ACKEPOCH", "Next packet was supposed to be an ACK"); in broadcast ZooKeeper only warns
   * ("unexpected quorum packet") and keeps the learner.
   */
  | { type: 'protocolError'; error: ZkError; peer: number; stage: string; packet: ZabPacket['type']; dropped: boolean }
  /** ZooKeeper exits the process here; the server stops executing (QuorumPeer.halted). */
  | { type: 'fatal'; reason: string };

export type PeerOutput =
  | { kind: 'send'; to: number; msg: Message }
  | { kind: 'timer'; timer: PeerTimer; delayMs: number }
  | { kind: 'cancel'; timer: PeerTimer }
  | { kind: 'persist'; write: DurableWrite }
  | { kind: 'event'; event: PeerEvent };

/** The in-memory database (ZKDatabase): applied history and the committedLog window. */
export interface Db {
  /** Applied transactions (the data tree's history). */
  history: Txn[];
  lastProcessedZxid: Zxid;
  /** ZKDatabase.committedLog: up to commitLogCount + 1 recent committed txns. */
  committedLog: Txn[];
}

/** Learner.connectToLeader retries a refused connection after 1 s. */
export const CONNECT_RETRY_MS = 1000;

/** What a role (Leader, Learner) gets from its QuorumPeer: state, disk, network, timers, events. */
export interface PeerHost {
  readonly myid: number;
  readonly verifier: QuorumVerifier;
  readonly isParticipant: boolean;
  readonly timings: PeerTimings;
  readonly commitLogCount: number;
  readonly snapshotSizeFactor: number;
  readonly forceSnapSync: boolean;
  readonly planted: PlantedBugs;
  readonly durable: DurableState;
  db: Db;
  currentVote: Vote;
  lastSyncMode: SyncMode | undefined;
  emit(event: PeerEvent): void;
  send(to: number, conn: string, seq: number, packets: ZabPacket[]): void;
  arm(timer: PeerTimer, delayMs: number): void;
  cancel(timer: PeerTimer): void;
  persistEpochs(): void;
  logAppend(txns: readonly Txn[]): void;
  logTruncate(zxid: Zxid): void;
  logReplaceWithSnapshot(txns: readonly Txn[], snapZxid: Zxid): void;
  loadDatabase(): void;
  addCommittedProposal(txn: Txn): void;
  /** Applies a committed txn to the data tree (history ascends: an invariant). */
  applyTxn(txn: Txn, event: 'committed' | 'applied'): void;
  /** Leaves the role and goes back to LOOKING. */
  stepDown(reason: string): void;
  /** ZooKeeper would exit the process: emits `fatal` and stops this server (never returns). */
  fatal(reason: string): never;
  /** The role now running (a Leader or Learner), to tell whether a caller's role is still current. */
  currentRole(): object | undefined;
  /** A new connection id for this process. */
  newConnectionId(): string;
}
