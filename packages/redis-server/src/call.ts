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
import { BLOCKING_COMMANDS, blockingPopCommand } from './blocked.js';
import type { BlockingKind } from './blocked.js';
import { callSpec, monitorLine, monitorRefusal, redactedArgv } from './monitor.js';
import { commandName } from './networking.js';

const err = (text: string): RespValue => ({ type: 'error', value: text });
/** Commands MULTI does not queue (server.c processCommand). */
const NOT_QUEUED = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
/** Commands with subcommands (CLIENT LIST shows cmd=client|list). */
const CONTAINER_COMMANDS = new Set(['client', 'config', 'pubsub', 'command', 'object', 'memory', 'cluster', 'debug', 'script', 'function', 'acl', 'latency', 'slowlog', 'module', 'xinfo']);

/**
 * server.c processCommand for one client: a monitor's refused commands, the RESP2 subscribed
 * context, the other units' filters (cluster redirection, replication refusals…), MULTI's queue,
 * the blocking pops, then call(). `undefined` when the command wrote its replies itself
 * (SUBSCRIBE: one per channel).
 */
export function processCommand(srv: RedisServer, c: Client, argv: Uint8Array[]): RespValue | undefined {
  const name = commandName(c, argv[0] ?? new Uint8Array());
  // c->lastcmd->fullname: a container command shows its subcommand (client|list).
  c.lastCmd = argv[1] !== undefined && CONTAINER_COMMANDS.has(name) ? `${name}|${keyOf(argv[1]).toLowerCase()}` : name;
  const refused = srv.monitors.size > 0 && srv.monitors.has(c) ? monitorRefusal(name, argv) : undefined;
  if (refused !== undefined) return rejectCommand(srv, c, name, refused);
  if (c.resp === 2 && !srv.pubsub.empty && srv.pubsub.count(c) > 0 && !SUBSCRIBED_MODE_ALLOWED.has(name)) {
    // After the unknown-command and arity checks, which the normal path answers.
    const full = knownFullName(srv, argv);
    if (full !== undefined) return rejectCommand(srv, c, name, `ERR Can't execute '${full}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
  }
  for (const filter of srv.commandFilters) {
    const refusal = filter(srv, c, name, argv);
    if (refusal !== undefined) return refusal;
  }
  if (c.inMulti && !NOT_QUEUED.has(name)) return queueCommand(srv, c, argv);
  if (BLOCKING_COMMANDS.has(name)) {
    const start = srv.nowUs();
    const r = blockingPopCommand(srv, c, name as BlockingKind, argv);
    // A client that blocked is offered to the slow log once served (servedBlocked), not now.
    const blocked = srv.blocking.blocked.has(c);
    const durationUs = srv.nowUs() - start;
    c.blockedCall = blocked ? { argv: redactedArgv(name, argv), durationUs } : undefined;
    afterCall(srv, c, name, argv, durationUs, blocked, c.db);
    return r;
  }
  return call(srv, c, name, argv);
}

/**
 * server.c call(): run one command now (also for each command EXEC runs): a command of another
 * unit (serverCommands), then this package's own (server-commands.ts), else the keyspace.
 */
export function call(srv: RedisServer, c: Client, name: string, argv: Uint8Array[]): RespValue | undefined {
  srv.stats.totalCommandsProcessed++;
  const proc = srv.serverCommands.get(name);
  // Timed only when someone looks (the slow log is on, or a monitor is connected).
  const timed = srv.slowlog.slowerThan >= 0 || srv.monitors.size > 0;
  const start = timed ? srv.nowUs() : 0;
  const r = proc !== undefined ? proc(srv, c, argv) : srv.runOnKeyspace(c, argv, name);
  const duration = timed ? srv.nowUs() - start : 0;
  if (r !== undefined && srv.monitors.size > 0 && srv.monitors.has(c) && !srv.inExec(c)) {
    // A monitor sees its own command after its reply.
    srv.addReply(c, r);
    afterCall(srv, c, name, argv, duration, false, c.db);
    return undefined;
  }
  afterCall(srv, c, name, argv, duration, false, c.db);
  return r;
}

/**
 * The end of server.c call(): offer the command to the slow log and feed the monitors, unless
 * processCommand would have refused it (then neither happens). `durationUs` undefined: not known
 * yet (a keyspace command inside EXEC; exec.ts gives it to flushExecSlowlog later).
 */
export function afterCall(srv: RedisServer, c: Client, name: string, argv: readonly Uint8Array[], durationUs: number | undefined, blocked: boolean, db: number): void {
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
export function servedBlocked(srv: RedisServer, c: Client, serveUs: number): void {
  const blockedCall = c.blockedCall;
  c.blockedCall = undefined;
  if (blockedCall === undefined || srv.slowlog.slowerThan < 0) return;
  const d = blockedCall.durationUs + serveUs;
  if (d >= srv.slowlog.slowerThan) srv.slowlog.push(c, blockedCall.argv, d, srv.nowMs());
}

/** exec.ts: the slow log candidates of an EXEC, in queue order; `sharedUs` for those run by the keyspace. */
export function flushExecSlowlog(srv: RedisServer, sharedUs: number): void {
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
export function rejectCommand(srv: RedisServer, c: Client, name: string, text: string): RespValue {
  if (c.inMulti) c.dirtyExec = true;
  if (name !== 'exec') return err(text);
  srv.discard(c);
  return err(`EXECABORT Transaction discarded because of: ${text.replace(/^ERR /, '')}`);
}
