/**
 * Streaming RESP reply decoder: `push(chunk)` returns every value completed by that chunk.
 * Any split of the input gives the same values (the property tests push every split point).
 *
 * How it reads (the reply side of hiredis read.c, `redisReaderGetReply`, with its `rstack`):
 * - `parse` walks elements; `element` (decode-item.ts) reads one (finds its line, then a scalar, a
 *   bulk or an aggregate header); `attach` hands a finished element to the aggregate being filled.
 *   Open aggregates are frames on an explicit stack, so nesting costs no JS stack.
 * - Every byte is looked at a bounded number of times however the input is split: an unfinished
 *   line resumes its CR search where it stopped (never re-reading its digits), and a bulk whose
 *   payload has not arrived waits until the byte count it needs is buffered. `work` counts the
 *   bytes examined and copied, so tests can check the cost is linear without a clock.
 * - Memory follows the input, not what the input declares. A value is built as it is read, and
 *   an aggregate cut by the end of a chunk keeps the elements already built (redis-parser's
 *   arrayCache): the next chunk reads on from the cut, and with bare output the whole-reply
 *   reader fills the open array (`fillTop`). Every element took 3 bytes at least, so the elements
 *   held are at most a third of the value's bytes received; only the unfinished element's bytes
 *   are kept. Once the value passes OPTIMISTIC_BUILD_BYTES the decoder sets aside what it built
 *   (with its frames) and only *scans* the rest — keeping those bytes and one count per nesting
 *   level — then builds the rest once its last byte arrives. So a forged `*2147483647` followed
 *   by many tiny elements holds the bytes pushed after its first MiB plus that MiB's elements
 *   (at most OPTIMISTIC_BUILD_BYTES / 3 + 1), not an object per element: the role Redis
 *   gives client-query-buffer-limit and the 1024*1024 cap on argv preallocation (networking.c
 *   processMultibulkBuffer).
 *
 * Request mode (`mode: 'request'`) parses what a client sends, as the server does, and returns
 * each command as an array of bulk strings; see request.ts for the parser with offsets.
 */
import { REPLY_MAX_MULTIBULK_LEN, type FeedResult, type IntegerMode, type IntegerOf, type RespDecoderOptions } from './decode-options.js';
import { FastReader, OPTIMISTIC_BUILD_BYTES } from './decode-fast.js';
import { BARE, EACH, type Sink, type V, type WholeReader } from './decode-item.js';
import { FrameReader } from './decode-frames.js';
import { RespProtocolError } from './errors.js';
import { RespRequestParser } from './request.js';
import { VIEWLESS_LINES } from './reply-values.js';
import type { RespValue } from './types.js';

const CR = 13;
const LF = 10;

export { MAX_DOUBLE_CHARS } from './resp3.js';
export { OPTIMISTIC_BUILD_BYTES };
export * from './decode-options.js';

/** `run`'s sink between calls (nothing is parsed then). */
const NO_SINK: Sink = { push: () => undefined };

export class RespDecoder<M extends IntegerMode = 'bigint'> extends FrameReader {
  private readonly request: RespRequestParser | undefined;
  /** Where parsing resumes (absolute). */
  private cursor = 0;
  private failed: RespProtocolError | undefined;
  /** Where `run`'s `parse` hands values (set for the call: `consume` takes the two closures below, made once). */
  private sink: Sink = NO_SINK;
  private ends: number[] | undefined = undefined;
  // A value only scanned keeps its bytes whole (see the file comment): take it all. One being
  // built keeps only its unfinished element, as at the top level.
  private readonly needOf = (): number => (this.building ? this.need : Infinity);
  private readonly parseAll = (): void => {
    this.parse(this.sink, this.ends);
  };

  constructor(options: RespDecoderOptions<M> = {}) {
    super(options, options.mode === 'request' ? 0 : (options.maxMultibulkLen ?? REPLY_MAX_MULTIBULK_LEN));
    if (options.mode === 'request') {
      this.request = new RespRequestParser({
        ...(options.maxBulkLen !== undefined ? { maxBulkLen: options.maxBulkLen } : {}),
        ...(options.maxMultibulkLen !== undefined ? { maxMultibulkLen: options.maxMultibulkLen } : {}),
        ...(options.allowInline !== undefined ? { allowInline: options.allowInline } : {}),
      });
    } else {
      this.request = undefined;
      // lines whose values are never views (see VIEWLESS_LINES)
      this.q.viewlessLines(VIEWLESS_LINES);
    }
    this.fast = new FastReader(this.numbers, this.protocol === 3, this.maxBulkLen, this.maxMultibulkLen, this.maxDepth);
  }

  /**
   * Bare output (decode-bare.ts RespBareDecoder; not public API): whole replies are read by the
   * reader `make` returns, the resumable path builds bare values itself (decode-item.ts `bare`).
   */
  [BARE](make: (maxBulkLen: number, maxMultibulkLen: number, maxDepth: number) => WholeReader, simpleBytes: boolean): void {
    this.fast = make(this.maxBulkLen, this.maxMultibulkLen, this.maxDepth);
    this.bare = true;
    this.fills = this.fast.fill !== undefined;
    this.simpleBytes = simpleBytes;
    if (simpleBytes) this.q.viewlessLines([0x2b], false);
  }

  /** Hands every value this chunk completes to `sink` (decode-bare.ts execute; not public API). */
  [EACH](chunk: Uint8Array, sink: Sink): void {
    const q = this.q;
    if (q.start === q.end && chunk.length > 0 && this.top === undefined && this.need === 0 && this.scanFrom === 0 && this.building && this.failed === undefined) {
      // Nothing buffered or open (the common case: a push of whole replies): the chunk itself is
      // read in place by the whole-reply reader, as `consume` then `parse` would read it, without
      // their closures, try/catch and per-push view (issue 19: bench/execute-overhead.ts).
      q.adopt(chunk);
      const f = this.fast;
      const end = chunk.length;
      f.buf = q.buf;
      f.ab = q.ab;
      f.bo = q.bo;
      f.end = end;
      const pos = this.waitCut(f.values(sink, 0, end));
      this.ops += f.ops;
      f.ops = 0;
      q.start = pos;
      this.cursor = q.base + pos;
      if (pos === end || this.waiting) return;
      // The rest (a reply cut by the chunk end, or one the reader leaves): the resumable path,
      // on the chunk adopted (as `consume` leaves it after its first `parse`).
      const error = this.resume(sink);
      if (error) throw error;
      return;
    }
    const error = this.run(chunk, sink, undefined);
    if (error) throw error;
  }

  /** `parse` over what the queue holds (after `adopt`), with `run`'s handling of errors. */
  private resume(values: Sink): RespProtocolError | undefined {
    try {
      // (the whole-reply reader was just tried here: not again, nor its work counted twice)
      this.parse(values, undefined, false);
    } catch (e) {
      return this.failWith(e);
    }
    return undefined;
  }

  /** Returns the values this chunk completes. Throws RespProtocolError on malformed input. */
  push(chunk: Uint8Array): RespValue<IntegerOf<M>>[] {
    if (this.request) {
      const r = this.feed(chunk);
      if (r.error) throw r.error;
      return r.values;
    }
    const values: V[] = [];
    const error = this.run(chunk, values, undefined);
    if (error) throw error;
    // The integers in `values` are of the kind this decoder's mode makes.
    return values as RespValue<IntegerOf<M>>[];
  }

  /**
   * Like push, without throwing: values completed before a protocol error are returned with it.
   * After an error the decoder stays failed (a server closes the connection) until reset().
   */
  feed(chunk: Uint8Array): FeedResult<IntegerOf<M>> {
    const values: V[] = [];
    const ends: number[] = [];
    let error: RespProtocolError | undefined;
    if (this.request) {
      const r = this.request.feed(chunk);
      for (const c of r.commands) {
        if (c.kind !== 'command') continue;
        values.push({ type: 'array', value: c.argv.map((a) => ({ type: 'bulk', value: a }) as const) });
        ends.push(c.end);
      }
      error = r.error;
    } else {
      error = this.run(chunk, values, ends);
    }
    // The integers in `values` are of the kind this decoder's mode makes.
    const typed = values as RespValue<IntegerOf<M>>[];
    return error ? { values: typed, ends, error } : { values: typed, ends };
  }

  private run(chunk: Uint8Array, values: Sink, ends: number[] | undefined): RespProtocolError | undefined {
    if (this.failed) return this.failed;
    this.sink = values;
    this.ends = ends;
    try {
      if (this.need > 0 ? !this.joinCut(chunk, 0) : !this.joinHeader(chunk)) this.q.consume(chunk, this.needOf, this.parseAll);
    } catch (e) {
      return this.failWith(e);
    } finally {
      this.sink = NO_SINK;
      this.ends = undefined;
    }
    return undefined;
  }

  /**
   * A bulk string the last chunk cut (its header read: `need` is where it ends) that `chunk`
   * completes, joined by copying its payload alone (buffer.ts joinBulk), handed on, and the rest
   * of `chunk` parsed in place (issue 19: with 100-byte chunks a join per push). False (nothing
   * done) for anything else: a value only scanned, a chunk that does not complete it, a missing
   * CRLF (`consume` then reports it where `element` does).
   */
  private joinCut(chunk: Uint8Array, off: number): boolean {
    // (`off`: where the bytes of `chunk` after the buffered ones begin)
    const q = this.q;
    const buf = q.buf;
    const base = q.base;
    const stop = this.need - 2 - base; // the CR after the payload, as an index of `buf`
    const take = stop + 2 - q.end; // the bytes of `chunk` from `off` the bulk still needs
    if (take > chunk.length - off || take <= 0 || !this.building || buf[q.start] !== 0x24) return false;
    const cr = stop < q.end ? buf[stop] : chunk[off + stop - q.end];
    const lf = stop + 1 < q.end ? buf[stop + 1] : chunk[off + stop + 1 - q.end];
    if (cr !== CR || lf !== LF) return false;
    let payload = q.start + 1;
    while (buf[payload - 1] !== LF) payload++;
    this.ops += payload - q.start + 2;
    const view = q.joinBulk(chunk, base + payload, stop - payload, take, off);
    this.need = 0;
    this.v = this.bare ? view : { type: 'bulk', value: view };
    const at = base + stop + 2;
    this.cursor = at;
    if (this.attach()) {
      this.sink.push(this.v);
      this.ends?.push(at);
    } else if (at - this.valueStart > OPTIMISTIC_BUILD_BYTES) this.stopBuilding(at);
    if (off + take < chunk.length) this.parse(this.sink, this.ends);
    return true;
  }

  /**
   * A bulk's header cut by the last chunk (`$` and some of its digits buffered) that `chunk`
   * ends: the line completed in the queue's scratch buffer and read there (a bulk then waits for
   * its payload: `need`), the payload joined as `joinCut` joins it — a view of `chunk` when it is
   * all there — and the rest of `chunk` read in place (issue 19: a cut header went through
   * `consume`, its header copied twice and read three times, and cost 2x a cut payload). False
   * (nothing done) when the line does not end within 32 bytes of `chunk`, or for another element.
   */
  private joinHeader(chunk: Uint8Array): boolean {
    const q = this.q;
    if (!this.building || q.start === q.end || q.buf[q.start] !== 0x24) return false;
    const max = chunk.length < 32 ? chunk.length : 32;
    let lf = 0;
    while (lf < max && chunk[lf] !== LF) lf++;
    if (lf === max || !q.lineToScratch(lf + 1)) return false;
    q.append(chunk, 0, lf + 1);
    // Its length, read as `fillOpenArray` reads a bulk's header (canonical digits, at most
    // maxBulkLen, CR LF): the bulk waits for its end; anything else (`$-1`, a bad header) `parse` reads.
    const buf = q.buf;
    const first = q.start + 1;
    let i = first;
    let n = 0;
    let c = 0;
    for (; i < q.end; i++) {
      c = buf[i] ?? 0;
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
    }
    const digits = i - first;
    if (c === CR && i + 2 === q.end && buf[i + 1] === LF && digits > 0 && digits <= 15 && (buf[first] !== 0x30 || digits === 1) && n <= this.maxBulkLen) {
      this.ops += q.end - q.start;
      this.scanFrom = 0; // (the line's CR search, resumed by `element`, is over)
      if (this.top === undefined) this.valueStart = q.base + q.start;
      this.cursor = q.base + q.start;
      this.need = q.base + q.end + n + 2;
    } else this.parse(this.sink, this.ends);
    q.releaseScratch();
    if (this.need <= 0 || !this.joinCut(chunk, lf + 1)) q.consume(chunk, this.needOf, this.parseAll, lf + 1);
    return true;
  }

  /** A protocol error fails the decoder (anything else, e.g. from a callback, is rethrown). */
  private failWith(e: unknown): RespProtocolError {
    if (!(e instanceof RespProtocolError)) throw e;
    this.failed = e;
    // A failed decoder keeps nothing it was building (it stays failed until reset()).
    this.top = undefined;
    this.outer.length = 0;
    this.frozen.length = 0;
    return e;
  }

  /**
   * Declares the end of the input. Throws UNEXPECTED_EOF (with the offset where the unfinished
   * value starts) when the input stopped in the middle of a value.
   */
  end(): void {
    if (this.request) {
      this.request.end();
      return;
    }
    if (this.failed) throw this.failed;
    if (this.midValue) {
      throw new RespProtocolError('UNEXPECTED_EOF', this.valueStart, 'Unexpected end of input inside a value', `${this.q.base + this.q.end - this.valueStart} unparsed byte(s)`);
    }
  }

  /** True when bytes of an unfinished value are buffered. */
  get midValue(): boolean {
    if (this.request) return this.request.midCommand;
    return this.q.buffered > 0 || this.top !== undefined;
  }

  /** Absolute offset just after the last complete top-level value. */
  get offset(): number {
    if (this.request) return this.request.offset;
    return this.top !== undefined ? this.valueStart : this.q.offset;
  }

  /** Bytes of input memory the decoder holds now (bounded by about twice what is buffered). */
  get bufferCapacity(): number {
    return this.request ? this.request.bufferCapacity : this.q.capacity;
  }

  /**
   * Bytes examined or copied so far, plus one per element: a cost counter (not a clock) for the
   * linear-time properties. The same input costs about the same however it is split.
   */
  get work(): number {
    return this.request ? this.request.work : this.ops + this.q.copied;
  }

  reset(): void {
    this.q.reset();
    this.top = undefined;
    this.outer.length = 0;
    this.frozen.length = 0;
    this.need = 0;
    this.scanFrom = 0;
    this.cursor = this.q.offset;
    this.building = true;
    this.failed = undefined;
    this.request?.reset();
  }

  /** Reads as many elements as the buffered bytes hold, emitting each top-level value. */
  private parse(values: Sink, ends: number[] | undefined, whole = true): void {
    const q = this.q;
    const base = q.base;
    const end = q.end;
    if (this.need > 0) {
      if (base + end < this.need) return;
      this.need = 0;
    }
    let pos = Math.max(this.cursor - base, q.start);
    this.ab = q.ab;
    this.bo = q.bo;
    // A line already known to be unfinished, or a value being scanned, stays with the slow path.
    if (whole && this.top === undefined && this.scanFrom === 0 && this.building) pos = this.parseWhole(values, ends, pos, end);
    // `fill` just stopped before an element it leaves: `element` reads that one (not `fill` again)
    let left = false;
    while (pos < end) {
      if (this.need > 0) break; // (parseWhole stopped at a cut bulk: `waitCut`)
      if (this.top === undefined) this.valueStart = base + pos;
      else if (this.fills && !left && this.building && this.scanFrom === 0) {
        // The open array's next elements, as many as are whole here, by the whole-reply reader.
        const top = this.top;
        const next = this.fillTop(top, pos, end);
        if (next !== pos) {
          pos = next;
          if (top.remaining > 0 || !this.closeTop()) {
            left = top.remaining > 0;
            if (base + pos - this.valueStart > OPTIMISTIC_BUILD_BYTES) this.stopBuilding(base + pos);
            if (this.need > 0) break;
            continue;
          }
          values.push(this.v);
          ends?.push(base + pos);
          pos = this.parseWhole(values, ends, pos, end);
          continue;
        }
        if (this.need > 0) break;
      }
      left = false;
      const next = this.element(q.buf, pos, end);
      if (next < 0) break;
      pos = next;
      if (this.opened) {
        this.opened = false;
        continue;
      }
      // Inside an aggregate: hand it the element; go on unless that completed the value.
      if (this.top !== undefined) {
        if (!this.attach()) {
          if (this.building && base + pos - this.valueStart > OPTIMISTIC_BUILD_BYTES) this.stopBuilding(base + pos);
          continue;
        }
        // All of the value is buffered now: build what was only scanned.
        if (!this.building) this.v = this.rebuild(this.scanStart - base, pos);
      }
      values.push(this.v);
      ends?.push(base + pos);
      // Back to the fast path for the replies after it (a reply that straddled two chunks used to
      // leave the rest of the chunk to the slow path).
      if (this.scanFrom === 0 && this.building) pos = this.parseWhole(values, ends, pos, end);
    }
    this.cursor = base + pos;
    // Out of input: keep the unfinished element's bytes, or (a value only scanned) every byte
    // from where the scan began.
    q.start = this.building ? pos : this.scanStart - base;
  }

}

/** Decodes a complete buffer holding exactly whole values; throws on malformed or cut input. */
export function decodeAll<M extends IntegerMode = 'bigint'>(bytes: Uint8Array, options: RespDecoderOptions<M> = {}): RespValue<IntegerOf<M>>[] {
  const d = new RespDecoder<M>(options);
  const values = d.push(bytes);
  d.end();
  return values;
}
