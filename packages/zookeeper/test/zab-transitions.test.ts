// The Zab transition tables (stage × packet → handler) and what happens off the table, as
// ZooKeeper 3.8 does it: LearnerHandler.run closes the connection on an unexpected packet before
// broadcast ("... is not ACKEPOCH", "Next packet was supposed to be an ACK") and only warns in
// broadcast ("unexpected quorum packet"); Learner.syncWithLeader exits on a first sync packet
// other than DIFF/TRUNC/SNAP ("Got unexpected packet from leader ..., exiting").
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeTable,
  emptyDurable,
  Ensemble,
  HANDLER_TRANSITIONS,
  LEARNER_TRANSITIONS,
  makeZxid,
  QuorumMaj,
  QuorumPeer,
  SafetyMonitor,
  ZkError,
  type Notification,
  type PeerEvent,
  type PeerOutput,
  type ServerState,
  type ZabPacket,
} from '@protolab/zookeeper';

const note = (state: ServerState, leader: number, round: number, zxid = 0n, peerEpoch = 0): Notification => ({ type: 'NOTIFICATION', state, leader, zxid, electionEpoch: round, peerEpoch, version: 2 });
const events = (outs: PeerOutput[]): PeerEvent[] => outs.flatMap((o) => (o.kind === 'event' ? [o.event] : []));
/** The connection id of the learner's FOLLOWERINFO among the outputs. */
const connOf = (outs: PeerOutput[]): string => outs.flatMap((o) => (o.kind === 'send' && o.msg.type === 'ZAB' ? [o.msg.conn] : []))[0] ?? 'none';

/** Server 3 of {1,2,3} leading epoch 2 after an election with server 1. */
function leader(): QuorumPeer {
  const d = emptyDurable();
  d.acceptedEpoch = 1;
  d.currentEpoch = 1;
  d.log = [{ zxid: makeZxid(1, 5), data: 'x' }];
  const p = new QuorumPeer({ myid: 3, verifier: new QuorumMaj([1, 2, 3]), servers: [1, 2, 3] }, d);
  p.start();
  p.receive(1, note('LOOKING', 3, 1, makeZxid(1, 5), 1));
  p.onTimer('fle-finalize');
  expect(p.state).toBe('LEADING');
  return p;
}

/** Server 1 of {1,2,3} following 2, its FOLLOWERINFO answered by LEADERINFO (epoch 1). */
function follower(): { p: QuorumPeer; deliver: (...packets: ZabPacket[]) => PeerOutput[] } {
  const p = new QuorumPeer({ myid: 1, verifier: new QuorumMaj([1, 2, 3]), servers: [1, 2, 3] }, emptyDurable());
  p.start();
  p.receive(2, note('LEADING', 2, 1));
  const conn = connOf(p.receive(3, note('FOLLOWING', 2, 1)));
  let seq = 0;
  const deliver = (...packets: ZabPacket[]): PeerOutput[] => p.receive(2, { type: 'ZAB', conn, seq: ++seq, packets });
  deliver({ type: 'LEADERINFO', zxid: makeZxid(1, 0) });
  return { p, deliver };
}

const ALL_TYPES: ZabPacket['type'][] = ['FOLLOWERINFO', 'OBSERVERINFO', 'LEADERINFO', 'ACKEPOCH', 'DIFF', 'TRUNC', 'SNAP', 'PROPOSAL', 'INFORM', 'COMMIT', 'NEWLEADER', 'UPTODATE', 'ACK', 'PING'];
function packetOf(type: ZabPacket['type']): ZabPacket {
  const zxid = makeZxid(1, 1);
  switch (type) {
    case 'ACKEPOCH': return { type, zxid, currentEpoch: 1 };
    case 'SNAP': return { type, zxid, snapshot: [] };
    case 'PROPOSAL':
    case 'INFORM': return { type, zxid, txn: { zxid, data: 'd' } };
    default: return { type, zxid };
  }
}

describe('the transition tables', () => {
  it('LearnerHandler (LearnerHandler.run): FOLLOWERINFO/OBSERVERINFO, then ACKEPOCH, then the NEWLEADER ACK, then ACK and PING in broadcast', () => {
    expect(describeTable(HANDLER_TRANSITIONS)).toEqual([
      'connected × FOLLOWERINFO → onLearnerInfo',
      'connected × OBSERVERINFO → onLearnerInfo',
      'waitForEpoch × (nothing expected)',
      'ackEpoch × ACKEPOCH → onAckEpoch',
      'waitForEpochAck × (nothing expected)',
      'newLeaderAck × ACK → onNewLeaderAck',
      'waitForNewLeaderAck × (nothing expected)',
      'broadcast × ACK → onAck',
      'broadcast × PING → onPing',
    ]);
  });

  it('Learner (registerWithLeader, syncWithLeader, Follower.processPacket): LEADERINFO, one of DIFF/TRUNC/SNAP, sync packets to NEWLEADER and UPTODATE, then broadcast', () => {
    const lines = describeTable(LEARNER_TRANSITIONS);
    expect(lines.filter((l) => l.startsWith('registering'))).toEqual(['registering × LEADERINFO → onLeaderInfo']);
    expect(lines.filter((l) => l.startsWith('syncStart'))).toEqual(['syncStart × DIFF → onDiff', 'syncStart × SNAP → onSnap', 'syncStart × TRUNC → onTrunc']);
    expect(lines).toContain('newLeaderAcked × UPTODATE → onUpToDate');
    expect(lines).toContain('broadcast × COMMIT → onCommit');
  });
});

describe('a packet with no transition is a typed PROTOCOL error the monitor can see', () => {
  it('LearnerHandler.run "... is not ACKEPOCH": any packet but ACKEPOCH after LEADERINFO is a protocolError and the learner is dropped', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_TYPES.filter((t) => t !== 'ACKEPOCH')), (type) => {
        const p = leader();
        p.receive(1, { type: 'ZAB', conn: 'c1', seq: 1, packets: [{ type: 'FOLLOWERINFO', zxid: makeZxid(1, 0) }] });
        expect(p.leader?.handlers.get(1)?.stage.name).toBe('ackEpoch');
        const outs = p.receive(1, { type: 'ZAB', conn: 'c1', seq: 2, packets: [packetOf(type)] });
        const err = events(outs).find((e) => e.type === 'protocolError');
        expect(err).toMatchObject({ type: 'protocolError', peer: 1, stage: 'ackEpoch', packet: type, dropped: true });
        expect(err?.type === 'protocolError' && err.error instanceof ZkError && err.error.code).toBe('PROTOCOL');
        expect(p.leader?.handlers.has(1)).toBe(false);
      }),
      { numRuns: 20 },
    );
  });

  it('LearnerHandler.run "unexpected quorum packet": in broadcast an unknown packet is reported but the learner stays', () => {
    const p = leader();
    p.receive(1, { type: 'ZAB', conn: 'c1', seq: 1, packets: [{ type: 'FOLLOWERINFO', zxid: makeZxid(1, 0) }] });
    p.receive(1, { type: 'ZAB', conn: 'c1', seq: 2, packets: [{ type: 'ACKEPOCH', zxid: makeZxid(1, 5), currentEpoch: 1 }] });
    p.receive(1, { type: 'ZAB', conn: 'c1', seq: 3, packets: [{ type: 'ACK', zxid: makeZxid(2, 0) }] });
    expect(p.isEstablishedLeader()).toBe(true);
    const outs = p.receive(1, { type: 'ZAB', conn: 'c1', seq: 4, packets: [{ type: 'NEWLEADER', zxid: makeZxid(2, 0) }] });
    expect(events(outs)).toContainEqual(expect.objectContaining({ type: 'protocolError', stage: 'broadcast', packet: 'NEWLEADER', dropped: false }));
    expect(p.leader?.handlers.get(1)?.stage.name).toBe('broadcast');
  });

  it('Learner.syncWithLeader "Got unexpected packet from leader ..., exiting": a PROPOSAL before DIFF/TRUNC/SNAP is fatal and the server stops executing', () => {
    const f = follower();
    const txn = { zxid: makeZxid(1, 1), data: 'p' };
    const outs = f.deliver({ type: 'PROPOSAL', zxid: txn.zxid, txn }, { type: 'DIFF', zxid: 0n });
    expect(events(outs).map((e) => e.type)).toEqual(['protocolError', 'fatal']);
    expect(f.p.halted).toMatch(/unexpected packet/);
    // Nothing after the fatal event ran (the DIFF in the same message), and nothing runs later.
    expect(f.p.learner?.stage.name).toBe('syncStart');
    expect(f.p.onTimer('learner-read')).toEqual([]);
    expect(f.p.receive(2, note('LOOKING', 2, 5))).toEqual([]);
  });

  it('FollowerZooKeeperServer.commit "Committing zxid ... but next pending txn ...": a COMMIT out of order is fatal and stops the server', () => {
    const f = follower();
    const a = { zxid: makeZxid(1, 1), data: 'a' };
    const b = { zxid: makeZxid(1, 2), data: 'b' };
    f.deliver({ type: 'DIFF', zxid: 0n }, { type: 'NEWLEADER', zxid: makeZxid(1, 0) }, { type: 'UPTODATE', zxid: -1n });
    f.deliver({ type: 'PROPOSAL', zxid: a.zxid, txn: a }, { type: 'PROPOSAL', zxid: b.zxid, txn: b });
    const outs = f.deliver({ type: 'COMMIT', zxid: b.zxid });
    expect(events(outs)).toEqual([{ type: 'fatal', reason: 'Committing zxid 0x100000002 but next pending txn 0x100000001' }]);
    expect(f.p.historyZxids()).toEqual([]);
    expect(f.p.receive(2, note('LOOKING', 2, 5))).toEqual([]);
  });

  it('a Learner in registerWithLeader that gets anything but LEADERINFO drops the connection and goes LOOKING ("First packet should have been NEWLEADER")', () => {
    const p = new QuorumPeer({ myid: 1, verifier: new QuorumMaj([1, 2, 3]), servers: [1, 2, 3] }, emptyDurable());
    p.start();
    p.receive(2, note('LEADING', 2, 1));
    const conn = connOf(p.receive(3, note('FOLLOWING', 2, 1)));
    const outs = p.receive(2, { type: 'ZAB', conn, seq: 1, packets: [{ type: 'DIFF', zxid: 0n }] });
    expect(events(outs)).toContainEqual(expect.objectContaining({ type: 'protocolError', stage: 'registering', packet: 'DIFF', dropped: true }));
    expect(p.state).toBe('LOOKING');
  });
});

describe('typed timers', () => {
  it('a LearnerHandler read timer carries its sid as data: firing {learner-handler, sid 1} closes only learner 1', () => {
    const p = leader();
    p.receive(1, { type: 'ZAB', conn: 'c1', seq: 1, packets: [{ type: 'FOLLOWERINFO', zxid: makeZxid(1, 0) }] });
    const armed = p.receive(2, { type: 'ZAB', conn: 'c2', seq: 1, packets: [{ type: 'FOLLOWERINFO', zxid: makeZxid(1, 0) }] });
    expect(armed).toContainEqual({ kind: 'timer', timer: { name: 'learner-handler', sid: 2 }, delayMs: 20_000 });
    p.onTimer({ name: 'learner-handler', sid: 1 });
    expect([...(p.leader?.handlers.keys() ?? [])]).toEqual([2]);
  });
});

describe('what the ensemble and the monitor make of it', () => {
  it('SafetyMonitor: a protocolError is a violation ("every Zab packet arrives in a stage with a transition for it")', () => {
    const e = new Ensemble({ n: 3, seed: 1 });
    const m = new SafetyMonitor(e);
    e.startAll();
    e.runUntil((x) => x.stable());
    expect(m.violations).toEqual([]);
    const peer = e.peer(1);
    if (peer === undefined) throw new Error('s1 is up');
    const error = new ZkError('PROTOCOL', 'expected ACKEPOCH from learner 2 in stage ackEpoch, found ACK 0x0');
    for (const l of e.listeners) l({ t: e.sim.now(), sid: 1, peer, event: { type: 'protocolError', error, peer: 2, stage: 'ackEpoch', packet: 'ACK', dropped: true } });
    expect(m.violations.map((v) => v.property)).toEqual(['every Zab packet arrives in a stage with a transition for it']);
  });

  it('an Ensemble treats a halted server (ZooKeeper exited) as DOWN, and start() runs a fresh process that rejoins', () => {
    const e = new Ensemble({ n: 3, seed: 1 });
    e.startAll();
    e.runUntil((x) => x.stable());
    const f = [1, 2, 3].find((s) => s !== e.leader()) ?? 0;
    const p = e.peer(f);
    if (p === undefined) throw new Error('follower is up');
    p.halted = 'Committing zxid 0x100000002 but next pending txn 0x100000001';
    expect(e.role(f)).toBe('DOWN');
    expect(e.halted(f)).toMatch(/next pending txn/);
    expect(e.stable()).toBe(true); // the others still agree
    e.start(f);
    expect(e.halted(f)).toBeUndefined();
    expect(e.runUntil((x) => x.stable() && x.role(f) === 'FOLLOWING', { maxMs: 60_000 })).toBe(true);
  });
});
