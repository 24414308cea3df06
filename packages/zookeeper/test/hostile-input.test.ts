// Bad input is a typed error, never a hang, a crash or unbounded memory (issue 13.11). Server ids
// are ZooKeeper's `myid`: a non-negative integer (QuorumPeerConfig parses it with Long.parseLong).
import { describe, expect, it } from 'vitest';
import { emptyDurable, Ensemble, QuorumMaj, QuorumPeer, syncFollower, ZkError, ZkInvariantError } from '@protolab/zookeeper';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return e instanceof ZkError ? e.code : `untyped: ${String(e)}`;
  }
  return undefined;
};

describe('server ids NaN, -1, 1.5 are typed errors', () => {
  for (const sid of [Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY]) {
    it(`sid ${String(sid)}: Ensemble voters/observers, start, stop, partition, isolate, write and QuorumPeer's myid all refuse it with BAD_INPUT`, () => {
      expect(codeOf(() => new Ensemble({ voters: [1, 2, sid], seed: 1 }))).toBe('BAD_INPUT');
      expect(codeOf(() => new Ensemble({ voters: [1, 2, 3], observers: [sid], seed: 1 }))).toBe('BAD_INPUT');
      const e = new Ensemble({ n: 3, seed: 1 });
      expect(codeOf(() => { e.start(sid); })).toBe('BAD_INPUT');
      expect(codeOf(() => { e.stop(sid); })).toBe('BAD_INPUT');
      expect(codeOf(() => { e.partition([1], [sid]); })).toBe('BAD_INPUT');
      expect(codeOf(() => { e.isolate(sid); })).toBe('BAD_INPUT');
      expect(codeOf(() => e.write('x', sid))).toBe('BAD_INPUT');
      expect(codeOf(() => e.epochs(sid))).toBe('BAD_INPUT');
      expect(codeOf(() => new QuorumPeer({ myid: sid, verifier: new QuorumMaj([1, 2, 3]), servers: [1, 2, 3] }, emptyDurable()))).toBe('BAD_INPUT');
    });
  }

  it('an ensemble size that is not a positive integer is BAD_CONFIG', () => {
    for (const n of [Number.NaN, 0, -3, 2.5]) expect(codeOf(() => new Ensemble({ n, seed: 1 }))).toBe('BAD_CONFIG');
  });
});

describe('Ensemble.events stays bounded', () => {
  function busy(opts: { trace?: boolean; eventLimit?: number }): Ensemble {
    const e = new Ensemble({ n: 3, seed: 7, ...opts });
    e.startAll();
    e.runUntil((x) => x.stable());
    for (let i = 0; i < 50; i++) e.write(`w${String(i)}`);
    e.runFor(2000);
    return e;
  }

  it('with the trace off no event is kept, yet every one is counted in eventCounts', () => {
    const e = busy({ trace: false });
    expect(e.events).toHaveLength(0);
    expect(e.eventCounts.get('committed')).toBe(50);
  });

  it('with eventLimit 10 only the newest 10 events are kept, oldest first', () => {
    const all = busy({ eventLimit: 1_000_000 }).events;
    const last10 = busy({ eventLimit: 10 }).events;
    expect(last10).toHaveLength(10);
    expect(last10.map((x) => [x.t, x.sid, x.event.type])).toEqual(all.slice(-10).map((x) => [x.t, x.sid, x.event.type]));
  });

  it('a negative or fractional eventLimit is BAD_CONFIG', () => {
    expect(codeOf(() => new Ensemble({ n: 3, seed: 1, eventLimit: -1 }))).toBe('BAD_CONFIG');
    expect(codeOf(() => new Ensemble({ n: 3, seed: 1, eventLimit: 0.5 }))).toBe('BAD_CONFIG');
  });
});

describe("syncFollower's inputs are checked for order, not only for type", () => {
  const base = { peerLastZxid: 2n, lastProcessedZxid: 9n, txnLog: { zxids: [] as bigint[], withinSizeLimit: true } };

  it('a committedLog that descends to a zxid never listed before is a ZkInvariantError naming the rule', () => {
    let err: unknown;
    try {
      syncFollower({ ...base, committedLog: [3n, 5n, 4n] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ZkInvariantError);
    expect((err as ZkInvariantError).rule).toBe('syncFollower: committedLog ascends (a zxid may only repeat one listed before it)');
  });

  it('the repeated block of LearnerHandlerTest.testDuplicatedTxn is still accepted', () => {
    expect(syncFollower({ ...base, peerLastZxid: 3n, committedLog: [3n, 5n, 3n, 5n] }).packets[0]).toEqual({ type: 'DIFF', zxid: 5n });
  });

  it('a descending txn log and a committedLog past lastProcessedZxid are invariant errors too', () => {
    expect(() => syncFollower({ ...base, committedLog: [], txnLog: { zxids: [4n, 1n], withinSizeLimit: true } })).toThrow(ZkInvariantError);
    expect(() => syncFollower({ ...base, committedLog: [3n, 10n] })).toThrow(/maxCommittedLog <= lastProcessedZxid/);
  });

  it('a zxid that is not a bigint is BAD_INPUT', () => {
    expect(codeOf(() => syncFollower({ ...base, peerLastZxid: 2 as unknown as bigint, committedLog: [] }))).toBe('BAD_INPUT');
  });
});
