/**
 * CLIENT UNBLOCK <id> [TIMEOUT|ERROR] of a client blocked in WAIT numreplicas timeout
 * (redis/redis src/networking.c clientCommand "unblock", src/blocked.c
 * replyToBlockedClientTimedOut / unblockClient, src/replication.c unblockClientWaitingReplicas,
 * 7.0), through the server on the in-memory replication network (replication-pump.ts). The
 * expected replies are the ones redis-server 7.0.15 gave (client-unblock-wait.peer.test.ts
 * compares the bytes).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ReplPump, text } from './replication-pump.js';

/** The waiter's error reply, as redis-server 7.0.15 sends it (networking.c clientCommand "unblock"). */
const UNBLOCKED = '-UNBLOCKED client unblocked via CLIENT UNBLOCK';

type PumpClient = ReturnType<ReplPump['client']>;

/** A master on 6379 with `replicas` replicas (6380…), all synced. */
function cluster(replicas: number): ReplPump {
  const net = new ReplPump();
  net.add(6379);
  for (let i = 0; i < replicas; i++) {
    net.add(6380 + i);
    net.client(6380 + i).send('REPLICAOF', '127.0.0.1', 6379);
  }
  net.drain();
  return net;
}

const idOf = (c: PumpClient): number => Number(text(c.send('CLIENT', 'ID')[0]));
const repliesOf = (net: ReplPump, c: PumpClient): (string | number | null)[] => (net.replies.get(`6379/${c.connId}`) ?? []).map(text);

describe('CLIENT UNBLOCK of a client blocked in WAIT (networking.c clientCommand, blocked.c replyToBlockedClientTimedOut BLOCKED_WAIT, 7.0)', () => {
  test('TIMEOUT (the default): the caller gets :1 and the waiter the count of replicas that acked its write; a second CLIENT UNBLOCK gets :0', () => {
    const net = cluster(1);
    const w = net.client(6379);
    const a = net.client(6379);
    const id = idOf(w);
    expect(w.send('SET', 'k', 'v').map(text)).toEqual(['OK']);
    expect(w.send('WAIT', 2, 0)).toEqual([]);
    expect(a.send('CLIENT', 'UNBLOCK', id).map(text)).toEqual([1]);
    expect(repliesOf(net, w).slice(-1)).toEqual([1]);
    expect(a.send('CLIENT', 'UNBLOCK', id).map(text)).toEqual([0]);
    expect(net.nodes.get(6379)?.repl.st.waiting).toEqual([]);
  });

  test('ERROR: the waiter gets -UNBLOCKED client unblocked via CLIENT UNBLOCK, counted in errorstats as UNBLOCKED', () => {
    const net = cluster(1);
    const w = net.client(6379);
    const a = net.client(6379);
    const id = idOf(w);
    w.send('SET', 'k', 'v2');
    expect(w.send('WAIT', 3, 0)).toEqual([]);
    expect(a.send('CLIENT', 'UNBLOCK', id, 'ERROR').map(text)).toEqual([1]);
    expect(repliesOf(net, w).slice(-1)).toEqual([UNBLOCKED]);
    expect(String(text(a.send('INFO', 'errorstats')[0]))).toContain('errorstat_UNBLOCKED:count=1');
  });

  test('a WAIT with a timeout, unblocked with a lower-case reason, and a WAIT with no replica at all: the count now (:1, then :0)', () => {
    const net = cluster(1);
    const w = net.client(6379);
    const a = net.client(6379);
    const id = idOf(w);
    expect(w.send('WAIT', 2, 100_000)).toEqual([]);
    expect(a.send('CLIENT', 'UNBLOCK', id, 'timeout').map(text)).toEqual([1]);
    expect(repliesOf(net, w).slice(-1)).toEqual([1]);
    const lone = cluster(0);
    const lw = lone.client(6379);
    const la = lone.client(6379);
    const lid = idOf(lw); // asked before WAIT: a CLIENT ID sent behind a blocked WAIT would wait for its answer
    expect(lw.send('WAIT', 1, 0)).toEqual([]);
    expect(la.send('CLIENT', 'UNBLOCK', lid, 'TIMEOUT').map(text)).toEqual([1]);
    expect(repliesOf(lone, lw).slice(-1)).toEqual([0]);
  });

  test('a client not blocked, or no client with that id: :0, and nobody gets a reply', () => {
    const net = cluster(1);
    const w = net.client(6379);
    const a = net.client(6379);
    const id = idOf(w);
    expect(w.send('WAIT', 1, 0).map(text)).toEqual([1]); // enough replicas: WAIT does not block
    expect(a.send('CLIENT', 'UNBLOCK', id).map(text)).toEqual([0]);
    expect(a.send('CLIENT', 'UNBLOCK', 999_999, 'ERROR').map(text)).toEqual([0]);
    expect(repliesOf(net, w)).toEqual([id, 1]);
  });

  test('a RESP3 waiter (HELLO 3) gets the same integer reply', () => {
    const net = cluster(0);
    const w = net.client(6379);
    const a = net.client(6379);
    const id = idOf(w);
    w.send('HELLO', 3);
    expect(w.send('WAIT', 2, 0)).toEqual([]);
    expect(a.send('CLIENT', 'UNBLOCK', id).map(text)).toEqual([1]);
    expect(repliesOf(net, w).slice(-1)).toEqual([0]);
  });

  test('an unblocked WAIT client gets exactly one reply and never a second one when replicas ack later or its deadline passes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(0, 300, 5_000),
        fc.constantFrom<string[]>([], ['TIMEOUT'], ['timeout'], ['ERROR'], ['Error']),
        fc.integer({ min: 0, max: 3 }),
        (replicas, extra, timeoutMs, reason, laterWrites) => {
          const net = cluster(replicas);
          const w = net.client(6379);
          const a = net.client(6379);
          const id = idOf(w);
          w.send('SET', 'k', 'v');
          // More replicas than exist: the WAIT blocks whatever the acks.
          expect(w.send('WAIT', replicas + extra, timeoutMs)).toEqual([]);
          expect(a.send('CLIENT', 'UNBLOCK', id, ...reason).map(text)).toEqual([1]);
          const isError = reason[0]?.toLowerCase() === 'error';
          // Every replica acked the SET (GETACK delivered): the count is the number of replicas.
          const want = isError ? UNBLOCKED : replicas;
          expect(repliesOf(net, w)).toEqual([id, 'OK', want]);
          // Later writes make the replicas ack again; the clock passes any deadline.
          for (let i = 0; i < laterWrites; i++) a.send('SET', `later${i}`, 'x');
          net.advance(6_000);
          expect(repliesOf(net, w)).toEqual([id, 'OK', want]);
          expect(a.send('CLIENT', 'UNBLOCK', id, ...reason).map(text)).toEqual([0]);
          // The connection goes on: its next command is answered normally.
          expect(w.send('PING').map(text)).toEqual(['PONG']);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('WAIT inside MULTI/EXEC never blocks (replication.c waitCommand: CLIENT_MULTI): EXEC carries the count now, and CLIENT UNBLOCK finds nothing', () => {
    const net = cluster(1);
    const w = net.client(6379);
    const a = net.client(6379);
    const id = idOf(w);
    expect(w.send('MULTI').map(text)).toEqual(['OK']);
    expect(w.send('WAIT', 2, 0).map(text)).toEqual(['QUEUED']);
    expect(w.send('EXEC')).toEqual([{ type: 'array', value: [{ type: 'integer', value: 1n }] }]);
    expect(net.nodes.get(6379)?.repl.st.waiting).toEqual([]);
    expect(a.send('CLIENT', 'UNBLOCK', id).map(text)).toEqual([0]);
  });

  test('unblocking one of several waiters answers only that one; the others are still answered by their ACKs or deadlines', () => {
    const net = cluster(1);
    const a = net.client(6379);
    const ws = [net.client(6379), net.client(6379), net.client(6379)];
    const ids = ws.map(idOf);
    for (const w of ws) expect(w.send('WAIT', 2, 1_000)).toEqual([]);
    expect(a.send('CLIENT', 'UNBLOCK', ids[1] ?? 0, 'ERROR').map(text)).toEqual([1]);
    expect(ws.map((w) => repliesOf(net, w).length)).toEqual([1, 2, 1]);
    net.advance(1_100);
    expect(ws.map((w) => repliesOf(net, w).slice(1))).toEqual([[1], [UNBLOCKED], [1]]);
  });
});
