/**
 * The AOF command reader, byte for byte as aof.c loadSingleAppendOnlyFile reads a file with
 * fgets/fread. It is NOT a general RESP parser, on purpose: Redis itself has two readers, the
 * network one (networking.c processMultibulkBuffer, our `@protolab/resp`) and this lenient,
 * line-based one, and they disagree on inputs a test can write (the CRLF after a bulk is skipped
 * unchecked here; `$3abc\n` is a valid length line; a `#` line is an annotation). To load exactly
 * what Redis loads, we read exactly as Redis reads.
 *
 * Deviations, all on inputs where Redis crashes or allocates without bound instead of answering:
 * a negative bulk length is a format error (Redis: sdsnewlen(huge) → OOM abort), and a huge
 * `*<argc>` is not preallocated (Redis: zmalloc(argc * 8)), so a file can never make us allocate
 * more than its own size.
 */

import { AofReader } from './reader-stream.js';

export { AOF_ANNOTATION_LINE_MAX_LEN } from './reader-stream.js';

export type AofReadEvent =
  | { readonly kind: 'command'; readonly argv: Uint8Array[]; readonly start: number; readonly end: number }
  | { readonly kind: 'annotation'; readonly text: string; readonly start: number; readonly end: number }
  /** Clean end of file. */
  | { readonly kind: 'eof'; readonly at: number }
  /** "readerr" with feof: the file ends inside a command (a short read). */
  | { readonly kind: 'short-read'; readonly at: number; readonly commandStart: number }
  /** "fmterr": Bad file format. */
  | { readonly kind: 'format-error'; readonly at: number; readonly expected: string; readonly found: string };

/** An operation counter for tests: bytes examined plus one per line and per argument. */
export interface ReaderWork {
  steps: number;
}

/**
 * Read commands from `bytes` starting at `offset` (after an RDB preamble, if any). The last event
 * is always `eof`, `short-read` or `format-error`.
 */
export function* readAofCommands(input: Uint8Array, offset = 0, work?: ReaderWork): Generator<AofReadEvent, void, undefined> {
  // One reader: the chunked one (reader-stream.ts), fed the whole file as a single chunk.
  const reader = new AofReader(offset, work);
  yield* reader.push(input.subarray(offset));
  yield* reader.end();
}
