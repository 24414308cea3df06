/**
 * COMMAND describing this server (server.c commandCommand over server.commands): the keyspace's
 * table (`COMMANDS` of @protolab/redis-keyspace) with the rows of the commands this package
 * answers itself added — PING, CLIENT, SUBSCRIBE, BLPOP, MULTI, SAVE, REPLICAOF, CLUSTER… as
 * redis-server 7.0.15 describes them (command-rows.ts, recorded from the real server). A row is
 * added only for a command this server runs: one in `srv.serverCommands` (so cluster rows appear
 * in cluster mode only), a blocking pop, or a keyspace command the server-level rows describe
 * (DBSIZE, FLUSHALL…). Key specs and command tips are not modelled (empty, as for every row).
 */
import type { RespValue } from '@protolab/resp';
import { COMMANDS, cmd, commandProc } from '@protolab/redis-keyspace';
import type { CommandFlag, CommandGroup, CommandSpec } from '@protolab/redis-keyspace';
import type { Client } from './client.js';
import { keyOf } from './client.js';
import { RedisServerError } from './errors.js';
import type { RedisServer } from './server.js';
import { BLOCKING_COMMANDS } from './blocked.js';
import { SERVER_COMMAND_ROWS } from './command-rows.js';
import { commandDocs } from './command-docs-reply.js';

/** One recorded row: name, arity, flags, [first, last, step], ACL categories, group, subcommands. */
export type CommandRow = readonly [
  name: string,
  arity: number,
  flags: readonly CommandFlag[],
  keys: readonly [number, number, number],
  acl: readonly string[],
  group: CommandGroup,
  subcommands?: readonly CommandRow[],
];

const notHere = (): RespValue => ({ type: 'error', value: 'ERR this row describes a command the server runs itself' });

/** db.c blmpopGetKeys / zunionInterDiffGetKeys shape: numkeys at argv[at], then the keys. */
function numkeysAt(at: number): (argv: readonly string[]) => number[] {
  return (argv) => {
    const n = Number(argv[at] ?? 0);
    if (!Number.isInteger(n) || n <= 0 || at + n >= argv.length) return [];
    return Array.from({ length: n }, (_, i) => at + 1 + i);
  };
}

/** db.c migrateGetKeys: the key at 3, or the names after KEYS when that key is empty. */
function migrateKeys(argv: readonly string[]): number[] {
  if (argv[3] !== '') return [3];
  for (let i = 6; i < argv.length; i++) {
    if ((argv[i] ?? '').toLowerCase() === 'keys') return Array.from({ length: argv.length - i - 1 }, (_, j) => i + 1 + j);
  }
  return [];
}

const GETKEYS = new Map<string, (argv: readonly string[]) => number[]>([
  ['blmpop', numkeysAt(2)],
  ['bzmpop', numkeysAt(2)],
  ['migrate', migrateKeys],
]);

function rowSpec(row: CommandRow): CommandSpec {
  const [name, arity, flags, keys, acl, group, subs] = row;
  const extra: Parameters<typeof cmd>[6] = { acl };
  const getKeys = GETKEYS.get(name);
  if (getKeys !== undefined) extra.getKeys = getKeys;
  if (subs !== undefined) extra.subcommands = new Map(subs.map((s) => [s[0], rowSpec(s)]));
  return cmd(name, arity, flags, keys, group, notHere, extra);
}

/** The recorded rows by name (built once). */
export const SERVER_ROWS: ReadonlyMap<string, CommandSpec> = new Map(SERVER_COMMAND_ROWS.map((r) => [r[0], rowSpec(r)]));

/**
 * The table COMMAND describes for `srv`: the keyspace's rows, then the server's rows for what it
 * runs. Every command the server registered must have a recorded row (else a typed error: a
 * unit added a command without describing it).
 */
export function commandTable(srv: RedisServer): ReadonlyMap<string, CommandSpec> {
  const table = new Map<string, CommandSpec>(COMMANDS);
  for (const [name, spec] of SERVER_ROWS) {
    if (COMMANDS.has(name) || srv.serverCommands.has(name) || BLOCKING_COMMANDS.has(name)) table.set(name, spec);
  }
  for (const name of srv.serverCommands.keys()) {
    if (!SERVER_ROWS.has(name)) throw new RedisServerError('UNDESCRIBED_COMMAND', `server command '${name}' has no COMMAND row (command-rows.ts)`);
  }
  return table;
}

/** server.c processCommand's container checks for COMMAND, then commandCommand over the table. */
export function commandCommand(srv: RedisServer, c: Client, argv: Uint8Array[]): RespValue {
  const args = argv.map(keyOf);
  const self = SERVER_ROWS.get('command');
  if (self === undefined) throw new RedisServerError('UNDESCRIBED_COMMAND', "no COMMAND row for 'command'");
  let target = self;
  let fullname = 'command';
  if (args.length >= 2) {
    const raw = args[1] ?? '';
    const sub = self.subcommands?.get(raw.toLowerCase());
    if (sub === undefined) return { type: 'error', value: `ERR unknown subcommand '${raw.slice(0, 128)}'. Try COMMAND HELP.`.replace(/[\r\n]/g, ' ') };
    target = sub;
    fullname = `command|${sub.name}`;
  }
  if ((target.arity > 0 && args.length !== target.arity) || args.length < -target.arity) {
    return { type: 'error', value: `ERR wrong number of arguments for '${fullname}' command` };
  }
  const table = commandTable(srv);
  if (fullname === 'command|docs') return commandDocs(table, args.slice(2), c.resp);
  return commandProc(() => table)({ argv: args, resp: c.resp });
}

/**
 * server.c processCommand's lookupCommand and arity check over the table: the command's full
 * name (config|set), or the error Redis answers (unknown subcommand, wrong number of arguments);
 * undefined for a command the table does not know (the caller answers that).
 */
export function checkCommand(srv: RedisServer, argv: readonly Uint8Array[]): { full: string } | { error: RespValue } | undefined {
  const args = argv.map(keyOf);
  const top = commandTable(srv).get((args[0] ?? '').toLowerCase());
  if (top === undefined) return undefined;
  let spec = top;
  let full = top.name;
  if (top.subcommands !== undefined && args.length >= 2) {
    const raw = args[1] ?? '';
    const sub = top.subcommands.get(raw.toLowerCase());
    if (sub === undefined) return { error: { type: 'error', value: `ERR unknown subcommand '${raw.slice(0, 128)}'. Try ${top.name.toUpperCase()} HELP.`.replace(/[\r\n]/g, ' ') } };
    spec = sub;
    full = `${top.name}|${sub.name}`;
  }
  if ((spec.arity > 0 && args.length !== spec.arity) || args.length < -spec.arity) return { error: { type: 'error', value: `ERR wrong number of arguments for '${full}' command` } };
  return { full };
}

/** The full name of a known command called with a valid arity, else undefined (the normal path answers the error). */
export function knownFullName(srv: RedisServer, argv: readonly Uint8Array[]): string | undefined {
  const r = checkCommand(srv, argv);
  return r !== undefined && 'full' in r ? r.full : undefined;
}
