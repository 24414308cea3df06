/**
 * The primitive reads of an RDB stream — rdb.c `rdbLoadLenByRef`, `rdbGenericLoadStringObject`
 * (raw, INT8/16/32, LZF), `rdbLoadDoubleValue`, `rdbLoadBinaryDoubleValue` — over the bytes the
 * decoder has buffered. When the bytes run out a read throws `NeedMore` (never seen by users: the
 * decoder catches it and waits for input); a length that cannot be right throws `RdbFormatError`.
 * The record loaders (`load-*.ts`) call these; `RdbDecoder` owns one reader and manages its buffer.
 */
import { RdbFormatError } from './errors.js';
import { lzfDecompressRange } from './lzf.js';
import { LZF_LAZY_MAX } from './constants.js';
import type { LpScanResult } from './listpack.js';
import { MemberSet } from './member-set.js';
import { bytesToAscii, intToBytes, parseDoubleText } from './bytes.js';
import type { EncodingThresholds } from './constants.js';
import type { Encoding } from './model.js';

/** Thrown inside the parser when the buffered bytes end; `need` = absolute offset required. */
export class NeedMore extends Error {
  constructor(readonly need: number) {
    super('need more input');
  }
}

export class RdbReader {
  /** the buffered input; buf[0] is at absolute offset `base` */
  buf: Uint8Array = new Uint8Array(0);
  base = 0;
  /** index into buf of the next unread byte */
  pos = 0;
  /** no more input will come: impossible lengths fail at once (BAD_LENGTH) instead of waiting */
  final = false;
  /** encoding of the value a loader just read (avoids a tuple per key) */
  enc: Encoding = 'raw';
  /** whether the length `lenOrEnc()` just read was a special string encoding (avoids a tuple per string) */
  lenEncoded = false;
  /** where the string `strRange()` just read lives: `rBuf[rOff, rOff + rLen)` (no view per blob) */
  rBuf: Uint8Array = new Uint8Array(0);
  rOff = 0;
  rLen = 0;
  /**
   * Whether the blob `strRange(true)` just read was a small LZF string decompressed into `scratch`
   * (overwritten by the next such read): the loader validates it there and leaves it compressed
   * in the input for the entry to decompress again when read (issue 19: no objects per value).
   */
  lazyLzf = false;
  private scratch = new Uint8Array(LZF_LAZY_MAX);
  /** reused by every `listpackScan` */
  readonly scan: LpScanResult = { maxLen: 0, badScoreAt: -1, badScoreLen: 0, dupIndex: -1 };
  /** reused by every duplicate check */
  readonly members = new MemberSet();

  constructor(readonly thresholds: EncodingThresholds) {}

  at(): number {
    return this.base + this.pos;
  }

  ensure(n: number): void {
    if (this.pos + n > this.buf.length) throw new NeedMore(this.base + this.pos + n);
  }

  /** A length announcing `n` bytes/elements: in the final (in-memory) pass, impossible ones fail at once. */
  checkAnnounced(n: number, what: string, minBytesEach = 1, at = this.at()): void {
    if (this.final && n * minBytesEach > this.buf.length - this.pos) {
      throw new RdbFormatError('BAD_LENGTH', at, `${what} announces ${n}, but only ${this.buf.length - this.pos} bytes remain`);
    }
  }

  u8(): number {
    this.ensure(1);
    return (this.buf[this.pos++] ?? 0);
  }

  take(n: number, lenAt = this.at()): Uint8Array {
    this.checkAnnounced(n, 'a string length', 1, lenAt);
    this.ensure(n);
    // a view, not a copy: one small object instead of a new ArrayBuffer per string (the file's
    // buffer stays alive while decoded values are referenced; copy them to let it go)
    const s = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** rdbLoadLenByRef: returns the value; `this.lenEncoded` says whether it was a special string encoding (no tuple per call). */
  lenOrEnc(): number {
    const b = this.u8();
    const kind = b >> 6;
    if (kind === 0) {
      this.lenEncoded = false;
      return b & 0x3f;
    }
    if (kind === 1) {
      this.ensure(1);
      this.lenEncoded = false;
      return ((b & 0x3f) << 8) | (this.buf[this.pos++] ?? 0);
    }
    if (kind === 3) {
      this.lenEncoded = true;
      return b & 0x3f;
    }
    const at = this.at() - 1;
    if (b === 0x80) {
      this.ensure(4);
      const p = this.pos;
      const bb = this.buf;
      const v = (((bb[p] ?? 0) << 24) | ((bb[p + 1] ?? 0) << 16) | ((bb[p + 2] ?? 0) << 8) | (bb[p + 3] ?? 0)) >>> 0;
      this.pos += 4;
      this.lenEncoded = false;
      return v;
    }
    if (b === 0x81) {
      this.ensure(8);
      const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getBigUint64(0, false);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbFormatError('BAD_LENGTH', at, `64-bit length ${v} is beyond 2^53`);
      this.lenEncoded = false;
      return Number(v);
    }
    throw new RdbFormatError('BAD_LENGTH', at, `unknown length encoding byte 0x${b.toString(16)}`);
  }

  len(): number {
    const at = this.at();
    const v = this.lenOrEnc();
    if (this.lenEncoded) throw new RdbFormatError('BAD_LENGTH', at, `expected a length, found a special string encoding (0x${(0xc0 | v).toString(16)})`);
    return v;
  }

  /** rdbGenericLoadStringObject: raw, INT8/16/32 (as decimal text) or LZF. */
  str(): Uint8Array {
    const at = this.at();
    const v = this.lenOrEnc();
    if (!this.lenEncoded) return this.take(v, at);
    switch (v) {
      case 0: {
        const x = (this.u8() << 24) >> 24;
        return intToBytes(x);
      }
      case 1: {
        this.ensure(2);
        const x = (((this.buf[this.pos] ?? 0) | ((this.buf[this.pos + 1] ?? 0) << 8)) << 16) >> 16;
        this.pos += 2;
        return intToBytes(x);
      }
      case 2: {
        this.ensure(4);
        const b = this.buf;
        const p = this.pos;
        const x = (b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16) | ((b[p + 3] ?? 0) << 24);
        this.pos += 4;
        return intToBytes(x);
      }
      case 3: {
        const clen = this.len();
        const ulen = this.len();
        this.checkAnnounced(clen, 'an LZF compressed length', 1, at);
        this.ensure(clen);
        const p = this.pos;
        this.pos += clen;
        return lzfDecompressRange(this.buf, p, clen, ulen, at);
      }
      default:
        throw new RdbFormatError('BAD_STRING_ENCODING', at, `unknown string encoding ${v} (expected 0 INT8, 1 INT16, 2 INT32 or 3 LZF)`);
    }
  }

  /**
   * `str()` without a view: the string is left at `rBuf[rOff, rOff + rLen)`, in the input buffer
   * itself when stored raw (the common case for listpacks and intsets), else in a new array — or,
   * with `scratch`, a small LZF string in the reader's scratch buffer (`lazyLzf`), valid only
   * until the next read: for a blob the caller validates and leaves to the entry.
   */
  strRange(scratch = false): void {
    const at = this.at();
    const v = this.lenOrEnc();
    this.lazyLzf = false;
    if (scratch && this.lenEncoded && v === 3) {
      // the reads str() makes for LZF, in its order (same errors at the same offsets)
      const clen = this.len();
      const ulen = this.len();
      this.checkAnnounced(clen, 'an LZF compressed length', 1, at);
      this.ensure(clen);
      if (ulen <= LZF_LAZY_MAX) {
        const p = this.pos;
        this.pos += clen;
        this.rBuf = lzfDecompressRange(this.buf, p, clen, ulen, at, this.scratch);
        this.rOff = 0;
        this.rLen = ulen;
        this.lazyLzf = true;
        return;
      }
      // bigger: decompressed into its own array (`len()` has reset `lenEncoded`, so not below)
      this.strRangeCopied(at);
      return;
    }
    if (!this.lenEncoded) {
      this.checkAnnounced(v, 'a string length', 1, at);
      this.ensure(v);
      this.rBuf = this.buf;
      this.rOff = this.pos;
      this.rLen = v;
      this.pos += v;
      return;
    }
    this.strRangeCopied(at);
  }

  /** strRange's string that is not in the input as it is: `str()` from `at` again, into its own array. */
  private strRangeCopied(at: number): void {
    this.pos = at - this.base;
    const s = this.str();
    this.rBuf = s;
    this.rOff = 0;
    this.rLen = s.length;
  }

  binaryDouble(): number {
    this.ensure(8);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  /** rdbLoadDoubleValue (RDB_TYPE_ZSET): 1 length byte (253 nan, 254 +inf, 255 -inf) + text. */
  textDouble(): number {
    const at = this.at();
    const n = this.u8();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    const t = bytesToAscii(this.take(n));
    const v = parseDoubleText(t);
    if (v === undefined) throw new RdbFormatError('BAD_DOUBLE', at, `score text ${JSON.stringify(t)} is not a number`);
    return v;
  }

}
