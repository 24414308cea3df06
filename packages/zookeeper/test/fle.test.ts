// FastLeaderElection as a state machine, one scripted server at a time (lookForLeader and
// WorkerReceiver of zookeeper-server/.../quorum/FastLeaderElection.java, 3.8).
import { describe, expect, it } from 'vitest';
import {
  FastLeaderElection,
  makeZxid,
  MIN_LONG,
  MIN_LONG_NUMBER,
  QuorumMaj,
  type FleAction,
  type FleHost,
  type Notification,
  type ServerState,
  type Vote,
} from '@protolab/zookeeper';

interface Harness {
  fle: FastLeaderElection;
  host: FleHost & { state: ServerState; vote: Vote };
  out: FleAction[];
}

function server(myid: number, voters: number[], opts: { zxid?: bigint; epoch?: number; observer?: boolean } = {}): Harness {
  const host = {
    myid,
    verifier: new QuorumMaj(voters),
    isParticipant: opts.observer !== true,
    state: 'LOOKING' as ServerState,
    vote: { leader: myid, zxid: opts.zxid ?? 0n, peerEpoch: opts.epoch ?? 0, electionEpoch: 0, state: 'LOOKING', version: 2 } as Vote,
    getLastLoggedZxid: () => opts.zxid ?? 0n,
    getCurrentEpoch: () => opts.epoch ?? 0,
    getPeerState(): ServerState {
      return host.state;
    },
    getCurrentVote(): Vote {
      return host.vote;
    },
  };
  return { fle: new FastLeaderElection(host), host, out: [] };
}

const looking = (leader: number, zxid: bigint, round: number, peerEpoch = 0): Notification => ({ type: 'NOTIFICATION', state: 'LOOKING', leader, zxid, electionEpoch: round, peerEpoch, version: 2 });
const nonLooking = (state: ServerState, leader: number, zxid: bigint, round: number, peerEpoch = 0): Notification => ({ type: 'NOTIFICATION', state, leader, zxid, electionEpoch: round, peerEpoch, version: 2 });

function take(h: Harness): FleAction[] {
  const o = h.out.slice();
  h.out.length = 0;
  return o;
}
const sends = (acts: FleAction[]): { to: number; msg: Notification }[] => acts.flatMap((a) => (a.kind === 'send' ? [{ to: a.to, msg: a.msg }] : []));
const decided = (acts: FleAction[]): Extract<FleAction, { kind: 'decided' }> | undefined => acts.find((a): a is Extract<FleAction, { kind: 'decided' }> => a.kind === 'decided');

describe('FastLeaderElection.lookForLeader', () => {
  it('starts round 1 with its own vote (myid, lastLoggedZxid, currentEpoch) to every other voter; its own copy is looped back', () => {
    const h = server(2, [1, 2, 3], { zxid: makeZxid(1, 7), epoch: 1 });
    h.fle.lookForLeader(h.out);
    const acts = take(h);
    expect(h.fle.logicalclock).toBe(1);
    expect(sends(acts).map((s) => s.to).sort()).toEqual([1, 3]);
    expect(sends(acts)[0]!.msg).toMatchObject({ state: 'LOOKING', leader: 2, zxid: makeZxid(1, 7), electionEpoch: 1, peerEpoch: 1 });
    // the looped-back self vote is already in recvset
    expect(h.fle.recvset.get(2)).toMatchObject({ leader: 2, electionEpoch: 1 });
    expect(acts).toContainEqual({ kind: 'timer', name: 'fle-poll', delayMs: 200 });
  });

  it('notification timeout doubles on every empty poll, 200 ms up to maxNotificationInterval 60 s, re-sending each time', () => {
    const h = server(1, [1, 2, 3]);
    h.fle.lookForLeader(h.out);
    take(h);
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      h.fle.onPollTimeout(h.out);
      const acts = take(h);
      expect(sends(acts).length).toBe(2);
      // The looped-back self notification is handled first and re-arms the poll too; the last
      // arming is the one that counts.
      const timers = acts.filter((a) => a.kind === 'timer');
      delays.push(timers[timers.length - 1]!.delayMs);
    }
    expect(delays).toEqual([400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000, 60000, 60000]);
  });

  it('a higher vote in the same round is adopted and re-broadcast; a lower one is only recorded', () => {
    const h = server(1, [1, 2, 3, 4, 5]);
    h.fle.lookForLeader(h.out);
    take(h);
    h.fle.receive(4, looking(4, 0n, 1), h.out);
    const acts = take(h);
    expect(h.fle.proposal.leader).toBe(4);
    expect(sends(acts).length).toBe(4);
    h.fle.receive(2, looking(2, 0n, 1), h.out);
    expect(sends(take(h))).toEqual([]);
    expect(h.fle.recvset.get(2)?.leader).toBe(2);
  });

  it('jumping to a higher round compares the received vote with my INITIAL vote, not my current proposal', () => {
    const h = server(1, [1, 2, 3, 4, 5], { zxid: makeZxid(1, 5), epoch: 1 });
    h.fle.lookForLeader(h.out);
    h.fle.receive(3, looking(3, makeZxid(1, 9), 1, 1), h.out);
    expect(h.fle.proposal.leader).toBe(3);
    // round 2 news: server 2 with zxid (1,7) — better than my initial (1,5), worse than 3's (1,9)
    h.fle.receive(2, looking(2, makeZxid(1, 7), 2, 1), h.out);
    expect(h.fle.logicalclock).toBe(2);
    expect(h.fle.proposal).toEqual({ leader: 2, zxid: makeZxid(1, 7), peerEpoch: 1 });
    expect([...h.fle.recvset.keys()].sort()).toEqual([1, 2]); // cleared, then 2 and my own new vote
  });

  it('a LOOKING notification from an older round is dropped, and the sender gets my current proposal', () => {
    const h = server(3, [1, 2, 3]);
    h.fle.lookForLeader(h.out);
    h.fle.receive(1, looking(1, 0n, 5), h.out); // jump to round 5
    take(h);
    h.fle.receive(2, looking(2, 0n, 4), h.out);
    const acts = sends(take(h));
    expect(acts).toEqual([{ to: 2, msg: expect.objectContaining({ state: 'LOOKING', leader: 3, electionEpoch: 5 }) as unknown }]);
    expect(h.fle.recvset.has(2)).toBe(false);
  });

  it('finalizeWait: after a quorum it waits 200 ms; a worse vote is discarded (and the wait restarts), a better one resumes the election', () => {
    const h = server(3, [1, 2, 3, 4, 5]);
    h.fle.lookForLeader(h.out);
    h.fle.receive(1, looking(3, 0n, 1), h.out);
    h.fle.receive(2, looking(3, 0n, 1), h.out);
    let acts = take(h);
    expect(h.fle.finalizing).toBe(true);
    expect(acts).toContainEqual({ kind: 'timer', name: 'fle-finalize', delayMs: 200 });
    h.fle.receive(4, looking(2, 0n, 1), h.out); // worse: discarded
    acts = take(h);
    expect(acts).toEqual([{ kind: 'timer', name: 'fle-finalize', delayMs: 200 }]);
    expect(h.fle.recvset.has(4)).toBe(false);
    h.fle.receive(5, looking(5, 0n, 1), h.out); // better: back to the loop
    acts = take(h);
    expect(h.fle.finalizing).toBe(false);
    expect(h.fle.proposal.leader).toBe(5);
    expect(decided(acts)).toBeUndefined();
  });

  it('when the 200 ms pass with nothing better, the proposed leader wins: LEADING for itself, FOLLOWING otherwise', () => {
    const h = server(3, [1, 2, 3]);
    h.fle.lookForLeader(h.out);
    h.fle.receive(1, looking(3, 0n, 1), h.out);
    take(h);
    h.fle.onFinalizeTimeout(h.out);
    expect(decided(take(h))).toMatchObject({ state: 'LEADING', vote: { leader: 3, electionEpoch: 1 }, via: 'LOOKING' });
    const f = server(1, [1, 2, 3]);
    f.fle.lookForLeader(f.out);
    f.fle.receive(3, looking(3, 0n, 1), f.out);
    f.fle.onFinalizeTimeout(f.out);
    expect(decided(take(f))).toMatchObject({ state: 'FOLLOWING', vote: { leader: 3 } });
  });

  it('a newcomer follows an established leader although its own sid and zxid are larger (FOLLOWING/LEADING quorum + checkLeader)', () => {
    const h = server(5, [1, 2, 3, 4, 5], { zxid: makeZxid(1, 99), epoch: 1 });
    h.fle.lookForLeader(h.out);
    take(h);
    h.fle.receive(1, nonLooking('FOLLOWING', 3, makeZxid(1, 3), 4, 1), h.out);
    h.fle.receive(2, nonLooking('FOLLOWING', 3, makeZxid(1, 3), 4, 1), h.out);
    expect(decided(take(h))).toBeUndefined(); // no LEADING notification from 3 yet
    h.fle.receive(3, nonLooking('LEADING', 3, makeZxid(1, 3), 4, 1), h.out);
    const d = decided(take(h));
    expect(d).toMatchObject({ state: 'FOLLOWING', vote: { leader: 3 }, via: 'outofelection' });
    expect(h.fle.logicalclock).toBe(4); // adopts the leader's round
  });

  it('FLEBackwardElectionRoundTest (ZOOKEEPER-1514): stale FOLLOWING votes from an old round elect me once, but not again in a later round', () => {
    const h = server(1, [1, 2, 3]);
    h.fle.lookForLeader(h.out);
    h.fle.receive(2, nonLooking('FOLLOWING', 1, 0n, 1), h.out);
    h.fle.receive(3, nonLooking('FOLLOWING', 1, 0n, 1), h.out);
    expect(decided(take(h))).toMatchObject({ state: 'LEADING', via: 'in-round' });
    // Leading failed; a new round. The same stale notifications arrive again.
    h.host.state = 'LOOKING';
    h.fle.lookForLeader(h.out);
    expect(h.fle.logicalclock).toBe(2);
    h.fle.receive(2, nonLooking('FOLLOWING', 1, 0n, 1), h.out);
    h.fle.receive(3, nonLooking('FOLLOWING', 1, 0n, 1), h.out);
    expect(decided(take(h))).toBeUndefined();
    expect(h.fle.outofelection.size).toBe(2);
  });

  it('a server that is not LOOKING answers a LOOKING peer with the vote its last election ended with, and ignores non-LOOKING ones', () => {
    const h = server(2, [1, 2, 3]);
    h.host.state = 'FOLLOWING';
    h.host.vote = { leader: 3, zxid: makeZxid(1, 4), electionEpoch: 7, peerEpoch: 2, state: 'FOLLOWING', version: 0 };
    h.fle.receive(1, looking(1, 0n, 8), h.out);
    expect(sends(take(h))).toEqual([{ to: 1, msg: expect.objectContaining({ state: 'FOLLOWING', leader: 3, zxid: makeZxid(1, 4), electionEpoch: 7, peerEpoch: 2 }) as unknown }]);
    h.fle.receive(3, nonLooking('LEADING', 3, 0n, 7), h.out);
    expect(sends(take(h))).toEqual([]);
  });

  it('observers vote (MIN_LONG, MIN_LONG, MIN_LONG), never count, and get the voter\'s current vote in reply', () => {
    const o = server(4, [1, 2, 3], { observer: true });
    expect(o.fle.initVote()).toEqual({ leader: MIN_LONG_NUMBER, zxid: MIN_LONG, peerEpoch: MIN_LONG_NUMBER });
    const v = server(1, [1, 2, 3]);
    v.fle.lookForLeader(v.out);
    take(v);
    v.fle.receive(4, looking(MIN_LONG_NUMBER, MIN_LONG, 1, MIN_LONG_NUMBER), v.out);
    const acts = sends(take(v));
    expect(acts).toHaveLength(1);
    expect(acts[0]!.to).toBe(4);
    expect(v.fle.recvset.has(4)).toBe(false);
    // The observer follows what a quorum of voters names, and ends OBSERVING.
    o.fle.lookForLeader(o.out);
    o.fle.receive(1, nonLooking('FOLLOWING', 3, 0n, 1, 1), o.out);
    o.fle.receive(3, nonLooking('LEADING', 3, 0n, 1, 1), o.out);
    expect(decided(take(o))).toMatchObject({ state: 'OBSERVING', vote: { leader: 3 } });
  });
});
