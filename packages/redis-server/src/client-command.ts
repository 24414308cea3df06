/**
 * networking.c clientCommand: ID, SETNAME, GETNAME, LIST, INFO, KILL, REPLY, NO-EVICT, PAUSE,
 * UNPAUSE (pause.ts), UNBLOCK (client-unblock.ts), and
 * catClientInfoString (one CLIENT LIST line). Fields protolab has no counterpart for (fd, the
 * query buffer's free space, rbs/rbp) are printed with fixed plausible values, documented here:
 * fd = 8, qbuf-free = 0, argv-mem = 0, rbs = 16384, rbp = 0, events = r.
 */
import { CLIENT_HELP, helpReply } from './help.js';
import type { RespValue } from '@protolab/resp';
import type { Client } from './client.js';
import { keyOf } from './client.js';
import type { RedisServer } from './server.js';
import { clientPauseCommand, clientUnpauseCommand } from './pause.js';
import { clientUnblockCommand } from './client-unblock.js';
import { isMasterClient, isReplicaClient, killListedClient, listClients } from './networking.js';

const err = (text: string): RespValue => ({ type: 'error', value: text });
const OK: RespValue = { type: 'simple', value: 'OK' };

/** networking.c clientSetName's check: printable ASCII without spaces ('!'..'~'). */
export function validName(name: Uint8Array): boolean {
  for (const b of name) if (b < 0x21 || b > 0x7e) return false;
  return true;
}

/**
 * getClientType: our master's client (CLIENT_MASTER) is `master`, a replica (CLIENT_SLAVE, not a
 * monitor) `slave`, then a subscriber `pubsub`, else `normal`.
 */
function clientType(srv: RedisServer, c: Client): 'normal' | 'pubsub' | 'slave' | 'master' {
  if (isMasterClient(srv, c)) return 'master';
  if (isReplicaClient(srv, c)) return 'slave';
  return srv.pubsub.count(c) > 0 ? 'pubsub' : 'normal';
}

/** getClientTypeByName: `replica` is `slave`'s other name. */
const typeByName = (name: string): string => (name === 'replica' ? 'slave' : name);

/**
 * What the replication unit tells about clients blocked in WAIT (CLIENT_BLOCKED with btype
 * BLOCKED_WAIT: blocked.c blockClient, called by replication.c waitCommand, 7.0). Its list of
 * waiters lives there, not in `srv.blocking`; it registers this when installed
 * (replication/replication.ts installWait). A server without replication has no such clients.
 */
export interface WaitBlockedClients {
  /** `c` is blocked in WAIT now (CLIENT LIST flag `b`). */
  isBlocked(c: Client): boolean;
  /** Answer the WAITs whose deadline has passed (blocked.c handleBlockedClientsTimeout, from beforeSleep). */
  handleTimeouts(): void;
  /** server.blocked_clients_by_type[BLOCKED_WAIT], and those of them in server.clients_timeout_table. */
  counts(): { blocked: number; withTimeout: number };
}

const waitBlockedClients = new WeakMap<RedisServer, WaitBlockedClients>();

/** Called by the replication unit when it is installed. */
export function setWaitBlockedClients(srv: RedisServer, q: WaitBlockedClients): void {
  waitBlockedClients.set(srv, q);
}

/** The server's clients blocked in WAIT (none without a replication unit). */
export function waitBlockedOf(srv: RedisServer): WaitBlockedClients | undefined {
  return waitBlockedClients.get(srv);
}

/** CLIENT_BLOCKED: a blocking pop, a command postponed by CLIENT PAUSE, or WAIT. */
export function isClientBlocked(srv: RedisServer, c: Client): boolean {
  return srv.blocking.blocked.has(c) || srv.pause.postponedClients.has(c) || (waitBlockedClients.get(srv)?.isBlocked(c) ?? false);
}

/** networking.c getClientInfoString / catClientInfoString */
export function clientInfoString(srv: RedisServer, c: Client): string {
  const nowMs = srv.nowMs();
  // CLIENT_SLAVE: O for a monitor, S for a replica.
  let flags = srv.monitors.has(c) ? 'O' : isReplicaClient(srv, c) ? 'S' : '';
  const master = isMasterClient(srv, c);
  if (master) flags += 'M';
  if (srv.pubsub.count(c) > 0) flags += 'P';
  if (c.inMulti) flags += 'x';
  if (isClientBlocked(srv, c)) flags += 'b';
  if (c.dirtyCas) flags += 'd';
  if (c.closeAfterReply) flags += 'c';
  if (srv.pause.unblockedClients.has(c)) flags += 'u'; // CLIENT_UNBLOCKED: queued to run again at beforeSleep
  if (c.noEvict) flags += 'e';
  if (flags === '') flags = 'N';
  const qbuf = c.parser.bufferCapacity + c.pendingBytes;
  const omem = c.outboxBytes + c.socketPendingBytes;
  const name = c.name === undefined ? '' : keyOf(c.name);
  return (
    `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=8 name=${name} age=${Math.floor((nowMs - c.ctimeMs) / 1000)} ` +
    `idle=${Math.floor((nowMs - c.lastInteractionMs) / 1000)} flags=${flags} db=${c.db} sub=${srv.pubsub.channelCount(c)} ` +
    `psub=${srv.pubsub.patternCount(c)} ssub=0 multi=${c.inMulti ? c.queue.length : -1} qbuf=${qbuf} qbuf-free=0 argv-mem=0 ` +
    `multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem=${omem} tot-mem=${qbuf + omem} events=r cmd=${c.lastCmd} user=${master ? '(superuser)' : 'default'} redir=-1 resp=${c.resp}`
  );
}

/** networking.c clientCommand */
export function clientCommand(srv: RedisServer, c: Client, argv: readonly Uint8Array[]): RespValue | undefined {
  if (argv.length < 2) return err("ERR wrong number of arguments for 'client' command");
  const sub = keyOf(argv[1] ?? new Uint8Array()).toLowerCase();
  const arity = (): RespValue => err(`ERR wrong number of arguments for 'client|${sub}' command`);
  switch (sub) {
    case 'id':
      return argv.length === 2 ? { type: 'integer', value: BigInt(c.id) } : arity();
    case 'getname':
      if (argv.length !== 2) return arity();
      return c.name === undefined ? { type: 'null' } : { type: 'bulk', value: c.name };
    case 'setname': {
      const name = argv[2];
      if (argv.length !== 3 || name === undefined) return arity();
      if (!validName(name)) return err('ERR Client names cannot contain spaces, newlines or special characters.');
      c.name = name.length === 0 ? undefined : name;
      return OK;
    }
    case 'info':
      return argv.length === 2 ? { type: 'verbatim', format: 'txt', value: new TextEncoder().encode(`${clientInfoString(srv, c)}\n`) } : arity();
    case 'list':
      return clientList(srv, argv);
    case 'kill':
      return clientKill(srv, c, argv);
    case 'reply':
      return clientReply(c, argv);
    case 'no-evict': {
      const mode = keyOf(argv[2] ?? new Uint8Array()).toLowerCase();
      if (argv.length !== 3) return arity();
      if (mode !== 'on' && mode !== 'off') return err('ERR syntax error');
      c.noEvict = mode === 'on';
      return OK;
    }
    case 'pause':
      return clientPauseCommand(srv, argv);
    case 'unpause':
      return argv.length === 2 ? clientUnpauseCommand(srv) : arity();
    case 'unblock':
      return clientUnblockCommand(srv, argv);
    case 'help':
      return argv.length === 2 ? helpReply('CLIENT', CLIENT_HELP) : arity();
    default:
      return err(`ERR unknown subcommand '${keyOf(argv[1] ?? new Uint8Array()).slice(0, 128)}'. Try CLIENT HELP.`);
  }
}

/** CLIENT LIST [TYPE normal|master|replica|pubsub] [ID id …] */
function clientList(srv: RedisServer, argv: readonly Uint8Array[]): RespValue {
  const args = argv.slice(2).map((a) => keyOf(a));
  let type: string | undefined;
  let ids: Set<number> | undefined;
  if (args.length >= 2 && (args[0] ?? '').toLowerCase() === 'type' && args.length === 2) {
    type = (args[1] ?? '').toLowerCase();
    if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(type)) return err(`ERR Unknown client type '${args[1] ?? ''}'`);
    type = typeByName(type);
  } else if (args.length >= 2 && (args[0] ?? '').toLowerCase() === 'id') {
    ids = new Set();
    for (const t of args.slice(1)) {
      if (!/^[1-9][0-9]*$/.test(t)) return err('ERR Invalid client ID');
      ids.add(Number(t));
    }
  } else if (args.length !== 0) return err('ERR syntax error');
  let out = '';
  for (const o of listClients(srv)) {
    if (type !== undefined && clientType(srv, o) !== type) continue;
    if (ids !== undefined && !ids.has(o.id)) continue;
    out += `${clientInfoString(srv, o)}\n`;
  }
  return { type: 'verbatim', format: 'txt', value: new TextEncoder().encode(out) };
}

interface KillFilter {
  id?: number;
  addr?: string;
  laddr?: string;
  type?: string;
  user?: string;
  skipme: boolean;
}

/** CLIENT KILL addr | CLIENT KILL [ID id] [ADDR a] [LADDR a] [TYPE t] [USER u] [SKIPME yes|no] */
function clientKill(srv: RedisServer, c: Client, argv: readonly Uint8Array[]): RespValue {
  const args = argv.slice(2).map((a) => keyOf(a));
  if (args.length === 0) return err("ERR wrong number of arguments for 'client|kill' command");
  if (args.length === 1) {
    // The old form: one address, an error when nobody has it.
    const target = [...listClients(srv)].find((o) => o.addr === args[0]);
    if (target === undefined) return err('ERR No such client');
    killListedClient(srv, target, target === c);
    return OK;
  }
  const f = parseKillFilter(args);
  if ('error' in f) return err(f.error);
  let killed = 0;
  for (const o of [...listClients(srv)]) {
    if (f.id !== undefined && o.id !== f.id) continue;
    if (f.addr !== undefined && o.addr !== f.addr) continue;
    if (f.laddr !== undefined && o.laddr !== f.laddr) continue;
    if (f.type !== undefined && clientType(srv, o) !== f.type) continue;
    // USER: the master client has no user (c->user NULL), so no USER filter selects it.
    if (f.user !== undefined && isMasterClient(srv, o)) continue;
    if (f.skipme && o === c) continue;
    killListedClient(srv, o, o === c);
    killed++;
  }
  return { type: 'integer', value: BigInt(killed) };
}

function parseKillFilter(args: readonly string[]): KillFilter | { error: string } {
  const f: KillFilter = { skipme: true };
  if (args.length % 2 !== 0) return { error: 'ERR syntax error' };
  for (let i = 0; i < args.length; i += 2) {
    const opt = (args[i] ?? '').toLowerCase();
    const v = args[i + 1] ?? '';
    if (opt === 'id') {
      if (!/^-?[0-9]+$/.test(v)) return { error: 'ERR client-id should be greater than 0' };
      if (Number(v) <= 0) return { error: 'ERR client-id should be greater than 0' };
      f.id = Number(v);
    } else if (opt === 'addr') f.addr = v;
    else if (opt === 'laddr') f.laddr = v;
    else if (opt === 'type') {
      const t = v.toLowerCase();
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(t)) return { error: `ERR Unknown client type '${v}'` };
      f.type = typeByName(t);
    } else if (opt === 'user') {
      if (v !== 'default') return { error: `ERR No such user '${v}'` };
      f.user = v;
    } else if (opt === 'skipme') {
      const t = v.toLowerCase();
      if (t !== 'yes' && t !== 'no') return { error: 'ERR syntax error' };
      f.skipme = t === 'yes';
    } else return { error: 'ERR syntax error' };
  }
  return f;
}

/** CLIENT REPLY ON|OFF|SKIP: OFF and SKIP answer nothing; ON answers +OK. */
function clientReply(c: Client, argv: readonly Uint8Array[]): RespValue | undefined {
  if (argv.length !== 3) return err("ERR wrong number of arguments for 'client|reply' command");
  const mode = keyOf(argv[2] ?? new Uint8Array()).toLowerCase();
  if (mode === 'on') {
    c.replyMode = 'on';
    return OK;
  }
  if (mode === 'off') c.replyMode = 'off';
  else if (mode === 'skip') c.replyMode = c.replyMode === 'off' ? 'off' : 'skipnext';
  else return err('ERR syntax error');
  return undefined;
}
