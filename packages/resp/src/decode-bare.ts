/**
 * Bare replies: RESP2 replies as plain JS values, the output redis-parser (and the clients built on
 * it) hands out, for callers that do not need the `RespValue` tags:
 *
 * | RESP2 | bare value |
 * |---|---|
 * | `+OK` simple string | `string` (UTF-8) |
 * | `-ERR …` error | a `RespReplyError` (an `Error` whose `code` is the first word, `ERR`, `WRONGTYPE`…) |
 * | `:42` integer | `number` when safe (abs < 2^53), `bigint` beyond — exact, never rounded |
 * | `$5` bulk string | `Uint8Array` (a view, as the tagged decoder's) |
 * | `$-1`, `*-1` | `null` |
 * | `*2` array | an array of bare values |
 *
 * RESP2 only: a bare JS value cannot keep what RESP3 distinguishes (a map from an array of pairs,
 * a set or an out-of-band push from a reply, a double from an integer); a RESP3 type byte is
 * refused with RESP3_TYPE_IN_RESP2, and a RESP3 connection uses the tagged `RespDecoder`.
 *
 * It is the same decoder as `RespDecoder` (decode.ts: same limits, errors, offsets, `work` and
 * bounded memory, any split giving the same values) with two output hooks: whole replies
 * already buffered are read by `BareFastReader` (decode-bare-fast.ts: plain recursive descent, as decode-fast.ts,
 * building bare values directly); the resumable path builds bare values itself (decode-item.ts
 * `bare`), and an array it holds open across chunks is filled by `BareFastReader.fill`.
 */
import { RespDecoder } from './decode.js';
import type { RespDecoderOptions } from './decode-options.js';
import { BARE, EACH, type Sink } from './decode-item.js';
import type { RespProtocolError } from './errors.js';
import type { RespBareReply } from './bare-values.js';
import { BareFastReader } from './decode-bare-fast.js';

export { RespReplyError, toBare, type RespBareReply } from './bare-values.js';

/** Options of the bare decoder: the tagged decoder's limits (protocol and integers are fixed). */
export interface RespBareDecoderOptions extends Omit<RespDecoderOptions, 'protocol' | 'mode' | 'integers'> {
  /**
   * Called with each reply by `execute`, in order, as redis-parser's `returnReply` (error
   * replies included: they are values). Without it `execute` is refused; `push` works either way.
   */
  readonly onReply?: (reply: RespBareReply) => void;
  /**
   * `'string'` (the default): a `+` simple string is a JS string (UTF-8). `'bytes'`: a Uint8Array
   * view of its bytes, exactly as a bulk string is (redis-parser's `returnBuffers: true` gives
   * Buffer slices for both); cheaper, and exact for any bytes. Error replies stay strings.
   */
  readonly simpleStrings?: 'string' | 'bytes';
}

/** `execute`'s sink: each value straight to the callback, no array. */
class CallbackSink implements Sink {
  constructor(private readonly onReply: (reply: RespBareReply) => void) {}
  push(v: unknown): undefined {
    // Only bare values reach a sink of a bare decoder.
    this.onReply(v as RespBareReply);
    return undefined;
  }
}

/** Result of `RespBareDecoder.feed`. */
export interface BareFeedResult {
  readonly values: RespBareReply[];
  /** Absolute offset just after each value in `values`. */
  readonly ends: number[];
  readonly error?: RespProtocolError;
}

/** Streaming RESP2 decoder returning bare values (see the file comment). */
export class RespBareDecoder {
  private readonly d: RespDecoder<'number'>;
  private readonly sink: CallbackSink | undefined;

  constructor(options: RespBareDecoderOptions = {}) {
    const { onReply, simpleStrings = 'string', ...limits } = options;
    this.d = new RespDecoder<'number'>({ ...limits, protocol: 2, integers: 'number' });
    this.sink = onReply === undefined ? undefined : new CallbackSink(onReply);
    const bytes = simpleStrings === 'bytes';
    this.d[BARE]((maxBulkLen, maxMultibulkLen, maxDepth) => new BareFastReader(maxBulkLen, maxMultibulkLen, maxDepth, bytes), bytes);
  }

  /** Returns the replies this chunk completes. Throws RespProtocolError on malformed input. */
  push(chunk: Uint8Array): RespBareReply[] {
    // The decoder was given the bare hooks: its values are bare values.
    return this.d.push(chunk) as unknown as RespBareReply[];
  }

  /**
   * Hands each reply this chunk completes to `onReply` (no array: redis-parser's `execute`).
   * Throws RespProtocolError on malformed input, after the replies before the error were handed.
   */
  execute(chunk: Uint8Array): void {
    if (this.sink === undefined) throw new TypeError('RespBareDecoder.execute needs the onReply option');
    this.d[EACH](chunk, this.sink);
  }

  /** Like push, without throwing (RespDecoder.feed). */
  feed(chunk: Uint8Array): BareFeedResult {
    const r = this.d.feed(chunk);
    const values = r.values as unknown as RespBareReply[];
    return r.error ? { values, ends: r.ends, error: r.error } : { values, ends: r.ends };
  }

  /** Throws UNEXPECTED_EOF when the input stopped in the middle of a value. */
  end(): void {
    this.d.end();
  }

  get midValue(): boolean {
    return this.d.midValue;
  }

  get offset(): number {
    return this.d.offset;
  }

  get work(): number {
    return this.d.work;
  }

  get bufferCapacity(): number {
    return this.d.bufferCapacity;
  }

  get pendingElements(): number {
    return this.d.pendingElements;
  }

  reset(): void {
    this.d.reset();
  }
}
