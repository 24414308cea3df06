// Learner and leader behaviour during discovery and sync, scripted packet by packet against one
// QuorumPeer, after ZooKeeper's Zab1_0Test (…/server/quorum/Zab1_0Test.java) and
// Leader.waitForEpochAck ("Follower is ahead of the leader").
import { describe, expect, it } from 'vitest';
import {
  emptyDurable,
  makeZxid,
  QuorumMaj,
  QuorumPeer,
  type Notification,
  type PeerOutput,
  type ServerState,
  type ZabMessage,
  type ZabPacket,
} from '@protolab/zookeeper';

const note = (state: ServerState, leader: number, round: number, peerEpoch = 0): Notification => ({ type: 'NOTIFICATION', state, leader, zxid: 0n, electionEpoch: round, peerEpoch, version: 2 });

function zabSent(outs: PeerOutput[]): { to: number; msg: ZabMessage }[] {
  return outs.flatMap((o) => (o.kind === 'send' && o.msg.type === 'ZAB' ? [{ to: o.to, msg: o.msg }] : []));
}
const packetsOf = (outs: PeerOutput[]): ZabPacket[] => zabSent(outs).flatMap((s) => s.msg.packets);
const persists = (outs: PeerOutput[]): string[] => outs.flatMap((o) => (o.kind === 'persist' ? [o.write.op] : []));

/** Server 1 of {1,2,3} decides to follow 2 (LEADING from 2, FOLLOWING from 3, same round). */
function follower(): { p: QuorumPeer; conn: string; seq: { n: number } } {
  const p = new QuorumPeer({ myid: 1, verifier: new QuorumMaj([1, 2, 3]), servers: [1, 2, 3] }, emptyDurable());
  p.start();
  p.receive(2, note('LEADING', 2, 1));
  const outs = p.receive(3, note('FOLLOWING', 2, 1));
  expect(p.state).toBe('FOLLOWING');
  const info = zabSent(outs)[0]!;
  expect(info.to).toBe(2);
  expect(info.msg.packets).toEqual([{ type: 'FOLLOWERINFO', zxid: 0n }]);
  return { p, conn: info.msg.conn, seq: { n: 0 } };
}

function deliver(f: { p: QuorumPeer; conn: string; seq: { n: number } }, ...packets: ZabPacket[]): PeerOutput[] {
  f.seq.n++;
  return f.p.receive(2, { type: 'ZAB', conn: f.conn, seq: f.seq.n, packets });
}

describe('ZooKeeper Zab1_0Test, follower side', () => {
  it('testNormalFollowerRun (SNAP): ACKEPOCH(0, currentEpoch 0); snapshot taken at NEWLEADER; a proposal is invisible until COMMIT', () => {
    const f = follower();
    let outs = deliver(f, { type: 'LEADERINFO', zxid: makeZxid(1, 0) });
    expect(packetsOf(outs)).toEqual([{ type: 'ACKEPOCH', zxid: 0n, currentEpoch: 0 }]);
    expect(f.p.durable.acceptedEpoch).toBe(1);
    expect(f.p.durable.currentEpoch).toBe(0);

    const foo = { zxid: makeZxid(1, 1), data: '/foo' };
    outs = deliver(f, { type: 'SNAP', zxid: makeZxid(1, 1), snapshot: [foo] });
    expect(f.p.db.lastProcessedZxid).toBe(makeZxid(1, 1));
    expect(persists(outs)).toEqual([]); // applied in memory only
    outs = deliver(f, { type: 'NEWLEADER', zxid: makeZxid(1, 0) });
    expect(persists(outs)).toEqual(['replace', 'epochs']); // the synchronous snapshot, then currentEpoch
    expect(f.p.durable.currentEpoch).toBe(1);
    expect(packetsOf(outs)).toEqual([{ type: 'ACK', zxid: makeZxid(1, 0) }]);

    const p3e8 = { zxid: makeZxid(1, 0x3e8), data: '/foo2' };
    deliver(f, { type: 'PROPOSAL', zxid: p3e8.zxid, txn: p3e8 });
    expect(f.p.historyZxids()).toEqual([makeZxid(1, 1)]);
    outs = deliver(f, { type: 'UPTODATE', zxid: -1n });
    expect(packetsOf(outs)).toEqual([
      { type: 'ACK', zxid: makeZxid(1, 0) },
      { type: 'ACK', zxid: makeZxid(1, 0x3e8) },
    ]);
    expect(f.p.durable.log.map((t) => t.zxid)).toEqual([makeZxid(1, 1), makeZxid(1, 0x3e8)]);
    deliver(f, { type: 'COMMIT', zxid: p3e8.zxid });
    expect(f.p.historyZxids()).toEqual([makeZxid(1, 1), makeZxid(1, 0x3e8)]);
    expect(f.p.lastSyncMode).toBe('SNAP');
  });

  it('testNormalFollowerRunWithDiff (DIFF): two ACKs of 0x100000000, currentEpoch 1, lastProcessedZxid 0x100000002, no snapshot', () => {
    const f = follower();
    deliver(f, { type: 'LEADERINFO', zxid: makeZxid(1, 0) });
    const s = { zxid: makeZxid(1, 2), data: 'createSession' };
    let outs = deliver(f, { type: 'DIFF', zxid: makeZxid(1, 2) }, { type: 'PROPOSAL', zxid: s.zxid, txn: s }, { type: 'COMMIT', zxid: s.zxid }, { type: 'NEWLEADER', zxid: makeZxid(1, 0) });
    expect(packetsOf(outs)).toEqual([{ type: 'ACK', zxid: makeZxid(1, 0) }]);
    expect(persists(outs)).not.toContain('replace');
    outs = deliver(f, { type: 'UPTODATE', zxid: -1n });
    expect(packetsOf(outs)[0]).toEqual({ type: 'ACK', zxid: makeZxid(1, 0) });
    expect(f.p.durable.currentEpoch).toBe(1);
    expect(f.p.db.lastProcessedZxid).toBe(makeZxid(1, 2));
    expect(f.p.lastSyncMode).toBe('DIFF');
  });

  it('a LEADERINFO with an epoch below acceptedEpoch sends the learner back to LOOKING ("Leaders epoch ... is less than accepted epoch")', () => {
    const d = emptyDurable();
    d.acceptedEpoch = 3;
    d.currentEpoch = 3;
    const p = new QuorumPeer({ myid: 1, verifier: new QuorumMaj([1, 2, 3]), servers: [1, 2, 3] }, d);
    p.start();
    p.receive(2, note('LEADING', 2, 1, 3));
    const outs = p.receive(3, note('FOLLOWING', 2, 1, 3));
    const conn = zabSent(outs)[0]!.msg.conn;
    p.receive(2, { type: 'ZAB', conn, seq: 1, packets: [{ type: 'LEADERINFO', zxid: makeZxid(2, 0) }] });
    expect(p.state).toBe('LOOKING');
  });

  it('a LEADERINFO equal to acceptedEpoch is acked with currentEpoch -1', () => {
    const d = emptyDurable();
    d.acceptedEpoch = 2;
    d.currentEpoch = 1;
    const p = new QuorumPeer({ myid: 1, verifier: new QuorumMaj([1, 2, 3]), servers: [1, 2, 3] }, d);
    p.start();
    p.receive(2, note('LEADING', 2, 1, 1));
    const conn = zabSent(p.receive(3, note('FOLLOWING', 2, 1, 1)))[0]!.msg.conn;
    const outs = p.receive(2, { type: 'ZAB', conn, seq: 1, packets: [{ type: 'LEADERINFO', zxid: makeZxid(2, 0) }] });
    expect(packetsOf(outs)).toEqual([{ type: 'ACKEPOCH', zxid: 0n, currentEpoch: -1 }]);
  });
});

describe('Leader discovery (Leader.getEpochToPropose / waitForEpochAck)', () => {
  function leader(currentEpoch: number, log: bigint[]): QuorumPeer {
    const d = emptyDurable();
    d.acceptedEpoch = currentEpoch;
    d.currentEpoch = currentEpoch;
    d.log = log.map((zxid) => ({ zxid, data: 'x' }));
    const p = new QuorumPeer({ myid: 3, verifier: new QuorumMaj([1, 2, 3]), servers: [1, 2, 3] }, d);
    p.start();
    p.receive(1, { ...note('LOOKING', 3, 1, currentEpoch), zxid: d.log[d.log.length - 1]?.zxid ?? 0n });
    p.onTimer('fle-finalize');
    expect(p.state).toBe('LEADING');
    return p;
  }

  it('the new epoch is 1 + the largest acceptedEpoch of the connecting quorum (the leader included)', () => {
    const p = leader(1, [makeZxid(1, 5)]);
    const outs = p.receive(1, { type: 'ZAB', conn: 'c1', seq: 1, packets: [{ type: 'FOLLOWERINFO', zxid: makeZxid(4, 0) }] });
    expect(packetsOf(outs)).toEqual([{ type: 'LEADERINFO', zxid: makeZxid(5, 0) }]);
    expect(p.durable.acceptedEpoch).toBe(5);
  });

  it('"Follower is ahead of the leader": an ACKEPOCH with a larger (currentEpoch, lastZxid) closes that learner, the leader keeps waiting', () => {
    const p = leader(1, [makeZxid(1, 5)]);
    p.receive(1, { type: 'ZAB', conn: 'c1', seq: 1, packets: [{ type: 'FOLLOWERINFO', zxid: makeZxid(2, 0) }] });
    const outs = p.receive(1, { type: 'ZAB', conn: 'c1', seq: 2, packets: [{ type: 'ACKEPOCH', zxid: makeZxid(1, 2), currentEpoch: 2 }] });
    expect(outs.some((o) => o.kind === 'event' && o.event.type === 'followerAhead')).toBe(true);
    expect(p.learnerSyncModes().has(1)).toBe(false);
    expect(p.zabPhase()).toBe('DISCOVERY');
    // Without a quorum of epoch acks the leader gives up after initLimit * tickTime.
    p.onTimer('leader-wait');
    expect(p.state).toBe('LOOKING');
  });

  it('an ACKEPOCH that is not ahead completes discovery and the learner is synced (DIFF + NEWLEADER)', () => {
    const p = leader(1, [makeZxid(1, 5)]);
    p.receive(1, { type: 'ZAB', conn: 'c1', seq: 1, packets: [{ type: 'FOLLOWERINFO', zxid: makeZxid(1, 0) }] });
    const outs = p.receive(1, { type: 'ZAB', conn: 'c1', seq: 2, packets: [{ type: 'ACKEPOCH', zxid: makeZxid(1, 5), currentEpoch: 1 }] });
    expect(packetsOf(outs)).toEqual([
      { type: 'DIFF', zxid: makeZxid(1, 5) },
      { type: 'NEWLEADER', zxid: makeZxid(2, 0) },
    ]);
    expect(p.durable.currentEpoch).toBe(2);
    const acked = p.receive(1, { type: 'ZAB', conn: 'c1', seq: 3, packets: [{ type: 'ACK', zxid: makeZxid(2, 0) }] });
    expect(p.isEstablishedLeader()).toBe(true);
    expect(p.db.lastProcessedZxid).toBe(makeZxid(2, 0)); // srvr shows Zxid: 0x200000000
    expect(packetsOf(acked)).toContainEqual({ type: 'UPTODATE', zxid: -1n });
  });
});
