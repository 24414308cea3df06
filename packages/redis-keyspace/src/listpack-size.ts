/**
 * The bytes one element takes in a listpack (redis/redis src/listpack.c lpEncodeGetType and
 * lpEncodeBacklen, 7.0): what a quicklist node's size (node->sz = lpBytes) is made of.
 */
import { string2number } from './numbers.js';
import { string2ll } from '@protolab/redis-common';

/**
 * listpack.c lpEncodeGetType + lpEncodeBacklen: the bytes one element takes in a listpack
 * (encoding + data + backlen). Canonical integers use the smallest integer form.
 */
export function listpackEntryBytes(s: string): number {
  let encData: number;
  const small = s.length <= 20 ? string2number(s) : undefined;
  if (small !== undefined) encData = intEntryBytes(small);
  else if (s.length <= 20 && string2ll(s) !== undefined) encData = 9;
  else if (s.length < 64) encData = 1 + s.length;
  else if (s.length < 4096) encData = 2 + s.length;
  else encData = 5 + s.length;
  return encData + backlenBytes(encData);
}

function intEntryBytes(v: number): number {
  if (v >= 0 && v <= 127) return 1; // LP_ENCODING_7BIT_UINT
  if (v >= -4096 && v <= 4095) return 2; // 13 bit
  if (v >= -32768 && v <= 32767) return 3; // 16 bit
  if (v >= -8388608 && v <= 8388607) return 4; // 24 bit
  if (v >= -2147483648 && v <= 2147483647) return 5; // 32 bit
  return 9; // 64 bit
}

/** listpack.c lpEncodeBacklen: the size of the back-length field. */
function backlenBytes(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}
