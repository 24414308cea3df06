/**
 * The commands a Redis 7.0 sentinel answers its clients (sentinel.c sentinelcmds / the sentinel
 * command table, sentinelCommand, sentinelInfoCommand, sentinelRoleCommand,
 * sentinelPublishCommand; server.c processCommand's checks), as one sans-I/O function from a
 * client's argv to the replies to write: `sentinelDispatch(ctx, client, argv)`. The clock is
 * `ctx.nowMs`; the adapter (src/adapters/sentinel-server.ts) owns the sockets.
 *
 * Commands of the real table that protolab does not implement (ACL, AUTH, COMMAND, SHUTDOWN,
 * SENTINEL MONITOR / REMOVE / RESET / DEBUG / FLUSHCONFIG / INFO-CACHE /
 * PENDING-SCRIPTS / SIMULATE-FAILURE / HELP, CLIENT other than SETNAME / GETNAME / ID) pass the
 * arity check as in Redis and then answer `-ERR protolab's sentinel does not implement '<name>'`.
 * SENTINEL SET (auth-pass, auth-user, the timings, quorum) and SENTINEL CONFIG (sentinel-user,
 * sentinel-pass) are sentinel-set.ts.
 */
import { reply, type RespValue } from '@protolab/resp';
import { deliver as deliverTo, subscribe, unsubscribe, type PubSubState } from './pubsub.js';
import type { SentinelNode } from './sentinel.js';
import { Sentinel } from './sentinel-state.js';
import { pendingScriptsRows } from './scripts.js';
import { sentinelConfigCommand, sentinelSetCommand, type SentinelSetHooks } from './sentinel-set.js';
import { masterRow, sentinelInfoSection, sentinelRows, slaveRows, splitHostPort, type LinkView } from './sentinel-reply.js';

/** The version a real sentinel reports; the replies follow redis-sentinel 7.0.15. */
export const SENTINEL_REDIS_VERSION = '7.0.15';

/** One connected client (the parts of server.h `client` these commands touch). */
export interface SentinelClient extends PubSubState {
  readonly id: number;
  name: string | undefined;
  /** CLIENT_CLOSE_AFTER_REPLY (QUIT). */
  closeAfterReply: boolean;
}

export function newSentinelClient(id: number): SentinelClient {
  return { id, name: undefined, resp: 2, channels: new Set(), patterns: new Set(), closeAfterReply: false };
}

/** What INFO server / clients show: facts of the process, given by the adapter. */
export interface SentinelProcessInfo {
  readonly run_id: string;
  readonly tcp_port: number;
  readonly process_id: number;
  readonly started_ms: number;
  readonly os: string;
  readonly executable: string;
  readonly config_file: string;
  readonly connected_clients: () => number;
}

export interface SentinelContext extends SentinelSetHooks {
  /** One master's core, or a Sentinel monitoring several (sentinel-state.ts). */
  readonly core: SentinelNode | Sentinel;
  readonly nowMs: number;
  readonly process: SentinelProcessInfo;
  readonly links?: LinkView;
  /** PUBLISH __sentinel__:hello <payload> from another sentinel (sentinelProcessHelloMessage). */
  readonly onHello?: (payload: string) => void;
}

/** server.c: positive arity is exact, negative is a minimum. Subcommands count argv[0] too. */
type Arity = number;
interface CommandEntry {
  readonly arity: Arity;
  readonly subcommands?: ReadonlyMap<string, Arity>;
}

const SENTINEL_SUBCOMMANDS = new Map<string, Arity>([
  ['ckquorum', 3], ['config', -3], ['debug', -2], ['failover', 3], ['flushconfig', 2], ['get-master-addr-by-name', 3],
  ['help', 2], ['info-cache', -3], ['is-master-down-by-addr', 6], ['master', 3], ['masters', 2], ['monitor', 6],
  ['myid', 2], ['pending-scripts', 2], ['remove', 3], ['replicas', 3], ['reset', 3], ['sentinels', 3], ['set', -5],
  ['simulate-failure', -3], ['slaves', 3],
]);
const CLIENT_SUBCOMMANDS = new Map<string, Arity>([
  ['caching', 3], ['getname', 2], ['getredir', 2], ['help', 2], ['id', 2], ['info', 2], ['kill', -3], ['list', -2],
  ['no-evict', 3], ['pause', -3], ['reply', 3], ['setname', 3], ['tracking', -3], ['trackinginfo', 2], ['unblock', -3], ['unpause', 2],
]);

/** The sentinel-mode command table of redis-sentinel 7.0.15 (COMMAND LIST), with arities. */
const COMMANDS = new Map<string, CommandEntry>([
  ['ping', { arity: -1 }], ['role', { arity: 1 }], ['info', { arity: -1 }], ['hello', { arity: -1 }],
  ['subscribe', { arity: -2 }], ['psubscribe', { arity: -2 }], ['unsubscribe', { arity: -1 }], ['punsubscribe', { arity: -1 }],
  ['publish', { arity: 3 }], ['sentinel', { arity: -2, subcommands: SENTINEL_SUBCOMMANDS }], ['client', { arity: -2, subcommands: CLIENT_SUBCOMMANDS }],
  ['acl', { arity: -2 }], ['auth', { arity: -2 }], ['command', { arity: -1 }], ['shutdown', { arity: -1 }],
]);

/** Allowed while subscribed on a RESP2 connection (processCommand). */
const PUBSUB_CONTEXT = new Set(['ping', 'subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe', 'quit', 'reset', 'ssubscribe', 'sunsubscribe']);

const err = (text: string): RespValue => reply.error(text.replace(/[\r\n]/g, ' '));

function arityOk(arity: Arity, argc: number): boolean {
  return arity >= 0 ? argc === arity : argc >= -arity;
}

/** processCommand's unknown-command text: the name and the first arguments up to 128 bytes. */
function unknownCommand(argv: readonly string[]): RespValue {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${(argv[i] ?? '').slice(0, 128 - args.length)}' `;
  return err(`ERR unknown command '${(argv[0] ?? '').slice(0, 128)}', with args beginning with: ${args}`);
}

/** lookupCommand + the arity check: the full name (`sentinel|master`) or the error reply. */
function lookup(argv: readonly string[]): { fullname: string } | { error: RespValue } {
  const name = (argv[0] ?? '').toLowerCase();
  const entry = COMMANDS.get(name);
  if (entry === undefined) return { error: unknownCommand(argv) };
  if (entry.subcommands !== undefined && argv.length >= 2) {
    const sub = (argv[1] ?? '').toLowerCase();
    const arity = entry.subcommands.get(sub);
    if (arity === undefined) return { error: err(`ERR unknown subcommand '${(argv[1] ?? '').slice(0, 128)}'. Try ${(argv[0] ?? '').toUpperCase()} HELP.`) };
    if (!arityOk(arity, argv.length)) return { error: err(`ERR wrong number of arguments for '${name}|${sub}' command`) };
    return { fullname: `${name}|${sub}` };
  }
  if (!arityOk(entry.arity, argv.length)) return { error: err(`ERR wrong number of arguments for '${name}' command`) };
  return { fullname: name };
}

/**
 * One command from one client: the replies to write, in order (SUBSCRIBE with n channels writes
 * n replies). Never throws on bad input: every refusal is an error reply, as Redis's.
 */
export function sentinelDispatch(ctx: SentinelContext, c: SentinelClient, argv: readonly string[]): RespValue[] {
  if (argv.length === 0) return [];
  if ((argv[0] ?? '').toLowerCase() === 'quit') {
    c.closeAfterReply = true;
    return [reply.ok];
  }
  const found = lookup(argv);
  if ('error' in found) return [found.error];
  const name = found.fullname;
  const subscribed = c.channels.size + c.patterns.size > 0;
  if (subscribed && c.resp === 2 && !PUBSUB_CONTEXT.has(name.split('|')[0] ?? '')) {
    return [err(`ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`)];
  }
  const args = argv.slice(1);
  switch (name) {
    case 'ping':
      return [pingCommand(c, subscribed, args)];
    case 'role':
      // sentinelRoleCommand: every monitored master's name.
      return [reply.array([reply.bulk('sentinel'), reply.array(mastersOf(ctx.core).map((n) => reply.bulk(n.config.masterName)))])];
    case 'info':
      return [reply.bulk(sentinelInfoCommand(ctx, args))];
    case 'hello':
      return [helloCommand(c, args)];
    case 'subscribe':
    case 'psubscribe':
      return subscribe(c, name, args);
    case 'unsubscribe':
    case 'punsubscribe':
      return unsubscribe(c, name, args);
    case 'publish':
      return [sentinelPublishCommand(ctx, args)];
    default:
      if (name.startsWith('sentinel|')) return [sentinelCommand(ctx, name.slice('sentinel|'.length), args.slice(1))];
      if (name.startsWith('client|')) return [clientCommand(c, name.slice('client|'.length), args.slice(1))];
      return [notImplemented(name)];
  }
}

function notImplemented(fullname: string): RespValue {
  return err(`ERR protolab's sentinel does not implement '${fullname}'`);
}

/** pingCommand: +PONG, the argument as a bulk, or in a RESP2 subscribed context `pong` and it. */
function pingCommand(c: SentinelClient, subscribed: boolean, args: readonly string[]): RespValue {
  if (args.length > 1) return err("ERR wrong number of arguments for 'ping' command");
  if (subscribed && c.resp === 2) return reply.array([reply.bulk('pong'), reply.bulk(args[0] ?? '')]);
  return args[0] === undefined ? reply.simple('PONG') : reply.bulk(args[0]);
}

/** sentinelPublishCommand: only hellos, which go to the core; the reply counts one receiver. */
function sentinelPublishCommand(ctx: SentinelContext, args: readonly string[]): RespValue {
  if (args[0] !== '__sentinel__:hello') return err('ERR Only HELLO messages are accepted by Sentinel instances.');
  ctx.onHello?.(args[1] ?? '');
  return reply.integer(1);
}

/** getLongLongFromObjectOrReply: a decimal integer as string2ll takes it, within int64. */
export function parseLongLong(s: string): number | undefined {
  if (!/^-?[1-9][0-9]*$|^0$/.test(s) || s.length > 20) return undefined;
  const v = BigInt(s);
  if (v < -(2n ** 63n) || v > 2n ** 63n - 1n) return undefined;
  return Number(v);
}

/** sentinel.masters in order: the Sentinel's masters, or the one node. */
function mastersOf(core: SentinelNode | Sentinel): SentinelNode[] {
  return core instanceof Sentinel ? [...core.masters.values()] : [core];
}

/** sentinelCommand, for the subcommands protolab implements; a name is looked up in sentinel.masters. */
function sentinelCommand(ctx: SentinelContext, sub: string, args: readonly string[]): RespValue {
  const core = ctx.core;
  const n = core instanceof Sentinel ? core.masters.get(args[0] ?? '') : args[0] === core.config.masterName ? core : undefined;
  const noSuchMaster = err('ERR No such master with that name');
  switch (sub) {
    case 'masters':
      return reply.array(mastersOf(core).map((m) => masterRow(m, ctx.nowMs, ctx.links)));
    case 'master':
      return n !== undefined ? masterRow(n, ctx.nowMs, ctx.links) : noSuchMaster;
    case 'replicas':
    case 'slaves':
      return n !== undefined ? slaveRows(n, ctx.nowMs, ctx.links) : noSuchMaster;
    case 'sentinels':
      return n !== undefined ? sentinelRows(n, ctx.nowMs) : noSuchMaster;
    case 'myid':
      return reply.bulk(core.myid);
    case 'get-master-addr-by-name': {
      if (n === undefined) return reply.nullArray;
      const [ip, port] = splitHostPort(n.sentinelGetCurrentMasterAddress());
      return reply.array([reply.bulk(ip), reply.bulk(String(port))]);
    }
    case 'ckquorum':
      return n !== undefined ? ckquorum(n) : noSuchMaster;
    case 'failover': {
      if (n === undefined) return noSuchMaster;
      const r = n.failover(ctx.nowMs);
      return r === 'OK' ? reply.ok : err(r.slice(1));
    }
    case 'is-master-down-by-addr':
      return isMasterDownByAddr(ctx, args);
    case 'set':
      return sentinelSetCommand(n, args, ctx);
    case 'config':
      return core instanceof Sentinel ? sentinelConfigCommand(core, args, ctx) : notImplemented('sentinel|config');
    case 'pending-scripts':
      return reply.array(pendingScriptsRows(core.scripts, ctx.nowMs).map((row) => reply.map(row.map(({ field, value }) => [reply.bulk(field), typeof value === 'string' ? reply.bulk(value) : reply.array(value.map((a) => reply.bulk(a)))] as const))));
    default:
      return notImplemented(`sentinel|${sub}`);
  }
}

/**
 * sentinelIsQuorumReachable: the usable sentinels are this one and every other not in S_DOWN
 * (the core never sets O_DOWN on a sentinel); the quorum and a majority of all known sentinels
 * (voters) must be usable.
 */
function ckquorum(n: SentinelNode): RespValue {
  const voters = n.sentinels.size + 1;
  let usable = 1;
  for (const s of n.sentinels.values()) if (s.s_down_since_time === undefined) usable++;
  const noQuorum = usable < n.config.quorum;
  const noAuth = usable < Math.floor(voters / 2) + 1;
  if (!noQuorum && !noAuth) return reply.simple(`OK ${usable} usable Sentinels. Quorum and failover authorization can be reached`);
  const parts: string[] = [];
  if (noQuorum) parts.push('Not enough available Sentinels to reach the specified quorum for this master');
  if (noAuth) parts.push('Not enough available Sentinels to reach the majority and authorize a failover');
  return err(`NOQUORUM ${usable} usable Sentinels. ${parts.join('. ')}`);
}

/** SENTINEL is-master-down-by-addr <ip> <port> <current-epoch> <runid>: `*3 :down $leader :epoch`. */
function isMasterDownByAddr(ctx: SentinelContext, args: readonly string[]): RespValue {
  const [ip, portText, epochText, runid] = args as [string, string, string, string];
  const port = parseLongLong(portText);
  const epoch = parseLongLong(epochText);
  if (port === undefined || epoch === undefined) return err('ERR value is not an integer or out of range');
  const addr = `${ip}:${port}`;
  // The master at that address (none: not down, no vote), as getSentinelRedisInstanceByAddrAndRunID finds it.
  const n = ctx.core instanceof Sentinel ? ctx.core.masterByAddr(addr) : ctx.core;
  const r = n?.isMasterDownByAddr(addr, epoch, runid, ctx.nowMs) ?? { down: false, leader: '*', leader_epoch: 0 };
  return reply.array([reply.integer(r.down ? 1 : 0), reply.bulk(r.leader), reply.integer(r.leader_epoch)]);
}

/** clientSetNameOrReply's rule: no bytes outside '!'..'~'. */
function validClientName(name: string): boolean {
  return /^[!-~]*$/.test(name);
}

function clientCommand(c: SentinelClient, sub: string, args: readonly string[]): RespValue {
  switch (sub) {
    case 'id':
      return reply.integer(c.id);
    case 'getname':
      return c.name === undefined ? reply.null : reply.bulk(c.name);
    case 'setname': {
      const name = args[0] ?? '';
      if (!validClientName(name)) return err('ERR Client names cannot contain spaces, newlines or special characters.');
      c.name = name === '' ? undefined : name;
      return reply.ok;
    }
    default:
      return notImplemented(`client|${sub}`);
  }
}

/** helloCommand: HELLO [protover [AUTH user pass] [SETNAME name]], the map sentinel mode answers. */
function helloCommand(c: SentinelClient, args: readonly string[]): RespValue {
  let ver: number = c.resp;
  if (args.length > 0) {
    const v = parseLongLong(args[0] ?? '');
    if (v === undefined) return err('ERR Protocol version is not an integer or out of range');
    if (v < 2 || v > 3) return err('NOPROTO unsupported protocol version');
    ver = v;
  }
  let setname: string | undefined;
  for (let j = 1; j < args.length; j++) {
    const opt = (args[j] ?? '').toLowerCase();
    const more = args.length - 1 - j;
    if (opt === 'auth' && more >= 2) {
      // No users are configured: the default user has no password, any other user does not exist.
      if (args[j + 1] !== 'default') return err('WRONGPASS invalid username-password pair or user is disabled.');
      j += 2;
    } else if (opt === 'setname' && more >= 1) {
      setname = args[++j] ?? '';
      if (!validClientName(setname)) return err('ERR Client names cannot contain spaces, newlines or special characters.');
    } else return err(`ERR Syntax error in HELLO option '${args[j] ?? ''}'`);
  }
  if (setname !== undefined) c.name = setname === '' ? undefined : setname;
  c.resp = ver === 3 ? 3 : 2;
  return reply.map([
    [reply.bulk('server'), reply.bulk('redis')],
    [reply.bulk('version'), reply.bulk(SENTINEL_REDIS_VERSION)],
    [reply.bulk('proto'), reply.integer(c.resp)],
    [reply.bulk('id'), reply.integer(c.id)],
    [reply.bulk('mode'), reply.bulk('sentinel')],
    [reply.bulk('modules'), reply.array([])],
  ]);
}

/**
 * sentinelInfoCommand: sections `server`, `clients` and `sentinel` (the default, `all` and
 * `everything`), several names allowed as in 7.0.15; unknown names add nothing. The server
 * section holds the fields protolab knows (a subset of Redis's, in Redis's order); `cpu` and
 * `stats` are not modelled.
 */
export function sentinelInfoCommand(ctx: SentinelContext, args: readonly string[]): string {
  const names = new Set(args.map((a) => a.toLowerCase()));
  const all = names.size === 0 || names.has('default') || names.has('all') || names.has('everything');
  const sections: string[] = [];
  if (all || names.has('server')) sections.push(serverSection(ctx));
  if (all || names.has('clients')) sections.push(`# Clients\r\nconnected_clients:${ctx.process.connected_clients()}\r\n`);
  if (all || names.has('sentinel')) sections.push(sentinelInfoSection(ctx.core, ctx.nowMs));
  return sections.join('\r\n');
}

function serverSection(ctx: SentinelContext): string {
  const p = ctx.process;
  const up = Math.max(0, Math.floor((ctx.nowMs - p.started_ms) / 1000));
  const lines = [
    '# Server', `redis_version:${SENTINEL_REDIS_VERSION}`, 'redis_mode:sentinel', `os:${p.os}`, `process_id:${p.process_id}`,
    `run_id:${p.run_id}`, `tcp_port:${p.tcp_port}`, `uptime_in_seconds:${up}`, `uptime_in_days:${Math.floor(up / 86400)}`,
    'hz:10', 'configured_hz:10', `executable:${p.executable}`, `config_file:${p.config_file}`, '',
  ];
  return lines.join('\r\n');
}

/** The Pub/Sub replies one client gets for one published event. */
export function deliverEvent(c: SentinelClient, channel: string, message: string): RespValue[] {
  return deliverTo(c, channel, message);
}
