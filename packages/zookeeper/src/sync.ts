/**
 * The leader's sync decision, LearnerHandler.syncFollower + queueCommittedProposals (3.8),
 * as a pure function. Input: what the leader knows about the learner and its own database;
 * output: the packets the learner receives first, in order, and the zxid handed to
 * Leader.startForwarding.
 */
import { ZkError, invariant } from './errors.js';
import { epochOf, isNewEpochZxid, zxidToHex, type Zxid } from './zxid.js';

export type SyncMode = 'DIFF' | 'TRUNC' | 'SNAP';

export interface SyncPacket {
  type: 'DIFF' | 'TRUNC' | 'SNAP' | 'PROPOSAL' | 'COMMIT';
  zxid: Zxid;
}

export interface SyncFollowerInput {
  /** The learner's lastLoggedZxid from ACKEPOCH. */
  peerLastZxid: Zxid;
  /** The leader's dataTree.lastProcessedZxid. */
  lastProcessedZxid: Zxid;
  /** zxids of the in-memory committed proposals (ZKDatabase.committedLog), ascending. */
  committedLog: readonly Zxid[];
  /**
   * What ZKDatabase.getProposalsFromTxnLog can read from disk: the logged zxids (ascending) and
   * whether the log files needed are within `snapshotSizeFactor` x snapshot size.
   */
  txnLog: { zxids: readonly Zxid[]; withinSizeLimit: boolean };
  /** zookeeper.snapshotSizeFactor, default 0.33; negative disables syncing from the txnlog. */
  snapshotSizeFactor?: number;
  /** zookeeper.forceSnapshotSync (tests only). */
  forceSnapSync?: boolean;
  /**
   * The "gap between end of txnlog and start of committedLog" check of ZOOKEEPER-2418 (in 3.6.0
   * and later, so in 3.8). `false` reproduces 3.5's syncFollower, which the older copies of
   * LearnerHandlerTest.testNewEpochZxidWithTxnlogOnly were written against. Default true.
   */
  txnLogGapCheck?: boolean;
  /** Planted bug for the property tests: never send TRUNC (send DIFF in its place). */
  plantedBugNeverTrunc?: boolean;
}

export interface SyncFollowerResult {
  syncMode: SyncMode;
  needSnap: boolean;
  packets: SyncPacket[];
  startForwardingZxid: Zxid;
  /** Which branch of syncFollower decided (for logs, examples and the "sometimes" checks). */
  reason: SyncReason;
}

export type SyncReason =
  | 'forceSnapSync'
  | 'alreadyInSync' // case 2: peerLastZxid == lastProcessedZxid, empty DIFF
  | 'peerAhead' // case 3: TRUNC to maxCommittedLog
  | 'committedLog' // case 4
  | 'txnLogAndCommittedLog' // case 5
  | 'txnLogGap' // case 5, gap between txnlog and committedLog -> SNAP
  | 'txnLogUnavailable' // case 5, empty iterator -> SNAP
  | 'unhandled' // case 6 -> SNAP
  | 'crossEpochTrunc'; // queueProposals refused a TRUNC across epochs -> SNAP (safety net)

/** ZKDatabase.DEFAULT_SNAPSHOT_SIZE_FACTOR. */
export const DEFAULT_SNAPSHOT_SIZE_FACTOR = 0.33;

export function syncFollower(input: SyncFollowerInput): SyncFollowerResult {
  checkInputs(input);
  const peer = input.peerLastZxid;
  const lastProcessed = input.lastProcessedZxid;
  const factor = input.snapshotSizeFactor ?? DEFAULT_SNAPSHOT_SIZE_FACTOR;
  const txnLogSyncEnabled = factor >= 0;
  const newEpochPeer = isNewEpochZxid(peer);
  const st: QueueState = { needOp: true, packets: [], neverTrunc: input.plantedBugNeverTrunc === true };

  let current = peer;
  let needSnap = true;
  let reason: SyncReason = 'unhandled';
  let min = input.committedLog[0] ?? lastProcessed;
  let max = input.committedLog[input.committedLog.length - 1] ?? lastProcessed;
  if (input.committedLog.length === 0) {
    // "setting these value to the latest txn in learnerMaster db will reduce the cases"
    min = lastProcessed;
    max = lastProcessed;
  }

  if (input.forceSnapSync === true) {
    reason = 'forceSnapSync';
  } else if (peer === lastProcessed) {
    st.packets.push({ type: 'DIFF', zxid: peer });
    st.needOp = false;
    needSnap = false;
    reason = 'alreadyInSync';
  } else if (peer > max && !newEpochPeer) {
    // Newer than committedLog: TRUNC to maxCommittedLog, no epoch check here.
    st.packets.push(st.neverTrunc ? { type: 'DIFF', zxid: max } : { type: 'TRUNC', zxid: max });
    current = max;
    st.needOp = false;
    needSnap = false;
    reason = 'peerAhead';
  } else if (min <= peer && peer <= max) {
    current = queueCommittedProposals(st, input.committedLog, peer, undefined, max);
    needSnap = false;
    reason = 'committedLog';
  } else if (peer < min && txnLogSyncEnabled) {
    const itr = getProposalsFromTxnLog(input.txnLog, peer);
    if (itr.length > 0) {
      current = queueCommittedProposals(st, itr, peer, min, max);
      if (current < min && input.txnLogGapCheck !== false) {
        // "Detected gap between end of txnlog and start of committedLog": back to SNAP.
        current = peer;
        st.packets.length = 0;
        st.needOp = true;
        reason = 'txnLogGap';
      } else {
        current = queueCommittedProposals(st, input.committedLog, current, undefined, max);
        needSnap = false;
        reason = 'txnLogAndCommittedLog';
      }
    } else {
      reason = 'txnLogUnavailable';
    }
  }
  if (needSnap) current = lastProcessed;
  const startForwardingZxid = current;
  if (st.needOp && !needSnap) {
    // "This should never happen, but we should fall back to sending snapshot just in case."
    needSnap = true;
    reason = 'crossEpochTrunc';
  }
  if (needSnap) {
    // The SNAP packet is written straight to the socket, before anything queued.
    return {
      syncMode: 'SNAP',
      needSnap: true,
      packets: [{ type: 'SNAP', zxid: lastProcessed }, ...st.packets],
      startForwardingZxid,
      reason,
    };
  }
  const first = st.packets[0];
  const syncMode: SyncMode = first?.type === 'TRUNC' ? 'TRUNC' : 'DIFF';
  return { syncMode, needSnap: false, packets: st.packets, startForwardingZxid, reason };
}

interface QueueState {
  needOp: boolean;
  packets: SyncPacket[];
  neverTrunc: boolean;
}

/**
 * ZKDatabase.getProposalsFromTxnLog: empty when the log does not reach back to peerZxid
 * (its first txn is after it) or reading it would exceed the size limit.
 */
function getProposalsFromTxnLog(txnLog: SyncFollowerInput['txnLog'], peerZxid: Zxid): readonly Zxid[] {
  const first = txnLog.zxids[0];
  if (first === undefined || first > peerZxid || !txnLog.withinSizeLimit) return [];
  return txnLog.zxids;
}

/** LearnerHandler.queueCommittedProposals: queues (peerLastZxid, maxZxid]. */
function queueCommittedProposals(
  st: QueueState,
  itr: readonly Zxid[],
  peerLastZxid: Zxid,
  maxZxid: Zxid | undefined,
  lastCommittedZxid: Zxid,
): Zxid {
  const newEpochPeer = isNewEpochZxid(peerLastZxid);
  let queued = peerLastZxid;
  let prev = -1n;
  for (const z of itr) {
    if (maxZxid !== undefined && z > maxZxid) break;
    if (z < peerLastZxid) {
      prev = z;
      continue;
    }
    if (st.needOp) {
      if (z === peerLastZxid) {
        st.packets.push({ type: 'DIFF', zxid: lastCommittedZxid });
        st.needOp = false;
        continue;
      }
      if (newEpochPeer) {
        st.packets.push({ type: 'DIFF', zxid: lastCommittedZxid });
        st.needOp = false;
      } else if (z > peerLastZxid) {
        // "We cannot send TRUNC that cross epoch boundary."
        if (epochOf(z) !== epochOf(peerLastZxid)) return queued;
        st.packets.push(st.neverTrunc ? { type: 'DIFF', zxid: lastCommittedZxid } : { type: 'TRUNC', zxid: prev });
        st.needOp = false;
      }
    }
    if (z <= queued) continue; // duplicates, or already queued
    st.packets.push({ type: 'PROPOSAL', zxid: z }, { type: 'COMMIT', zxid: z });
    queued = z;
  }
  if (st.needOp && newEpochPeer) {
    st.packets.push({ type: 'DIFF', zxid: lastCommittedZxid });
    st.needOp = false;
  }
  return queued;
}

/**
 * syncFollower's preconditions, which ZKDatabase guarantees in ZooKeeper: zxids are bigints;
 * committedLog and the txn log ascend, except that a zxid may be listed again (the shape of
 * LearnerHandlerTest.testDuplicatedTxn: every zxid is either larger than all before it or a
 * repeat of one before it); the committedLog never goes past lastProcessedZxid.
 */
function checkInputs(input: SyncFollowerInput): void {
  for (const [what, z] of [['peerLastZxid', input.peerLastZxid], ['lastProcessedZxid', input.lastProcessedZxid]] as const) {
    if (typeof z !== 'bigint') throw new ZkError('BAD_INPUT', `expected ${what} to be a bigint zxid, found ${typeof z}`);
  }
  const max = checkAscending(input.committedLog, 'committedLog');
  checkAscending(input.txnLog.zxids, 'txnLog.zxids');
  invariant(max === undefined || max <= input.lastProcessedZxid, 'syncFollower: maxCommittedLog <= lastProcessedZxid (ZKDatabase commits before it applies)', () => `maxCommittedLog ${zxidToHex(max ?? 0n)} > lastProcessedZxid ${zxidToHex(input.lastProcessedZxid)}`);
}

/** Checks the order rule above in O(n); returns the largest zxid. */
function checkAscending(zxids: readonly Zxid[], what: string): Zxid | undefined {
  let max: Zxid | undefined;
  let seen: Set<Zxid> | undefined;
  for (let i = 0; i < zxids.length; i++) {
    const z = zxids[i];
    if (typeof z !== 'bigint') throw new ZkError('BAD_INPUT', `expected ${what} to hold bigint zxids, found ${typeof z}`);
    if (max === undefined || z > max) {
      max = z;
      seen?.add(z);
      continue;
    }
    seen ??= new Set(zxids.slice(0, i)); // the first repeat: index what came before it
    const top = max;
    invariant(seen.has(z), `syncFollower: ${what} ascends (a zxid may only repeat one listed before it)`, () => `${zxidToHex(z)} after ${zxidToHex(top)}, and ${zxidToHex(z)} was not listed before`);
  }
  return max;
}
