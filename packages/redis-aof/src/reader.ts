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

/** fgets(buf, size, fp): up to size-1 bytes, or through the first '\n'. undefined at EOF. */
function fgets(bytes: Uint8Array, pos: number, size: number): { line: Uint8Array; next: number } | undefined {
  if (pos >= bytes.length) return undefined;
  const max = Math.min(bytes.length, pos + size - 1);
  let i = pos;
  while (i < max) {
    if (bytes[i++] === NL) break;
  }
  return { line: bytes.subarray(pos, i), next: i };
}

/** C atoi/strtol over the bytes of a line, from index 1 (after the '*' or '$'). */
function lineNumber(line: Uint8Array): number {
  let p = 1;
  while (p < line.length && (line[p] === 0x20 || (line[p]! >= 0x09 && line[p]! <= 0x0d))) p++;
  let neg = false;
  if (line[p] === 0x2b || line[p] === 0x2d) {
    neg = line[p] === 0x2d;
    p++;
  }
  let v = 0;
  while (p < line.length && line[p]! >= 0x30 && line[p]! <= 0x39) {
    if (v < 1e18) v = v * 10 + (line[p]! - 0x30);
    p++;
  }
  return neg ? -v : v;
}

function show(line: Uint8Array): string {
  const s = Buffer.from(line.buffer, line.byteOffset, Math.min(line.byteLength, 32)).toString('latin1');
  return JSON.stringify(s);
}

/**
 * Read commands from `bytes` starting at `offset` (after an RDB preamble, if any). The last event
 * is always `eof`, `short-read` or `format-error`.
 */
export function* readAofCommands(bytes: Uint8Array, offset = 0): Generator<AofReadEvent, void, undefined> {
  let pos = offset;
  for (;;) {
    const start = pos;
    const head = fgets(bytes, pos, AOF_ANNOTATION_LINE_MAX_LEN);
    if (head === undefined) {
      yield { kind: 'eof', at: pos };
      return;
    }
    pos = head.next;
    const c0 = head.line[0];
    if (c0 === 0x23) {
      // '#': an annotation such as #TS:<unix seconds>; skipped by the loader.
      yield { kind: 'annotation', text: Buffer.from(head.line).toString('latin1'), start, end: pos };
      continue;
    }
    if (c0 !== 0x2a) {
      yield { kind: 'format-error', at: start, expected: "'*' or '#' at the start of a command", found: show(head.line) };
      return;
    }
    if (head.line.length === 1) {
      // buf[1] == '\0': the file ends right after '*'.
      yield { kind: 'short-read', at: pos, commandStart: start };
      return;
    }
    const argc = lineNumber(head.line);
    if (argc < 1) {
      yield { kind: 'format-error', at: start, expected: 'a multibulk count >= 1', found: show(head.line) };
      return;
    }
    const argv: Uint8Array[] = [];
    for (let j = 0; j < argc; j++) {
      const lenLine = fgets(bytes, pos, AOF_ANNOTATION_LINE_MAX_LEN);
      if (lenLine === undefined) {
        yield { kind: 'short-read', at: pos, commandStart: start };
        return;
      }
      if (lenLine.line[0] !== 0x24) {
        yield { kind: 'format-error', at: pos, expected: "'$' and a bulk length", found: show(lenLine.line) };
        return;
      }
      const len = lineNumber(lenLine.line);
      if (len < 0) {
        yield { kind: 'format-error', at: pos, expected: 'a bulk length >= 0', found: show(lenLine.line) };
        return;
      }
      pos = lenLine.next;
      if (len > 0 && pos + len > bytes.length) {
        yield { kind: 'short-read', at: bytes.length, commandStart: start };
        return;
      }
      argv.push(bytes.subarray(pos, pos + len));
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
