/**
 * Which argv positions are keys, the arity, and the flags the routing decision reads (write,
 * asking) — answered by **the keyspace's command table** (@protolab/redis-keyspace, Redis's
 * commands.def), through its own `COMMAND INFO` and `COMMAND GETKEYS` (server.c
 * commandInfoCommand / commandGetKeysCommand, db.c getKeysFromCommand). There is one table per
 * command: a command the keyspace has is described only there.
 *
 * The cluster adds the rows of the commands that live in cluster.c (CLUSTER, ASKING, READONLY,
 * READWRITE, MIGRATE, RESTORE-ASKING) and of a few commands the keyspace does not implement but a
 * cluster must still route by their keys (blocking list/zset commands and WATCH, which need a
 * connection; scripting, sharded pub/sub, HyperLogLog): their
 * arity, flags and key positions are Redis 7.0's (redis/src/commands/*.json). A test checks that
 * no name is in both tables.
 *
 * Arity follows Redis: a positive n means exactly n argv entries (the name included); a negative
 * -n means at least n.
 */
import { arityErrorText } from '@protolab/redis-common';
import { Keyspace } from '@protolab/redis-keyspace';
import type { RespValue } from '@protolab/resp';
import { ClusterError, defined } from './errors.js';
import { keyId } from './reply.js';

export type Arg = string | Uint8Array;

export interface CommandSpec {
  /** Lower-case name, as in COMMAND INFO. */
  name: string;
  arity: number;
  write: boolean;
  /** CMD_ASKING: served on an importing slot even without a prior ASKING (RESTORE-ASKING). */
  asking: boolean;
  /** Sharded pub/sub: the "keys" are channels and never count as missing during migration. */
  pubsubShard: boolean;
  /**
   * Argument positions that are keys (or shard channels), in order. For a keyspace command these
   * are the keys COMMAND GETKEYS returns, each found at its first position in argv at or after
   * the previous key's: argv[p] is always exactly the key the table named.
   */
  keys: (argv: readonly Arg[]) => number[];
  /** Which table describes the command: the keyspace's, or cluster.c's own rows below. */
  table: 'keyspace' | 'cluster';
}

// -- the keyspace's table ------------------------------------------------------------------------

let tableKeyspace: Keyspace | undefined;
/**
 * A keyspace that is only ever asked COMMAND INFO / COMMAND GETKEYS, or handed an argv that fails
 * processCommand's checks (to read Redis's error text): it holds no data and runs no command.
 */
function table(): Keyspace {
  tableKeyspace ??= new Keyspace({ now: () => 0, databases: 1 });
  return tableKeyspace;
}


const NO_KEYS = 'ERR The command has no key arguments';

/** getKeysFromCommand through the keyspace's COMMAND GETKEYS, as argv positions. */
function keyspaceKeys(argv: readonly Arg[]): number[] {
  // No command with fewer than two arguments has a key (and COMMAND GETKEYS needs one).
  if (argv.length < 2) return [];
  const r = table().execute(['COMMAND', 'GETKEYS', ...argv]);
  if (r.type === 'error' && r.value === NO_KEYS) return [];
  if (r.type !== 'array') throw new ClusterError('INVARIANT', `COMMAND GETKEYS ${argToString(argv[0] ?? '')}: expected an array of keys, found ${r.type}${r.type === 'error' ? ` ${r.value}` : ''}`);
  const out: number[] = [];
  let at = 1;
  for (const k of r.value) {
    if (k.type !== 'bulk') throw new ClusterError('INVARIANT', `COMMAND GETKEYS: expected bulk keys, found ${k.type}`);
    const want = Buffer.from(k.value.buffer, k.value.byteOffset, k.value.byteLength).toString('latin1');
    while (at < argv.length && keyId(defined(argv[at], 'at < argv.length')) !== want) at++;
    // The table's keys are argv elements in increasing position, so each is found.
    if (at === argv.length) throw new ClusterError('INVARIANT', `COMMAND GETKEYS returned a key that is not in argv (in order): ${JSON.stringify(want)}`);
    out.push(at++);
  }
  return out;
}

interface InfoRow {
  name: string;
  arity: number;
  write: boolean;
  subcommands: Map<string, InfoRow> | undefined;
}

/** One COMMAND INFO entry: [name, arity, flags, first, last, step, acl, tips, key specs, subcommands]. */
function parseInfo(v: RespValue): InfoRow {
  if (v.type !== 'array') throw new ClusterError('INVARIANT', `COMMAND INFO: expected an array per command, found ${v.type}`);
  const [name, arity, flags, , , , , , , subs] = v.value;
  if (name?.type !== 'bulk' || arity?.type !== 'integer' || flags?.type !== 'array') throw new ClusterError('INVARIANT', 'COMMAND INFO: expected name, arity and flags');
  const full = Buffer.from(name.value).toString('latin1');
  const row: InfoRow = {
    name: full.slice(full.indexOf('|') + 1),
    arity: Number(arity.value),
    write: flags.value.some((f) => f.type === 'simple' && f.value === 'write'),
    subcommands: undefined,
  };
  if (subs?.type === 'array' && subs.value.length > 0) {
    row.subcommands = new Map(subs.value.map((s) => parseInfo(s)).map((r) => [r.name, r]));
  }
  return row;
}

/** Rows read from the keyspace's COMMAND INFO, by lower-case name (only names the table has). */
const infoCache = new Map<string, InfoRow | null>();
function keyspaceInfo(name: string): InfoRow | undefined {
  let row = infoCache.get(name);
  if (row === undefined) {
    const r = table().execute(['COMMAND', 'INFO', name]);
    const first = r.type === 'array' ? r.value[0] : undefined;
    row = first === undefined || first.type !== 'array' ? null : parseInfo(first);
    // Unknown names are not cached (argv[0] is input: the cache stays bounded by the table).
    if (row === null) return undefined;
    infoCache.set(name, row);
  }
  return row ?? undefined;
}

/** The keyspace's reply to an argv that fails its checks (unknown command / subcommand, arity). */
function keyspaceRefusal(argv: readonly Arg[], code: 'UNKNOWN_COMMAND' | 'ARITY'): ClusterError {
  const r = table().execute(argv);
  if (r.type !== 'error') throw new ClusterError('INVARIANT', `lookupCommand: expected the keyspace to refuse ${argToString(argv[0] ?? '')}, found ${r.type}`);
  return new ClusterError(code, r.value);
}

// -- cluster.c's own rows, and commands routed but not executed here ------------------------------

/** EVAL / EVALSHA: `numkeys` at position 2, then that many keys. */
function numkeysAt(pos: number): (argv: readonly Arg[]) => number[] {
  return (argv) => {
    const n = Number(argToString(argv[pos] ?? ''));
    if (!Number.isInteger(n) || n < 0) return [];
    const out: number[] = [];
    for (let i = 0; i < n && pos + 1 + i < argv.length; i++) out.push(pos + 1 + i);
    return out;
  };
}
/** Keys from `first` to `last` (negative counts from the end, -1 = last). */
function range(first: number, last: number): (argv: readonly Arg[]) => number[] {
  return (argv) => {
    const end = last < 0 ? argv.length + last : Math.min(last, argv.length - 1);
    const out: number[] = [];
    for (let i = first; i <= end; i++) out.push(i);
    return out;
  };
}
/**
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH …] [KEYS k1 k2 …]:
 * db.c migrateGetKeys — the key at 3, unless it is empty and a KEYS clause follows.
 */
function migrateKeys(argv: readonly Arg[]): number[] {
  const key = argv[3];
  if (key !== undefined && argLength(key) === 0) {
    for (let i = 6; i < argv.length; i++) {
      if (argToString(argv[i] ?? '').toLowerCase() === 'keys') return range(i + 1, -1)(argv);
    }
  }
  return [3];
}

const none = (): number[] => [];
const one = range(1, 1);
const all = range(1, -1);
type ClusterRow = Omit<CommandSpec, 'name' | 'table'>;
const row = (arity: number, keys: (argv: readonly Arg[]) => number[] = none, flags: Partial<Pick<ClusterRow, 'write' | 'asking' | 'pubsubShard'>> = {}): ClusterRow => ({
  arity, keys, write: flags.write ?? false, asking: flags.asking ?? false, pubsubShard: flags.pubsubShard ?? false,
});

/** Commands the keyspace's table does not have (cluster.c's, and routed-only ones). */
export const CLUSTER_ONLY_COMMANDS: ReadonlyMap<string, CommandSpec> = new Map(
  (
    [
      // cluster.c
      ['cluster', row(-2)],
      ['asking', row(1)],
      ['readonly', row(1)],
      ['readwrite', row(1)],
      ['migrate', row(-6, migrateKeys, { write: true })],
      ['restore-asking', row(-4, one, { write: true, asking: true })],
      // routed by their keys, not executed by this package (see node.ts)
      ['eval', row(-3, numkeysAt(2))],
      ['evalsha', row(-3, numkeysAt(2))],
      // blocking commands and WATCH (the keyspace leaves them to the server: they need a connection)
      ['blpop', row(-3, range(1, -2), { write: true })],
      ['brpop', row(-3, range(1, -2), { write: true })],
      ['brpoplpush', row(4, range(1, 2), { write: true })],
      ['blmove', row(6, range(1, 2), { write: true })],
      ['bzpopmin', row(-3, range(1, -2), { write: true })],
      ['bzpopmax', row(-3, range(1, -2), { write: true })],
      ['blmpop', row(-5, numkeysAt(2), { write: true })],
      ['bzmpop', row(-5, numkeysAt(2), { write: true })],
      ['watch', row(-2, all)],
      ['spublish', row(3, one, { pubsubShard: true })],
      ['ssubscribe', row(-2, all, { pubsubShard: true })],
      ['sunsubscribe', row(-1, all, { pubsubShard: true })],
    ] as const
  ).map(([name, r]) => [name, { name, ...r, table: 'cluster' as const }]),
);

function keyspaceNames(): string[] {
  const r = table().execute(['COMMAND', 'LIST']);
  return r.type === 'array' ? r.value.flatMap((v) => (v.type === 'bulk' ? [Buffer.from(v.value).toString('latin1')] : [])) : [];
}
/** Every command of the keyspace's table (COMMAND LIST). */
export const KEYSPACE_COMMAND_NAMES: readonly string[] = keyspaceNames();
/** Every command name routed here: the keyspace's table and the rows above. */
export const COMMAND_NAMES: readonly string[] = [...KEYSPACE_COMMAND_NAMES, ...CLUSTER_ONLY_COMMANDS.keys()];

export function argToString(a: Arg): string {
  return typeof a === 'string' ? a : Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('utf8');
}
function argLength(a: Arg): number {
  return typeof a === 'string' ? Buffer.byteLength(a, 'utf8') : a.length;
}

/**
 * The error text Redis 7.0 sends for an unknown command (server.c processCommand):
 * `ERR unknown command 'foo', with args beginning with: 'a' 'b' ` — each argument quoted and
 * followed by a space, up to ~128 bytes of arguments.
 */
export function unknownCommandText(argv: readonly Arg[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${argToString(argv[i] ?? '').slice(0, 128 - args.length)}' `;
  return `ERR unknown command '${argToString(argv[0] ?? '').slice(0, 128)}', with args beginning with: ${args}`;
}

/** `ERR wrong number of arguments for 'get' command` (server.c processCommand). */
export function arityText(name: string): string {
  return arityErrorText(name);
}

const arityOk = (arity: number, n: number): boolean => (arity > 0 ? n === arity : n >= -arity);

/** The spec for a keyspace command, after processCommand's subcommand and arity checks. */
function keyspaceSpec(argv: readonly Arg[], info: InfoRow): CommandSpec {
  let target = info;
  if (info.subcommands !== undefined && argv.length >= 2) {
    const sub = info.subcommands.get(argToString(defined(argv[1], 'argv.length >= 2')).toLowerCase());
    if (sub === undefined) throw keyspaceRefusal(argv, 'UNKNOWN_COMMAND');
    target = sub;
  }
  if (!arityOk(target.arity, argv.length)) throw keyspaceRefusal(argv, 'ARITY');
  return { name: info.name, arity: info.arity, write: target.write, asking: false, pubsubShard: false, keys: keyspaceKeys, table: 'keyspace' };
}

/** The spec for argv[0] (case-insensitive); throws ClusterError UNKNOWN_COMMAND / ARITY. */
export function lookupCommand(argv: readonly Arg[]): CommandSpec {
  if (argv.length === 0) throw new ClusterError('UNKNOWN_COMMAND', 'lookupCommand: expected a non-empty argv, found []');
  const name = argToString(defined(argv[0], 'lookupCommand: argv is non-empty')).toLowerCase();
  const own = CLUSTER_ONLY_COMMANDS.get(name);
  if (own !== undefined) {
    if (!arityOk(own.arity, argv.length)) throw new ClusterError('ARITY', arityText(name));
    return own;
  }
  const info = keyspaceInfo(name);
  if (info === undefined) throw keyspaceRefusal(argv, 'UNKNOWN_COMMAND');
  return keyspaceSpec(argv, info);
}

/** getKeysFromCommand: the keys of argv (after lookupCommand's checks), in argument order. */
export function commandKeys(argv: readonly Arg[]): Arg[] {
  const spec = lookupCommand(argv);
  return spec.keys(argv).map((i) => defined(argv[i], 'commandKeys: key positions lie inside argv'));
}
