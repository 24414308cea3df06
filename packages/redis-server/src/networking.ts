/**
 * networking.c on the server's event path (`RedisServer`, server.ts, calls these): a connection
 * accepted or refused over maxclients (acceptCommonHandler → createClient), a client freed
 * (freeClient), the commands of a client run in order until it blocks (processInputBuffer); who
 * among server.clients is a replica (CLIENT_SLAVE, server.slaves) and whether our own master's
 * link is a client (server.master), for connected_clients and maxclients; and the pieces that are
 * plain functions of a client: the output buffer limit check (checkClientOutputBufferLimits), the
 * query buffer accounting of readQueryFromClient, the queue of commands read and not yet run, and
 * resetClient's CLIENT REPLY SKIP step.
 */
import type { RespValue } from '@protolab/resp';
import { encode } from '@protolab/resp';
import { STRING_MAX_BYTES } from '@protolab/redis-keyspace';
import type { Client, ConnectInfo } from './client.js';
import { createClient, keyOf } from './client.js';
import type { OutputBufferLimit } from './server-config.js';
import type { RedisServer, ServerOutput } from './server.js';
import { RedisServerError } from './errors.js';
import { processCommand } from './call.js';
import { handleClientsBlockedOnKeys } from './blocked.js';
import { forgetPausedClient, isPostponed } from './pause.js';
import { waitBlockedOf } from './client-command.js';

/**
 * What the replication unit tells about the replication links (replication/replication.ts
 * registers it): which connections are replicas (CLIENT_SLAVE: in server.slaves from SYNC/PSYNC
 * on, whatever their state), and whether we have a master client (server.master: created by
 * replicationCreateMasterClient when a sync completes or a PSYNC continues, freed when the link
 * drops). In 7.0 the master client is one of server.clients although its socket is the one we
 * dialled: here that socket is the replication adapter's, not a core client.
 */
export interface ReplicationClients {
  /** The connection ids of server.slaves. */
  replicaIds(): Iterable<number>;
  /** `connId` is in server.slaves (CLIENT_SLAVE; CLIENT LIST flag S, type replica). */
  isReplica(connId: number): boolean;
  /** server.master exists (master_link_status:up). */
  hasMasterClient(): boolean;
  /**
   * server.master as a client (CLIENT_MASTER: CLIENT LIST flag M, type master), and where it sits
   * in server.clients: after the clients whose id is below `linkedAtId`. Undefined while the link is down.
   */
  masterClient(): { client: Client; linkedAtId: number } | undefined;
  /** CLIENT KILL of the master client: freeClient(server.master) drops the link. */
  freeMasterClient(): void;
}

const replicationClients = new WeakMap<RedisServer, ReplicationClients>();

/** Called by the replication unit when it is installed. */
export function setReplicationClients(srv: RedisServer, r: ReplicationClients): void {
  replicationClients.set(srv, r);
}

/** CLIENT_SLAVE without CLIENT_MONITOR (getClientType's CLIENT_TYPE_SLAVE). */
export function isReplicaClient(srv: RedisServer, c: Client): boolean {
  return replicationClients.get(srv)?.isReplica(c.connId) ?? false;
}

/** CLIENT_MASTER: `c` is our master's client (replication/master-client.ts). */
export function isMasterClient(srv: RedisServer, c: Client): boolean {
  return replicationClients.get(srv)?.masterClient()?.client === c;
}

/**
 * server.clients in list order, the master client included (CLIENT LIST / KILL see it; the
 * timeout cron and INFO's counts do not walk this list). Our clients are in connection order,
 * which is id order; the master client goes where it was appended when its link came up.
 */
export function* listClients(srv: RedisServer): Generator<Client> {
  const m = replicationClients.get(srv)?.masterClient();
  let pending = m;
  for (const c of srv.clients.values()) {
    if (pending !== undefined && c.id >= pending.linkedAtId) {
      yield pending.client;
      pending = undefined;
    }
    yield c;
  }
  if (pending !== undefined) yield pending.client;
}

/** CLIENT KILL of `c`: the master client drops the replication link; any other is closed (srv.killClient). */
export function killListedClient(srv: RedisServer, c: Client, self: boolean): void {
  const r = replicationClients.get(srv);
  if (r !== undefined && r.masterClient()?.client === c) r.freeMasterClient();
  else srv.killClient(c, self);
}

/** listLength(server.clients): our clients, plus the master client of a replica whose link is up. */
export function listLengthClients(srv: RedisServer): number {
  return srv.clients.size + (replicationClients.get(srv)?.hasMasterClient() === true ? 1 : 0);
}

/** listLength(server.slaves), of the clients connected now. */
export function listLengthSlaves(srv: RedisServer): number {
  const r = replicationClients.get(srv);
  if (r === undefined) return 0;
  let n = 0;
  for (const id of r.replicaIds()) if (srv.clients.has(id)) n++;
  return n;
}

/**
 * networking.c acceptCommonHandler: a connection is refused (an error, then closed) when
 * listLength(server.clients) has reached maxclients — every client counts, replicas and the
 * master client included — else createClient. `info` gives the socket's addresses.
 */
export function acceptCommonHandler(srv: RedisServer, connId: number, info: ConnectInfo): ServerOutput[] {
  if (srv.clients.has(connId)) throw new RedisServerError('DUPLICATE_CONNECTION', `connect: connection ${connId} is already connected`);
  srv.stats.totalConnectionsReceived++;
  if (listLengthClients(srv) >= srv.config.number('maxclients')) {
    srv.stats.rejectedConnections++;
    const refused: RespValue = { type: 'error', value: 'ERR max number of clients reached' };
    return [{ type: 'write', id: connId, bytes: encode(refused) }, { type: 'close', id: connId }];
  }
  // A bulk longer than the keyspace can hold as a string is refused as over proto-max-bulk-len (STRING_MAX_BYTES).
  const maxBulk = Math.min(srv.config.number('proto-max-bulk-len'), STRING_MAX_BYTES);
  srv.clients.set(connId, createClient(connId, srv.nextClientId++, srv.nowMs(), maxBulk, info, srv.config.get('requirepass') === ''));
  return [];
}

/** networking.c freeClient: forget the client, its WATCHed keys, subscriptions, blocks and pause. */
export function freeClient(srv: RedisServer, connId: number): void {
  const c = srv.clients.get(connId);
  if (c === undefined) return;
  srv.watchedKeys.unwatchAll(c);
  srv.pubsub.forget(c);
  srv.blocking.unblock(c);
  forgetPausedClient(srv, c);
  srv.monitors.delete(c);
  srv.clients.delete(connId);
  srv.outbox.delete(connId);
}

/**
 * networking.c processInputBuffer: run a client's waiting commands until it blocks (a blocking
 * pop, a pause, WAIT: CLIENT_BLOCKED), asks to be closed, or has none left.
 */
export function processInputBuffer(srv: RedisServer, c: Client): void {
  const wait = waitBlockedOf(srv);
  while (c.pendingAt < c.pending.length && !closing(c) && (srv.blocking.blocked.size === 0 || !srv.blocking.blocked.has(c)) && !isPostponed(srv, c) && wait?.isBlocked(c) !== true) {
    const argv = nextPendingCommand(c);
    if (argv === undefined) break;
    const r = processCommand(srv, c, argv);
    if (r !== undefined) srv.addReply(c, r);
    if (closing(c)) srv.toClose.add(c);
    resetClientReplyMode(c);
    handleClientsBlockedOnKeys(srv);
  }
}

/**
 * networking.c checkClientOutputBufferLimits: over the class's hard limit, or over its soft
 * limit for more than soft-seconds (the start is kept in c->obuf_soft_limit_reached_time).
 * True when the client must be closed (closeClientOnOutputBufferLimitReached).
 */
export function checkClientOutputBufferLimits(limits: OutputBufferLimit | undefined, c: Client, nowMs: number): boolean {
  if (limits === undefined || (limits.hard === 0 && limits.soft === 0)) return false;
  const used = c.outboxBytes + c.socketPendingBytes;
  let over = limits.hard > 0 && used >= limits.hard;
  if (limits.soft > 0 && used >= limits.soft) {
    if (c.softLimitSinceMs === 0) c.softLimitSinceMs = nowMs;
    else if (Math.floor((nowMs - c.softLimitSinceMs) / 1000) > limits.softSeconds) over = true;
  } else c.softLimitSinceMs = 0;
  return over;
}

/**
 * readQueryFromClient → the parser: queue every complete command of `bytes` behind the client's
 * waiting ones (counted toward its query buffer). Returns the protocol error, if any, and the
 * query buffer size (c->querybuf plus the commands not yet run) for client-query-buffer-limit.
 */
export function readQueryFromClient(c: Client, bytes: Uint8Array): { error: { readonly redisText: string } | undefined; qbuf: number } {
  const { commands, error } = c.parser.feed(bytes);
  for (const item of commands) {
    if (item.kind !== 'command') continue;
    c.pending.push(item.argv);
    for (const a of item.argv) c.pendingBytes += a.length;
  }
  return { error, qbuf: c.parser.bufferCapacity + c.pendingBytes };
}

/** The next waiting command of `c` (its bytes leave the query buffer), or undefined. */
export function nextPendingCommand(c: Client): Uint8Array[] | undefined {
  const argv = c.pending[c.pendingAt];
  c.pendingAt++;
  if (c.pendingAt >= c.pending.length) {
    c.pending = [];
    c.pendingAt = 0;
  }
  if (argv === undefined) return undefined;
  for (const a of argv) c.pendingBytes -= a.length;
  return argv;
}

/** Forget the commands a client sent and has not run (its connection is going away). */
export function dropPendingCommands(c: Client): void {
  c.pending = [];
  c.pendingAt = 0;
  c.pendingBytes = 0;
}

/** networking.c resetClient: CLIENT REPLY SKIP lasts one command; SKIP arms it for the next. */
export function resetClientReplyMode(c: Client): void {
  if (c.replyMode === 'skip') c.replyMode = 'on';
  else if (c.replyMode === 'skipnext') c.replyMode = 'skip';
}

/** Command names up to this length are remembered per client (commandName). */
const NAME_CACHE_MAX = 32;

/**
 * The lower-case command name of `argv0` (lookupCommand's case-insensitive match): the client's
 * previous name when the bytes are the same (a pipeline of one command), else converted.
 */
export function commandName(c: Client, argv0: Uint8Array): string {
  const last = c.cmdNameBytes;
  const n = argv0.length;
  if (last?.length === n) {
    let i = 0;
    while (i < n && last[i] === argv0[i]) i++;
    if (i === n) return c.cmdName;
  }
  const name = keyOf(argv0).toLowerCase();
  if (n <= NAME_CACHE_MAX) {
    c.cmdNameBytes = argv0.slice();
    c.cmdName = name;
  }
  return name;
}

/** CLIENT_CLOSE_AFTER_REPLY (a function: commands set it, which flow analysis cannot see). */
export function closing(c: Client): boolean {
  return c.closeAfterReply;
}
