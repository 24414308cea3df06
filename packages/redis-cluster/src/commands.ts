/**
 * Per-command key specs: which argv positions are keys, the arity, and the flags the routing
 * decision reads (write, asking). Numbers are Redis 7.0's (redis/src/commands/*.json, the
 * `arity`, `key_specs` and `command_flags` of each command; `getKeysFromCommand` in db.c).
 *
 * Arity follows Redis: a positive n means exactly n argv entries (the name included); a negative
 * -n means at least n.
 */
import { arityErrorText } from '@protolab/redis-common';
import { ClusterError, defined } from './errors.js';

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
  /** Argument positions that are keys (or shard channels), in order. */
  keys: (argv: readonly Arg[]) => number[];
}

const none = (): number[] => [];
/** Keys from `first` to `last` (negative counts from the end, -1 = last) every `step`. */
function range(first: number, last: number, step = 1): (argv: readonly Arg[]) => number[] {
  return (argv) => {
    const end = last < 0 ? argv.length + last : Math.min(last, argv.length - 1);
    const out: number[] = [];
    for (let i = first; i <= end; i += step) out.push(i);
    return out;
  };
}
/** EVAL / EVALSHA / FCALL: `numkeys` at position 2, then that many keys. */
function numkeysAt(pos: number): (argv: readonly Arg[]) => number[] {
  return (argv) => {
    const n = Number(argToString(argv[pos] ?? ''));
    if (!Number.isInteger(n) || n < 0) return [];
    const out: number[] = [];
    for (let i = 0; i < n && pos + 1 + i < argv.length; i++) out.push(pos + 1 + i);
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
      if (argToString(argv[i] ?? '').toLowerCase() === 'keys') {
        const out: number[] = [];
        for (let k = i + 1; k < argv.length; k++) out.push(k);
        return out;
      }
    }
  }
  return [3];
}

interface Row {
  arity: number;
  write?: boolean;
  asking?: boolean;
  pubsubShard?: boolean;
  keys?: (argv: readonly Arg[]) => number[];
}

const one = range(1, 1);
const all = range(1, -1);
const TABLE = new Map<string, Row>([
  // strings
  ['get', { arity: 2, keys: one }],
  ['set', { arity: -3, write: true, keys: one }],
  ['setnx', { arity: 3, write: true, keys: one }],
  ['setex', { arity: 4, write: true, keys: one }],
  ['psetex', { arity: 4, write: true, keys: one }],
  ['getset', { arity: 3, write: true, keys: one }],
  ['getdel', { arity: 2, write: true, keys: one }],
  ['getex', { arity: -2, write: true, keys: one }],
  ['append', { arity: 3, write: true, keys: one }],
  ['strlen', { arity: 2, keys: one }],
  ['incr', { arity: 2, write: true, keys: one }],
  ['decr', { arity: 2, write: true, keys: one }],
  ['incrby', { arity: 3, write: true, keys: one }],
  ['decrby', { arity: 3, write: true, keys: one }],
  ['incrbyfloat', { arity: 3, write: true, keys: one }],
  ['mget', { arity: -2, keys: all }],
  ['mset', { arity: -3, write: true, keys: range(1, -1, 2) }],
  ['msetnx', { arity: -3, write: true, keys: range(1, -1, 2) }],
  // keyspace
  ['del', { arity: -2, write: true, keys: all }],
  ['unlink', { arity: -2, write: true, keys: all }],
  ['exists', { arity: -2, keys: all }],
  ['touch', { arity: -2, keys: all }],
  ['type', { arity: 2, keys: one }],
  ['expire', { arity: -3, write: true, keys: one }],
  ['pexpire', { arity: -3, write: true, keys: one }],
  ['expireat', { arity: -3, write: true, keys: one }],
  ['pexpireat', { arity: -3, write: true, keys: one }],
  ['ttl', { arity: 2, keys: one }],
  ['pttl', { arity: 2, keys: one }],
  ['persist', { arity: 2, write: true, keys: one }],
  ['rename', { arity: 3, write: true, keys: range(1, 2) }],
  ['renamenx', { arity: 3, write: true, keys: range(1, 2) }],
  ['copy', { arity: -3, write: true, keys: range(1, 2) }],
  ['dump', { arity: 2, keys: one }],
  ['restore', { arity: -4, write: true, keys: one }],
  ['restore-asking', { arity: -4, write: true, asking: true, keys: one }],
  ['migrate', { arity: -6, write: true, keys: migrateKeys }],
  // multi-key data commands
  ['rpoplpush', { arity: 3, write: true, keys: range(1, 2) }],
  ['lmove', { arity: 5, write: true, keys: range(1, 2) }],
  ['lpush', { arity: -3, write: true, keys: one }],
  ['rpush', { arity: -3, write: true, keys: one }],
  ['lrange', { arity: 4, keys: one }],
  ['sadd', { arity: -3, write: true, keys: one }],
  ['smembers', { arity: 2, keys: one }],
  ['sinter', { arity: -2, keys: all }],
  ['sunion', { arity: -2, keys: all }],
  ['sdiff', { arity: -2, keys: all }],
  ['sinterstore', { arity: -3, write: true, keys: all }],
  ['sunionstore', { arity: -3, write: true, keys: all }],
  ['sdiffstore', { arity: -3, write: true, keys: all }],
  ['smove', { arity: 4, write: true, keys: range(1, 2) }],
  ['hset', { arity: -4, write: true, keys: one }],
  ['hget', { arity: 3, keys: one }],
  ['pfcount', { arity: -2, keys: all }],
  ['pfmerge', { arity: -2, write: true, keys: all }],
  ['bitop', { arity: -4, write: true, keys: range(2, -1) }],
  ['eval', { arity: -3, keys: numkeysAt(2) }],
  ['evalsha', { arity: -3, keys: numkeysAt(2) }],
  // sharded pub/sub (channels route like keys)
  ['spublish', { arity: 3, pubsubShard: true, keys: one }],
  ['ssubscribe', { arity: -2, pubsubShard: true, keys: all }],
  ['sunsubscribe', { arity: -1, pubsubShard: true, keys: all }],
  // no keys
  ['ping', { arity: -1 }],
  ['echo', { arity: 2 }],
  ['asking', { arity: 1 }],
  ['readonly', { arity: 1 }],
  ['readwrite', { arity: 1 }],
  ['cluster', { arity: -2 }],
  ['multi', { arity: 1 }],
  ['exec', { arity: 1 }],
  ['discard', { arity: 1 }],
  ['dbsize', { arity: 1 }],
  ['flushall', { arity: -1, write: true }],
  ['keys', { arity: 2 }],
  ['scan', { arity: -2 }],
  ['info', { arity: -1 }],
  ['select', { arity: 2 }],
  ['command', { arity: -1 }],
]);

const SPECS = new Map<string, CommandSpec>(
  [...TABLE].map(([name, r]) => [
    name,
    { name, arity: r.arity, write: r.write ?? false, asking: r.asking ?? false, pubsubShard: r.pubsubShard ?? false, keys: r.keys ?? none },
  ]),
);

/** All command names with a key spec here. */
export const COMMAND_NAMES: readonly string[] = [...SPECS.keys()];

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

/** The spec for argv[0] (case-insensitive); throws ClusterError UNKNOWN_COMMAND / ARITY. */
export function lookupCommand(argv: readonly Arg[]): CommandSpec {
  if (argv.length === 0) throw new ClusterError('UNKNOWN_COMMAND', 'lookupCommand: expected a non-empty argv, found []');
  const name = argToString(defined(argv[0], 'lookupCommand: argv is non-empty')).toLowerCase();
  const spec = SPECS.get(name);
  if (spec === undefined) throw new ClusterError('UNKNOWN_COMMAND', unknownCommandText(argv));
  if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
    throw new ClusterError('ARITY', arityText(name));
  }
  return spec;
}

/** getKeysFromCommand: the keys of argv (after lookupCommand's checks), in argument order. */
export function commandKeys(argv: readonly Arg[]): Arg[] {
  const spec = lookupCommand(argv);
  return spec.keys(argv).map((i) => defined(argv[i], 'commandKeys: key positions lie inside argv'));
}
