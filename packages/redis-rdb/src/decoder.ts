/**
 * RDB decoder, streaming first (the in-memory `decodeRdb` feeds one chunk and calls `finish()`,
 * receiving entries unwrapped through a private sink).
 *
 * Mirrors `rdbLoadRioWithLoadingCtx` in src/rdb.c: read "REDIS" + 4-digit version, then a loop of
 * one-byte opcodes (AUX, SELECTDB, RESIZEDB, EXPIRETIME[_MS], IDLE, FREQ, FUNCTION2, EOF) or a value
 * type followed by `<key string> <value>` (`rdbLoadObject`), and after EOF the 8-byte CRC-64.
 *
 * Streaming: `push(chunk)` returns every record that is complete in the bytes seen so far. A
 * record is parsed from its first byte each time; when the bytes run out the parser notes how many
 * it needs and how far it got, and tries again only once both the needed bytes and RETRY_GROWTH
 * times the bytes it walked have arrived (or at `end()`): the attempts on one record form a
 * geometric series, so decoding is linear in the input for any record size and any chunking
 * (`stats` counts the work). The price is latency: a record may be handed over up to 3x its own
 * size later than the byte that completed it (a string's or blob's length is known up front, so
 * those wait for nothing extra). Memory is bounded by the largest record plus one chunk: consumed
 * bytes are dropped.
 *
 * Hostile input: every length is checked against the bytes actually present before anything is
 * allocated for it (in the in-memory form, against the bytes remaining in the file; in the
 * streaming form a forged length just waits for bytes that never come, and `end()` reports
 * TRUNCATED). Element counts never pre-size arrays. LZF output is bounded by 88x its input.
 *
 * Validate eagerly, allocate lazily (as rdbLoadObject keeps intsets and listpacks packed after
 * `intsetValidateIntegrity` / `lpValidateIntegrity`): every payload is fully checked while its
 * record is parsed — any malformed one throws its `RdbFormatError` here, with the same code and
 * offset as if it were expanded — but a key's bytes and a string / intset / listpack /
 * single-node-quicklist value stay where they are in the input until first read (`Entry`,
 * `PackedValue`), so a decoded key costs one object instead of six or more.
 */
import { defined, RdbFormatError } from './errors.js';
import { Crc64 } from './crc64.js';
import { allocBytes, bytesToAscii } from './bytes.js';
import { Entry, EntryWithTtl, fnv1a, type DecodedEntry } from './entry.js';
import { NeedMore, RdbReader } from './reader.js';
import { rdbLoadObject } from './load-object.js';
import type { RdbDecoderOptions, RdbRecord } from './rdb-records.js';
import { EMPTY_KEY } from './load-shared.js';
import {
  DEFAULT_THRESHOLDS, NEWER_TYPE_NAMES, RDB_TYPE_NAMES, RDB_VERSION,
  RDB_OPCODE_AUX, RDB_OPCODE_EOF, RDB_OPCODE_EXPIRETIME, RDB_OPCODE_EXPIRETIME_MS, RDB_OPCODE_FREQ,
  RDB_OPCODE_FUNCTION, RDB_OPCODE_FUNCTION2, RDB_OPCODE_IDLE, RDB_OPCODE_MODULE_AUX, RDB_OPCODE_RESIZEDB,
  RDB_OPCODE_SELECTDB,
} from './constants.js';

export type { DecodedEntry } from './entry.js';
export type { RdbRecord, RdbDecoderOptions } from './rdb-records.js';

type Phase = 'header' | 'body' | 'done';

/**
 * A record whose parse ran out of bytes after walking W of them is retried once W x this many
 * bytes of it are buffered: total re-parsing <= W / (RETRY_GROWTH - 1) per byte walked, i.e. the
 * work of decoding stays linear in the input (13.2). 4 keeps the re-parse and re-copy overhead
 * near 1/3 of the record each; the cost is that a record may be handed over up to 3x its own
 * size later than the byte that completed it (never later than `end()`).
 */
const RETRY_GROWTH = 4;

/**
 * decodeRdb's private way to receive entries without a `{ kind: 'entry' }` wrapper per key, each
 * with the FNV-1a hash of its key (taken while the key's bytes were just read, for the duplicate check).
 */
export let setEntrySink: (d: RdbDecoder, f: (e: DecodedEntry, keyHash: number) => void) => void;

export class RdbDecoder {
  private chunks: Uint8Array[] = [];
  private chunkBytes = 0;
  /** the buffer, the read position and the primitive reads (rdbLoadLen, strings, doubles) */
  private readonly r: RdbReader;
  /** absolute offset we need buffered before the next attempt */
  private need = 0;
  /**
   * Work done so far, as operation counts (the linear-time property reads them instead of a
   * clock): bytes the record parser walked, including attempts abandoned for want of input, and
   * bytes copied to join chunks. Both stay within a constant factor of the input for any chunking.
   */
  readonly stats = { parsedBytes: 0, copiedBytes: 0 };
  private phase: Phase = 'header';
  private crc = new Crc64();
  /**
   * Index in the reader's buffer up to which the CRC has been computed. Parsed records are not
   * hashed one by one (a call per record cost more than the hashing) but in one span when `drain`
   * stops for input and before the EOF opcode; a record being retried is never included.
   */
  private crcPos = 0;
  private readonly verify: boolean;
  /** the entry `parseRecord()` just read when it returned null (entries are not wrapped on the in-memory path) */
  private entryOut: DecodedEntry | undefined;
  /** with a sink: the FNV-1a hash of `entryOut`'s key */
  private keyHashOut = 0;
  /** decodeRdb's sink: entries go here unwrapped (set through `setEntrySink`, never by users) */
  private onEntry: ((e: DecodedEntry, keyHash: number) => void) | undefined;
  version = 0;
  db = 0;
  /** set once EOF + checksum were read: the offset just past the RDB payload */
  endOffset: number | undefined;

  static {
    setEntrySink = (d, f) => {
      d.onEntry = f;
    };
  }

  constructor(opts: RdbDecoderOptions = {}) {
    this.verify = opts.verifyChecksum ?? true;
    this.r = new RdbReader(opts.thresholds ?? DEFAULT_THRESHOLDS);
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  /**
   * Feed the next bytes; returns the records completed by them. Bytes after EOF are kept for
   * `remaining()`. Decoded keys and values may be views into `chunk`: hand over a buffer you will
   * not overwrite (a fresh one per read).
   */
  push(chunk: Uint8Array): RdbRecord[] {
    this.add(chunk);
    const out: RdbRecord[] = [];
    this.drain((r) => out.push(r));
    return out;
  }

  /**
   * As `push`, but hands each record to `onRecord` the moment it is parsed, without collecting
   * them: records the caller drops die young, which keeps the garbage collector cheap on big files.
   */
  feed(chunk: Uint8Array, onRecord: (r: RdbRecord) => void): void {
    this.add(chunk);
    this.drain(onRecord);
  }

  /**
   * No more input (optionally: here is the last chunk): returns the last records, or throws
   * TRUNCATED when the file stopped before EOF. Knowing the input is complete lets impossible
   * lengths fail at once (BAD_LENGTH) instead of waiting for bytes.
   */
  end(lastChunk?: Uint8Array): RdbRecord[] {
    const out: RdbRecord[] = [];
    this.finish(lastChunk, (r) => out.push(r));
    return out;
  }

  /** `end` with a callback (see `feed`). */
  finish(lastChunk: Uint8Array | undefined, onRecord: (r: RdbRecord) => void): void {
    this.r.final = true;
    if (lastChunk !== undefined) this.add(lastChunk);
    this.drain(onRecord);
    if (this.phase !== 'done') {
      throw new RdbFormatError('TRUNCATED', this.r.base + this.buffered(), `input ended before the EOF opcode and checksum (phase ${this.phase})`);
    }
  }

  private add(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.chunkBytes += chunk.length;
  }

  /** The bytes pushed after the end of the RDB payload (an AOF preamble's command tail). */
  remaining(): Uint8Array {
    this.flatten();
    return this.r.buf.subarray(this.r.pos);
  }

  private buffered(): number {
    return this.r.buf.length - this.r.pos + this.chunkBytes;
  }

  private flatten(): void {
    if (this.chunks.length === 0) return;
    const rest = this.r.buf.length - this.r.pos;
    if (rest === 0 && this.chunks.length === 1) {
      // nothing left over: take the chunk as it is (no copy)
      this.r.base += this.r.buf.length;
      this.r.buf = defined(this.chunks[0], 'flatten has one chunk here');
      this.r.pos = 0;
      this.chunks = [];
      this.chunkBytes = 0;
      return;
    }
    const merged = allocBytes(rest + this.chunkBytes);
    this.stats.copiedBytes += merged.length;
    merged.set(this.r.buf.subarray(this.r.pos), 0);
    let o = rest;
    for (const c of this.chunks) {
      merged.set(c, o);
      o += c.length;
    }
    this.r.base += this.r.pos;
    this.r.buf = merged;
    this.r.pos = 0;
    this.chunks = [];
    this.chunkBytes = 0;
  }

  private drain(sink: (r: RdbRecord) => void): void {
    if (this.phase === 'done') return;
    if (!this.r.final && this.r.base + this.r.pos + this.buffered() < this.need) return;
    this.flatten();
    this.crcPos = this.r.pos; // everything before it was hashed when the last drain stopped
    const onEntry = this.onEntry;
    while (!this.done) {
      const start = this.r.pos;
      try {
        const rec = this.phase === 'header' ? this.parseHeader() : this.parseRecord();
        this.stats.parsedBytes += this.r.pos - start;
        if (rec === null) {
          // an entry (never the EOF record); its bytes are hashed later, with their neighbours'
          const e = defined(this.entryOut, 'parseRecord returns null only after setting entryOut');
          this.entryOut = undefined;
          if (onEntry !== undefined) onEntry(e, this.keyHashOut);
          else sink({ kind: 'entry', entry: e });
          continue;
        }
        sink(rec);
      } catch (e) {
        if (e instanceof NeedMore) {
          // the attempt walked `walked` bytes of this record and will walk them again: retry only
          // when the bytes it needs are there AND RETRY_GROWTH times what it walked, so the attempts on
          // one record cost a geometric series, O(record) in all, whatever the chunk sizes (13.2)
          const walked = this.r.pos - start;
          this.stats.parsedBytes += walked;
          this.r.pos = start;
          this.hashUpTo(start); // the records before this one (it will be parsed again)
          this.need = Math.max(e.need, this.r.base + start + RETRY_GROWTH * walked);
          if (this.r.final) {
            throw new RdbFormatError('TRUNCATED', this.r.base + this.r.buf.length, `input ended inside a record that starts at byte ${this.r.base + start} (needs ${e.need - this.r.base - this.r.buf.length} more bytes)`);
          }
          return;
        }
        throw e;
      }
    }
  }

  /** Fold the parsed bytes `buf[crcPos, end)` into the CRC (RDB 5+ has one). */
  private hashUpTo(end: number): void {
    if (this.version >= 5 && end > this.crcPos) this.crc.update(this.r.buf, this.crcPos, end);
    this.crcPos = end;
  }

  // ---------------------------------------------------------------- records

  private parseHeader(): RdbRecord {
    const r = this.r;
    r.ensure(9);
    const b = r.buf;
    const p = r.pos;
    if (b[p] !== 0x52 || b[p + 1] !== 0x45 || b[p + 2] !== 0x44 || b[p + 3] !== 0x49 || b[p + 4] !== 0x53) {
      throw new RdbFormatError('BAD_MAGIC', r.at(), `expected "REDIS", found ${JSON.stringify(bytesToAscii(b.subarray(p, p + 5)))}`);
    }
    let version = 0;
    for (let i = 5; i < 9; i++) {
      const c = (b[p + i] ?? 0);
      if (c < 0x30 || c > 0x39) throw new RdbFormatError('BAD_VERSION', r.at() + i, `expected 4 version digits, found ${JSON.stringify(bytesToAscii(b.subarray(p + 5, p + 9)))}`);
      version = version * 10 + (c - 0x30);
    }
    if (version < 1 || version > RDB_VERSION) {
      const who = version === 11 ? ' (Redis 7.2)' : version === 12 ? ' (Redis 7.4)' : version > 12 ? ' (newer than Redis 7.4)' : '';
      throw new RdbFormatError('UNSUPPORTED_VERSION', r.at() + 5, `Can't handle RDB format version ${version}${who}: this loader reads versions 1..${RDB_VERSION} (Redis 7.0)`);
    }
    r.pos += 9;
    this.version = version;
    this.phase = 'body';
    return { kind: 'header', version, offset: r.base + p };
  }

  /** One record; null for a key entry, which is left in `this.entryOut`. */
  private parseRecord(): RdbRecord | null {
    const r = this.r;
    const offset = r.at();
    let expireAtMs: number | undefined;
    let lruIdle: number | undefined;
    let lfuFreq: number | undefined;
    // EXPIRETIME / IDLE / FREQ prefix the key they belong to: parse them together with it
    for (;;) {
      const op = r.u8();
      switch (op) {
        case RDB_OPCODE_EXPIRETIME_MS: {
          r.ensure(8);
          const b = r.buf;
          const p = r.pos;
          const lo = ((b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16) | ((b[p + 3] ?? 0) << 24)) >>> 0;
          const hi = (b[p + 4] ?? 0) | ((b[p + 5] ?? 0) << 8) | ((b[p + 6] ?? 0) << 16) | ((b[p + 7] ?? 0) << 24); // signed
          r.pos += 8;
          expireAtMs = hi * 4294967296 + lo; // exact for |ms| < 2^53
          continue;
        }
        case RDB_OPCODE_EXPIRETIME: {
          r.ensure(4);
          const v = new DataView(r.buf.buffer, r.buf.byteOffset + r.pos, 4).getInt32(0, true);
          r.pos += 4;
          expireAtMs = v * 1000;
          continue;
        }
        case RDB_OPCODE_IDLE:
          lruIdle = r.len();
          continue;
        case RDB_OPCODE_FREQ:
          lfuFreq = r.u8();
          continue;
        default:
          break;
      }
      const prefixed = expireAtMs !== undefined || lruIdle !== undefined || lfuFreq !== undefined;
      if (op >= 0xf5 && prefixed) {
        throw new RdbFormatError('UNKNOWN_OPCODE', r.at() - 1, `expected a value type after EXPIRETIME/IDLE/FREQ, found opcode 0x${op.toString(16)}`);
      }
      switch (op) {
        case RDB_OPCODE_AUX: {
          const key = r.str();
          const value = r.str();
          return { kind: 'aux', key, value, offset };
        }
        case RDB_OPCODE_SELECTDB: {
          const db = r.len();
          this.db = db;
          return { kind: 'selectdb', db, offset };
        }
        case RDB_OPCODE_RESIZEDB: {
          const dbSize = r.len();
          const expiresSize = r.len();
          return { kind: 'resizedb', dbSize, expiresSize, offset };
        }
        case RDB_OPCODE_FUNCTION2:
          return { kind: 'function', code: r.str(), offset };
        case RDB_OPCODE_FUNCTION:
          throw new RdbFormatError('UNSUPPORTED_TYPE', offset, 'FUNCTION opcode 0xF6 (written only by Redis 7.0 release candidates) is not supported');
        case RDB_OPCODE_MODULE_AUX:
          throw new RdbFormatError('UNSUPPORTED_TYPE', offset, 'MODULE_AUX opcode 0xF7: module data needs the module that wrote it');
        case RDB_OPCODE_EOF:
          return this.parseEof(offset);
        default:
          return this.parseEntry(op, offset, expireAtMs, lruIdle, lfuFreq);
      }
    }
  }

  private parseEof(offset: number): RdbRecord {
    const r = this.r;
    let checksum = 0n;
    if (this.version >= 5) {
      r.ensure(8); // before touching the CRC: a NeedMore here re-runs this record
      this.hashUpTo(r.pos); // every record before, and the EOF opcode itself
      checksum = new DataView(r.buf.buffer, r.buf.byteOffset + r.pos, 8).getBigUint64(0, true);
      r.pos += 8;
    }
    const computedChecksum = this.version >= 5 ? this.crc.digest() : 0n;
    if (this.verify && checksum !== 0n && checksum !== computedChecksum) {
      throw new RdbFormatError('CHECKSUM_MISMATCH', offset + 1, `Wrong RDB checksum: stored 0x${checksum.toString(16).padStart(16, '0')}, computed 0x${computedChecksum.toString(16).padStart(16, '0')}`);
    }
    this.phase = 'done';
    this.endOffset = r.at();
    return { kind: 'eof', offset, checksum, computedChecksum, endOffset: r.at() };
  }

  private parseEntry(type: number, offset: number, expireAtMs: number | undefined, lruIdle: number | undefined, lfuFreq: number | undefined): RdbRecord | null {
    const r = this.r;
    const typeAt = r.at() - 1;
    const typeName = RDB_TYPE_NAMES[type];
    if (typeName === undefined) {
      const newer = NEWER_TYPE_NAMES[type];
      throw new RdbFormatError('UNKNOWN_OPCODE', typeAt, newer !== undefined
        ? `object type ${type} is RDB_TYPE_${newer}, newer than RDB ${RDB_VERSION}`
        : `unknown object type or opcode ${type} (0x${type.toString(16)})`);
    }
    const kAt = r.pos;
    r.strRange();
    // a key stored raw stays where it is in the input; an INT/LZF-encoded one is already its own array
    const kInBuf = r.rBuf === r.buf;
    const kOff = r.rOff;
    const kLen = r.rLen;
    const kArr = kInBuf ? undefined : r.rBuf; // strRange gives such keys as a whole array
    const valueAt = r.at();
    const vStart = r.pos;
    const value = rdbLoadObject(r, type, typeName, valueAt);
    if (value === EMPTY_KEY) return { kind: 'empty-key', key: kArr ?? r.buf.subarray(kOff, kOff + kLen), type, typeName, offset };
    const entry = expireAtMs === undefined
      ? new Entry(this.db, r.buf, kAt, kArr, vStart, value, type, typeName, r.enc, offset)
      : new EntryWithTtl(this.db, r.buf, kAt, kArr, vStart, value, type, typeName, r.enc, offset, expireAtMs);
    if (lruIdle !== undefined) entry.lruIdle = lruIdle;
    if (lfuFreq !== undefined) entry.lfuFreq = lfuFreq;
    if (this.onEntry !== undefined) this.keyHashOut = kArr === undefined ? fnv1a(r.buf, kOff, kOff + kLen) : fnv1a(kArr, 0, kArr.length);
    this.entryOut = entry;
    return null;
  }
}
