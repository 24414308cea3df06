/**
 * A client blocked in WAIT is a blocked client (redis/redis src/blocked.c blockClient, called by
 * src/replication.c waitCommand with BLOCKED_WAIT, 7.0): INFO clients counts it in
 * `blocked_clients` (server.blocked_clients), in `clients_in_timeout_table` only when its timeout is
 * not 0 (src/timeout.c addClientToTimeoutTable), and CLIENT LIST shows flag `b` and `cmd=wait` for
 * it (src/networking.c catClientInfoString, CLIENT_BLOCKED), until it is answered: the acks arrive,
 * its timeout fires, CLIENT UNBLOCK, or it disconnects (blocked.c unblockClient). Through the
 * server on the in-memory replication network (replication-pump.ts); the numbers are the ones
 * redis-server 7.0.15 showed (wait-blocked-clients.peer.test.ts compares them).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeAll, encodeCommand } from '@protolab/resp';
import { ReplPump, text } from './replication-pump.js';

type PumpClient = ReturnType<ReplPump['client']>;

/** A master on 6379 with `replicas` replicas (6380…), all synced. */
function cluster(replicas: number): ReplPump {
  const net = new ReplPump();
  net.add(6379);
  for (let i = 0; i < replicas; i++) addReplica(net, 6380 + i);
  net.drain();
  return net;
}

function addReplica(net: ReplPump, port: number): void {
  net.add(port);
  net.client(port).send('REPLICAOF', '127.0.0.1', 6379);
  net.drain();
}

const idOf = (c: PumpClient): number => Number(text(c.send('CLIENT', 'ID')[0]));
const repliesOf = (net: ReplPump, c: PumpClient): (string | number | null)[] => (net.replies.get(`6379/${c.connId}`) ?? []).map(text);

/** INFO clients' blocked_clients and clients_in_timeout_table, as seen by `a`. */
function blockedInfo(a: PumpClient): [number, number] {
  const info = String(text(a.send('INFO', 'clients')[0]));
  const field = (name: string): number => Number(new RegExp(`\\r\\n${name}:(\\d+)\\r\\n`).exec(info)?.[1] ?? NaN);
  return [field('blocked_clients'), field('clients_in_timeout_table')];
}

/** The flags= and cmd= of client `id` in `a`'s CLIENT LIST. */
function listed(a: PumpClient, id: number): { flags: string; cmd: string } | undefined {
  const list = String(text(a.send('CLIENT', 'LIST')[0]));
  const line = list.split('\n').find((l) => l.startsWith(`id=${id} `));
  if (line === undefined) return undefined;
  return { flags: / flags=(\S*)/.exec(line)?.[1] ?? '?', cmd: / cmd=(\S*)/.exec(line)?.[1] ?? '?' };
}

/** The connection `c` closes (what the adapter does: the server, then the replication unit, forget it). */
function disconnect(net: ReplPump, c: PumpClient): void {
  const m = net.nodes.get(6379);
  m?.srv.close(c.connId);
  m?.repl.clientClosed(c.connId);
}

describe('a client blocked in WAIT counts in INFO blocked_clients and shows flag b in CLIENT LIST (blocked.c blockClient BLOCKED_WAIT, 7.0)', () => {
  test('WAIT 2 0 with one replica: blocked_clients:1, clients_in_timeout_table:0, flags=b cmd=wait; the acks of a second replica answer it (:2) and it counts no more', () => {
    const net = cluster(1);
    const w = net.client(6379);
    const a = net.client(6379);
    const id = idOf(w);
    expect(blockedInfo(a)).toEqual([0, 0]);
    expect(w.send('SET', 'k', 'v').map(text)).toEqual(['OK']);
    expect(w.send('WAIT', 2, 0)).toEqual([]);
    expect(blockedInfo(a)).toEqual([1, 0]);
    expect(listed(a, id)).toEqual({ flags: 'b', cmd: 'wait' });
    expect(listed(a, idOf(a))).toEqual({ flags: 'N', cmd: 'client|list' }); // the caller, running CLIENT LIST
    addReplica(net, 6381);
    net.advance(1_500); // replicationCron: the new replica acks the offset it synced at
    expect(repliesOf(net, w).slice(-1)).toEqual([2]);
    expect(blockedInfo(a)).toEqual([0, 0]);
    expect(listed(a, id)).toEqual({ flags: 'N', cmd: 'wait' });
  });

  test('WAIT 2 500: in the timeout table too; at its deadline it gets :1 and leaves both counts', () => {
    const net = cluster(1);
    const w = net.client(6379);
    const a = net.client(6379);
    const id = idOf(w);
    expect(w.send('WAIT', 2, 500)).toEqual([]);
    expect(blockedInfo(a)).toEqual([1, 1]);
    expect(listed(a, id)?.flags).toBe('b');
    net.advance(700);
    expect(repliesOf(net, w).slice(-1)).toEqual([1]);
    expect(blockedInfo(a)).toEqual([0, 0]);
    expect(listed(a, id)?.flags).toBe('N');
  });

  test('CLIENT UNBLOCK (TIMEOUT and ERROR) ends the count and the flag', () => {
    const net = cluster(1);
    const w = net.client(6379);
    const a = net.client(6379);
    const id = idOf(w);
    for (const reason of ['TIMEOUT', 'ERROR']) {
      expect(w.send('WAIT', 3, 100_000)).toEqual([]);
      expect(blockedInfo(a)).toEqual([1, 1]);
      expect(listed(a, id)?.flags).toBe('b');
      expect(a.send('CLIENT', 'UNBLOCK', id, reason).map(text)).toEqual([1]);
      expect(blockedInfo(a)).toEqual([0, 0]);
      expect(listed(a, id)?.flags).toBe('N');
    }
  });

  test('CLIENT UNBLOCK and CLIENT LIST in one pipeline: the unblocked waiter shows flag u (CLIENT_UNBLOCKED) until beforeSleep, then N', () => {
    const net = cluster(1);
    const w = net.client(6379);
    const a = net.client(6379);
    const id = idOf(w);
    expect(w.send('WAIT', 2, 0)).toEqual([]);
    const m = net.nodes.get(6379);
    if (m === undefined) throw new Error('no master');
    const pipeline = new Uint8Array([...encodeCommand(['CLIENT', 'UNBLOCK', String(id)]), ...encodeCommand(['CLIENT', 'LIST'])]);
    const toA = m.srv.data(a.connId, pipeline).flatMap((o) => (o.type === 'write' && o.id === a.connId ? [o.bytes] : []));
    const replies = toA.flatMap((b) => decodeAll(b)).map(text);
    expect(replies[0]).toBe(1);
    const line = String(replies[1]).split('\n').find((l) => l.startsWith(`id=${id} `)) ?? '';
    expect(/ flags=(\S+)/.exec(line)?.[1]).toBe('u');
    expect(listed(a, id)?.flags).toBe('N');
  });

  test('a waiter that disconnects counts no more and leaves CLIENT LIST', () => {
    const net = cluster(0);
    const w = net.client(6379);
    const a = net.client(6379);
    const id = idOf(w);
    expect(w.send('WAIT', 1, 0)).toEqual([]);
    expect(blockedInfo(a)).toEqual([1, 0]);
    disconnect(net, w);
    expect(blockedInfo(a)).toEqual([0, 0]);
    expect(listed(a, id)).toBeUndefined();
  });

  test('BLPOP nokey 0, WAIT 2 0 and WAIT 2 100000 together: blocked_clients:3, clients_in_timeout_table:1 (as 7.0.15 shows); the served BLPOP leaves', () => {
    const net = cluster(1);
    const [w1, w2, b, a] = [net.client(6379), net.client(6379), net.client(6379), net.client(6379)];
    const ids = [idOf(w1), idOf(w2), idOf(b)];
    expect(b.send('BLPOP', 'nokey', 0)).toEqual([]);
    expect(blockedInfo(a)).toEqual([1, 0]); // timeout 0: not in the timeout table
    expect(w1.send('WAIT', 2, 0)).toEqual([]);
    expect(w2.send('WAIT', 2, 100_000)).toEqual([]);
    expect(blockedInfo(a)).toEqual([3, 1]);
    expect(ids.map((id) => listed(a, id))).toEqual([
      { flags: 'b', cmd: 'wait' },
      { flags: 'b', cmd: 'wait' },
      { flags: 'b', cmd: 'blpop' },
    ]);
    expect(a.send('RPUSH', 'nokey', 'x').map(text)).toEqual([1]);
    expect(blockedInfo(a)).toEqual([2, 1]);
    expect(listed(a, ids[2] ?? 0)?.flags).toBe('N');
  });

  test('WAIT inside MULTI/EXEC never blocks: nothing counted, flags N after EXEC', () => {
    const net = cluster(1);
    const w = net.client(6379);
    const a = net.client(6379);
    const id = idOf(w);
    w.send('MULTI');
    w.send('WAIT', 2, 0);
    expect(w.send('EXEC').map(text)).toEqual([JSON.stringify({ type: 'array', value: [{ type: 'integer', value: 1 }] })]);
    expect(blockedInfo(a)).toEqual([0, 0]);
    expect(listed(a, id)).toEqual({ flags: 'N', cmd: 'exec' });
  });

  test('blocked_clients is the number of WAITs not answered yet, and flag b is on exactly those clients, whatever the acks, deadlines, CLIENT UNBLOCKs and disconnects', () => {
    type Op =
      | { op: 'wait'; who: number; n: number; timeoutMs: number }
      | { op: 'set' }
      | { op: 'advance'; ms: number }
      | { op: 'unblock'; who: number; reason: string }
      | { op: 'close'; who: number };
    const who = fc.integer({ min: 0, max: 3 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('wait' as const), who, n: fc.integer({ min: 0, max: 3 }), timeoutMs: fc.constantFrom(0, 200, 1_000) }),
      fc.constant({ op: 'set' as const }),
      fc.record({ op: fc.constant('advance' as const), ms: fc.constantFrom(100, 300, 1_200) }),
      fc.record({ op: fc.constant('unblock' as const), who, reason: fc.constantFrom('TIMEOUT', 'ERROR') }),
      fc.record({ op: fc.constant('close' as const), who }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.array(op, { maxLength: 14 }), (replicas, ops) => {
        const net = cluster(replicas);
        const a = net.client(6379);
        const clients = [0, 1, 2, 3].map(() => net.client(6379));
        const ids = clients.map(idOf);
        const closed = new Set<number>();
        // The model: a client waits from a WAIT that got no reply until a reply reaches it.
        const pendingAt = new Map<number, number>(); // client index → its reply count when it blocked
        const settle = (): void => {
          for (const [i, n] of pendingAt) if (repliesOf(net, clients[i] as PumpClient).length > n) pendingAt.delete(i);
        };
        for (const o of ops) {
          if (o.op === 'wait' && !closed.has(o.who) && !pendingAt.has(o.who)) {
            const c = clients[o.who] as PumpClient;
            if (c.send('WAIT', o.n, o.timeoutMs).length === 0) pendingAt.set(o.who, repliesOf(net, c).length);
          } else if (o.op === 'set') a.send('SET', 'k', 'v');
          else if (o.op === 'advance') net.advance(o.ms);
          else if (o.op === 'unblock') a.send('CLIENT', 'UNBLOCK', ids[o.who] ?? 0, o.reason);
          else if (o.op === 'close' && !closed.has(o.who)) {
            disconnect(net, clients[o.who] as PumpClient);
            closed.add(o.who);
            pendingAt.delete(o.who);
          }
          settle();
          expect(blockedInfo(a)[0]).toBe(pendingAt.size);
          for (const [i, id] of ids.entries()) {
            if (closed.has(i)) expect(listed(a, id)).toBeUndefined();
            else expect(listed(a, id)?.flags).toBe(pendingAt.has(i) ? 'b' : 'N');
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('a WAIT that blocked is counted in commandstats but never in the slow log or the latency histogram (server.c call: CLIENT_BLOCKED; no updateStatsOnUnblock for BLOCKED_WAIT, 7.0.15 observed)', () => {
  test('SET / WAIT 2 200 (blocks, times out) / GET with slowlog-log-slower-than 0: the slow log holds SET and GET, cmdstat_wait calls=1, no WAIT latency line; a WAIT 0 0 that answers at once is in both', () => {
    const net = cluster(1);
    const a = net.client(6379);
    const w = net.client(6379);
    a.send('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    a.send('SLOWLOG', 'RESET');
    a.send('CONFIG', 'RESETSTAT');
    const logged = (): string[] => {
      const log = a.send('SLOWLOG', 'GET', '20')[0];
      const argvs = log?.type === 'array' ? log.value.map((e) => (e.type === 'array' && e.value[3]?.type === 'array' ? e.value[3].value.map(text).join(' ') : '?')) : [];
      return argvs.filter((x) => /^(SET|GET|WAIT) /.test(x)).reverse();
    };
    expect(w.pipeline(['SET', 'k', 'v'], ['WAIT', 2, 200], ['GET', 'k']).map(text)).toEqual(['OK']);
    net.advance(400);
    expect(repliesOf(net, w)).toEqual(['OK', 1, 'v']);
    expect(logged()).toEqual(['SET k v', 'GET k']);
    expect(String(text(a.send('INFO', 'commandstats')[0]))).toMatch(/cmdstat_wait:calls=1,/);
    expect(String(text(a.send('INFO', 'latencystats')[0]))).not.toMatch(/latency_percentiles_usec_wait:/);
    expect(w.send('WAIT', 0, 0).map(text)).toEqual([0]); // its offset covers the GETACK, which the replica's ACK did not
    expect(logged()).toEqual(['SET k v', 'GET k', 'WAIT 0 0']);
    expect(String(text(a.send('INFO', 'commandstats')[0]))).toMatch(/cmdstat_wait:calls=2,/);
    expect(String(text(a.send('INFO', 'latencystats')[0]))).toMatch(/latency_percentiles_usec_wait:p50=/);
  });
});

describe('`timeout` never frees a client blocked in WAIT or postponed by CLIENT PAUSE (networking.c clientsCronHandleTimeout: CLIENT_BLOCKED, 7.0.15 observed)', () => {
  test('timeout 1: a WAIT 2 0 waiter idle 3 s is still connected, and gets :1 and its pipelined GET when unblocked; an idle client that is not blocked is freed', () => {
    const net = cluster(1);
    const a = net.client(6379);
    const w = net.client(6379);
    const idle = net.client(6379);
    const wid = idOf(w);
    const idleId = idOf(idle);
    a.send('CONFIG', 'SET', 'timeout', '1');
    expect(w.pipeline(['SET', 'k', 'v'], ['WAIT', 2, 0], ['GET', 'k']).map(text)).toEqual(['OK']);
    net.advance(3_000);
    const b = net.client(6379); // a was idle too: freed
    expect(listed(b, wid)?.flags).toBe('b');
    expect(listed(b, idleId)).toBeUndefined();
    expect(listed(b, idOf(b))?.cmd).toBe('client|list');
    expect(b.send('CLIENT', 'UNBLOCK', wid).map(text)).toEqual([1]);
    expect(repliesOf(net, w).slice(-2)).toEqual([1, 'v']);
  });

  test('timeout 1: a SET postponed by CLIENT PAUSE 3500 WRITE is not freed while postponed, nor as the pause ends: it gets +OK', () => {
    const net = cluster(0);
    const p = net.client(6379);
    const w = net.client(6379);
    p.send('CONFIG', 'SET', 'timeout', '1');
    expect(p.send('CLIENT', 'PAUSE', '3500', 'WRITE').map(text)).toEqual(['OK']);
    expect(w.send('SET', 'k', 'v')).toEqual([]);
    net.advance(3_000);
    expect(net.nodes.get(6379)?.srv.clients.has(w.connId)).toBe(true);
    net.advance(600);
    expect(repliesOf(net, w)).toEqual(['OK']);
  });
});
