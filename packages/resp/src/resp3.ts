/**
 * The RESP3 one-line types `_ # , (` (null, boolean, double, big number), validated as hiredis
 * read.c processLineItem does. The decoder (decode.ts) has already found the line's CR and
 * refused these type bytes on a RESP2 connection.
 */
import { RespProtocolError } from './errors.js';
import { parseBignum, parseDouble } from './number.js';
import { NULL, showLine } from './reply-values.js';
import type { RespInteger, RespValue } from './types.js';
import { readUtf8 } from './utf8.js';

/** Longest `,` double line: hiredis read.c processLineItem copies it into `char buf[326]`. */
export const MAX_DOUBLE_CHARS = 325;

/**
 * Reads the `_ # , (` line at `buf[pos..cr)` (`pos` is the type byte). `base` is the absolute
 * offset of `buf[0]`, so a thrown RespProtocolError carries the stream offset.
 */
export function resp3Scalar(type: number, buf: Uint8Array, pos: number, cr: number, maxBignumDigits: number, base: number): RespValue<RespInteger> {
  const fail = (code: 'INVALID_NULL' | 'INVALID_BOOLEAN' | 'INVALID_DOUBLE' | 'INVALID_BIGNUM', text: string, found: string): never => {
    throw new RespProtocolError(code, base + pos + 1, text, found);
  };
  switch (type) {
    case 0x5f: // _ null
      if (cr !== pos + 1) fail('INVALID_NULL', 'Bad nil value', showLine(buf, pos + 1, cr));
      return NULL;
    case 0x23: {
      // # boolean
      const c = buf[pos + 1];
      if (cr !== pos + 2 || (c !== 0x74 && c !== 0x66)) fail('INVALID_BOOLEAN', 'Bad bool value', showLine(buf, pos + 1, cr));
      return { type: 'boolean', value: c === 0x74 };
    }
    case 0x2c: {
      // , double
      if (cr - pos - 1 > MAX_DOUBLE_CHARS) fail('INVALID_DOUBLE', 'Double value is too large', `${cr - pos - 1} bytes`);
      const d = parseDouble(readUtf8(buf, pos + 1, cr));
      if (d === undefined) return fail('INVALID_DOUBLE', 'Bad double value', showLine(buf, pos + 1, cr));
      return { type: 'double', value: d };
    }
    default: {
      // ( big number
      if (cr - pos - 1 > maxBignumDigits + 1) fail('INVALID_BIGNUM', `Big number longer than ${maxBignumDigits} digits`, `${cr - pos - 1} bytes`);
      const b = parseBignum(buf, pos + 1, cr);
      if (b === undefined) return fail('INVALID_BIGNUM', 'Bad big number value', showLine(buf, pos + 1, cr));
      return { type: 'bignum', value: b };
    }
  }
}
