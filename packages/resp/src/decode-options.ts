/**
 * The reply decoder's options, limits and result types (split from decode.ts so that the parser
 * reads on its own; decode.ts re-exports all of it).
 */
import type { RespProtocolError } from './errors.js';
import type { RespInteger, RespValue } from './types.js';

/** Redis's proto-max-bulk-len default: 512 MiB. */
export const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;
/** hiredis REDIS_READER_MAX_ARRAY_ELEMENTS: 2^32 - 1. */
export const REPLY_MAX_MULTIBULK_LEN = 2 ** 32 - 1;
/** Aggregates nested deeper than this are refused (bounded state for hostile input). */
export const DEFAULT_MAX_DEPTH = 1000;
/** Longest `(` big number accepted by default (V8's decimal-to-bigint is not linear). */
export const DEFAULT_MAX_BIGNUM_DIGITS = 10_000;

/** How integer replies come out: see `RespValue`. */
export type IntegerMode = 'bigint' | 'number';
/** The integer type of a mode. */
export type IntegerOf<M extends IntegerMode> = M extends 'number' ? RespInteger : bigint;

export interface RespDecoderOptions<M extends IntegerMode = IntegerMode> {
  /**
   * 3 (default) accepts every RESP2 and RESP3 type; 2 refuses the RESP3 type bytes
   * (`_ , # ( = ! % ~ > |`), as a RESP2 client would.
   */
  readonly protocol?: 2 | 3;
  /** 'reply' (default): values a server sends. 'request': commands a client sends. */
  readonly mode?: 'reply' | 'request';
  /**
   * 'bigint' (default): every `:` integer is a bigint. 'number': a JS number when it is a safe
   * integer (|v| < 2^53), a bigint beyond — exact either way, and about 3× cheaper to make.
   */
  readonly integers?: M;
  /** Longest bulk payload accepted (proto-max-bulk-len, default 512 MiB). */
  readonly maxBulkLen?: number;
  /** Most elements in one aggregate (default 2^32-1 for replies, INT_MAX for requests). */
  readonly maxMultibulkLen?: number;
  /** Longest line (simple string, error, number) for replies, default 512 MiB. */
  readonly maxLineLen?: number;
  /** Deepest nesting of aggregates for replies (default 1000). */
  readonly maxDepth?: number;
  /** Most digits in a RESP3 big number (default 10 000). */
  readonly maxBignumDigits?: number;
  /** Request mode only: accept inline commands (default true, like redis-server). */
  readonly allowInline?: boolean;
}

export interface FeedResult<I extends RespInteger = bigint> {
  /** Values completed by this chunk, in order. */
  readonly values: RespValue<I>[];
  /** Absolute offset just after each value in `values`. */
  readonly ends: number[];
  /** Set when the input is malformed; the values before it are still in `values`. */
  readonly error?: RespProtocolError;
}
