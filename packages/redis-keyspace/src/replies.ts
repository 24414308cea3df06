/** RESP reply constructors over binary strings, and Redis's shared error texts (server.c createSharedObjects). */
import type { RespValue } from '@protolab/resp';
import { binToBytes } from './bytes.js';

export const OK: RespValue = { type: 'simple', value: 'OK' };
export const QUEUED: RespValue = { type: 'simple', value: 'QUEUED' };
export const NULL_BULK: RespValue = { type: 'null' };
export const EMPTY_ARRAY: RespValue = { type: 'array', value: [] };

export const err = (text: string): RespValue => ({ type: 'error', value: text });
export const int = (n: number | bigint): RespValue => ({ type: 'integer', value: BigInt(n) });
export const bulk = (bin: string): RespValue => ({ type: 'bulk', value: binToBytes(bin) });
export const simple = (s: string): RespValue => ({ type: 'simple', value: s });
export const array = (items: RespValue[]): RespValue => ({ type: 'array', value: items });

export const E = {
  syntax: 'ERR syntax error',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  overflow: 'ERR increment or decrement would overflow',
  dbRange: 'ERR DB index is out of range',
  nan: 'ERR resulting score is not a number (NaN)',
  expireTime: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  arity: (cmd: string) => `ERR wrong number of arguments for '${cmd}' command`,
} as const;
