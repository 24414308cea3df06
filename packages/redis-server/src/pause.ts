/**
 * CLIENT PAUSE / CLIENT UNPAUSE (redis/redis src/networking.c, 7.0: clientCommand's "pause" and
 * "unpause" branches, pauseClients, unpauseClients, updateClientPauseTypeAndEndTime,
 * areClientsPaused, checkClientPauseTimeoutAndReturnIfPaused, unblockPostponedClients), the
 * processCommand check that postpones a command while clients are paused (src/server.c
 * processCommand → blockPostponeClient, src/blocked.c) and the queue of clients to run again
 * (server.unblocked_clients, blocked.c queueClientForReprocessing / processUnblockedClients).
 *
 * While paused, the keyspace neither expires nor evicts (db.c expireIfNeeded, expire.c
 * activeExpireCycle and evict.c isSafeToPerformEvictions each ask
 * checkClientPauseTimeoutAndReturnIfPaused): a read of a key whose TTL passed answers as if it
 * were gone, but the key stays until the pause ends: the keyspace's `paused` flag, set for as long
 * as the pause lasts.
 */
import type { RespValue } from '@protolab/resp';
import type { CommandSpec } from '@protolab/redis-keyspace';
import { string2ll } from '@protolab/redis-common';
import type { Client } from './client.js';
import { keyOf } from './client.js';
import type { RedisServer } from './server.js';
import { commandTable } from './command-table.js';

/** server.h pause_type: CLIENT_PAUSE_OFF < CLIENT_PAUSE_WRITE < CLIENT_PAUSE_ALL (the order is used). */
export const CLIENT_PAUSE_OFF = 0;
export const CLIENT_PAUSE_WRITE = 1;
export const CLIENT_PAUSE_ALL = 2;
export type PauseType = typeof CLIENT_PAUSE_OFF | typeof CLIENT_PAUSE_WRITE | typeof CLIENT_PAUSE_ALL;

const err = (text: string): RespValue => ({ type: 'error', value: text });
const OK: RespValue = { type: 'simple', value: 'OK' };

/** The server's pause state (server.client_pause_*) and the two client lists it drives. */
export class PauseState {
  /** server.client_pause_type */
  type: PauseType = CLIENT_PAUSE_OFF;
  /** server.client_pause_end_time (ms, the injected clock) */
  endTime = 0;
  /**
   * server.client_pause_per_purpose[PAUSE_BY_CLIENT_COMMAND]: the only purpose modelled (7.0 also
   * pauses during SHUTDOWN waiting for replicas and during FAILOVER, neither of which exists here).
   */
  event: { type: PauseType; end: number } | undefined;
  /** server.postponed_clients: clients whose command waits for the pause to end, in arrival order. */
  readonly postponedClients = new Set<Client>();
  /** server.unblocked_clients: clients to run again at the next beforeSleep, in order. */
  readonly unblockedClients = new Set<Client>();
  /** CLIENT_SLAVE: a replica's connection is never paused (set by a replication unit). */
  isReplicaClient: ((c: Client) => boolean) | undefined;
}

/** networking.c areClientsPaused */
export function areClientsPaused(srv: RedisServer): boolean {
  return srv.pause.type !== CLIENT_PAUSE_OFF;
}

/**
 * networking.c pauseClients(PAUSE_BY_CLIENT_COMMAND, end, type): the most restrictive type and the
 * latest end of this purpose win (a second CLIENT PAUSE never shortens nor weakens the first).
 */
export function pauseClients(srv: RedisServer, end: number, type: PauseType): void {
  const p = srv.pause;
  if (p.event === undefined) p.event = { type, end };
  else p.event = { type: Math.max(p.event.type, type) as PauseType, end: Math.max(p.event.end, end) };
  updateClientPauseTypeAndEndTime(srv);
}

/** networking.c unpauseClients(PAUSE_BY_CLIENT_COMMAND) */
export function unpauseClients(srv: RedisServer): void {
  srv.pause.event = undefined;
  updateClientPauseTypeAndEndTime(srv);
}

/**
 * networking.c updateClientPauseTypeAndEndTime: a pause whose end is before server.mstime is
 * dropped (so `CLIENT PAUSE 0` pauses nothing); when the type becomes less restrictive every
 * postponed client is queued to run again (and may be postponed again).
 */
function updateClientPauseTypeAndEndTime(srv: RedisServer): void {
  const p = srv.pause;
  const oldType = p.type;
  if (p.event !== undefined && p.event.end < srv.nowMs()) p.event = undefined;
  p.type = p.event?.type ?? CLIENT_PAUSE_OFF;
  p.endTime = p.event?.end ?? 0;
  if (oldType === CLIENT_PAUSE_OFF && p.type !== CLIENT_PAUSE_OFF) {
    // expireIfNeeded / activeExpireCycle / performEvictions see the pause from now on.
    srv.keyspace.paused = true;
  } else if (oldType !== CLIENT_PAUSE_OFF && p.type === CLIENT_PAUSE_OFF) {
    srv.keyspace.paused = false;
  }
  if (p.type < oldType) unblockPostponedClients(srv);
}

/**
 * networking.c checkClientPauseTimeoutAndReturnIfPaused: end the pause once its time is over
 * (called where Redis calls it: serverCron and the expire cycle), and say whether clients are
 * still paused.
 */
export function checkClientPauseTimeoutAndReturnIfPaused(srv: RedisServer): boolean {
  if (!areClientsPaused(srv)) return false;
  if (srv.pause.endTime < srv.nowMs()) updateClientPauseTypeAndEndTime(srv);
  return areClientsPaused(srv);
}

/** networking.c unblockPostponedClients: each postponed client, in order, is queued to run again. */
export function unblockPostponedClients(srv: RedisServer): void {
  const p = srv.pause;
  for (const c of [...p.postponedClients]) {
    p.postponedClients.delete(c);
    p.unblockedClients.add(c);
  }
}

/**
 * blocked.c blockPostponeClient: the command is kept (put back in front of the client's waiting
 * commands, as c->argv stays with CLIENT_PENDING_COMMAND) and runs again when the client is
 * unblocked; the client is CLIENT_BLOCKED meanwhile (INFO blocked_clients, CLIENT LIST flag b).
 */
export function blockPostponeClient(srv: RedisServer, c: Client, argv: Uint8Array[]): void {
  c.pending.splice(c.pendingAt, 0, argv);
  for (const a of argv) c.pendingBytes += a.length;
  srv.pause.postponedClients.add(c);
}

/** Whether `c` waits for something before its next command (CLIENT_BLOCKED with BLOCKED_POSTPONE, or queued to run again). */
export function isPostponed(srv: RedisServer, c: Client): boolean {
  return srv.pause.postponedClients.has(c) || srv.pause.unblockedClients.has(c);
}

/** blocked.c processUnblockedClients: run the waiting commands of each client unblocked since, in order. */
export function processUnblockedClients(srv: RedisServer): void {
  const queue = srv.pause.unblockedClients;
  while (queue.size > 0) {
    const c = queue.values().next().value as Client;
    queue.delete(c);
    if (srv.clients.get(c.connId) === c) srv.processPendingCommands(c);
  }
}

/** freeClient: a closed client leaves both lists. */
export function forgetPausedClient(srv: RedisServer, c: Client): void {
  srv.pause.postponedClients.delete(c);
  srv.pause.unblockedClients.delete(c);
}

/** The command's spec (its subcommand's for a container), for its flags. */
function lookupSpec(srv: RedisServer, name: string, argv: readonly Uint8Array[]): CommandSpec | undefined {
  const top = commandTable(srv).get(name);
  if (top?.subcommands === undefined || argv[1] === undefined) return top;
  return top.subcommands.get(keyOf(argv[1]).toLowerCase()) ?? top;
}

/**
 * 7.0's CMD_MAY_REPLICATE commands (src/commands/*.json "MAY_REPLICATE"; COMMAND INFO does not
 * print the flag, so the recorded rows lack it): of these PFCOUNT and PUBLISH exist here.
 */
const MAY_REPLICATE = new Set(['pfcount', 'publish', 'spublish', 'eval', 'evalsha', 'fcall']);

const mayReplicate = (spec: CommandSpec | undefined): boolean =>
  spec !== undefined && (spec.flags.includes('write') || spec.flags.includes('may_replicate') || MAY_REPLICATE.has(spec.name));

/**
 * server.c processCommand's pause check, after every refusal (unknown command, arity, AUTH, the
 * other units' filters) and before MULTI queues the command: while paused for ALL every command
 * of a normal client waits, while paused for WRITE the commands flagged write or may_replicate
 * (PFCOUNT, PUBLISH…) and an EXEC whose queue holds one (c->mstate.cmd_flags). True when the
 * command was postponed (it runs when the pause ends, with no reply now).
 */
export function postponeIfPaused(srv: RedisServer, c: Client, name: string, argv: Uint8Array[]): boolean {
  const p = srv.pause;
  if (p.type === CLIENT_PAUSE_OFF || p.isReplicaClient?.(c) === true) return false;
  if (p.type === CLIENT_PAUSE_WRITE) {
    let postpone = mayReplicate(lookupSpec(srv, name, argv));
    if (!postpone && name === 'exec' && c.inMulti) postpone = c.queue.some((q) => mayReplicate(lookupSpec(srv, keyOf(q[0] ?? new Uint8Array()).toLowerCase(), q)));
    if (!postpone) return false;
  }
  blockPostponeClient(srv, c, argv);
  return true;
}

/**
 * networking.c clientCommand, CLIENT PAUSE timeout [WRITE|ALL]: the mode is checked first
 * ("CLIENT PAUSE mode must be WRITE or ALL"), then the timeout as timeout.c
 * getTimeoutFromObjectOrReply reads milliseconds (string2ll; "timeout is negative"; 0 stays 0, any
 * other is added to the clock in int64, which 7.0 does not check for overflow: a wrapped end is in
 * the past and the pause ends at once).
 */
export function clientPauseCommand(srv: RedisServer, argv: readonly Uint8Array[]): RespValue {
  if (argv.length < 3) return err("ERR wrong number of arguments for 'client|pause' command");
  if (argv.length !== 3 && argv.length !== 4) return err(`ERR unknown subcommand or wrong number of arguments for '${keyOf(argv[1] ?? new Uint8Array()).slice(0, 128)}'. Try CLIENT HELP.`);
  let type: PauseType = CLIENT_PAUSE_ALL;
  if (argv[3] !== undefined) {
    const mode = keyOf(argv[3]).toLowerCase();
    if (mode === 'write') type = CLIENT_PAUSE_WRITE;
    else if (mode !== 'all') return err('ERR CLIENT PAUSE mode must be WRITE or ALL');
  }
  const tval = string2ll(keyOf(argv[2] ?? new Uint8Array()));
  if (tval === undefined) return err('ERR timeout is not an integer or out of range');
  if (tval < 0n) return err('ERR timeout is negative');
  let end = tval;
  if (tval > 0n) end = BigInt.asIntN(64, tval + BigInt(srv.nowMs()));
  pauseClients(srv, Number(end), type);
  return OK;
}

/** CLIENT UNPAUSE */
export function clientUnpauseCommand(srv: RedisServer): RespValue {
  unpauseClients(srv);
  return OK;
}
