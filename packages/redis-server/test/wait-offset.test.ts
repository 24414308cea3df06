/**
 * The offset WAIT waits for is the client's `c->woff`, which redis/redis src/server.c
 * processCommand (7.0) sets to `server.master_repl_offset` right after call() for every command
 * the client runs, reads too, not only after its writes: it also covers what the master fed its
 * replicas in between for other clients (another client's write, the `REPLCONF GETACK *` that
 * beforeSleep sends for another client's WAIT). src/replication.c waitCommand then counts the
 * replicas whose acked offset reaches c->woff (replicationCountAcksByOffset). Through the server
 * on the in-memory replication network (replication-pump.ts); the first case is what
 * redis-server 7.0.15 answered (wait-blocked-clients.peer.test.ts runs it against the real one).
 */
import { describe, expect, test } from 'vitest';
import type { RespValue } from '@protolab/resp';
import { ReplPump, replInfo, text } from './replication-pump.js';

type Shown = string | number | null | Shown[];
/** A reply as text, arrays (EXEC's) element by element. */
const show = (v: RespValue): Shown => (v.type === 'array' ? v.value.map(show) : text(v));

/** A master on 6379 with one replica on 6380, synced. */
function masterWithReplica(): ReplPump {
  const net = new ReplPump();
  net.add(6379);
  net.add(6380);
  net.client(6380).send('REPLICAOF', '127.0.0.1', 6379);
  net.drain();
  return net;
}

const masterOffset = (net: ReplPump): number => Number(replInfo(net.nodes.get(6379)!).get('master_repl_offset'));

describe("WAIT waits for the offset after the client's last command, reads included (server.c processCommand c->woff, 7.0)", () => {
  test('a client that never wrote runs MULTI / WAIT 1 0 / EXEC right after another client blocked in WAIT: *1 :0 (its offset covers the GETACK the replica has not acked yet), and :1 after the replica\'s periodic ACK', () => {
    const net = masterWithReplica();
    const w = net.client(6379);
    const r = net.client(6379);
    expect(w.send('SET', 'k', 'v').map(show)).toEqual(['OK']);
    const beforeWait = masterOffset(net);
    expect(w.send('WAIT', 2, 0)).toEqual([]); // one replica: blocked; beforeSleep sends REPLCONF GETACK *
    const afterGetack = masterOffset(net);
    expect(afterGetack).toBeGreaterThan(beforeWait);
    expect(r.send('MULTI').map(show)).toEqual(['OK']);
    expect(r.send('WAIT', 1, 0).map(show)).toEqual(['QUEUED']);
    // The replica answered the GETACK with the offset it had before it (beforeWait).
    expect(r.send('EXEC').map(show)).toEqual([[0]]);
    net.advance(1_100); // replicationCron on the replica: REPLCONF ACK of the whole stream
    expect(r.send('MULTI').map(show)).toEqual(['OK']);
    expect(r.send('WAIT', 1, 0).map(show)).toEqual(['QUEUED']);
    expect(r.send('EXEC').map(show)).toEqual([[1]]);
  });

  test("a read-only client's WAIT 1 0 right after its own GET, with the replica caught up, answers :1 at once (no GETACK sent)", () => {
    const net = masterWithReplica();
    const w = net.client(6379);
    const r = net.client(6379);
    expect(w.send('SET', 'k', 'v').map(show)).toEqual(['OK']);
    net.advance(1_100); // the replica acks the SET
    expect(r.send('GET', 'k').map(show)).toEqual(['v']);
    const before = masterOffset(net);
    expect(r.send('WAIT', 1, 0).map(show)).toEqual([1]);
    // Not blocked: a blocked WAIT makes beforeSleep feed REPLCONF GETACK *, moving the offset.
    expect(masterOffset(net)).toBe(before);
  });

  test("a read-only client's GET after another client's write not yet acked: its WAIT 1 0 waits for that write (blocks and sends GETACK), answered :1 by the replica's ACK", () => {
    const net = masterWithReplica();
    const w = net.client(6379);
    const r = net.client(6379);
    net.advance(1_100);
    expect(w.send('SET', 'k', 'v').map(show)).toEqual(['OK']);
    expect(r.send('GET', 'k').map(show)).toEqual(['v']);
    const before = masterOffset(net);
    // The replica's ACK to the GETACK covers the SET, so the WAIT is answered in the same round.
    expect(r.send('WAIT', 1, 0).map(show)).toEqual([1]);
    expect(masterOffset(net)).toBeGreaterThan(before);
  });

  test('a client whose only command is WAIT 1 0 (offset 0) gets :1 at once, even with a write not acked yet', () => {
    const net = masterWithReplica();
    const w = net.client(6379);
    const r = net.client(6379);
    expect(w.send('SET', 'k', 'v').map(show)).toEqual(['OK']);
    const before = masterOffset(net);
    expect(r.send('WAIT', 1, 0).map(show)).toEqual([1]);
    expect(masterOffset(net)).toBe(before);
  });

  test('a command queued by MULTI does not move the offset; EXEC and MULTI do (processCommand sets c->woff only after call())', () => {
    const net = masterWithReplica();
    const w = net.client(6379);
    const r = net.client(6379);
    net.advance(1_100);
    expect(r.send('MULTI').map(show)).toEqual(['OK']);
    // Another client's write after r's MULTI: r's offset (set after MULTI) does not cover it.
    expect(w.send('SET', 'k', 'v').map(show)).toEqual(['OK']);
    expect(r.send('GET', 'k').map(show)).toEqual(['QUEUED']);
    expect(r.send('WAIT', 1, 0).map(show)).toEqual(['QUEUED']);
    expect(r.send('EXEC').map(show)).toEqual([['v', 1]]);
    // After EXEC its offset covers the SET, which the replica has not acked: WAIT 1 0 blocks.
    const before = masterOffset(net);
    expect(r.send('MULTI').map(show)).toEqual(['OK']);
    expect(r.send('WAIT', 1, 0).map(show)).toEqual(['QUEUED']);
    expect(r.send('EXEC').map(show)).toEqual([[0]]);
    expect(masterOffset(net)).toBe(before);
  });
});
