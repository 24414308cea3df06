/**
 * A replica's link to its master is a client of the replica, as in redis-server 7.0.15
 * (redis/redis src/replication.c replicationCreateMasterClient, replicationCacheMaster,
 * replicationResurrectCachedMaster, replicationHandleMasterDisconnection; src/networking.c
 * getClientType CLIENT_TYPE_MASTER, catClientInfoString flag M and user=(superuser),
 * clientKillCommand). Seen by hand on a real 7.0.15 replica of a real master: one
 * `flags=M ... user=(superuser)` line with the master's address, db and last command; CLIENT
 * KILL TYPE master answers :1, the replica dials again within a millisecond and continues
 * (+CONTINUE) with the same id and age. Through the server on the in-memory replication
 * network (replication-pump.ts); master-client.peer.test.ts compares with 7.0.15.
 */
import { describe, expect, test } from 'vitest';
import type { RespValue } from '@protolab/resp';
import { ReplPump, text, type PumpNode } from './replication-pump.js';

type PumpClient = ReturnType<ReplPump['client']>;

/** A master on 6379 and a replica on 6380 synced from it; `early` is a client of the replica connected before the sync. */
function network(): { net: ReplPump; early: PumpClient } {
  const net = new ReplPump();
  net.add(6379);
  net.add(6380);
  const early = net.client(6380);
  early.send('REPLICAOF', '127.0.0.1', 6379);
  net.drain();
  return { net, early };
}

const node = (net: ReplPump, port: number): PumpNode => {
  const n = net.nodes.get(port);
  if (n === undefined) throw new Error(String(port));
  return n;
};

const body = (v: RespValue | undefined): string => (v?.type === 'verbatim' || v?.type === 'bulk' ? new TextDecoder().decode(v.value) : String(text(v)));

/** The lines of `a`'s CLIENT LIST [args], each as a Map of its fields. */
function list(a: PumpClient, ...args: string[]): Map<string, string>[] {
  return body(a.send('CLIENT', 'LIST', ...args)[0])
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => new Map(l.split(' ').map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)])));
}

const masterLine = (a: PumpClient): Map<string, string> | undefined => list(a).find((l) => l.get('flags') === 'M');

describe('CLIENT LIST on a replica shows its master client (networking.c catClientInfoString, CLIENT_MASTER, 7.0)', () => {
  test("one line with flags=M, user=(superuser), the master's address, db 0 and cmd=NULL before the master sent a command", () => {
    const { early } = network();
    const lines = list(early);
    expect(lines.map((l) => l.get('flags'))).toEqual(['N', 'M']); // appended to server.clients after the clients already there
    const m = lines[1];
    expect(m?.get('addr')).toBe('127.0.0.1:6379');
    expect(m?.get('user')).toBe('(superuser)');
    expect(m?.get('db')).toBe('0');
    expect(m?.get('cmd')).toBe('NULL');
    expect(lines[0]?.get('user')).toBe('default');
  });

  test("its db and cmd follow the master's stream (SELECT 3 then SET: db=3 cmd=set)", () => {
    const { net, early } = network();
    const w = net.client(6379);
    w.send('SELECT', '3');
    w.send('SET', 'k', 'v');
    net.drain();
    const m = masterLine(early);
    expect(m?.get('db')).toBe('3');
    expect(m?.get('cmd')).toBe('set');
  });

  test('TYPE master selects it and only it; TYPE normal and TYPE replica do not', () => {
    const { early } = network();
    expect(list(early, 'TYPE', 'master').map((l) => l.get('flags'))).toEqual(['M']);
    expect(list(early, 'TYPE', 'normal').map((l) => l.get('flags'))).toEqual(['N']);
    expect(list(early, 'TYPE', 'replica')).toEqual([]);
  });

  test('no master client while the link is down or after REPLICAOF NO ONE', () => {
    const { net, early } = network();
    net.down.add(6379);
    net.dropLink(node(net, 6380));
    expect(masterLine(early)).toBeUndefined();
    net.down.delete(6379);
    net.advance(1_000);
    expect(masterLine(early)).toBeDefined();
    early.send('REPLICAOF', 'NO', 'ONE');
    expect(masterLine(early)).toBeUndefined();
    expect(text(early.send('CLIENT', 'KILL', 'TYPE', 'master')[0])).toBe(0);
  });

  test('the timeout cron never frees it (clientsCronHandleTimeout skips CLIENT_MASTER)', () => {
    const { net, early } = network();
    early.send('CONFIG', 'SET', 'timeout', '1');
    const id = masterLine(early)?.get('id');
    net.advance(3_000);
    const late = net.client(6380);
    expect(masterLine(late)?.get('id')).toBe(id);
  });
});

describe('CLIENT KILL of the master client drops the link; the replica dials again at once and continues (replicationCacheMaster, replicationHandleMasterDisconnection, 7.0)', () => {
  test('KILL TYPE master: :1, and with no clock advance the link is up again by +CONTINUE, the same id and creation time, listed after the clients connected meanwhile', () => {
    const { net, early } = network();
    const r = node(net, 6380);
    const before = masterLine(early);
    const full = r.repl.st.replicaStats.fullLoads;
    const later = net.client(6380);
    expect(text(early.send('CLIENT', 'KILL', 'TYPE', 'master')[0])).toBe(1);
    net.drain();
    expect(r.repl.st.replicaStats.continues).toBe(1);
    expect(r.repl.st.replicaStats.fullLoads).toBe(full);
    const lines = list(early);
    expect(lines.map((l) => l.get('flags'))).toEqual(['N', 'N', 'M']);
    expect(lines[2]?.get('id')).toBe(before?.get('id'));
    expect(lines[2]?.get('age')).toBe(before?.get('age'));
    expect(list(later, 'ID', before?.get('id') ?? '0').length).toBe(1);
  });

  test('KILL ID and the old one-address form reach it too; USER default does not (its user is none)', () => {
    const { net, early } = network();
    const r = node(net, 6380);
    const id = masterLine(early)?.get('id') ?? '';
    expect(text(early.send('CLIENT', 'KILL', 'ID', id)[0])).toBe(1);
    net.drain();
    expect(text(early.send('CLIENT', 'KILL', '127.0.0.1:6379')[0])).toBe('OK');
    net.drain();
    expect(r.repl.st.replicaStats.continues).toBe(2);
    expect(text(early.send('CLIENT', 'KILL', 'TYPE', 'master', 'USER', 'default')[0])).toBe(0);
    expect(masterLine(early)?.get('id')).toBe(id);
  });

  test('a planted bug that waits for replicationCron to dial again leaves the link down until the next cron', () => {
    const net = new ReplPump();
    net.add(6379);
    const r = net.add(6380, { plantedBug: 'reconnect-at-cron' });
    const early = net.client(6380);
    early.send('REPLICAOF', '127.0.0.1', 6379);
    net.drain();
    expect(text(early.send('CLIENT', 'KILL', 'TYPE', 'master')[0])).toBe(1);
    net.drain();
    expect(masterLine(early)).toBeUndefined();
    expect(r.repl.st.replicaStats.continues).toBe(0);
  });
});
