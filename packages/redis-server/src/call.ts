/**
 * server.c's command path, after a request is parsed: processCommand (the checks that refuse or
 * queue a command), call (run it, time it), the end of call() (slow log, monitors) and
 * rejectCommand. Split out of server.ts, which keeps the connection lifecycle and the output side;
 * these are functions of a `RedisServer` (the C code's global `server`).
 */
import type { RespValue } from '@protolab/resp';
import type { Client } from './client.js';
import { keyOf } from './client.js';
import type { RedisServer } from './server.js';
import { queueCommand } from './exec.js';
import { SUBSCRIBED_MODE_ALLOWED } from './pubsub.js';
import { knownFullName } from './command-table.js';
import { authRequiredPassed } from './connection.js';
import { BLOCKING_COMMANDS, blockingPopCommand } from './blocked.js';
import type { BlockingKind } from './blocked.js';
import { callSpec, monitorLine, monitorRefusal, redactedArgv } from './monitor.js';
import { commandName } from './networking.js';
import { isRawError, lookupForStats, rejectionKind } from './call-stats.js';
import { encodeReply } from './reply.js';
import { postponeIfPaused } from './pause.js';
import { waitBlockedOf } from './client-command.js';

const err = (text: string): RespValue => ({ type: 'error', value: text });
/** commands.def's CMD_NO_AUTH commands: what an unauthenticated client may run. */
const NO_AUTH = new Set(['auth', 'hello', 'quit', 'reset']);
/** Commands MULTI does not queue (server.c processCommand). */
const NOT_QUEUED = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
/** Commands with subcommands (CLIENT LIST shows cmd=client|list). */
const CONTAINER_COMMANDS = new Set(['client', 'config', 'pubsub', 'command', 'object', 'memory', 'cluster', 'debug', 'script', 'function', 'acl', 'latency', 'slowlog', 'module', 'xinfo']);

/**
 * server.c processCommand, right after call(): `c->woff = server.master_repl_offset` (7.0), for
 * every command that ran (not one refused, queued by MULTI or postponed by a pause; not the
 * commands EXEC runs, only EXEC). The replication unit records it (setWoffRecorder).
 */
const woffRecorders = new WeakMap<RedisServer, (c: Client) => void>();

/** The replication unit's recorder of a client's `woff` (replication/replication.ts). */
export function setWoffRecorder(srv: RedisServer, record: (c: Client) => void): void {
  woffRecorders.set(srv, record);
}

/** c->lastcmd->fullname: a container command shows its subcommand (client|list). */
export function commandFullName(name: string, argv: readonly Uint8Array[]): string {
  return argv[1] !== undefined && CONTAINER_COMMANDS.has(name) ? `${name}|${keyOf(argv[1]).toLowerCase()}` : name;
}

/**
 * server.c processCommand for one client: a monitor's refused commands, the RESP2 subscribed
 * context, the other units' filters (cluster redirection, replication refusals…), MULTI's queue,
 * the blocking pops, then call(). `undefined` when the command wrote its replies itself
 * (SUBSCRIBE: one per channel).
 */
export function processCommand(srv: RedisServer, c: Client, argv: Uint8Array[]): RespValue | undefined {
  const name = commandName(c, argv[0] ?? new Uint8Array());
  c.lastCmd = commandFullName(name, argv);
  if (!c.authenticated && !NO_AUTH.has(name) && !authRequiredPassed(srv, c) && knownFullName(srv, argv) !== undefined) {
    // server.c processCommand: after the unknown-command and arity checks (which the normal path
    // answers), a client that must authenticate may run only the NO_AUTH commands.
    return rejectCommand(srv, c, name, 'NOAUTH Authentication required.', argv);
  }
  const refused = srv.monitors.size > 0 && srv.monitors.has(c) ? monitorRefusal(name, argv) : undefined;
  if (refused !== undefined) return rejectCommand(srv, c, name, refused, argv);
  if (c.resp === 2 && !srv.pubsub.empty && srv.pubsub.count(c) > 0 && !SUBSCRIBED_MODE_ALLOWED.has(name)) {
    // After the unknown-command and arity checks, which the normal path answers.
    const full = knownFullName(srv, argv);
    if (full !== undefined) return rejectCommand(srv, c, name, `ERR Can't execute '${full}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`, argv);
  }
  for (const filter of srv.commandFilters) {
    const refusal = filter(srv, c, name, argv);
    if (refusal !== undefined) {
      // A cluster redirection, READONLY, MISCONF…: rejected_calls (an error reply) of the command.
      if (refusal.type === 'error') srv.stats.commands.rejected(lookupForStats(name, argv)?.full);
      return refusal;
    }
  }
  // Paused (CLIENT PAUSE): a known command of valid arity waits, before MULTI would queue it.
  if (srv.pause.type !== 0 && knownFullName(srv, argv) !== undefined && postponeIfPaused(srv, c, name, argv)) return undefined;
  if (c.inMulti && !NOT_QUEUED.has(name)) {
    const q = queueCommand(srv, c, argv);
    // Refused at queue time (processCommand's checks): rejected_calls, as rejectCommand counts it.
    if (q.type === 'error' && rejectionKind(q.value) !== 'unknown') srv.stats.commands.rejected(lookupForStats(name, argv)?.full);
    return q;
  }
  if (BLOCKING_COMMANDS.has(name)) {
    const start = srv.nowUs();
    const r = blockingPopCommand(srv, c, name as BlockingKind, argv);
    // A client that blocked is offered to the slow log once served (servedBlocked), not now.
    const blocked = srv.blocking.blocked.has(c);
    const durationUs = srv.nowUs() - start;
    c.blockedCall = blocked ? { argv: redactedArgv(name, argv), durationUs } : undefined;
    if (!countCall(srv, name, argv, durationUs, r, blocked)) return r;
    afterCall(srv, c, name, argv, durationUs, blocked, c.db);
    woffRecorders.get(srv)?.(c);
    return r;
  }
  return call(srv, c, name, argv, true);
}

/**
 * The counting of call() (server.c call / incrCommandStatsOnError) for one command that ran or
 * was refused on the way: false when processCommand refused it (wrong arity, unknown command,
 * OOM…: rejected_calls, nothing else), true when it ran (calls, usec, failed_calls, the latency
 * histogram, total_commands_processed, a latency-monitor sample).
 */
function countCall(srv: RedisServer, name: string, argv: readonly Uint8Array[], durationUs: number, r: RespValue | undefined, blocked: boolean): boolean {
  const cs = srv.stats.commands;
  const looked = lookupForStats(name, argv);
  const failed = r !== undefined && r.type === 'error';
  if (failed) {
    const kind = rejectionKind(r.value);
    if (kind === 'unknown' || looked === undefined) return false;
    if (kind === 'rejected' || !looked.arityOk) {
      cs.rejected(looked.full);
      return false;
    }
  }
  srv.stats.totalCommandsProcessed++;
  if (looked === undefined) return true;
  cs.called(looked.full, durationUs, failed, blocked);
  const latency = srv.stats.latency;
  // latencyAddSampleIfNeeded: nothing to do (nor a clock to read) with the monitor off, the default.
  if (latency.threshold !== 0) latency.addSampleIfNeeded(looked.spec.flags.includes('fast') ? 'fast-command' : 'command', Math.floor(durationUs / 1000), Math.floor(srv.nowMs() / 1000));
  return true;
}


/**
 * server.c call(): run one command now (also for each command EXEC runs): a command of another
 * unit (serverCommands), then this package's own (server-commands.ts), else the keyspace.
 * `fromProcessCommand`: called by processCommand, which then records the client's woff.
 */
export function call(srv: RedisServer, c: Client, name: string, argv: Uint8Array[], fromProcessCommand = false): RespValue | undefined {
  const proc = srv.serverCommands.get(name);
  if (name === 'exec') srv.stats.commands.execPending = [];
  const start = srv.nowUs();
  let r = proc !== undefined ? proc(srv, c, argv) : srv.runOnKeyspace(c, argv, name);
  const duration = srv.nowUs() - start;
  if (r !== undefined && r.type === 'error' && isRawError(name, argv)) {
    // debug.c DEBUG ERROR writes "-<text>" with addReplySds: not an error reply for the stats.
    srv.writeRaw(c, encodeReply(r, c.resp));
    r = undefined;
  }
  // A WAIT that blocked (CLIENT_BLOCKED after call()): counted in calls / usec, but neither in the
  // latency histogram nor the slow log, then or later (7.0's replyToBlockedClientTimedOut and
  // processClientsWaitingReplicas never call updateStatsOnUnblock; 7.0.15 observed).
  const blocked = r === undefined && name === 'wait' && waitBlockedOf(srv)?.isBlocked(c) === true;
  if (!countCall(srv, name, argv, duration, r, blocked)) return r;
  if (fromProcessCommand) woffRecorders.get(srv)?.(c);
  // Inside EXEC the reply goes into EXEC's array, not through addReply: its error is counted here.
  if (r !== undefined && r.type === 'error' && srv.inExec(c)) srv.stats.commands.afterErrorReply(r.value);
  if (r !== undefined && srv.monitors.size > 0 && srv.monitors.has(c) && !srv.inExec(c)) {
    // A monitor sees its own command after its reply.
    srv.addReply(c, r);
    afterCall(srv, c, name, argv, duration, false, c.db);
    return undefined;
  }
  afterCall(srv, c, name, argv, duration, blocked, c.db);
  return r;
}

/**
 * The end of server.c call(): offer the command to the slow log and feed the monitors, unless
 * processCommand would have refused it (then neither happens). `durationUs` undefined: not known
 * yet (a keyspace command inside EXEC; exec.ts gives it to flushExecSlowlog later).
 */
export function afterCall(srv: RedisServer, c: Client, name: string, argv: readonly Uint8Array[], durationUs: number | undefined, blocked: boolean, db: number): void {
  // A keyspace command run by EXEC: counted once the keyspace's EXEC gave its reply (flushExecSlowlog).
  if (durationUs === undefined) srv.stats.commands.execPending.push(lookupForStats(name, argv));
  const slower = srv.slowlog.slowerThan;
  const logIt = !blocked && slower >= 0 && (durationUs === undefined || durationUs >= slower);
  if (!logIt && srv.monitors.size === 0) return;
  const spec = callSpec(name, argv);
  if (spec === undefined) return;
  const shown = redactedArgv(name, argv);
  if (logIt && !spec.flags.includes('skip_slowlog')) {
    if (srv.execSlowlog !== undefined) srv.execSlowlog.push({ c, argv: shown, durationUs });
    else srv.slowlog.push(c, shown, durationUs ?? 0, srv.nowMs());
  }
  if (srv.monitors.size === 0 || spec.flags.includes('admin') || spec.flags.includes('skip_monitor')) return;
  const line = monitorLine(srv.nowUs(), db, c.addr, shown);
  for (const m of srv.monitors) srv.writeRaw(m, line);
}

/**
 * blocked.c updateStatsOnUnblock for a client served by handleClientsBlockedOnKeys: its pop goes
 * to the slow log with the call's time plus `serveUs` (a timed-out one never does).
 */
export function servedBlocked(srv: RedisServer, c: Client, serveUs: number, reply?: RespValue): void {
  const blockedCall = c.blockedCall;
  c.blockedCall = undefined;
  if (blockedCall === undefined) return;
  // updateStatsOnUnblock: the serving time, a failure, the histogram sample of the whole call.
  const full = keyOf(blockedCall.argv[0] ?? new Uint8Array()).toLowerCase();
  srv.stats.commands.unblocked(full, serveUs, blockedCall.durationUs + serveUs, reply?.type === 'error');
  srv.stats.latency.addSampleIfNeeded('command-unblocking', Math.floor(serveUs / 1000), Math.floor(srv.nowMs() / 1000));
  if (srv.slowlog.slowerThan < 0) return;
  const d = blockedCall.durationUs + serveUs;
  if (d >= srv.slowlog.slowerThan) srv.slowlog.push(c, blockedCall.argv, d, srv.nowMs());
}

/** exec.ts: the slow log candidates of an EXEC, in queue order; `sharedUs` for those run by the keyspace. */
export function flushExecSlowlog(srv: RedisServer, sharedUs: number, execReply?: RespValue): void {
  // The keyspace's commands of this EXEC, in queue order: calls, the shared time, their errors.
  const cs = srv.stats.commands;
  const ran = cs.execPending;
  cs.execPending = [];
  if (execReply?.type === 'array') {
    ran.forEach((looked, i) => {
      const reply = execReply.value[i];
      const failed = reply?.type === 'error';
      if (failed) cs.afterErrorReply(reply.value);
      if (looked === undefined) return;
      cs.called(looked.full, sharedUs, failed);
      srv.stats.latency.addSampleIfNeeded(looked.spec.flags.includes('fast') ? 'fast-command' : 'command', Math.floor(sharedUs / 1000), Math.floor(srv.nowMs() / 1000));
    });
  }
  const pending = srv.execSlowlog ?? [];
  srv.execSlowlog = undefined;
  for (const e of pending) {
    const d = e.durationUs ?? sharedUs;
    if (d >= srv.slowlog.slowerThan) srv.slowlog.push(e.c, e.argv, d, srv.nowMs());
  }
}

/**
 * server.c rejectCommand: inside MULTI the refusal flags the transaction; a refused EXEC aborts
 * it - execCommandAbort → discardTransaction, in MULTI or not, so it also drops the client's
 * WATCHed keys and a CLIENT_DIRTY_CAS flag (redis-server 7.0.15 does; the differential found it).
 */
export function rejectCommand(srv: RedisServer, c: Client, name: string, text: string, argv?: readonly Uint8Array[]): RespValue {
  if (c.inMulti) c.dirtyExec = true;
  srv.stats.commands.rejected(argv === undefined ? undefined : lookupForStats(name, argv)?.full);
  if (name !== 'exec') return err(text);
  srv.discard(c);
  return err(`EXECABORT Transaction discarded because of: ${text.replace(/^ERR /, '')}`);
}
