/**
 * The bare decoder's whole-reply reader (decode-fast.ts's FastReader for RESP2, building bare
 * values directly): the replies already buffered, by plain recursive descent, with the scalars of
 * the top level and of arrays read inline; anything unusual is left (MISS) to the resumable path
 * of decode.ts, which reads it again and reports it. Same limits, offsets and `work` counts.
 */
import type { RespBareReply } from './bare-values.js';
import type { Sink, WholeReader } from './decode-item.js';
import { OPTIMISTIC_BUILD_BYTES } from './decode-fast.js';
import { integerTail, longInteger } from './decode-bare-long.js';
import { fillOpenArray } from './decode-bare-fill.js';
import { statusLine } from './decode-bare-line.js';
import { four, POW10, SWAR_MIN_BYTES, SwarDigits } from './decode-bare-swar.js';
import { asciiText, readUtf8 } from './utf8.js';

const CR = 13;
const LF = 10;
/** CR LF read as a little-endian 16-bit word. */
const CRLF = 0x0a0d;
const ZERO = 0x30;
const MINUS = 0x2d;
/** What `value` returns when it leaves a reply to the resumable path. */
const MISS: unique symbol = Symbol('miss');
type Read = RespBareReply | typeof MISS;

/** decode-fast.ts's FastReader for RESP2 with bare output; gives up (MISS) in the same cases. */
export class BareFastReader extends SwarDigits implements WholeReader {
  ab: ArrayBufferLike | undefined = new ArrayBuffer(0);
  bo = 0;
  pos = 0;
  ops = 0;
  limit = 0;
  /** Set when `replies` or `fill` stops at a bulk the buffer cuts (its header read): the index past its CRLF. */
  cutEnd = 0;
  /**
   * A top-level array the buffer cuts, as `array` left it (redis-parser's arrayCache): its
   * elements so far (`cutFilled` of `cutCount`, the next at `pos`), for the resumable path to
   * hold open (decode-frames.ts `waitCut`) instead of reading them again; `cutAt` is where the
   * array starts. Undefined when `replies` stopped at anything else.
   */
  cutItems: RespBareReply[] | undefined = undefined;
  cutFilled = 0;
  cutCount = 0;
  cutAt = -1;

  constructor(
    readonly maxBulkLen: number,
    private readonly maxMultibulkLen: number,
    private readonly maxDepth: number,
    /** `+` lines as Uint8Array views (`simpleStrings: 'bytes'`). */
    readonly simpleBytes = false,
  ) {
    super();
  }

  values(values: Sink, from: number, end: number): number {
    return this.replies(values, undefined, from, end, 0);
  }

  valuesAndEnds(values: Sink, ends: number[], from: number, end: number, base: number): number {
    return this.replies(values, ends, from, end, base);
  }

  /** decode-bare-fill.ts `fillOpenArray`: the next elements of an array held open across chunks. */
  fill(items: unknown[], k: number, count: number, from: number, limit: number): number {
    return fillOpenArray(this, items, k, count, from, limit);
  }

  /** `value`'s answer for a reply it leaves to the resumable path (for decode-bare-fill.ts). */
  readonly miss: unknown = MISS;

  /** A view of `n` bytes of `buf` at `at` (a plain Uint8Array whatever `buf` is); `ab` read once per buffer. */
  bytes(at: number, n: number): Uint8Array {
    let ab = this.ab;
    if (ab === undefined) {
      const buf = this.buf;
      this.bo = buf.byteOffset;
      ab = this.ab = buf.buffer;
    }
    return new Uint8Array(ab, this.bo + at, n);
  }

  /**
   * The top-level loop, with the scalars read inline (a call per reply was a third of the cost of
   * `:42`); aggregates, `+`/`-` lines and anything unusual go through `value`. `base` is the
   * absolute offset of buf[0], for `ends`.
   */
  // eslint-disable-next-line max-lines-per-function -- the scalars inline, as the comment says
  private replies(values: Sink, ends: number[] | undefined, from: number, end: number, base: number): number {
    const buf = this.buf;
    let pos = from;
    let ops = 0;
    while (pos < end) {
      const t = buf[pos] ?? 0;
      let v: Read = MISS;
      let next = pos;
      let tried = false;
      if ((t === 0x24 || t === 0x2a) && pos + 4 < end && buf[pos + 1] === MINUS && buf[pos + 2] === 0x31 && buf[pos + 3] === CR && buf[pos + 4] === LF) {
        // `$-1` and `*-1`: null, the commonest replies after +OK (work: the header through its CR)
        ops += 4;
        v = null;
        next = pos + 5;
      } else if (t === 0x2b) {
        // `+`: the CR search, then a view or the text (`OK` shared), no call (as statusLine, same `ops`)
        let i = pos + 1;
        let high = 0;
        if (i + 2 < end && buf[i] === 0x4f && buf[i + 1] === 0x4b && buf[i + 2] === CR) i += 2;
        else if (this.dvOf === buf || (end - i >= SWAR_MIN_BYTES && this.view())) {
          // 4 bytes a read while no byte of the word is a CR (x = w ^ CRs has a zero byte iff one
          // is: (x - 0x01010101) & ~x & 0x80808080), their high bits ORed; then a byte at a time
          const dv = this.dv;
          while (i + 4 <= end) {
            const w = dv.getUint32(i, true);
            const x = w ^ 0x0d0d0d0d;
            if (((x - 0x01010101) & ~x & 0x80808080) !== 0) break;
            high |= w;
            i += 4;
          }
        }
        for (; i < end && buf[i] !== CR; i++) high |= buf[i] ?? 0;
        ops += i - pos + 1;
        if (i + 1 < end && buf[i + 1] === LF) {
          next = i + 2;
          if (this.simpleBytes) v = this.bytes(pos + 1, i - pos - 1);
          else v = i === pos + 3 && buf[pos + 1] === 0x4f && buf[pos + 2] === 0x4b ? 'OK' : (high & 0x80808080) === 0 ? asciiText(buf, pos + 1, i) : readUtf8(buf, pos + 1, i);
        } else tried = true;
      } else if (t === 0x3a || t === 0x24 || t === 0x2a) {
        let i = pos + 1;
        const negative = i < end && buf[i] === MINUS;
        if (negative) i++;
        const first = i;
        let n = 0;
        let c = 0;
        // At most 15 digits here (exact in a double); a longer `:` integer goes on below. A `:` of
        // four digits or more (the fourth byte is one): 4 per read; else a byte at a time.
        const stop = first + 15 < end ? first + 15 : end;
        if (t === 0x3a && first + 4 <= stop && (buf[first + 3] ?? 0) - ZERO >>> 0 <= 9) {
          n = this.swarDigits(first, stop);
          i = this.at;
          c = i < end ? (buf[i] ?? 0) : 0;
        } else {
          for (; i < stop; i++) {
            c = buf[i] ?? 0;
            if (c < ZERO || c > 0x39) break;
            n = n * 10 + (c - ZERO);
          }
          if (i === stop && i < end) c = buf[i] ?? 0;
        }
        ops += i - pos + 1;
        const digits = i - first;
        if (c === CR && digits > 0 && digits <= 15 && i + 1 < end && buf[i + 1] === LF && (buf[first] !== ZERO || (digits === 1 && !negative))) {
          next = i + 2;
          if (t === 0x3a) v = negative ? -n : n;
          else if (negative) v = n === 1 ? null : MISS;
          else if (t === 0x2a) {
            if (n <= this.maxMultibulkLen && 3 * n <= end - next && this.maxDepth > 1) {
              this.pos = next;
              this.limit = pos + OPTIMISTIC_BUILD_BYTES;
              this.cutAt = pos;
              v = this.array(n, 0);
              next = this.pos;
            }
            tried = true; // (`value` would read the same elements again, or refuse the same header)
          } else if (n <= this.maxBulkLen && next + n + 2 <= end && buf[next + n] === CR && buf[next + n + 1] === LF) {
            v = this.bytes(next, n);
            next += n + 2;
          } else if (n <= this.maxBulkLen && next + n + 2 > end) {
            // cut: where it ends, for the resumable path to wait (no header read again; as `fill`)
            this.cutEnd = next + n + 2;
            tried = true;
          }
        } else if (t === 0x3a && digits === 15 && c >= ZERO && c <= 0x39 && buf[first] !== ZERO) {
          v = integerTail(this, i, n, negative) as Read;
          if (v !== MISS) next = this.pos;
        }
      }
      if (v === MISS) {
        if (tried) break;
        this.pos = pos;
        this.limit = pos + OPTIMISTIC_BUILD_BYTES;
        v = this.value(0);
        if (v === MISS) break;
        next = this.pos;
      }
      values.push(v);
      ends?.push(base + next);
      pos = next;
    }
    this.ops += ops;
    return pos;
  }

  /** The reply at `pos`, as decode-fast.ts `value` reads it (canonical numbers of 1–15 digits). */
  value(depth: number): Read {
    const buf = this.buf;
    const end = this.end;
    const p = this.pos;
    if (p >= end) return MISS; // (no read past `end`, as in `array`)
    const t = buf[p] ?? 0;
    if (t === 0x2b || t === 0x2d) return statusLine(this, t, p) as Read;
    if (t !== 0x3a && t !== 0x24 && t !== 0x2a) return MISS;
    let i = p + 1;
    const negative = i < end && buf[i] === MINUS;
    if (negative) i++;
    const first = i;
    let n = 0;
    let c = 0;
    for (; i < end; i++) {
      c = buf[i] ?? 0;
      if (c < ZERO || c > 0x39) break;
      n = n * 10 + (c - ZERO);
    }
    this.ops += i - p + 1;
    const digits = i - first;
    if (c !== CR || digits === 0 || digits > 15 || i + 1 >= end || buf[i + 1] !== LF || (buf[first] === ZERO && (digits > 1 || negative))) {
      return t === 0x3a ? (longInteger(this, p) as Read) : MISS;
    }
    const next = i + 2;
    if (t === 0x3a) {
      this.pos = next;
      return negative ? -n : n;
    }
    if (negative) {
      if (n !== 1) return MISS;
      this.pos = next;
      return null; // `$-1`, `*-1`
    }
    if (t === 0x24) {
      const stop = next + n;
      if (n > this.maxBulkLen || stop + 2 > end || buf[stop] !== CR || buf[stop + 1] !== LF) return MISS;
      this.pos = stop + 2;
      return this.bytes(next, n);
    }
    if (n > this.maxMultibulkLen || depth >= 64 || depth + 1 >= this.maxDepth || 3 * n > end - next) return MISS;
    this.pos = next;
    return this.array(n, depth);
  }

  /**
   * `*n`: its `n` elements (the header is read). Integer, bulk and null elements — what LRANGE,
   * ZRANGE … WITHSCORES-as-RESP2, SMEMBERS, EXISTS k1 k2 … and most nested replies hold — are read
   * inline, with the position in a local, exactly as `value` reads them (same checks, same `ops`);
   * anything else, or anything `value` would refuse, goes through `value` (issue 19: a call and
   * four field round trips per element made `*30 of :n` slower than redis-parser).
   */
  // One loop kept whole on purpose: moving the 4-digit read, or the digit loops, into functions
  // (inlined or not) cost `*30 of :n` 5–12 % and the nested row 5–15 % (fresh-process A/B,
  // packages/resp/bench/README.md "Tenth look"); merging the two digit paths cost 8–20 %.
  // eslint-disable-next-line max-lines-per-function -- see above
  private array(n: number, depth: number): Read {
    const items = new Array<RespBareReply>(n);
    const buf = this.buf;
    const end = this.end;
    const limit = this.limit;
    let pos = this.pos;
    let ops = 0;
    // 4-byte digit reads when this buffer has its DataView (`swarDigits`), or is long enough for one
    const dv = this.dvOf === buf || (end - pos >= SWAR_MIN_BYTES && this.view()) ? this.dv : undefined;
    for (let k = 0; k < n; k++) {
      // Out of bytes: the resumable path reads on. (Not a read past `end`: one makes V8 recompile
      // every byte read here with an out-of-bounds check — 64 KiB chunks cut a reply each, and
      // `*30 of :n` cost 15–20 % more in cut chunks than in chunks cut at reply boundaries.)
      if (pos >= end) return depth === 0 ? this.keepCut(items, k, n, pos, ops) : this.missAt(pos, ops);
      const t = buf[pos] ?? 0;
      if (t === 0x3a && dv !== undefined && pos + 24 <= end) {
        // `:` with room for 16 digits and a 4-byte read: the digits 4 per read (as `swarDigits`),
        // then the same checks as below, CR LF read as one 16-bit word; 16 digits (or anything
        // refused) go to `value`
        let i = pos + 1;
        const negative = buf[i] === MINUS;
        if (negative) i++;
        const first = i;
        let x = 0;
        for (;;) {
          const d = dv.getUint32(i, true) ^ 0x30303030;
          const bad = (d | (d + 0x06060606)) & 0xf0f0f0f0;
          if (bad === 0) {
            x = x * 10000 + four(d);
            i += 4;
            if (i - first < 16) continue;
            break;
          }
          const q = (31 - Math.clz32(bad & -bad)) >> 3;
          if (q !== 0) x = x * (POW10[q] ?? 1) + four(d << (32 - 8 * q));
          i += q;
          break;
        }
        const digits = i - first;
        if (dv.getUint16(i, true) === CRLF && digits > 0 && digits <= 15 && (buf[first] !== ZERO || (digits === 1 && !negative))) {
          ops += i - pos + 1;
          items[k] = negative ? -x : x;
          pos = i + 2;
          if (pos > limit) return this.missAt(pos, ops);
          continue;
        }
      } else if (t === 0x3a || t === 0x24 || t === 0x2a) {
        let i = pos + 1;
        const negative = i < end && buf[i] === MINUS;
        if (negative) i++;
        const first = i;
        let x = 0;
        let c = 0;
        // two digits a step: x * 100 + pair halves the serial multiply-add chain of x * 10 + digit
        for (; i < end; i += 2) {
          c = buf[i] ?? 0;
          const hi = c - ZERO;
          if (c < ZERO || c > 0x39) break;
          if (i + 1 === end) {
            x = x * 10 + hi;
            i++;
            break;
          }
          c = buf[i + 1] ?? 0;
          if (c < ZERO || c > 0x39) {
            x = x * 10 + hi;
            i++;
            break;
          }
          x = x * 100 + (hi * 10 + (c - ZERO));
        }
        const digits = i - first;
        if (c === CR && digits > 0 && digits <= 15 && i + 1 < end && buf[i + 1] === LF && (buf[first] !== ZERO || (digits === 1 && !negative))) {
          const next = i + 2;
          if (t === 0x3a) {
            ops += i - pos + 1;
            items[k] = negative ? -x : x;
            pos = next;
            if (pos > limit) return this.missAt(pos, ops);
            continue;
          }
          if (t === 0x2a) {
            // a nested array (ZRANGE pairs, XRANGE entries…): straight into `array`, with the
            // checks `value` makes for it; a null array, or one it would refuse, goes to `value`
            if (!negative && x <= this.maxMultibulkLen && depth + 1 < 64 && depth + 2 < this.maxDepth && 3 * x <= end - next) {
              this.ops += ops + (i - pos + 1);
              ops = 0;
              this.pos = next;
              const v = this.array(x, depth + 1);
              if (v === MISS) return depth === 0 && this.pos <= limit ? this.keepCut(items, k, n, pos, 0) : MISS;
              if (this.pos > limit) return MISS;
              items[k] = v;
              pos = this.pos;
              continue;
            }
          } else {
            const stop = next + x;
            if (!negative && x <= this.maxBulkLen && stop + 2 <= end && buf[stop] === CR && buf[stop + 1] === LF) {
              ops += i - pos + 1;
              items[k] = this.bytes(next, x);
              pos = stop + 2;
              if (pos > limit) return this.missAt(pos, ops);
              continue;
            }
            if (depth === 0 && !negative && x <= this.maxBulkLen && stop + 2 > end) {
              // a bulk the buffer cuts (header read): the resumable path holds the array open and
              // waits for the bulk's end (as `fillOpenArray` has it)
              this.cutEnd = stop + 2;
              return this.keepCut(items, k, n, pos, ops + (i - pos + 1));
            }
          }
        }
      }
      // anything else (and `$-1`): the general reader, from this element
      this.pos = pos;
      this.ops += ops;
      ops = 0;
      const v = this.value(depth + 1);
      if (v === MISS) return depth === 0 && this.pos <= limit ? this.keepCut(items, k, n, pos, 0) : MISS;
      if (this.pos > limit) return MISS;
      items[k] = v;
      pos = this.pos;
    }
    this.pos = pos;
    this.ops += ops;
    return items;
  }

  /**
   * A top-level array cut (or stopped) before element `k` at `pos`: its elements so far are kept
   * for the resumable path (`cutItems`), which reads on from `pos`.
   */
  private keepCut(items: RespBareReply[], k: number, n: number, pos: number, ops: number): Read {
    this.cutItems = items;
    this.cutFilled = k;
    this.cutCount = n;
    return this.missAt(pos, ops);
  }

  /** Give an aggregate up to the resumable path, keeping the position and work done so far. */
  private missAt(pos: number, ops: number): Read {
    this.pos = pos;
    this.ops += ops;
    return MISS;
  }
}
