/**
 * What every command handler sees (server.h `client` and `struct redisCommand`), and the key
 * lookup helpers every handler goes through, named as in db.c / object.c:
 *
 *   const o = lookupKeyReadOrReply(c, key, 'hash', int(0));   // db.c lookupKeyReadOrReply
 *   if (isReply(o)) return o;                                  //   + object.c checkType
 *   o.val.m.get(field) …                                       // o.val is a HashVal here
 *
 * A lookup expires the key lazily first (db.c expireIfNeeded), as Redis's lookupKey* does.
 */
import type { RespValue } from '@protolab/resp';
import type { KeyspaceCore } from './core.js';
import type { Db } from './db.js';
import { E, err, type RespVersion } from './replies.js';
import type { Val } from './values.js';
import { ListVal, RawStr, SetVal, ZsetVal, HashVal } from './values.js';
import { KeyspaceError } from './types.js';

export interface ClientState {
  db: Db;
  inMulti: boolean;
  queue: string[][];
  multiError: boolean;
}

export interface Ctx {
  core: KeyspaceCore;
  client: ClientState;
  argv: string[];
  /** Rewritten argv for propagation; undefined = the argv as received. */
  propagateAs: string[] | undefined;
  /** Extra commands propagated after the main one (server.c alsoPropagate), e.g. SPOP → SREM. */
  alsoPropagate: { db: number; argv: string[] }[] | undefined;
  forcePropagate: boolean;
  /** The connection's protocol (client.resp): 3 after HELLO 3, which changes some reply shapes. */
  resp: RespVersion;
}

/** commands.def command flags that this package acts on or reports in COMMAND INFO. */
export type CommandFlag =
  | 'write' | 'readonly' | 'denyoom' | 'fast' | 'admin' | 'pubsub' | 'noscript' | 'blocking'
  | 'loading' | 'stale' | 'skip_monitor' | 'skip_slowlog' | 'no_async_loading' | 'no_multi' | 'allow_busy' | 'may_replicate'
  | 'no_auth' | 'asking' | 'movablekeys';

/** COMMAND DOCS groups. */
export type CommandGroup = 'string' | 'hash' | 'list' | 'set' | 'sorted_set' | 'bitmap' | 'hyperloglog' | 'geo' | 'generic' | 'server' | 'connection' | 'transactions' | 'pubsub' | 'cluster';

/**
 * One row of the command table, as Redis's commands.def: arity (n > 0 exactly n arguments with the
 * name, n < 0 at least -n), flags, legacy key range (firstKey/lastKey/step; lastKey -1 = the last
 * argument, -2 = the one before), the COMMAND DOCS group, and the handler (proc).
 */
export interface CommandSpec {
  name: string;
  arity: number;
  flags: readonly CommandFlag[];
  firstKey: number;
  lastKey: number;
  step: number;
  group: CommandGroup;
  proc: (c: Ctx) => RespValue;
  /** Subcommands (OBJECT, COMMAND): lower-case name → row, arity counted from the container. */
  subcommands?: ReadonlyMap<string, CommandSpec>;
  /** Keys of a command whose key positions are not a fixed range (getkeys_proc, e.g. SORT … STORE). */
  getKeys?: (argv: readonly string[]) => number[];
  /** ACL categories as COMMAND INFO lists them, when given rather than derived (a server's own rows). */
  acl?: readonly string[];
}

/** Shorthand for a table row: `cmd('get', 2, ['readonly', 'fast'], [1, 1, 1], 'string', proc)`. */
export function cmd(
  name: string,
  arity: number,
  flags: readonly CommandFlag[],
  keys: readonly [number, number, number],
  group: CommandGroup,
  proc: (c: Ctx) => RespValue,
  extra: Partial<Pick<CommandSpec, 'subcommands' | 'getKeys' | 'acl'>> = {},
): CommandSpec {
  return { name, arity, flags, firstKey: keys[0], lastKey: keys[1], step: keys[2], group, proc, ...extra };
}

// ---------------------------------------------------------------------------------------------
// Types and lookups

export interface TypeMap {
  string: string | RawStr;
  list: ListVal;
  set: SetVal;
  zset: ZsetVal;
  hash: HashVal;
}
export type TypeName = keyof TypeMap;

/** A live key: its slot in the db and its value (robj). */
export interface RObj<T extends Val = Val> {
  readonly slot: number;
  readonly val: T;
}

/** object.c checkType, as a type guard: does `v` hold type `t`? */
export function isType<K extends TypeName>(v: Val, t: K): v is TypeMap[K] {
  switch (t) {
    case 'string':
      return typeof v === 'string' || v instanceof RawStr;
    case 'list':
      return v instanceof ListVal;
    case 'set':
      return v instanceof SetVal;
    case 'zset':
      return v instanceof ZsetVal;
    default:
      return v instanceof HashVal;
  }
}

/** object.c checkType: the WRONGTYPE reply when `o` does not hold `t`, else undefined. */
export function checkType(o: RObj, t: TypeName): RespValue | undefined {
  return isType(o.val, t) ? undefined : err(E.wrongType);
}

/** Replies are RespValues (they have `type`); found keys are RObjs (they have `slot`). */
export function isReply(x: RObj | RespValue): x is RespValue {
  return 'type' in x;
}

/** The value in `slot`, which the caller knows is live (typed error if not: a bug, not input). */
export function valAt(db: Db, slot: number): Val {
  const v = db.valOf[slot];
  if (v === undefined) throw new KeyspaceError('INTERNAL', `db ${db.id}: slot ${slot} holds no value`);
  return v;
}

/**
 * db.c lookupKeyRead: the live key or undefined (expired keys are deleted first); counts
 * keyspace_hits / keyspace_misses.
 */
export function lookupKeyRead(c: Ctx, key: string): RObj | undefined {
  const db = c.client.db;
  const slot = c.core.lookupRead(db, key);
  return slot < 0 ? undefined : { slot, val: valAt(db, slot) };
}

/** db.c lookupKeyWrite: the same lookup (on a master), without the hits/misses stats. */
export function lookupKeyWrite(c: Ctx, key: string): RObj | undefined {
  const db = c.client.db;
  const slot = c.core.lookup(db, key);
  return slot < 0 ? undefined : { slot, val: valAt(db, slot) };
}

function typedOrReply<K extends TypeName>(o: RObj | undefined, t: K, missing: RespValue): RObj<TypeMap[K]> | RespValue {
  if (o === undefined) return missing;
  if (!isType(o.val, t)) return err(E.wrongType);
  return o as RObj<TypeMap[K]>;
}

/**
 * db.c lookupKeyReadOrReply + checkType: the key when it holds `t`; `missing` when it does not
 * exist; the WRONGTYPE error when it holds another type.
 */
export function lookupKeyReadOrReply<K extends TypeName>(c: Ctx, key: string, t: K, missing: RespValue): RObj<TypeMap[K]> | RespValue {
  return typedOrReply(lookupKeyRead(c, key), t, missing);
}

/** db.c lookupKeyWriteOrReply + checkType (see lookupKeyReadOrReply; no hits/misses stats). */
export function lookupKeyWriteOrReply<K extends TypeName>(c: Ctx, key: string, t: K, missing: RespValue): RObj<TypeMap[K]> | RespValue {
  return typedOrReply(lookupKeyWrite(c, key), t, missing);
}

/**
 * lookupKeyWrite + checkType for commands that create the key when missing: the key holding `t`,
 * undefined when missing, or the WRONGTYPE error.
 */
export function lookupTypedWrite<K extends TypeName>(c: Ctx, key: string, t: K): RObj<TypeMap[K]> | RespValue | undefined {
  const o = lookupKeyWrite(c, key);
  if (o === undefined) return undefined;
  if (!isType(o.val, t)) return err(E.wrongType);
  return o as RObj<TypeMap[K]>;
}

/** argv[i], or a typed error when a handler reads past what arity guaranteed (a table bug). */
export function arg(c: Ctx, i: number): string {
  const a = c.argv[i];
  if (a === undefined) throw new KeyspaceError('INTERNAL', `${c.argv[0] ?? '?'}: argument ${i} read past argc ${c.argv.length}`);
  return a;
}

export const lower = (s: string): string => s.toLowerCase();

/**
 * An option argument as C's strcasecmp sees it: lower-cased and cut at the first NUL byte (so
 * "nx\0junk" is NX to Redis, as it is here).
 */
export function optName(s: string): string {
  const nul = s.indexOf('\0');
  return (nul < 0 ? s : s.slice(0, nul)).toLowerCase();
}
