/**
 * Replication in the server (replication.c 7.0), plugged in through the server's registries:
 * REPLICAOF/SLAVEOF, PSYNC/SYNC, REPLCONF, WAIT, ROLE as `serverCommands`; the read-only replica
 * and min-replicas-to-write checks as `commandFilters` (processCommand); the write stream by
 * chaining the keyspace's propagate hook (server.c propagate → replicationFeedSlaves). The
 * protocol itself is @protolab/redis-replication's `WireReplication`; this file only routes.
 *
 * Sans-I/O like the server: what replication wants done (write to a replica's connection, dial
 * the master, answer a blocked WAIT) goes to `io`, which an adapter (adapters/replication.ts)
 * carries out on sockets.
 */
import type { RespValue } from '@protolab/resp';
import { executeFromMaster } from '@protolab/redis-keyspace';
import { loadRdbIntoKeyspace, rdbForReplication, WireReplication, type ReplIo, type WireReplicationConfig, type WireReplicationHost } from '@protolab/redis-replication';
import type { Client, ConnectInfo } from '../client.js';
import { keyOf } from '../client.js';
import { commandTable } from '../command-table.js';
import { setWaitUnblocker } from '../client-unblock.js';
import { setWoffRecorder } from '../call.js';
import { setWaitBlockedClients } from '../client-command.js';
import { setReplicationClients } from '../networking.js';
import { signalFlushedDb } from '../multi.js';
import type { RedisServer } from '../server.js';
import { applyReplicationConfig, registerReplicationConfig, showReplicaof } from './config.js';
import { replyToWaiters } from './wait.js';
import { MasterClient } from './master-client.js';

export const READONLY_ERROR = "READONLY You can't write against a read only replica.";
export const NOREPLICAS_ERROR = 'NOREPLICAS Not enough good replicas to write.';
export const MASTERDOWN_ERROR = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
export const WAIT_ON_REPLICA_ERROR =
  'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.';

export interface ReplicationUnitOptions {
  /** The port this server listens on (REPLCONF listening-port); read when a link is opened. */
  readonly listeningPort: () => number;
  /** The peer IP of a connection (for ROLE / INFO slaveN). */
  readonly peerIp: (connId: number) => string;
  /** Carry out what replication asks (see ReplIo). */
  readonly io: (outputs: readonly ReplIo[]) => void;
  readonly now: () => number;
  readonly newReplid: () => string;
  /** Start values of the replication parameters (checked by the CONFIG table's parsers, replication/config.ts). */
  readonly config?: Partial<WireReplicationConfig>;
  /** After a full resync replaced the dataset (readSyncBulkPayload → restartAOFAfterSYNC). */
  readonly onFullSync?: () => void;
  /** The addresses of the socket to our master, once connected (the master client's addr / laddr in CLIENT LIST). */
  readonly masterSocketInfo?: () => ConnectInfo;
}

const err = (text: string): RespValue => ({ type: 'error', value: text });
const simple = (text: string): RespValue => ({ type: 'simple', value: text });
const str = (b: Uint8Array | undefined): string => (b === undefined ? '' : new TextDecoder().decode(b));
const wrongArgs = (name: string): RespValue => err(`ERR wrong number of arguments for '${name}' command`);

/** Attach replication to `srv`; returns the core (for the adapter's link events and tick). */
export function installReplication(srv: RedisServer, opts: ReplicationUnitOptions): WireReplication {
  const ks = srv.keyspace;
  // A WAIT answered during a command (a replica's ACK, REPLICAOF) is a reply of the server (wait.ts).
  const io = (outs: readonly ReplIo[]): void => {
    opts.io(replyToWaiters(srv, outs).rest);
  };
  const startConfig = registerReplicationConfig(srv.config, opts.config ?? {});
  const masterClient = new MasterClient(
    srv,
    () => repl,
    // Without a socket (the in-memory tests): the master's host and port, and our own port.
    () => ({ addr: `${repl.st.masterhost ?? '?'}:${repl.st.masterport}`, laddr: `127.0.0.1:${opts.listeningPort()}`, ...opts.masterSocketInfo?.() }),
  );
  const repl: WireReplication = new WireReplication(replicationHost(srv, opts, masterClient), startConfig);
  applyReplicationConfig(srv.config, repl);
  const prev = ks.onPropagate;
  ks.onPropagate = (db, argv) => {
    prev?.(db, argv);
    io(repl.propagate(db, argv));
  };
  // c->woff, for WAIT: master_repl_offset right after each command the client ran (server.c
  // processCommand, after call(), 7.0), reads included, so it also covers what the master fed
  // in between for others (another client's write, the REPLCONF GETACK * of another's WAIT).
  const woff = new WeakMap<Client, number>();
  setWoffRecorder(srv, (c) => woff.set(c, repl.st.master_repl_offset));
  srv.commandFilters.push(replicationFilter(srv, repl));
  const replicaof = (name: string) => (_s: RedisServer, _c: Client, argv: Uint8Array[]): RespValue => {
    if (argv.length !== 3) return wrongArgs(name);
    const host = str(argv[1]);
    const portText = str(argv[2]);
    if (host.toLowerCase() === 'no' && portText.toLowerCase() === 'one') {
      const r = repl.replicaof(undefined, 0);
      ks.replica = repl.isReplica;
      io(r.out);
      return simple(r.reply);
    }
    const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 0 && port <= 65535)) return err('ERR value is not an integer or out of range');
    const r = repl.replicaof(host, port);
    ks.replica = repl.isReplica;
    io(r.out);
    return simple(r.reply);
  };
  srv.serverCommands.set('replicaof', replicaof('replicaof'));
  srv.serverCommands.set('slaveof', replicaof('slaveof'));
  srv.serverCommands.set('replconf', (_s, c, argv) => {
    if (argv.length < 2) return wrongArgs('replconf');
    const r = repl.replconf(c.connId, argv.slice(1).map(str));
    io(r.out);
    if (r.reply === undefined) return undefined;
    return r.reply === 'OK' ? simple('OK') : err(r.reply);
  });
  const sync = (psync: boolean) => (_s: RedisServer, c: Client, argv: Uint8Array[]): RespValue | undefined => {
    if (psync && argv.length !== 3) return wrongArgs('psync');
    if (!psync && argv.length !== 1) return wrongArgs('sync');
    const offset = Number(str(argv[2]));
    const r = repl.sync(c.connId, opts.peerIp(c.connId), psync ? { replid: str(argv[1]), offset: Number.isSafeInteger(offset) ? offset : -1 } : undefined);
    if (r.error !== undefined) return err(r.error);
    io(r.out);
    return undefined;
  };
  srv.serverCommands.set('psync', sync(true));
  srv.serverCommands.set('sync', sync(false));
  registerReplicaClients(srv, repl, masterClient, io);
  // replicationCron runs inside serverCron (server.c run_with_period(1000)), on the server's hz timer.
  srv.cronHooks.push(() => {
    io(repl.tick());
  });
  installWait(srv, repl, (c) => woff.get(c) ?? 0, io);
  srv.serverCommands.set('role', () => repl.role());
  showReplicaofInConfig(srv, repl);
  // INFO stats sync_full / sync_partial_ok / sync_partial_err: server.stat_sync_*, counted by the wire unit.
  for (const k of ['sync_full', 'sync_partial_ok', 'sync_partial_err'] as const) srv.stats.provided.set(k, () => repl.st.stats[k]);
  return repl;
}

/** What the wire core needs from the server: clock, ids, the dataset as RDB, applying the master's stream. */
function replicationHost(srv: RedisServer, opts: ReplicationUnitOptions, masterClient: MasterClient): WireReplicationHost {
  const ks = srv.keyspace;
  return {
    now: opts.now,
    newReplid: opts.newReplid,
    get listeningPort() {
      return opts.listeningPort();
    },
    rdb: (info) => rdbForReplication(ks, info),
    loadRdb: (payload) => {
      // emptyData → signalFlushedDb: WATCHers of keys that exist now, before the load.
      signalFlushedDb(srv, -1);
      const n = loadRdbIntoKeyspace(ks, payload);
      opts.onFullSync?.();
      return n;
    },
    apply: (db, argv) => {
      if (ks.selectedDb !== db) ks.execute(['SELECT', String(db)]);
      executeFromMaster(ks, argv);
    },
    masterClient: (e) => {
      masterClient.onEvent(e);
    },
  };
}

/**
 * server.slaves and server.master as the server sees them: CLIENT_SLAVE is never paused
 * (pause.ts); INFO connected_clients, maxclients, CLIENT LIST flag S, CLIENT LIST|KILL TYPE
 * replica (networking.ts). The master client exists while the link is REPL_STATE_CONNECTED
 * (master-client.ts: CLIENT LIST flag M, CLIENT LIST|KILL TYPE master).
 */
function registerReplicaClients(srv: RedisServer, repl: WireReplication, master: MasterClient, io: (o: readonly ReplIo[]) => void): void {
  srv.pause.isReplicaClient = (c) => repl.st.slaves.has(c.connId);
  setReplicationClients(srv, {
    replicaIds: () => repl.st.slaves.keys(),
    isReplica: (id) => repl.st.slaves.has(id),
    hasMasterClient: () => repl.st.link?.state === 'REPL_STATE_CONNECTED',
    masterClient: () => master.listed(),
    freeMasterClient: () => {
      io(repl.freeMasterClient());
    },
  });
}

/** WAIT as a command, and its blocked clients reachable by CLIENT UNBLOCK (client-unblock.ts). */
function installWait(srv: RedisServer, repl: WireReplication, woffOf: (c: Client) => number, io: (o: readonly ReplIo[]) => void): void {
  srv.serverCommands.set('wait', (_s, c, argv) => waitCommand(srv, repl, c, argv, woffOf(c), io));
  setWaitUnblocker(srv, (c, unblockError) => repl.unblockWaiting(c.connId, unblockError));
  setWaitBlockedClients(srv, {
    isBlocked: (c) => repl.isWaiting(c.connId), // CLIENT LIST b
    counts: () => repl.waitingCounts(), // INFO blocked_clients
    handleTimeouts: () => {
      if (repl.st.waiting.length > 0) io(repl.processClientsWaitingReplicas()); // beforeSleep runs on every event: nothing to do is free
    },
  });
}

/** WAIT numreplicas timeout (waitCommand). */
function waitCommand(srv: RedisServer, repl: WireReplication, c: Client, argv: Uint8Array[], woff: number, io: (o: readonly ReplIo[]) => void): RespValue | undefined {
  if (argv.length !== 3) return wrongArgs('wait');
  if (repl.isReplica) return err(WAIT_ON_REPLICA_ERROR);
  const n = Number(str(argv[1]));
  const timeout = Number(str(argv[2]));
  if (!Number.isSafeInteger(n)) return err('ERR value is not an integer or out of range');
  if (!Number.isSafeInteger(timeout)) return err('ERR timeout is not an integer or out of range');
  if (timeout < 0) return err('ERR timeout is negative');
  // Inside EXEC (CLIENT_MULTI is still set while execCommand runs the queue) WAIT answers at once.
  const r = repl.wait(c.connId, n, timeout, woff, srv.inExec(c));
  io(r.out);
  return r.count === undefined ? undefined : { type: 'integer', value: BigInt(r.count) };
}

/** CONFIG (GET, REWRITE) sees the `replicaof` of the moment: refreshed before each CONFIG command. */
function showReplicaofInConfig(srv: RedisServer, repl: WireReplication): void {
  const config = srv.serverCommands.get('config');
  if (config === undefined) return;
  srv.serverCommands.set('config', (s, c, argv) => {
    showReplicaof(srv.config, repl);
    return config(s, c, argv);
  });
}

/**
 * server.c processCommand's replication checks, in its order: NOREPLICAS (a write on a master
 * short of good replicas), READONLY (a write on a replica with replica-read-only yes), then
 * MASTERDOWN (a command without the `stale` flag on a replica whose link is down, with
 * replica-serve-stale-data no). A refusal inside MULTI flags the transaction (rejectCommand).
 */
function replicationFilter(srv: RedisServer, repl: WireReplication): (s: RedisServer, c: Client, name: string, argv: Uint8Array[]) => RespValue | undefined {
  const writes = writeCommandTable(srv);
  const refuse = (c: Client, text: string): RespValue => {
    if (c.inMulti) c.dirtyExec = true;
    return err(text);
  };
  return (_s, c, name, argv) => {
    const write = writes(name);
    if (write && !repl.enoughGoodReplicas()) return refuse(c, NOREPLICAS_ERROR);
    if (write && repl.refusesWrites()) return refuse(c, READONLY_ERROR);
    if (repl.refusesStaleCommands() && !hasStaleFlag(srv, name, argv)) return refuse(c, MASTERDOWN_ERROR);
    return undefined;
  };
}

/** CMD_STALE of the command (or its subcommand) in the COMMAND table; an unknown one is answered later. */
function hasStaleFlag(srv: RedisServer, name: string, argv: readonly Uint8Array[]): boolean {
  const spec = commandTable(srv).get(name);
  if (spec === undefined) return true;
  const sub = argv[1] === undefined ? undefined : spec.subcommands?.get(keyOf(argv[1]).toLowerCase());
  return (sub ?? spec).flags.includes('stale');
}

/** Whether a command name is a write (CMD_WRITE), from the keyspace's COMMAND INFO, cached. */
function writeCommandTable(srv: RedisServer): (name: string) => boolean {
  const cache = new Map<string, boolean>();
  return (name) => {
    const hit = cache.get(name);
    if (hit !== undefined) return hit;
    const info = srv.keyspace.execute(['COMMAND', 'INFO', name]);
    let write = false;
    if (info.type === 'array' && info.value[0]?.type === 'array') {
      const flags = info.value[0].value[2];
      if (flags?.type === 'array' || flags?.type === 'set') write = flags.value.some((f) => (f.type === 'simple' || f.type === 'bulk') && str(typeof f.value === 'string' ? new TextEncoder().encode(f.value) : f.value) === 'write');
    }
    cache.set(name, write);
    return write;
  };
}
