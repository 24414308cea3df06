/**
 * How Keyspace's typed API (keyspace.ts) runs everything but its hot paths (typed-api.ts): as a
 * command through the command table, on the keyspace's connection, outside MULTI, with an error
 * reply thrown as a KeyspaceError carrying Redis's text. Split from keyspace.ts.
 */
import type { RespValue } from '@protolab/resp';
import type { Db } from './db.js';
import type { Keyspace } from './keyspace.js';
import { toBin } from './bytes.js';
import { KeyspaceError } from './types.js';

export type Key = string | Uint8Array;

export function notInMulti(ks: Keyspace): void {
  if (ks.client.inMulti) {
    throw new KeyspaceError('IN_MULTI', 'the typed API runs commands immediately; found an open MULTI on this connection (EXEC or DISCARD it first)');
  }
}

export function run(ks: Keyspace, args: string[]): RespValue {
  notInMulti(ks);
  const r = ks.dispatch(args);
  if (r.type === 'error') {
    const code = r.value.split(' ', 1)[0] ?? 'ERR';
    throw new KeyspaceError(code, r.value);
  }
  return r;
}

export function lookupTyped(ks: Keyspace, key: Key): { db: Db; slot: number } {
  notInMulti(ks);
  ks.core.cmdNow = ks.core.nowFn();
  const db = ks.client.db;
  return { db, slot: ks.core.lookupRead(db, toBin(key)) };
}

export function intReply(ks: Keyspace, args: string[]): bigint {
  const r = run(ks, args);
  if (r.type !== 'integer') throw new KeyspaceError('ERR', `expected an integer reply, found ${r.type}`);
  return r.value;
}
