/**
 * The open aggregates of the resumable reply path (decode.ts RespDecoder): the frames an element
 * is handed to (`attach`, hiredis read.c `moveToNextTask` over its `rstack`), and the switch to
 * only scanning a value past OPTIMISTIC_BUILD_BYTES (`stopBuilding`) and back (`rebuild`), which
 * bound the memory a forged element count can take (see decode.ts's file comment); and the
 * hand-offs between the whole-reply reader and those frames: `parseWhole` (whole replies, and a
 * cut bulk it stopped at: `waitCut`), `fillTop` (the open array's next elements).
 */
import type { RespBareReply } from './bare-values.js';
import { type Built, type Frame, ReplyItemReader, type Sink, type V, type WholeReader } from './decode-item.js';
import { OPTIMISTIC_BUILD_BYTES } from './decode-fast.js';
import { Aggregate, buildAggregate, NULL } from './reply-values.js';

/**
 * The elements of a cut array of more than 16, in an array made as `aggregate` makes one (16
 * slots, grown by the stores): handed over as the whole-reply reader pre-sized it, arrays of two
 * lengths reached the open-array stores, whose keyed-store IC V8 then made megamorphic (`perf`:
 * KeyedStoreIC_Megamorphic), and `*30 of $10` in 100-byte chunks took 1.2-1.35x longer.
 */
function openItems(items: readonly unknown[], filled: number): Built[] {
  const open = new Array<Built>(16);
  for (let i = 0; i < filled; i++) open[i] = items[i] as Built;
  return open;
}

export abstract class FrameReader extends ReplyItemReader {
  /** Absolute offset where the top-level value being parsed starts. */
  protected valueStart = 0;
  /** Where the scan of a value past OPTIMISTIC_BUILD_BYTES began, and its frames then (`stopBuilding`). */
  protected scanStart = 0;
  protected readonly frozen: Frame[] = [];
  /** Whole replies already buffered are read by this (decode-fast.ts; set by RespDecoder), the rest by the resumable path. */
  protected fast!: WholeReader;
  /** The whole-reply reader also fills an open array across chunks (`fill`: the bare one). */
  protected fills = false;

  /**
   * Elements built and held by aggregates still open: at most a third of the unfinished value's
   * bytes received, and of OPTIMISTIC_BUILD_BYTES plus one (see decode.ts's file comment). For the
   * bounded-memory properties.
   */
  get pendingElements(): number {
    let n = this.top?.items === undefined ? 0 : this.top.filled;
    for (const f of this.outer) n += f.items === undefined ? 0 : f.filled;
    // (what was built before the value passed OPTIMISTIC_BUILD_BYTES is held too)
    for (const f of this.frozen) n += f.items === undefined ? 0 : f.filled;
    return n;
  }

  /** The innermost open aggregate is complete: closes it and hands it on (true: the value is done). */
  protected closeTop(): boolean {
    const top = this.top;
    if (top === undefined) return true;
    const items = top.items ?? [];
    this.v = this.bare ? (items as RespBareReply[]) : buildAggregate(top.kind, items as V[]);
    this.top = this.outer.pop();
    return this.attach();
  }

  /**
   * The value passed OPTIMISTIC_BUILD_BYTES at `at` (absolute, just after an element): from now
   * on the open aggregates only count their elements, and the value's bytes from `at` are kept.
   * What was built so far (at most a third of OPTIMISTIC_BUILD_BYTES elements, plus one) is set
   * aside with the frames as they are here, for `rebuild` to read on from `at` once complete.
   */
  protected stopBuilding(at: number): void {
    this.building = false;
    this.scanStart = at;
    const frames = this.frozen;
    frames.length = 0;
    for (const f of this.outer) frames.push({ kind: f.kind, items: f.items, filled: f.filled, remaining: f.remaining });
    if (this.top) frames.push({ kind: this.top.kind, items: this.top.items, filled: this.top.filled, remaining: this.top.remaining });
    if (this.top) this.top.items = undefined;
    for (const f of this.outer) f.items = undefined;
  }

  /**
   * Builds the rest of the value scanned since `stopBuilding`, whose bytes are all buffered in
   * [from, to): the frames set aside then, read on from `from` as `parse` would have.
   */
  protected rebuild(from: number, to: number): Built {
    this.building = true;
    this.ab = this.q.arrayBuffer();
    this.bo = this.q.bo;
    const frames = this.frozen;
    this.top = frames.pop();
    this.outer.length = 0;
    for (const f of frames) this.outer.push(f);
    frames.length = 0;
    const buf = this.q.buf;
    let pos = from;
    while (pos < to) {
      pos = this.element(buf, pos, to);
      if (pos < 0) break;
      if (this.opened) {
        this.opened = false;
        continue;
      }
      if (this.attach()) return this.v;
    }
    return this.fail('UNEXPECTED_EOF', from, 'Internal error: a value shorter when rebuilt than when scanned');
  }

  /**
   * Hands `this.v` to the innermost open aggregate, closing every aggregate it completes.
   * True when a top-level value is complete (it is then in `this.v`).
   */
  protected attach(): boolean {
    let v = this.v;
    let top = this.top;
    while (top !== undefined) {
      const items = top.items;
      if (items !== undefined) items[top.filled++] = v;
      if (--top.remaining > 0) return false;
      // (a bare array is its items; tagged frames hold tagged values only)
      v = items === undefined ? NULL : this.bare ? (items as RespBareReply[]) : buildAggregate(top.kind, items as V[]);
      top = this.top = this.outer.pop();
    }
    this.v = v;
    return true;
  }

  /** The fast path (decode-fast.ts): whole top-level replies from `pos`; returns where it stopped. */
  protected parseWhole(values: Sink, ends: number[] | undefined, from: number, end: number): number {
    const f = this.fast;
    f.buf = this.q.buf;
    f.ab = this.ab;
    f.bo = this.bo;
    f.end = end;
    const pos = ends === undefined ? f.values(values, from, end) : f.valuesAndEnds(values, ends, from, end, this.q.base);
    this.ops += f.ops;
    f.ops = 0;
    return this.waitCut(pos);
  }

  /** A bulk's header is read and the decoder waits for its end (`need`). */
  protected get waiting(): boolean {
    return this.need > 0;
  }

  /**
   * Where the resumable path reads on after the whole-reply reader stopped at `pos`: there, or
   * (a top-level array it stopped in, with its elements so far: `cutItems`) at the element it
   * stopped before, the array held open as `element` would have opened it, its elements not read
   * again (redis-parser's arrayCache; issue 19: with 100-byte chunks most arrays are cut). A bulk
   * the chunk cuts, its header read (`cutEnd`: the array's element, or a top-level bulk at
   * `pos`), is waited for to its end, as `element` would have it (not read again).
   */
  protected waitCut(pos: number): number {
    const f = this.fast;
    const items = f.cutItems;
    let at = pos;
    if (items !== undefined) {
      f.cutItems = undefined;
      if (f.cutAt === pos) {
        const filled = f.cutFilled ?? 0;
        const count = f.cutCount ?? 0;
        this.top = { kind: Aggregate.Array, items: count > 16 ? openItems(items, filled) : (items as Built[]), filled, remaining: count - filled };
        at = f.pos;
      }
    }
    const cut = f.cutEnd ?? 0;
    this.valueStart = this.q.base + pos;
    if (cut !== 0) {
      f.cutEnd = 0;
      this.need = this.q.base + cut;
    }
    return at;
  }

  /**
   * Reads into the innermost open array the elements that are whole from `pos` on (a value kept
   * across chunks: the elements after the cut), by the whole-reply reader's `fill`, which stops
   * before anything it does not plainly accept (an aggregate, a cut or malformed element): `element`
   * reads that one, and alone reports errors. Returns where it stopped.
   */
  protected fillTop(top: Frame, pos: number, end: number): number {
    const f = this.fast;
    f.buf = this.q.buf;
    f.ab = this.ab;
    f.bo = this.bo;
    f.end = end;
    const items = top.items ?? [];
    const k = f.fill?.(items, top.filled, top.remaining, pos, this.valueStart - this.q.base + OPTIMISTIC_BUILD_BYTES) ?? 0;
    this.ops += f.ops;
    f.ops = 0;
    const cut = f.cutEnd ?? 0;
    if (cut > 0) {
      // it stopped at a bulk the chunk cuts: wait for its end, as `element` would (not read again)
      f.cutEnd = 0;
      this.need = this.q.base + cut;
    }
    if (k === 0) return pos;
    top.filled += k;
    top.remaining -= k;
    return f.pos;
  }
}
