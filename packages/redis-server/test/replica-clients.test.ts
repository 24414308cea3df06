/**
 * Replicas and the master link among the clients, as redis-server 7.0.15 counts them
 * (redis/redis src/server.c genRedisInfoString "clients": connected_clients is
 * listLength(server.clients) - listLength(server.slaves); src/networking.c acceptCommonHandler:
 * listLength(server.clients) >= maxclients refuses; getClientType / catClientInfoString: a
 * replica is type `slave` (`replica`) with flag S; clientsCronHandleTimeout skips CLIENT_SLAVE;
 * src/replication.c replicationCreateMasterClient: a replica's master client is one of
 * server.clients). Through the server on the in-memory replication network (replication-pump.ts);
 * the numbers are the ones 7.0.15 showed by hand and replica-clients.peer.test.ts compares.
 */
import { describe, expect, test } from 'vitest';
import { decodeAll } from '@protolab/resp';
import { ReplPump, text, type PumpNode } from './replication-pump.js';

type PumpClient = ReturnType<ReplPump['client']>;

/** A master on 6379 and, unless `replicas` is 0, a replica on 6380 that synced from it. */
function network(replicas = 1): ReplPump {
  const net = new ReplPump();
  net.add(6379);
  if (replicas > 0) {
    const r = net.add(6380);
    const c = net.client(6380);
    c.send('REPLICAOF', '127.0.0.1', 6379);
    r.srv.close(c.connId); // the client that asked is gone: only the master client stays on the replica
  }
  net.drain();
  return net;
}

const node = (net: ReplPump, port: number): PumpNode => {
  const n = net.nodes.get(port);
  if (n === undefined) throw new Error(String(port));
  return n;
};

/** A field of INFO `section` as `a` sees it. */
function infoField(a: PumpClient, section: string, name: string): string {
  const body = String(text(a.send('INFO', section)[0]));
  return new RegExp(`\\r\\n${name}:([^\\r]*)\\r\\n`).exec(body)?.[1] ?? '?';
}

/** The flags= of every line of `a`'s CLIENT LIST [TYPE type]. */
function flagsOf(a: PumpClient, type?: string): string[] {
  const list = String(text(a.send('CLIENT', 'LIST', ...(type === undefined ? [] : ['TYPE', type]))[0]));
  return list.split('\n').filter((l) => l !== '').map((l) => / flags=(\S*)/.exec(l)?.[1] ?? '?');
}

/** A new connection to `port` made directly on the core: what it is answered (nothing when accepted). */
function connectRaw(net: ReplPump, port: number, connId: number): string[] {
  const outs = node(net, port).srv.connect(connId);
  return outs.flatMap((o) => (o.type === 'write' ? decodeAll(o.bytes).map((v) => String(text(v))) : ['<close>']));
}

describe('a master does not count its replicas in connected_clients (server.c genRedisInfoString, 7.0)', () => {
  test('before a replica attaches: connected_clients:1 (the client asking), connected_slaves:0', () => {
    const net = network(0);
    const a = net.client(6379);
    expect(infoField(a, 'clients', 'connected_clients')).toBe('1');
    expect(infoField(a, 'replication', 'connected_slaves')).toBe('0');
  });

  test('with one replica online: connected_clients:1, connected_slaves:1; CLIENT LIST shows it with flags=S, as TYPE replica and TYPE slave, not as TYPE normal', () => {
    const net = network();
    const a = net.client(6379);
    expect(infoField(a, 'clients', 'connected_clients')).toBe('1');
    expect(infoField(a, 'replication', 'connected_slaves')).toBe('1');
    expect(flagsOf(a)).toEqual(['S', 'N']);
    expect(flagsOf(a, 'replica')).toEqual(['S']);
    expect(flagsOf(a, 'slave')).toEqual(['S']);
    expect(flagsOf(a, 'normal')).toEqual(['N']);
    expect(flagsOf(a, 'master')).toEqual([]);
  });

  test('the replica still counts against maxclients (acceptCommonHandler): maxclients 2 with the replica and one client refuses a third connection', () => {
    const net = network();
    const a = net.client(6379);
    expect(text(a.send('CONFIG', 'SET', 'maxclients', '2')[0])).toBe('OK');
    expect(connectRaw(net, 6379, 9001)).toEqual(['-ERR max number of clients reached', '<close>']);
    expect(infoField(a, 'stats', 'rejected_connections')).toBe('1');
    expect(text(a.send('CONFIG', 'SET', 'maxclients', '3')[0])).toBe('OK');
    expect(connectRaw(net, 6379, 9002)).toEqual([]);
    expect(infoField(a, 'clients', 'connected_clients')).toBe('2');
  });

  test('CLIENT KILL TYPE replica kills the replica (:1) and connected_clients stays 1 while it reconnects', () => {
    const net = network();
    const a = net.client(6379);
    expect(text(a.send('CLIENT', 'KILL', 'TYPE', 'replica')[0])).toBe(1);
    expect(infoField(a, 'clients', 'connected_clients')).toBe('1');
    net.advance(2_000);
    expect(infoField(a, 'replication', 'connected_slaves')).toBe('1');
    expect(infoField(a, 'clients', 'connected_clients')).toBe('1');
    expect(text(a.send('CLIENT', 'KILL', 'TYPE', 'normal')[0])).toBe(0); // SKIPME yes: a itself is the only normal client
  });

  test('a replica idle for longer than timeout is not freed (clientsCronHandleTimeout skips CLIENT_SLAVE)', () => {
    const net = network();
    const m = node(net, 6379);
    const a = net.client(6379);
    a.send('CONFIG', 'SET', 'timeout', '1');
    const replicaConn = node(net, 6380).link?.connId ?? -1;
    const replica = m.srv.clients.get(replicaConn);
    if (replica === undefined) throw new Error('the replica is not connected');
    replica.lastInteractionMs = net.nowMs - 10_000; // idle 10 s (its acks would refresh it)
    const normal = m.srv.clients.get(a.connId);
    if (normal !== undefined) normal.lastInteractionMs = net.nowMs - 10_000;
    m.srv.tick();
    expect(m.srv.clients.has(replicaConn)).toBe(true);
    expect(m.srv.clients.has(a.connId)).toBe(false); // a normal client idle as long is freed
  });
});

describe('a replica counts its master client in connected_clients and against maxclients (replication.c replicationCreateMasterClient, 7.0)', () => {
  test('link up: connected_clients:2 for one client; maxclients 2 refuses a second client; REPLICAOF NO ONE frees the master client (connected_clients:1)', () => {
    const net = network();
    const r = net.client(6380);
    expect(infoField(r, 'replication', 'master_link_status')).toBe('up');
    expect(infoField(r, 'clients', 'connected_clients')).toBe('2');
    expect(text(r.send('CONFIG', 'SET', 'maxclients', '2')[0])).toBe('OK');
    expect(connectRaw(net, 6380, 9003)).toEqual(['-ERR max number of clients reached', '<close>']);
    expect(text(r.send('REPLICAOF', 'NO', 'ONE')[0])).toBe('OK');
    expect(infoField(r, 'clients', 'connected_clients')).toBe('1');
    expect(connectRaw(net, 6380, 9004)).toEqual([]);
  });

  test('while the link is down there is no master client: connected_clients:1', () => {
    const net = network();
    net.down.add(6379);
    net.dropLink(node(net, 6380));
    const r = net.client(6380);
    expect(infoField(r, 'replication', 'master_link_status')).toBe('down');
    expect(infoField(r, 'clients', 'connected_clients')).toBe('1');
  });
});
