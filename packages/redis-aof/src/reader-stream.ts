/**
 * The AOF command reader of `reader.ts`, fed in chunks: the same events (aof.c
 * loadSingleAppendOnlyFile's fgets/fread rules) for any split of the input, in time linear in the
 * input. It resumes where it stopped — the newline search of a line that is still incomplete goes
 * on from the last byte it looked at — so 1-byte chunks cost what one chunk costs.
 *
 * A line is complete at its '\n', at AOF_ANNOTATION_LINE_MAX_LEN - 1 bytes (fgets' limit), or at
 * the end of input (`end()`), exactly as fgets returns it. Bytes already handed out in events are
 * never modified: buffers grow by copying, and a single whole input is read in place (no copy).
 */
import type { AofReadEvent, ReaderWork } from './reader.js';

/** aof.c AOF_ANNOTATION_LINE_MAX_LEN: the fgets buffer of the loader. */
export const AOF_ANNOTATION_LINE_MAX_LEN = 1024;

const LINE_MAX = AOF_ANNOTATION_LINE_MAX_LEN; // fgets reads at most 1023 bytes
const NL = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** C atoi/strtol over buf[start+1 .. end) (after the '*' or '$'), saturating far beyond any file. */
function lineNumber(buf: Uint8Array, start: number, end: number): number {
  let p = start + 1;
  while (p < end && isSpace(buf[p] ?? 0)) p++;
  let neg = false;
  if (p < end && (buf[p] === 0x2b || buf[p] === 0x2d)) {
    neg = buf[p] === 0x2d;
    p++;
  }
  let v = 0;
  for (let c = buf[p] ?? 0; p < end && c >= 0x30 && c <= 0x39; c = buf[++p] ?? 0) if (v < 1e18) v = v * 10 + (c - 0x30);
  return neg ? -v : v;
}

function show(buf: Uint8Array, start: number, end: number): string {
  return JSON.stringify(Buffer.from(buf.buffer, buf.byteOffset + start, Math.min(end - start, 32)).toString('latin1'));
}

type Phase = { kind: 'head' } | { kind: 'arglen'; argc: number; argv: Uint8Array[] } | { kind: 'bulk'; argc: number; argv: Uint8Array[]; len: number };

export class AofReader {
  /** The bytes not yet consumed start at `buf[pos]`; `buf[0]` is input offset `base`. */
  private buf: Uint8Array = new Uint8Array(0);
  private len = 0;
  private owned = false;
  private base: number;
  private pos = 0;
  /** Offset (in buf) of the command being read. */
  private cmdStart = 0;
  /** Where the newline search of the current line goes on. */
  private scan = 0;
  private phase: Phase = { kind: 'head' };
  private done = false;

  constructor(
    offset = 0,
    private readonly work?: ReaderWork,
  ) {
    this.base = offset;
  }

  private append(chunk: Uint8Array): void {
    if (this.len === 0 && !this.owned) {
      // A single whole input is read in place, never written to (a plain view: subarray on it is cheaper than on a Buffer).
      this.buf = Object.getPrototypeOf(chunk) === Uint8Array.prototype ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.len = chunk.length;
      return;
    }
    if (this.owned && this.len + chunk.length <= this.buf.length) {
      this.buf.set(chunk, this.len); // spare capacity: no event references it yet
      this.len += chunk.length;
      return;
    }
    // A new buffer, twice what is still needed (amortised linear); consumed bytes are dropped.
    // The old buffer is left as it is: events handed out may still reference it.
    const keep = this.cmdStart;
    const need = this.len - keep + chunk.length;
    const next = new Uint8Array(Math.max(4096, 2 * need));
    next.set(this.buf.subarray(keep, this.len));
    next.set(chunk, this.len - keep);
    this.buf = next;
    this.len = need;
    this.base += keep;
    this.pos -= keep;
    this.scan -= keep;
    this.cmdStart = 0;
    this.owned = true;
  }

  /**
   * The end of the line starting at `pos` (exclusive), -1 at the end of input, or undefined when
   * more bytes are needed.
   */
  private lineEnd(final: boolean): number | undefined {
    if (this.pos >= this.len) return final ? -1 : undefined;
    const limit = Math.min(this.len, this.pos + LINE_MAX - 1);
    let i = Math.max(this.scan, this.pos);
    while (i < limit && this.buf[i] !== NL) i++;
    if (this.work !== undefined) this.work.steps += i - Math.max(this.scan, this.pos) + 1;
    if (i < limit) return i + 1; // through the '\n'
    if (limit === this.pos + LINE_MAX - 1 || final) return limit;
    this.scan = i;
    return undefined;
  }

  /** Feed the next chunk; yields every event it completes. */
  *push(chunk: Uint8Array): Generator<AofReadEvent, void, undefined> {
    if (this.done) return;
    this.append(chunk);
    yield* this.drain(false);
  }

  /** The input is over: the remaining events, the last one `eof`, `short-read` or `format-error`. */
  *end(): Generator<AofReadEvent, void, undefined> {
    if (this.done) return;
    yield* this.drain(true);
  }

  private at(i: number): number {
    return this.base + i;
  }

  private *drain(final: boolean): Generator<AofReadEvent, void, undefined> {
    for (;;) {
      const ev = this.step(final);
      if (ev === undefined) return;
      if (ev !== 'continue') yield ev;
      if (this.done) return;
    }
  }

  private stop(ev: AofReadEvent): AofReadEvent {
    this.done = true;
    return ev;
  }

  /** One line or bulk: an event, 'continue' (progress without an event) or undefined (needs bytes). */
  private step(final: boolean): AofReadEvent | 'continue' | undefined {
    const ph = this.phase;
    if (ph.kind === 'bulk') return this.stepBulk(ph, final);
    const start = this.pos;
    const end = this.lineEnd(final);
    if (end === undefined) return undefined;
    if (ph.kind === 'head') {
      this.cmdStart = start;
      if (end < 0) return this.stop({ kind: 'eof', at: this.at(start) });
      this.pos = end;
      this.scan = end;
      const c0 = this.buf[start];
      if (c0 === 0x23) {
        // '#': an annotation such as #TS:<unix seconds>; skipped by the loader.
        return { kind: 'annotation', text: Buffer.from(this.buf.buffer, this.buf.byteOffset + start, end - start).toString('latin1'), start: this.at(start), end: this.at(end) };
      }
      if (c0 !== 0x2a) return this.stop({ kind: 'format-error', at: this.at(start), expected: "'*' or '#' at the start of a command", found: show(this.buf, start, end) });
      if (end - start === 1) return this.stop({ kind: 'short-read', at: this.at(end), commandStart: this.at(start) }); // '*' then EOF
      const argc = lineNumber(this.buf, start, end);
      if (argc < 1) return this.stop({ kind: 'format-error', at: this.at(start), expected: 'a multibulk count >= 1', found: show(this.buf, start, end) });
      this.phase = { kind: 'arglen', argc, argv: [] };
      return 'continue';
    }
    if (end < 0) return this.stop({ kind: 'short-read', at: this.at(start), commandStart: this.at(this.cmdStart) });
    if (this.buf[start] !== 0x24) return this.stop({ kind: 'format-error', at: this.at(start), expected: "'$' and a bulk length", found: show(this.buf, start, end) });
    const len = lineNumber(this.buf, start, end);
    if (len < 0) return this.stop({ kind: 'format-error', at: this.at(start), expected: 'a bulk length >= 0', found: show(this.buf, start, end) });
    this.pos = end;
    this.scan = end;
    this.phase = { kind: 'bulk', argc: ph.argc, argv: ph.argv, len };
    return 'continue';
  }

  private stepBulk(ph: Extract<Phase, { kind: 'bulk' }>, final: boolean): AofReadEvent | 'continue' | undefined {
    const have = this.len - this.pos;
    // The bulk, then the two bytes "Discard CRLF" reads without checking them.
    if (have < ph.len + 2) {
      if (!final) return undefined;
      return this.stop({ kind: 'short-read', at: this.at(this.len), commandStart: this.at(this.cmdStart) });
    }
    ph.argv.push(this.buf.subarray(this.pos, this.pos + ph.len));
    if (this.work !== undefined) this.work.steps++;
    this.pos += ph.len + 2;
    this.scan = this.pos;
    if (ph.argv.length < ph.argc) {
      this.phase = { kind: 'arglen', argc: ph.argc, argv: ph.argv };
      return 'continue';
    }
    this.phase = { kind: 'head' };
    const start = this.cmdStart;
    this.cmdStart = this.pos;
    return { kind: 'command', argv: ph.argv, start: this.at(start), end: this.at(this.pos) };
  }
}
