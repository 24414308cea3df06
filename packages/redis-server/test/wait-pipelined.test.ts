/**
 * Commands pipelined behind a WAIT that blocks wait for its answer, as in redis/redis 7.0:
 * src/networking.c processInputBuffer runs nothing more of a client while CLIENT_BLOCKED
 * (src/replication.c waitCommand → src/blocked.c blockClient BLOCKED_WAIT); the answer — the acks
 * (processClientsWaitingReplicas), the timeout (replyToBlockedClientTimedOut), CLIENT UNBLOCK,
 * or -UNBLOCKED when the master turns replica (disconnectAllBlockedClients) — is followed by
 * unblockClient → queueClientForReprocessing, and processUnblockedClients runs the rest in the
 * same beforeSleep, after the reply. A connection that closes while blocked loses them. Through
 * the server on the in-memory replication network (replication-pump.ts); the replies are those
 * redis-server 7.0.15 gave (wait-pipelined.peer.test.ts compares the bytes).
 */
import { describe, expect, test } from 'vitest';
import { ReplPump, text } from './replication-pump.js';

/** A master on 6379 with one replica on 6380, synced. */
function masterWithReplica(): ReplPump {
  const net = new ReplPump();
  net.add(6379);
  net.add(6380);
  net.client(6380).send('REPLICAOF', '127.0.0.1', 6379);
  net.drain();
  return net;
}

type PumpClient = ReturnType<ReplPump['client']>;
const all = (net: ReplPump, c: PumpClient): (string | number | null)[] => (net.replies.get(`6379/${c.connId}`) ?? []).map(text);
const idOf = (c: PumpClient): number => Number(text(c.send('CLIENT', 'ID')[0]));

describe('commands pipelined behind a blocked WAIT run after its answer (networking.c processInputBuffer, blocked.c processUnblockedClients, 7.0)', () => {
  test('WAIT with a timeout: GET / SET / GET sent with it run when the timeout answers, after :1; another client meanwhile sees the old value', () => {
    const net = masterWithReplica();
    const w = net.client(6379);
    const a = net.client(6379);
    expect(w.pipeline(['SET', 'k', '1'], ['WAIT', 2, 300], ['GET', 'k'], ['SET', 'k', '2'], ['GET', 'k']).map(text)).toEqual(['OK']);
    expect(a.send('GET', 'k').map(text)).toEqual(['1']);
    net.advance(200);
    expect(all(net, w)).toEqual(['OK']);
    net.advance(200);
    expect(all(net, w)).toEqual(['OK', 1, '1', 'OK', '2']);
  });

  test('a WAIT the replica acks: its :1 comes before the reply of the GET sent with it', () => {
    const net = masterWithReplica();
    const w = net.client(6379);
    expect(w.pipeline(['SET', 'k', 'v'], ['WAIT', 1, 0], ['GET', 'k']).map(text)).toEqual(['OK', 1, 'v']);
  });

  test('WAIT then a second WAIT: the second blocks in its turn, and what follows it waits for both', () => {
    const net = masterWithReplica();
    const w = net.client(6379);
    expect(w.pipeline(['SET', 'k', 'v'], ['WAIT', 2, 200], ['WAIT', 2, 500], ['GET', 'k']).map(text)).toEqual(['OK']);
    net.advance(300);
    expect(all(net, w)).toEqual(['OK', 1]);
    expect(net.nodes.get(6379)?.repl.isWaiting(w.connId)).toBe(true);
    net.advance(600);
    expect(all(net, w)).toEqual(['OK', 1, 1, 'v']);
  });

  test('CLIENT UNBLOCK of the waiter (TIMEOUT, then ERROR) releases what it pipelined, and commands sent while it is blocked wait too', () => {
    const net = masterWithReplica();
    const w = net.client(6379);
    const a = net.client(6379);
    const id = idOf(w);
    expect(w.pipeline(['SET', 'k', '1'], ['WAIT', 2, 0], ['INCR', 'k']).map(text)).toEqual(['OK']);
    expect(w.pipeline(['INCR', 'k'], ['PING'])).toEqual([]); // a later read: still blocked
    expect(a.send('GET', 'k').map(text)).toEqual(['1']);
    expect(a.send('CLIENT', 'UNBLOCK', id).map(text)).toEqual([1]);
    expect(all(net, w).slice(-4)).toEqual([1, 2, 3, 'PONG']);
    expect(w.pipeline(['WAIT', 2, 0], ['INCR', 'k']).map(text)).toEqual([]);
    expect(a.send('CLIENT', 'UNBLOCK', id, 'ERROR').map(text)).toEqual([1]);
    expect(all(net, w).slice(-2)).toEqual(['-UNBLOCKED client unblocked via CLIENT UNBLOCK', 4]);
  });

  test('the connection closes while blocked: what it pipelined never runs', () => {
    const net = masterWithReplica();
    const w = net.client(6379);
    const a = net.client(6379);
    expect(w.pipeline(['SET', 'k', 'before'], ['WAIT', 2, 0], ['SET', 'k', 'after']).map(text)).toEqual(['OK']);
    const m = net.nodes.get(6379);
    m?.srv.close(w.connId);
    m?.repl.clientClosed(w.connId);
    net.advance(1_000);
    expect(a.send('GET', 'k').map(text)).toEqual(['before']);
    expect(m?.repl.isWaiting(w.connId)).toBe(false);
  });

  test('the master turns replica: -UNBLOCKED force unblock…, then the pipelined GET runs (replicationSetMaster → disconnectAllBlockedClients)', () => {
    const net = masterWithReplica();
    const w = net.client(6379);
    const a = net.client(6379);
    expect(w.pipeline(['SET', 'k', 'v'], ['WAIT', 2, 0], ['GET', 'k']).map(text)).toEqual(['OK']);
    net.down.add(6390);
    expect(a.send('REPLICAOF', '127.0.0.1', 6390).map(text)).toEqual(['OK']);
    expect(all(net, w)).toEqual(['OK', '-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)', 'v']);
  });
});
