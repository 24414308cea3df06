/** RESP reply constructors over binary strings, and Redis's shared error texts (server.c createSharedObjects). */
import { NOT_FLOAT_ERR, NOT_INTEGER_ERR, SYNTAX_ERR, WRONGTYPE_ERR, arityErrorText } from '@protolab/redis-common';
import { reply, type RespValue } from '@protolab/resp';
import { binToBytes } from './bytes.js';

export const OK: RespValue = reply.ok;
export const QUEUED: RespValue = { type: 'simple', value: 'QUEUED' };
export const NULL_BULK: RespValue = { type: 'null' };
export const EMPTY_ARRAY: RespValue = { type: 'array', value: [] };

export const err = reply.error;
export const int = reply.integer;
export const bulk = (bin: string): RespValue => ({ type: 'bulk', value: binToBytes(bin) });
export const simple = reply.simple;
export const array = (items: RespValue[]): RespValue => ({ type: 'array', value: items });

export const E = {
  syntax: SYNTAX_ERR,
  notInteger: NOT_INTEGER_ERR,
  notFloat: NOT_FLOAT_ERR,
  wrongType: WRONGTYPE_ERR,
  overflow: 'ERR increment or decrement would overflow',
  dbRange: 'ERR DB index is out of range',
  nan: 'ERR resulting score is not a number (NaN)',
  expireTime: (cmd: string) => `ERR invalid expire time in '${cmd}' command`,
  arity: arityErrorText,
} as const;
