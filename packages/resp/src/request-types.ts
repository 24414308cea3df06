/**
 * The request side's shapes and limits (request.ts reads them): a command as argv with the
 * absolute offsets where it starts and ends, an AOF annotation line, the parser's options (the
 * server's limits, networking.c 7.0 processMultibulkBuffer / processInlineBuffer), and what a
 * whole-input parse returns (aof.c's valid_up_to and short read).
 */
import type { RespProtocolError } from './errors.js';

/** PROTO_INLINE_MAX_SIZE in server.h: 64 KiB. */
export const PROTO_INLINE_MAX_SIZE = 64 * 1024;
/** INT_MAX: the largest multibulk count processMultibulkBuffer accepts. */
export const INT_MAX = 2 ** 31 - 1;

export interface RespCommand {
  readonly kind: 'command';
  readonly argv: Uint8Array[];
  /** Absolute offset of the command's first byte. */
  readonly start: number;
  /** Absolute offset just after the command (where the next one starts). */
  readonly end: number;
  readonly inline: boolean;
}

/** A `#...` line, which the AOF loader skips (e.g. `#TS:1700000000`); only with `annotations`. */
export interface RespAnnotation {
  readonly kind: 'annotation';
  /** The line without '#' and without its line end. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export type RequestItem = RespCommand | RespAnnotation;

export interface RequestParserOptions {
  /** proto-max-bulk-len (default 512 MiB). Redis skips the check for its master's stream. */
  readonly maxBulkLen?: number;
  /** Largest multibulk count (default INT_MAX, as in 7.0). */
  readonly maxMultibulkLen?: number;
  /** PROTO_INLINE_MAX_SIZE (default 64 KiB): longest inline request or header line. */
  readonly maxInlineLen?: number;
  /** Accept inline commands (default true). An AOF loader turns this off. */
  readonly allowInline?: boolean;
  /** Skip `#` lines at a command boundary and report them (aof.c loadSingleAppendOnlyFile). */
  readonly annotations?: boolean;
  /** Require `\r\n` where Redis merely skips two bytes (default false, as the server). */
  readonly strictCrlf?: boolean;
}

export interface RequestFeedResult {
  readonly commands: RequestItem[];
  readonly error?: RespProtocolError;
}

/** Result of parsing a whole byte string of commands (an AOF file, a captured request stream). */
export interface ParsedCommands {
  readonly commands: RequestItem[];
  /** Offset after the last complete command: what aof.c calls valid_up_to. */
  readonly validUpTo: number;
  /** The input ended in the middle of a command (a short read, in aof.c's words). */
  readonly truncated: boolean;
  readonly error?: RespProtocolError;
}
