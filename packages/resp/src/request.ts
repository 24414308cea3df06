/**
 * The request side: commands as redis-server 7.0 reads them from a client (networking.c
 * processInputBuffer → processMultibulkBuffer / processInlineBuffer), and as the AOF loader
 * reads them from a file. Each complete command comes out as argv (`Uint8Array[]`) with the
 * absolute byte offsets where it starts and ends, so a loader knows how far the input is valid.
 *
 * Faithful to the server, including its leniencies (checked against redis-server 7.0.15 in
 * packages/resp/test/resp.peer.test.ts):
 * - A request starting with '*' is multibulk; anything else is inline (unless `allowInline` is off).
 * - Lengths are parsed with string2ll: `*01`, `$+3`, `$ 3` are invalid. A multibulk count above
 *   INT_MAX is invalid; a count ≤ 0 (`*0`, `*-5`) is skipped without running anything.
 * - After each `\r` of a header and after each payload Redis skips two bytes without looking at
 *   them: `$4\r\nPINGxx` is read as "PING". `strictCrlf: true` insists on `\r\n` instead.
 * - Lines are searched with strchr, which stops at a NUL byte: a NUL before the end of a line
 *   makes the server wait for more input, until more than 64 KiB are buffered ("too big ...").
 * - An inline line is split like sdssplitargs: blanks separate words; "double quotes" take
 *   \n \r \t \b \a \\ \" and \xHH escapes; 'single quotes' take \'; a closing quote must be
 *   followed by a blank or the end; blank lines are skipped.
 *
 * One difference, so that every split of the input gives the same result: Redis checks the
 * 64 KiB line limit (PROTO_INLINE_MAX_SIZE) only when the line's end has not arrived yet, so a
 * slightly longer line can pass if it arrives in one read. Here a line longer than the limit is
 * refused however it arrives.
 */
import { ByteQueue } from './buffer.js';
import { RespProtocolError, showByte } from './errors.js';
import { parseLength } from './number.js';
import { readUtf8 } from './utf8.js';
import { splitArgs } from './split-args.js';
import { INT_MAX, PROTO_INLINE_MAX_SIZE, type ParsedCommands, type RequestFeedResult, type RequestItem, type RequestParserOptions } from './request-types.js';

export { splitArgs } from './split-args.js';

export * from './request-types.js';

const CR = 13;
const LF = 10;

export class RespRequestParser {
  private readonly q = new ByteQueue();
  private readonly maxBulkLen: number;
  private readonly maxMultibulkLen: number;
  private readonly maxInlineLen: number;
  private readonly allowInline: boolean;
  private readonly annotations: boolean;
  private readonly strictCrlf: boolean;
  // The client struct's parsing state in Redis: c->multibulklen, c->bulklen, c->argv.
  private multibulklen = 0;
  private bulklen = -1;
  private argv: Uint8Array[] = [];
  private commandStart = 0;
  private validUpTo = 0;
  private failed: RespProtocolError | undefined;
  /** Where the search for an unfinished line's end resumes (absolute), so a line is read once. */
  private scanFrom = 0;
  private ops = 0;
  /** Where parsing resumes (absolute); the unfinished command's bytes are kept from its start. */
  private cursor = 0;
  /** The declared argument count of the multibulk command being read. */
  private argc = 0;
  /**
   * The unfinished command's arguments are not kept as views (a forged `*2147483647` followed by
   * tiny arguments would hold an object per 7 input bytes): only its bytes are kept, and argv is
   * read again from them once the command is complete. See decode.ts for the same on replies.
   */
  private scanning = false;

  constructor(options: RequestParserOptions = {}) {
    this.maxBulkLen = options.maxBulkLen ?? 512 * 1024 * 1024;
    this.maxMultibulkLen = options.maxMultibulkLen ?? INT_MAX;
    this.maxInlineLen = options.maxInlineLen ?? PROTO_INLINE_MAX_SIZE;
    this.allowInline = options.allowInline ?? true;
    this.annotations = options.annotations ?? false;
    this.strictCrlf = options.strictCrlf ?? false;
  }

  /** Commands completed by this chunk. Throws RespProtocolError on malformed input. */
  push(chunk: Uint8Array): RequestItem[] {
    const r = this.feed(chunk);
    if (r.error) throw r.error;
    return r.commands;
  }

  /** Like push without throwing; commands before an error are returned with it. Sticky failure. */
  feed(chunk: Uint8Array): RequestFeedResult {
    const commands: RequestItem[] = [];
    if (this.failed) return { commands, error: this.failed };
    try {
      this.q.consume(
        chunk,
        // Inside a multibulk command its bytes are kept whole: take the chunk; otherwise a line's end.
        () => (this.multibulklen > 0 ? Infinity : 0),
        () => {
          this.parse(commands);
        },
      );
    } catch (e) {
      if (!(e instanceof RespProtocolError)) throw e;
      this.failed = e;
      return { commands, error: e };
    }
    return { commands };
  }

  /** Throws UNEXPECTED_EOF (offset: start of the cut command) if the input ended mid-command. */
  end(): void {
    if (this.failed) throw this.failed;
    if (this.midCommand) {
      throw new RespProtocolError('UNEXPECTED_EOF', this.validUpTo, 'Unexpected end of input inside a command', `${this.q.base + this.q.end - this.validUpTo} byte(s) of an unfinished command`);
    }
  }

  /** True when the bytes after `offset` are an unfinished command. */
  get midCommand(): boolean {
    return this.multibulklen > 0 || this.q.buffered > 0;
  }

  /** Absolute offset after the last complete command (aof.c's valid_up_to). */
  get offset(): number {
    return this.validUpTo;
  }

  /** The error that stopped the parser, if any. */
  get error(): RespProtocolError | undefined {
    return this.failed;
  }

  /** Bytes of input memory the parser holds now (bounded by about twice what is buffered). */
  get bufferCapacity(): number {
    return this.q.capacity;
  }

  /** Bytes examined or copied so far: a cost counter (not a clock) for the linear-time tests. */
  get work(): number {
    return this.ops + this.q.copied;
  }

  reset(): void {
    this.q.reset();
    this.scanFrom = 0;
    this.cursor = this.q.base;
    this.scanning = false;
    this.multibulklen = 0;
    this.bulklen = -1;
    this.argv = [];
    this.failed = undefined;
    this.validUpTo = this.q.base;
  }

  private fail(code: ConstructorParameters<typeof RespProtocolError>[0], at: number, text: string, found?: string): never {
    throw new RespProtocolError(code, this.q.base + at, text, found);
  }

  private parse(out: RequestItem[]): void {
    const q = this.q;
    const buf = q.buf;
    const end = q.end;
    const base = q.base;
    let pos = Math.max(this.cursor - base, q.start);
    try {
      while (pos < end) {
        if (this.multibulklen === 0) {
          this.commandStart = base + pos;
          const first = buf[pos] ?? 0;
          if (first === 0x2a) {
            const r = this.multibulkHeader(buf, pos, end);
            if (r < 0) break;
            pos = r;
            // *0 or *-n: nothing to run (multibulkHeader left multibulklen at 0)
            if ((this.multibulklen as number) === 0) this.validUpTo = base + pos;
            continue;
          }
          if (first === 0x23 && this.annotations) {
            const r = this.annotation(buf, pos, end, out);
            if (r < 0) break;
            pos = r;
            continue;
          }
          if (!this.allowInline) this.fail('EXPECTED_MULTIBULK', pos, `Protocol error: expected '*', got ${showByte(first)}`);
          const r = this.inline(buf, pos, end, out);
          if (r < 0) break;
          pos = r;
          continue;
        }
        // Inside a multibulk command: read the next argument's header, then its payload.
        if (this.bulklen === -1) {
          const r = this.bulkHeader(buf, pos, end);
          if (r < 0) break;
          pos = r;
        }
        const stop = pos + this.bulklen;
        if (end - pos < this.bulklen + 2) break; // Not enough data (+2 == trailing \r\n)
        this.ops++;
        if (this.strictCrlf && (buf[stop] !== CR || buf[stop + 1] !== LF)) {
          const at = buf[stop] !== CR ? stop : stop + 1;
          this.fail('EXPECTED_CRLF', at, `Protocol error: expected CRLF after a ${this.bulklen}-byte argument`, showByte(buf[at]));
        }
        if (!this.scanning) this.argv.push(new Uint8Array(buf.buffer, buf.byteOffset + pos, this.bulklen));
        pos = stop + 2;
        this.bulklen = -1;
        if (--this.multibulklen === 0) {
          const argv = this.scanning ? readArgv(buf, this.commandStart - base, this.argc) : this.argv;
          out.push({ kind: 'command', argv, start: this.commandStart, end: base + pos, inline: false });
          this.argv = [];
          this.scanning = false;
          this.validUpTo = base + pos;
        } else if (!this.scanning && base + pos - this.commandStart > OPTIMISTIC_ARGV_BYTES) {
          this.stopKeepingArgv();
        }
      }
    } finally {
      this.cursor = base + pos;
      if (this.multibulklen > 0) {
        // Unfinished: keep the command's bytes from its start, not views of its arguments.
        q.start = this.commandStart - base;
        this.stopKeepingArgv();
      } else {
        q.start = pos;
      }
    }
  }

  private stopKeepingArgv(): void {
    this.argv = [];
    this.scanning = true;
  }

  /** Reads `*<count>\r\n`; returns the position after it, or -1 when the line is incomplete. */
  private multibulkHeader(buf: Uint8Array, pos: number, end: number): number {
    const cr = this.lineEnd(buf, pos, end, CR, 'TOO_BIG_MBULK_COUNT', 'Protocol error: too big mbulk count string');
    if (cr < 0) return -1;
    const ll = parseLength(buf, pos + 1, cr);
    if (Number.isNaN(ll) || ll > this.maxMultibulkLen) {
      this.fail('INVALID_MULTIBULK_LENGTH', pos + 1, 'Protocol error: invalid multibulk length', lineText(buf, pos + 1, cr));
    }
    this.checkLf(buf, cr);
    if (ll > 0) {
      this.multibulklen = ll;
      this.argc = ll;
      this.bulklen = -1;
      this.argv = [];
      this.scanning = false;
    }
    return cr + 2;
  }

  /** Reads `$<len>\r\n` of the next argument into this.bulklen; -1 when incomplete. */
  private bulkHeader(buf: Uint8Array, pos: number, end: number): number {
    const cr = this.lineEnd(buf, pos, end, CR, 'TOO_BIG_BULK_COUNT', 'Protocol error: too big bulk count string');
    if (cr < 0) return -1;
    const first = buf[pos] ?? 0;
    if (first !== 0x24) {
      // addReplyErrorFormat maps CR and LF to spaces; other bytes are sent as they are.
      const shown = first === CR || first === LF ? ' ' : String.fromCharCode(first);
      this.fail('EXPECTED_DOLLAR', pos, `Protocol error: expected '$', got '${shown}'`, showByte(first));
    }
    const ll = parseLength(buf, pos + 1, cr);
    if (!(ll >= 0) || ll > this.maxBulkLen) {
      this.fail('INVALID_BULK_LENGTH', pos + 1, 'Protocol error: invalid bulk length', lineText(buf, pos + 1, cr));
    }
    this.checkLf(buf, cr);
    this.bulklen = ll;
    return cr + 2;
  }

  /**
   * Finds the `target` byte ending the line at `pos`, as Redis does with strchr (which stops at
   * a NUL byte: the C string ends there), requiring one more byte after a CR. Returns -1 to wait
   * for more input, remembering how far it looked; fails when the line is too long.
   */
  private lineEnd(buf: Uint8Array, pos: number, end: number, target: number, code: 'TOO_BIG_MBULK_COUNT' | 'TOO_BIG_BULK_COUNT' | 'TOO_BIG_INLINE', text: string): number {
    const base = this.q.base;
    let at = Math.max(pos, this.scanFrom - base);
    const from = at;
    while (at < end) {
      const c = buf[at] ?? 0;
      if (c === target || c === 0) break;
      at++;
    }
    this.ops += at - from + 1;
    const found = at < end && buf[at] === target;
    if ((found ? at : end) - pos > this.maxInlineLen) this.fail(code, pos, text, `a line of more than ${this.maxInlineLen} bytes`);
    // Not found: `at` is the end of the input or a NUL (where strchr will stop again).
    if (!found || (target === CR && at + 1 >= end)) {
      this.scanFrom = base + at;
      return -1;
    }
    this.scanFrom = 0;
    return at;
  }

  private checkLf(buf: Uint8Array, cr: number): void {
    if (this.strictCrlf && buf[cr + 1] !== LF) {
      this.fail('EXPECTED_CRLF', cr + 1, "Protocol error: expected '\\n' after '\\r'", showByte(buf[cr + 1]));
    }
  }

  /** processInlineBuffer: one line up to '\n' (a '\r' before it is dropped), split into words. */
  private inline(buf: Uint8Array, pos: number, end: number, out: RequestItem[]): number {
    const nl = this.lineEnd(buf, pos, end, LF, 'TOO_BIG_INLINE', 'Protocol error: too big inline request');
    if (nl < 0) return -1;
    const lineStop = nl > pos && buf[nl - 1] === CR ? nl - 1 : nl;
    const argv = splitArgs(buf, pos, lineStop);
    if (argv === undefined) this.fail('UNBALANCED_QUOTES', pos, 'Protocol error: unbalanced quotes in request');
    const next = nl + 1;
    const base = this.q.base;
    if (argv.length > 0) out.push({ kind: 'command', argv, start: base + pos, end: base + next, inline: true });
    this.validUpTo = base + next;
    return next;
  }

  private annotation(buf: Uint8Array, pos: number, end: number, out: RequestItem[]): number {
    const nl = this.lineEnd(buf, pos, end, LF, 'TOO_BIG_INLINE', 'Protocol error: too big inline request');
    if (nl < 0) return -1;
    const lineStop = nl > pos && buf[nl - 1] === CR ? nl - 1 : nl;
    const base = this.q.base;
    out.push({ kind: 'annotation', text: readUtf8(buf, pos + 1, lineStop), start: base + pos, end: base + nl + 1 });
    this.validUpTo = base + nl + 1;
    return nl + 1;
  }
}

/** A command still unfinished after this many bytes keeps its bytes, not views of its arguments. */
const OPTIMISTIC_ARGV_BYTES = 1024 * 1024;

/**
 * argv of the complete, already validated multibulk command at `from`: each header line up to
 * its CR, then two bytes skipped (as the server skips them), then the payload and two more.
 */
function readArgv(buf: Uint8Array, from: number, argc: number): Uint8Array[] {
  const argv: Uint8Array[] = [];
  let pos = from;
  for (let i = -1; i < argc; i++) {
    const lineStart = pos;
    let cr = pos;
    while (cr < buf.length && buf[cr] !== CR) cr++;
    pos = cr + 2;
    if (i < 0) continue; // the *<count> line
    const len = parseLength(buf, lineStart + 1, cr);
    argv.push(new Uint8Array(buf.buffer, buf.byteOffset + pos, len));
    pos += len + 2;
  }
  return argv;
}

function lineText(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < Math.min(end, start + 40); i++) {
    const c = buf[i] ?? 0;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return JSON.stringify(s);
}

/** Parses a complete input; never throws on bad input (the error is returned). */
export function parseCommands(bytes: Uint8Array, options: RequestParserOptions = {}): ParsedCommands {
  const p = new RespRequestParser(options);
  const r = p.feed(bytes);
  if (r.error) return { commands: r.commands, validUpTo: p.offset, truncated: false, error: r.error };
  return { commands: r.commands, validUpTo: p.offset, truncated: p.midCommand };
}
