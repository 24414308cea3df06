// Every case of ZooKeeper's LearnerHandlerTest (zookeeper-server/src/test/java/org/apache/
// zookeeper/server/quorum/LearnerHandlerTest.java), pinned against our pure syncFollower.
// The Java test mocks ZKDatabase: getProposalsFromTxnLog returns the whole mock txnlog when
// peerZxid >= its first zxid and an empty iterator otherwise; the size limit always passes.
// `assertOpType(type, zxid, currentZxid)` checks the first queued packet and the zxid handed to
// Leader.startForwarding; `queuedPacketMatches` checks the PROPOSAL zxids in order.
import { describe, expect, it } from 'vitest';
import { makeZxid, syncFollower, type SyncFollowerInput, type SyncFollowerResult, type Zxid } from '@protolab/zookeeper';

interface MockDb {
  lastProcessedZxid: Zxid;
  committedLog: Zxid[];
  txnLog: Zxid[];
  snapshotSizeFactor?: number;
}

function run(db: MockDb, peerZxid: Zxid, txnLogReadable = true, txnLogGapCheck = true): SyncFollowerResult {
  const input: SyncFollowerInput = {
    peerLastZxid: peerZxid,
    lastProcessedZxid: db.lastProcessedZxid,
    committedLog: db.committedLog,
    txnLog: { zxids: db.txnLog, withinSizeLimit: txnLogReadable },
  };
  if (db.snapshotSizeFactor !== undefined) input.snapshotSizeFactor = db.snapshotSizeFactor;
  if (!txnLogGapCheck) input.txnLogGapCheck = false;
  return syncFollower(input);
}

function assertOpType(r: SyncFollowerResult, type: string, zxid: Zxid, currentZxid: Zxid): void {
  expect(r.packets.length).toBeGreaterThan(0);
  expect(r.packets[0]).toEqual({ type, zxid });
  expect(r.startForwardingZxid).toBe(currentZxid);
}

function proposals(r: SyncFollowerResult): Zxid[] {
  return r.packets.filter((p) => p.type === 'PROPOSAL').map((p) => p.zxid);
}

/** A SNAP decision queues nothing (the SNAP itself goes straight to the socket). */
function assertSnap(r: SyncFollowerResult, lastProcessedZxid: Zxid): void {
  expect(r.needSnap).toBe(true);
  expect(r.syncMode).toBe('SNAP');
  expect(r.packets).toEqual([{ type: 'SNAP', zxid: lastProcessedZxid }]);
}

const z = makeZxid;

describe('ZooKeeper LearnerHandlerTest (3.8), every case', () => {
  it('testEmptyCommittedLog: TRUNC when the peer is newer, empty DIFF when in sync, SNAP for a new machine with txnlog sync disabled', () => {
    const db: MockDb = { lastProcessedZxid: 1n, committedLog: [], txnLog: [] };
    // Peer has newer zxid: TRUNC and forward from lastProcessedZxid.
    let r = run(db, 3n);
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'TRUNC', 1n, 1n);
    // Peer is already in sync: a DIFF and nothing else.
    r = run(db, 1n);
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'DIFF', 1n, 1n);
    expect(r.packets).toHaveLength(1);
    // Peer has zxid 0 (a new machine), txnlog disabled: SNAP.
    r = run({ ...db, snapshotSizeFactor: -1 }, 0n);
    assertSnap(r, 1n);
  });

  it('testCommittedLog: TRUNC to 3 for an unseen zxid 4, DIFF within the committedLog, SNAP below it with txnlog disabled', () => {
    const db: MockDb = { lastProcessedZxid: 6n, committedLog: [2n, 3n, 5n], txnLog: [] };
    let r = run(db, 4n);
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'TRUNC', 3n, 5n);
    expect(r.packets).toHaveLength(3);
    expect(proposals(r)).toEqual([5n]);

    r = run(db, 2n);
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'DIFF', 5n, 5n);
    expect(r.packets).toHaveLength(5);
    expect(proposals(r)).toEqual([3n, 5n]);

    r = run({ ...db, snapshotSizeFactor: -1 }, 1n);
    assertSnap(r, 6n);
  });

  it('testTxnLog: TRUNC to 3 then 5..8 from txnlog + committedLog; DIFF for a peer inside the txnlog range', () => {
    const db: MockDb = { lastProcessedZxid: 9n, committedLog: [6n, 7n, 8n], txnLog: [2n, 3n, 5n, 6n, 7n, 8n, 9n] };
    let r = run(db, 4n);
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'TRUNC', 3n, 8n);
    expect(r.packets).toHaveLength(9);
    expect(proposals(r)).toEqual([5n, 6n, 7n, 8n]);

    r = run(db, 3n);
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'DIFF', 8n, 8n);
    expect(r.packets).toHaveLength(9);
    expect(proposals(r)).toEqual([5n, 6n, 7n, 8n]);
  });

  it('testTxnLogProposalIteratorClosure: an empty txnlog iterator means a snapshot transfer', () => {
    // The Java test overrides getProposalsFromTxnLog to return EMPTY_ITERATOR.
    const db: MockDb = { lastProcessedZxid: 7n, committedLog: [], txnLog: [2n, 3n] };
    const r = run(db, 4n, false);
    expect(r.needSnap).toBe(true);
  });

  it('testTxnLogOnly: committedLog empty, the txnlog serves TRUNC+proposals, DIFF, and SNAP when the peer misses it', () => {
    const db: MockDb = { lastProcessedZxid: 7n, committedLog: [], txnLog: [2n, 3n, 5n, 6n, 7n, 8n] };
    let r = run(db, 4n);
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'TRUNC', 3n, 7n);
    expect(r.packets).toHaveLength(7);
    expect(proposals(r)).toEqual([5n, 6n, 7n]);

    r = run(db, 2n);
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'DIFF', 7n, 7n);
    expect(r.packets).toHaveLength(9);
    expect(proposals(r)).toEqual([3n, 5n, 6n, 7n]);

    r = run(db, 1n);
    assertSnap(r, 7n);
  });

  it('testTxnLogWithNegativeZxid: the same decisions in epoch 0xf (zxids that are negative Java longs)', () => {
    const db: MockDb = {
      lastProcessedZxid: z(0xf, 9),
      committedLog: [z(0xf, 6), z(0xf, 7), z(0xf, 8)],
      txnLog: [2, 3, 5, 6, 7, 8, 9].map((c) => z(0xf, c)),
    };
    let r = run(db, z(0xf, 4));
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'TRUNC', z(0xf, 3), z(0xf, 8));
    expect(r.packets).toHaveLength(9);
    expect(proposals(r)).toEqual([z(0xf, 5), z(0xf, 6), z(0xf, 7), z(0xf, 8)]);

    r = run(db, z(0xf, 3));
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'DIFF', z(0xf, 8), z(0xf, 8));
    expect(r.packets).toHaveLength(9);
    expect(proposals(r)).toEqual([z(0xf, 5), z(0xf, 6), z(0xf, 7), z(0xf, 8)]);
  });

  it('testNewEpochZxid: SNAP for (0,0), DIFF(1,2)+proposals for (1,0), empty DIFF for (2,0)', () => {
    const db: MockDb = {
      lastProcessedZxid: z(2, 0),
      committedLog: [z(1, 1), z(1, 2)],
      txnLog: [z(0, 1), z(1, 1), z(1, 2)],
    };
    // "we should never send diff if we have never seen any txn older than peer zxid"
    let r = run(db, z(0, 0));
    assertSnap(r, z(2, 0));

    r = run(db, z(1, 0));
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'DIFF', z(1, 2), z(1, 2));
    expect(r.packets).toHaveLength(5);
    expect(proposals(r)).toEqual([z(1, 1), z(1, 2)]);

    r = run(db, z(2, 0));
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'DIFF', z(2, 0), z(2, 0));
    expect(r.packets).toHaveLength(1);
  });

  // The stored copies of this test predate ZOOKEEPER-2418 (3.6.0), whose PR notes that the new
  // txnlog/committedLog gap check fails it. We pin the Java expectations against 3.5's rule
  // (txnLogGapCheck: false), and 3.8's outcome separately below.
  it('testNewEpochZxidWithTxnlogOnly (pre-ZOOKEEPER-2418 rule): new-epoch peers (3,0)..(6,0) get DIFF(6,0), forwarding from (4,1) or their own zxid', () => {
    const db: MockDb = { lastProcessedZxid: z(6, 0), committedLog: [], txnLog: [z(1, 1), z(2, 1), z(2, 2), z(4, 1)] };
    let r = run(db, z(3, 0), true, false);
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'DIFF', z(6, 0), z(4, 1));
    expect(r.packets).toHaveLength(3);
    expect(proposals(r)).toEqual([z(4, 1)]);

    r = run(db, z(4, 0), true, false);
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'DIFF', z(6, 0), z(4, 1));
    expect(r.packets).toHaveLength(3);
    expect(proposals(r)).toEqual([z(4, 1)]);

    r = run(db, z(5, 0), true, false);
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'DIFF', z(6, 0), z(5, 0));
    expect(r.packets).toHaveLength(1);

    r = run(db, z(6, 0), true, false);
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'DIFF', z(6, 0), z(6, 0));
    expect(r.packets).toHaveLength(1);
  });

  it('testNewEpochZxidWithTxnlogOnly under 3.8 (ZOOKEEPER-2418): the txnlog ends below minCommittedLog = lastProcessedZxid (6,0), so (3,0)..(5,0) get SNAP; (6,0) is in sync', () => {
    const db: MockDb = { lastProcessedZxid: z(6, 0), committedLog: [], txnLog: [z(1, 1), z(2, 1), z(2, 2), z(4, 1)] };
    for (const peer of [z(3, 0), z(4, 0), z(5, 0)]) {
      const r = run(db, peer);
      assertSnap(r, z(6, 0));
      expect(r.reason).toBe('txnLogGap');
    }
    const r = run(db, z(6, 0));
    assertOpType(r, 'DIFF', z(6, 0), z(6, 0));
    expect(r.packets).toHaveLength(1);
  });

  it('testDuplicatedTxn: duplicate txns in committedLog and txnlog are sent once', () => {
    const db: MockDb = {
      lastProcessedZxid: z(2, 0),
      committedLog: [z(1, 1), z(1, 2), z(1, 1), z(1, 2)],
      txnLog: [z(0, 1), z(1, 1), z(1, 2), z(1, 1), z(1, 2)],
    };
    const r = run(db, z(1, 0));
    expect(r.needSnap).toBe(false);
    assertOpType(r, 'DIFF', z(1, 2), z(1, 2));
    expect(r.packets).toHaveLength(5);
    expect(proposals(r)).toEqual([z(1, 1), z(1, 2)]);
  });

  it('testCrossEpochTrunc: a TRUNC that would cross an epoch boundary becomes SNAP', () => {
    const db: MockDb = { lastProcessedZxid: z(6, 0), committedLog: [], txnLog: [z(1, 1), z(2, 1), z(2, 2), z(4, 1)] };
    const r = run(db, z(3, 1));
    assertSnap(r, z(6, 0));
  });
});
