/**
 * The data commands the node executes on db 0's string values: the t_string.c ones (GET, SET,
 * INCR…, APPEND, MGET/MSET) and the db.c / cluster.c keyspace ones (DEL, EXISTS, TYPE, RESTORE).
 * Each runs after processCommand's arity and routing checks (node.ts), so argv positions within
 * the arity are present. See DATA_COMMANDS for the list.
 */
import { NOT_INTEGER_ERR, SYNTAX_ERR, string2ll } from '@protolab/redis-common';
import type { RespValue } from '@protolab/resp';
import { type Arg, argToString } from './commands.js';
import { argAt, bytes, keyId, R } from './reply.js';

/** What the data commands need from the node: db 0 and its slot-indexed writers. */
export interface Keyspace {
  readonly store: Map<string, Uint8Array>;
  setKey(id: string, v: Uint8Array): void;
  delKey(id: string): boolean;
}

/** The data commands this model executes (routing covers every command in the key-spec table). */
export const DATA_COMMANDS: readonly string[] = ['get', 'set', 'setnx', 'getdel', 'getset', 'del', 'unlink', 'exists', 'mget', 'mset', 'incr', 'incrby', 'decr', 'decrby', 'append', 'strlen', 'type', 'restore', 'restore-asking', 'migrate'];

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const bulkOrNil = (v: Uint8Array | undefined): RespValue => (v === undefined ? R.nil : R.bulk(v));

/** Run data command `name` (lower case); anything routed but not modelled gets an explicit error. */
export function dataCommand(ks: Keyspace, name: string, argv: readonly Arg[]): RespValue {
  return stringCommand(ks, name, argv) ?? keyspaceCommand(ks, name, argv);
}

/** t_string.c: GET SET SETNX GETSET GETDEL MGET MSET INCR/DECR[BY] APPEND STRLEN; undefined if not one. */
function stringCommand(ks: Keyspace, name: string, argv: readonly Arg[]): RespValue | undefined {
  const a = (i: number): Arg => argAt(argv, i);
  switch (name) {
    case 'get':
      return bulkOrNil(ks.store.get(keyId(a(1))));
    case 'set':
      return setCommand(ks, argv);
    case 'setnx': {
      const id = keyId(a(1));
      if (ks.store.has(id)) return R.int(0);
      ks.setKey(id, bytes(a(2)));
      return R.int(1);
    }
    case 'getset': {
      const id = keyId(a(1));
      const old = ks.store.get(id);
      ks.setKey(id, bytes(a(2)));
      return bulkOrNil(old);
    }
    case 'getdel': {
      const id = keyId(a(1));
      const old = ks.store.get(id);
      if (old === undefined) return R.nil;
      ks.delKey(id);
      return R.bulk(old);
    }
    case 'mget':
      return R.arr(argv.slice(1).map((k) => bulkOrNil(ks.store.get(keyId(k)))));
    case 'mset':
      if ((argv.length - 1) % 2 !== 0) return R.err("ERR wrong number of arguments for 'mset' command");
      for (let i = 1; i < argv.length; i += 2) ks.setKey(keyId(a(i)), bytes(a(i + 1)));
      return R.ok;
    case 'incr':
    case 'decr':
    case 'incrby':
    case 'decrby':
      return incrDecrCommand(ks, name, argv);
    case 'append': {
      const id = keyId(a(1));
      const v = Buffer.concat([ks.store.get(id) ?? new Uint8Array(0), bytes(a(2))]);
      ks.setKey(id, v);
      return R.int(v.length);
    }
    case 'strlen':
      return R.int(ks.store.get(keyId(a(1)))?.length ?? 0);
    default:
      return undefined;
  }
}

/** db.c / cluster.c: DEL UNLINK EXISTS TYPE RESTORE[-ASKING]; an error for anything else. */
function keyspaceCommand(ks: Keyspace, name: string, argv: readonly Arg[]): RespValue {
  switch (name) {
    case 'del':
    case 'unlink': {
      let n = 0;
      for (let i = 1; i < argv.length; i++) if (ks.delKey(keyId(argAt(argv, i)))) n++;
      return R.int(n);
    }
    case 'exists': {
      let n = 0;
      for (let i = 1; i < argv.length; i++) if (ks.store.has(keyId(argAt(argv, i)))) n++;
      return R.int(n);
    }
    case 'type':
      return R.simple(ks.store.has(keyId(argAt(argv, 1))) ? 'string' : 'none');
    case 'restore':
    case 'restore-asking':
      return restoreCommand(ks, argv);
    default:
      return R.err(`ERR protolab redis-cluster model does not implement '${name}' (it is routed, not executed)`);
  }
}

/** INCR / DECR / INCRBY / DECRBY (t_string.c incrDecrCommand): signed 64-bit, overflow refused. */
function incrDecrCommand(ks: Keyspace, name: string, argv: readonly Arg[]): RespValue {
  let by = 1n;
  if (name === 'incrby' || name === 'decrby') {
    const p = string2ll(argToString(argAt(argv, 2)));
    if (p === undefined) return R.err(NOT_INTEGER_ERR);
    by = p;
  }
  if (name.startsWith('decr')) by = -by;
  const id = keyId(argAt(argv, 1));
  const cur = ks.store.get(id);
  const base = cur === undefined ? 0n : string2ll(Buffer.from(cur).toString('latin1'));
  if (base === undefined) return R.err(NOT_INTEGER_ERR);
  const next = base + by;
  if (next < INT64_MIN || next > INT64_MAX) return R.err('ERR increment or decrement would overflow');
  ks.setKey(id, Buffer.from(next.toString(), 'latin1'));
  return R.int(next);
}

/** SET key value [NX|XX] [GET] (t_string.c setCommand, the options this model has). */
function setCommand(ks: Keyspace, argv: readonly Arg[]): RespValue {
  let nx = false;
  let xx = false;
  let get = false;
  for (let i = 3; i < argv.length; i++) {
    const opt = argToString(argAt(argv, i)).toLowerCase();
    if (opt === 'nx' && !xx) nx = true;
    else if (opt === 'xx' && !nx) xx = true;
    else if (opt === 'get') get = true;
    else return R.err(SYNTAX_ERR);
  }
  const id = keyId(argAt(argv, 1));
  const old = ks.store.get(id);
  const exists = old !== undefined;
  if ((nx && exists) || (xx && !exists)) return get ? bulkOrNil(old) : R.nil;
  ks.setKey(id, bytes(argAt(argv, 2)));
  if (get) return bulkOrNil(old);
  return R.ok;
}

/**
 * RESTORE / RESTORE-ASKING key ttl payload [REPLACE] (cluster.c restoreCommand). The payload here
 * is the raw string value (Redis sends DUMP format: RDB-encoded value + RDB version + CRC64); ttl
 * must be 0.
 */
function restoreCommand(ks: Keyspace, argv: readonly Arg[]): RespValue {
  let replace = false;
  for (let i = 4; i < argv.length; i++) {
    if (argToString(argAt(argv, i)).toLowerCase() === 'replace') replace = true;
    else return R.err(SYNTAX_ERR);
  }
  const id = keyId(argAt(argv, 1));
  if (!replace && ks.store.has(id)) return R.err('BUSYKEY Target key name already exists.');
  ks.setKey(id, bytes(argAt(argv, 3)));
  return R.ok;
}
