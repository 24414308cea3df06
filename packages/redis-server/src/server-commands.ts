/**
 * The commands this package answers itself rather than the keyspace (server.c's command table
 * rows whose procs live in networking.c, pubsub.c, multi.c, config.c and server.c): a Map
 * name → proc, copied into `RedisServer.serverCommands` at construction (where other units add
 * theirs or wrap these); RedisServer.call looks there before the keyspace. A proc returns `undefined` when it wrote its replies itself (SUBSCRIBE: one per name).
 */
import type { RespValue } from '@protolab/resp';
import type { Client } from './client.js';
import { keyOf } from './client.js';
import type { RedisServer, ServerCommandProc } from './server.js';
import { authCommand, helloCommand, resetClient } from './connection.js';
import { clientCommand } from './client-command.js';
import { configCommand } from './server-config.js';
import { infoCommand } from './info.js';
import { runExec } from './exec.js';
import { commandCommand } from './command-table.js';
import { monitorCommand } from './monitor.js';
import { slowlogCommand } from './slowlog.js';
import { debugCommand } from './debug.js';
import { latencyCommandProc } from './latency.js';
import { memoryCommand } from './memory.js';

const err = (text: string): RespValue => ({ type: 'error', value: text });
const OK: RespValue = { type: 'simple', value: 'OK' };
const arity = (name: string): RespValue => err(`ERR wrong number of arguments for '${name}' command`);

function subscribeFamily(kind: 'subscribe' | 'psubscribe' | 'unsubscribe' | 'punsubscribe'): ServerCommandProc {
  return (srv, c, argv) => {
    const names = argv.slice(1);
    if ((kind === 'subscribe' || kind === 'psubscribe') && names.length === 0) return arity(kind);
    if (kind === 'subscribe') srv.pubsub.subscribe(c, names);
    else if (kind === 'psubscribe') srv.pubsub.psubscribe(c, names);
    else if (kind === 'unsubscribe') srv.pubsub.unsubscribe(c, names);
    else srv.pubsub.punsubscribe(c, names);
    return undefined;
  };
}

/** server.c pingCommand: a RESP2 subscriber gets ["pong", message] instead of +PONG. */
function pingCommand(srv: RedisServer, c: Client, argv: Uint8Array[]): RespValue {
  if (c.resp === 2 && srv.pubsub.count(c) > 0 && argv.length <= 2) {
    return { type: 'array', value: [{ type: 'bulk', value: new TextEncoder().encode('pong') }, { type: 'bulk', value: argv[1] ?? new Uint8Array() }] };
  }
  return srv.runOnKeyspace(c, argv);
}

/** server.c timeCommand: the server's clock as two bulk strings, seconds and microseconds. */
function timeCommand(srv: RedisServer, argv: Uint8Array[]): RespValue {
  if (argv.length !== 1) return { type: 'error', value: "ERR wrong number of arguments for 'time' command" };
  const us = Math.floor(srv.nowUs());
  const sec = Math.floor(us / 1_000_000);
  const te = new TextEncoder();
  return { type: 'array', value: [{ type: 'bulk', value: te.encode(String(sec)) }, { type: 'bulk', value: te.encode(String(us - sec * 1_000_000)) }] };
}

function publishCommand(srv: RedisServer, _c: Client, argv: Uint8Array[]): RespValue {
  const [, channel, message] = argv;
  if (argv.length !== 3 || channel === undefined || message === undefined) return arity('publish');
  return { type: 'integer', value: BigInt(srv.pubsub.publish(channel, message)) };
}

function multiCommand(_srv: RedisServer, c: Client, argv: Uint8Array[]): RespValue {
  if (argv.length !== 1) return arity('multi');
  if (c.inMulti) return err('ERR MULTI calls can not be nested');
  c.inMulti = true;
  return OK;
}

function discardCommand(srv: RedisServer, c: Client): RespValue {
  if (!c.inMulti) return err('ERR DISCARD without MULTI');
  srv.discard(c);
  return OK;
}

/** multi.c watchCommand */
function watchCommand(srv: RedisServer, c: Client, argv: Uint8Array[]): RespValue {
  if (argv.length < 2) return arity('watch');
  if (c.inMulti) return err('ERR WATCH inside MULTI is not allowed');
  for (const k of argv.slice(1)) srv.watchedKeys.watch(c, c.db, keyOf(k));
  return OK;
}

function unwatchCommand(srv: RedisServer, c: Client, argv: Uint8Array[]): RespValue {
  if (argv.length !== 1) return arity('unwatch');
  srv.watchedKeys.unwatchAll(c);
  return OK;
}

/** server.c infoCommand: a bulk string in RESP2, a verbatim string in RESP3. */
function info(srv: RedisServer, c: Client, argv: Uint8Array[]): RespValue {
  const text = new TextEncoder().encode(infoCommand(srv, argv.slice(1).map((a) => keyOf(a))));
  return c.resp === 3 ? { type: 'verbatim', format: 'txt', value: text } : { type: 'bulk', value: text };
}

export const CORE_COMMANDS = new Map<string, ServerCommandProc>([
  ['subscribe', subscribeFamily('subscribe')],
  ['psubscribe', subscribeFamily('psubscribe')],
  ['unsubscribe', subscribeFamily('unsubscribe')],
  ['punsubscribe', subscribeFamily('punsubscribe')],
  ['publish', publishCommand],
  ['pubsub', (srv, _c, argv) => srv.pubsub.pubsubCommand(argv)],
  ['ping', pingCommand],
  ['time', (srv, _c, argv) => timeCommand(srv, argv)],
  ['quit', (_srv, c) => ((c.closeAfterReply = true), OK)],
  // clearClientConnectionState also ends MONITOR.
  ['reset', (srv, c) => (srv.monitors.delete(c), resetClient(srv, c), { type: 'simple', value: 'RESET' })],
  ['hello', helloCommand],
  ['auth', authCommand],
  ['client', clientCommand],
  ['config', (srv, c, argv) => configCommand(srv, c.resp, argv, c.addr)],
  ['info', info],
  ['multi', multiCommand],
  ['discard', discardCommand],
  ['exec', (srv, c) => runExec(srv, c)],
  ['watch', watchCommand],
  ['unwatch', unwatchCommand],
  ['command', commandCommand],
  ['monitor', (srv, c) => monitorCommand(srv, c)],
  ['slowlog', slowlogCommand],
  ['latency', latencyCommandProc],
  ['debug', (srv, c, argv) => debugCommand(srv, c, argv)],
  ['memory', memoryCommand],
]);

/** Commands that never reach the keyspace (exec.ts runs them itself inside EXEC). */
export function isLocalCommand(srv: RedisServer, name: string): boolean {
  return name !== 'ping' && srv.serverCommands.has(name);
}
