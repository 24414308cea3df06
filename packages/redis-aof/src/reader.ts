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

/** aof.c AOF_ANNOTATION_LINE_MAX_LEN: the fgets buffer of the loader. */
export const AOF_ANNOTATION_LINE_MAX_LEN = 1024;

export type AofReadEvent =
  | { readonly kind: 'command'; readonly argv: Uint8Array[]; readonly start: number; readonly end: number }
  | { readonly kind: 'annotation'; readonly text: string; readonly start: number; readonly end: number }
  /** Clean end of file. */
  | { readonly kind: 'eof'; readonly at: number }
  /** "readerr" with feof: the file ends inside a command (a short read). */
  | { readonly kind: 'short-read'; readonly at: number; readonly commandStart: number }
  /** "fmterr": Bad file format. */
  | { readonly kind: 'format-error'; readonly at: number; readonly expected: string; readonly found: string };

const NL = 0x0a;

/**
 * fgets(buf, size, fp) over `bytes` from `pos`: the end of the line (exclusive): up to size-1
 * bytes, or through the first '\n'. -1 at EOF. Works on indices, allocates nothing.
 */
function fgetsEnd(bytes: Uint8Array, pos: number, size: number, work: ReaderWork | undefined): number {
  if (pos >= bytes.length) return -1;
  const max = Math.min(bytes.length, pos + size - 1);
  let i = pos;
  while (i < max) {
    if (bytes[i++] === NL) break;
  }
  if (work !== undefined) work.steps += i - pos + 1;
  return i;
}

/** An operation counter for tests: bytes examined plus one per line and per argument. */
export interface ReaderWork {
  steps: number;
}

/** C atoi/strtol over bytes[start+1 .. end) (after the '*' or '$'). */
function lineNumber(bytes: Uint8Array, start: number, end: number): number {
  let p = start + 1;
  const byte = (i: number): number => bytes[i] ?? 0;
  while (p < end && (byte(p) === 0x20 || (byte(p) >= 0x09 && byte(p) <= 0x0d))) p++;
  let neg = false;
  if (p < end && (bytes[p] === 0x2b || bytes[p] === 0x2d)) {
    neg = bytes[p] === 0x2d;
    p++;
  }
  let v = 0;
  while (p < end) {
    const c = byte(p);
    if (c < 0x30 || c > 0x39) break;
    if (v < 1e18) v = v * 10 + (c - 0x30);
    p++;
  }
  return neg ? -v : v;
}

function show(bytes: Uint8Array, start: number, end: number): string {
  return JSON.stringify(Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.min(end - start, 32)).toString('latin1'));
}

/**
 * Read commands from `bytes` starting at `offset` (after an RDB preamble, if any). The last event
 * is always `eof`, `short-read` or `format-error`.
 */
export function* readAofCommands(input: Uint8Array, offset = 0, work?: ReaderWork): Generator<AofReadEvent, void, undefined> {
  // A plain Uint8Array view: subarray on it is cheaper than on a Buffer.
  const bytes = Object.getPrototypeOf(input) === Uint8Array.prototype ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  let pos = offset;
  for (;;) {
    const start = pos;
    const headEnd = fgetsEnd(bytes, pos, AOF_ANNOTATION_LINE_MAX_LEN, work);
    if (headEnd < 0) {
      yield { kind: 'eof', at: pos };
      return;
    }
    pos = headEnd;
    const c0 = bytes[start];
    if (c0 === 0x23) {
      // '#': an annotation such as #TS:<unix seconds>; skipped by the loader.
      yield { kind: 'annotation', text: Buffer.from(bytes.buffer, bytes.byteOffset + start, headEnd - start).toString('latin1'), start, end: pos };
      continue;
    }
    if (c0 !== 0x2a) {
      yield { kind: 'format-error', at: start, expected: "'*' or '#' at the start of a command", found: show(bytes, start, headEnd) };
      return;
    }
    if (headEnd - start === 1) {
      // buf[1] == '\0': the file ends right after '*'.
      yield { kind: 'short-read', at: pos, commandStart: start };
      return;
    }
    const argc = lineNumber(bytes, start, headEnd);
    if (argc < 1) {
      yield { kind: 'format-error', at: start, expected: 'a multibulk count >= 1', found: show(bytes, start, headEnd) };
      return;
    }
    const argv: Uint8Array[] = [];
    for (let j = 0; j < argc; j++) {
      const lenEnd = fgetsEnd(bytes, pos, AOF_ANNOTATION_LINE_MAX_LEN, work);
      if (lenEnd < 0) {
        yield { kind: 'short-read', at: pos, commandStart: start };
        return;
      }
      if (bytes[pos] !== 0x24) {
        yield { kind: 'format-error', at: pos, expected: "'$' and a bulk length", found: show(bytes, pos, lenEnd) };
        return;
      }
      const len = lineNumber(bytes, pos, lenEnd);
      if (len < 0) {
        yield { kind: 'format-error', at: pos, expected: 'a bulk length >= 0', found: show(bytes, pos, lenEnd) };
        return;
      }
      pos = lenEnd;
      if (len > 0 && pos + len > bytes.length) {
        yield { kind: 'short-read', at: bytes.length, commandStart: start };
        return;
      }
      argv.push(bytes.subarray(pos, pos + len));
      if (work !== undefined) work.steps++;
      pos += len;
      // "Discard CRLF": two bytes are read and not checked.
      if (pos + 2 > bytes.length) {
        yield { kind: 'short-read', at: bytes.length, commandStart: start };
        return;
      }
      pos += 2;
    }
    yield { kind: 'command', argv, start, end: pos };
  }
}
