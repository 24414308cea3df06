/**
 * Reply and argument helpers shared by the node's command files (node.ts, data-commands.ts,
 * cluster-command.ts, migrate.ts): short names for @protolab/resp's reply constructors, key
 * identities, and argv access after the arity check.
 */
import { reply, type RespValue } from '@protolab/resp';
import type { Arg } from './commands.js';
import { defined } from './errors.js';

// Short names for @protolab/resp's reply constructors (the one set of them).
export const R = {
  ok: reply.ok,
  simple: reply.simple,
  err: reply.error,
  int: reply.integer,
  bulk: reply.bulk,
  nil: reply.null,
  arr: reply.array,
};

/** The binary identity of a key: its bytes as a latin1 string (one char per byte). */
export function keyId(k: Arg): string {
  return typeof k === 'string' ? Buffer.from(k, 'utf8').toString('latin1') : Buffer.from(k.buffer, k.byteOffset, k.byteLength).toString('latin1');
}
export function idBytes(id: string): Uint8Array {
  return Buffer.from(id, 'latin1');
}
export function bytes(a: Arg): Uint8Array {
  return typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
}

/** argv[i] where the command's arity (checked by lookupCommand first) guarantees it exists. */
export function argAt(argv: readonly Arg[], i: number): Arg {
  return defined(argv[i], `argv[${i}] is within the arity lookupCommand checked`);
}

/** Plain data (numbers, strings, arrays, records) → RESP2-shaped RespValue (maps as flat arrays). */
export function toResp(v: unknown): RespValue {
  if (v === null || v === undefined) return R.nil;
  if (typeof v === 'number') return R.int(v);
  if (typeof v === 'string') return R.bulk(v);
  if (v instanceof Uint8Array) return R.bulk(v);
  if (Array.isArray(v)) return R.arr(v.map(toResp));
  if (typeof v === 'object') return R.arr(Object.entries(v).flatMap(([k, x]) => [R.bulk(k), toResp(x)]));
  return R.bulk(typeof v === 'boolean' || typeof v === 'bigint' ? v.toString() : typeof v);
}
