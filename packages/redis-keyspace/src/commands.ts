/**
 * The command table (Redis 7.0's commands.def): one row per command — name, arity, flags, key
 * positions, COMMAND DOCS group and handler — in a `Map` keyed by the lower-case name, so any
 * argv[0] (`constructor`, `__proto__`, `toString` …) that is not a command finds nothing and gets
 * Redis's "ERR unknown command" reply.
 *
 * How a type file registers its commands: export a `readonly CommandSpec[]` built with `cmd(...)`
 * from server.ts (e.g. `export const LIST_COMMANDS = [cmd('lpush', -3, ['write', 'denyoom',
 * 'fast'], [1, 1, 1], 'list', pushGeneric), …]`), and add that array to TABLE_PARTS below. Each
 * handler reads its keys with lookupKeyReadOrReply / lookupKeyWriteOrReply / lookupTypedWrite
 * (server.ts), sets `c.propagateAs` when Redis rewrites the command for the AOF/replicas
 * (t_string.c setGenericCommand, expire.c expireGenericCommand, …), `c.alsoPropagate` for extra
 * commands, and bumps `c.core.dirty` for every change: a command is propagated when it changed
 * server.dirty (server.c call()), or always when `forcePropagate` is set (FLUSHDB/FLUSHALL).
 * Arity is checked before the handler runs; a name registered twice throws at load time.
 */
import type { RespValue } from '@protolab/resp';
import type { CommandSpec } from './server.js';
import { E, err } from './replies.js';
import { KeyspaceError } from './types.js';
import { STRING_COMMANDS } from './t_string.js';
import { STRING_RANGE_COMMANDS } from './t_string_range.js';
import { LIST_COMMANDS } from './t_list.js';
import { SET_COMMANDS } from './t_set.js';
import { ZSET_COMMANDS } from './t_zset.js';
import { HASH_COMMANDS } from './t_hash.js';
import { EXPIRE_COMMANDS } from './expire.js';
import { DB_COMMANDS } from './db-commands.js';
import { SCAN_COMMANDS } from './scan-commands.js';
import { OBJECT_COMMANDS } from './object.js';
import { SORT_COMMANDS } from './sort.js';
import { DUMP_COMMANDS } from './dump.js';
import { HLL_COMMANDS } from './hyperloglog.js';
import { BITMAP_COMMANDS } from './bitops.js';
import { GEO_COMMANDS } from './geo.js';
import { commandCommandSpec } from './command-command.js';

export type { ClientState, Ctx, CommandSpec } from './server.js';

const TABLE_PARTS: readonly (readonly CommandSpec[])[] = [
  STRING_COMMANDS,
  STRING_RANGE_COMMANDS,
  LIST_COMMANDS,
  SET_COMMANDS,
  ZSET_COMMANDS,
  HASH_COMMANDS,
  EXPIRE_COMMANDS,
  DB_COMMANDS,
  SCAN_COMMANDS,
  OBJECT_COMMANDS,
  SORT_COMMANDS,
  DUMP_COMMANDS,
  GEO_COMMANDS,
  HLL_COMMANDS,
  BITMAP_COMMANDS,
];

function buildTable(parts: readonly (readonly CommandSpec[])[]): Map<string, CommandSpec> {
  const table = new Map<string, CommandSpec>();
  for (const part of parts) {
    for (const spec of part) {
      if (table.has(spec.name)) throw new KeyspaceError('INTERNAL', `command table: '${spec.name}' is registered twice`);
      table.set(spec.name, spec);
    }
  }
  return table;
}

const table = buildTable(TABLE_PARTS);
// COMMAND describes the table, itself included.
table.set('command', commandCommandSpec(() => table));

/** Every command this keyspace answers, keyed by lower-case name. */
export const COMMANDS: ReadonlyMap<string, CommandSpec> = table;

/** The row for argv[0] (case-insensitive), or undefined for an unknown command. */
export function lookupCommand(name: string): CommandSpec | undefined {
  return COMMANDS.get(name.toLowerCase());
}

/** argv[0] as sent → its row, for names seen before (bounded; a miss falls back to lookupCommand). */
const byRawName = new Map<string, CommandSpec>();
const BY_RAW_NAME_MAX = 4096;

/**
 * lookupCommand without lower-casing a name already seen in this spelling ('GET', 'get', 'Get' …):
 * only known commands are remembered, and at most BY_RAW_NAME_MAX spellings.
 */
export function lookupCommandCached(name: string): CommandSpec | undefined {
  const hit = byRawName.get(name);
  if (hit !== undefined) return hit;
  const spec = COMMANDS.get(name.toLowerCase());
  if (spec !== undefined && byRawName.size < BY_RAW_NAME_MAX) byRawName.set(name, spec);
  return spec;
}

/**
 * server.c processCommand's reply to an unknown command: "'%.*s' " per argument while the list
 * is under 128 bytes; C's %s stops at a NUL byte; addReplyErrorFormat turns CR/LF into spaces.
 */
export function unknownCommandReply(args: readonly string[]): RespValue {
  const cstr = (s: string): string => {
    const nul = s.indexOf('\0');
    return nul < 0 ? s : s.slice(0, nul);
  };
  let tail = '';
  for (let i = 1; i < args.length && tail.length < 128; i++) tail += `'${cstr(args[i] ?? '').slice(0, 128 - tail.length)}' `;
  return err(`ERR unknown command '${cstr(args[0] ?? '').slice(0, 128)}', with args beginning with: ${tail}`.replace(/[\r\n]/g, ' '));
}

/**
 * server.c processCommand's checks before a command runs or is queued: a container command
 * (OBJECT, COMMAND) needs a known subcommand, then the arity of the command (or subcommand,
 * reported by its full name "object|encoding").
 */
export function checkCommand(spec: CommandSpec, args: readonly string[]): RespValue | undefined {
  let target = spec;
  let fullname = spec.name;
  if (spec.subcommands !== undefined && args.length >= 2) {
    const raw = args[1] ?? '';
    const sub = spec.subcommands.get(raw.toLowerCase());
    if (sub === undefined) {
      const nul = raw.indexOf('\0');
      const shown = (nul < 0 ? raw : raw.slice(0, nul)).slice(0, 128);
      return err(`ERR unknown subcommand '${shown}'. Try ${spec.name.toUpperCase()} HELP.`.replace(/[\r\n]/g, ' '));
    }
    target = sub;
    fullname = `${spec.name}|${sub.name}`;
  }
  const arity = target.arity;
  if ((arity > 0 && args.length !== arity) || args.length < -arity) return err(E.arity(fullname));
  return undefined;
}
