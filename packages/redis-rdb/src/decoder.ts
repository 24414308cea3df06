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
 * it needs and how far it got, and tries again only once both the needed bytes and twice the bytes
 * it walked have arrived (or at `end()`): the attempts on one record form a geometric series, so
 * decoding is linear in the input for any record size and any chunking (`stats` counts the work).
 * The price is latency: a record may be handed over up to its own size later than the byte that
 * completed it (a string's or blob's length is known up front, so those wait for nothing extra).
 * Memory is bounded by the largest record plus one
 * chunk: consumed bytes are dropped.
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
import { RdbFormatError } from './errors.js';
import { Crc64 } from './crc64.js';
import { lzfDecompress } from './lzf.js';
import { listpackScan, lpValueBytes, type LpScanResult, type LpValue } from './listpack.js';
import { intsetScan } from './intset.js';
import { PackedValue, QUICKLIST_NODE_PACKED, QUICKLIST_NODE_PLAIN } from './packed.js';
import { ziplistDecode, zipmapDecode } from './ziplist.js';
import { allocBytes, bytesToAscii, compareZsetItems, equalBytes, intToBytes, parseCanonicalInt, parseDoubleText } from './bytes.js';
import {
  DEFAULT_THRESHOLDS, NEWER_TYPE_NAMES, RDB_TYPE_NAMES, RDB_VERSION, type EncodingThresholds,
  RDB_OPCODE_AUX, RDB_OPCODE_EOF, RDB_OPCODE_EXPIRETIME, RDB_OPCODE_EXPIRETIME_MS, RDB_OPCODE_FREQ,
  RDB_OPCODE_FUNCTION, RDB_OPCODE_FUNCTION2, RDB_OPCODE_IDLE, RDB_OPCODE_MODULE_AUX, RDB_OPCODE_RESIZEDB,
  RDB_OPCODE_SELECTDB,
} from './constants.js';
import type { Encoding, KeyEntry, RedisValue } from './model.js';

/** One key as read from the file (a `KeyEntry` plus what the file said about it). */
export interface DecodedEntry extends KeyEntry {
  /** RDB object type code (rdb.h RDB_TYPE_*) */
  type: number;
  /** its rdb.h name without the prefix: 'STRING', 'LIST_QUICKLIST_2', 'ZSET_LISTPACK', ... */
  typeName: string;
  /** the in-memory encoding Redis 7.0 gives the key after loading it (rdbLoadObject's conversions, default thresholds) */
  encoding: Encoding;
  /** seconds of LRU idle time (IDLE opcode, written under an LRU maxmemory-policy) */
  lruIdle?: number;
  /** LFU logarithmic counter (FREQ opcode, written under an LFU maxmemory-policy) */
  lfuFreq?: number;
  /** byte offset of the record's first byte (its EXPIRETIME/IDLE/FREQ prefix, if any, else the type byte) */
  offset: number;
}

export type RdbRecord =
  | { kind: 'header'; version: number; offset: number }
  | { kind: 'aux'; key: Uint8Array; value: Uint8Array; offset: number }
  | { kind: 'selectdb'; db: number; offset: number }
  | { kind: 'resizedb'; dbSize: number; expiresSize: number; offset: number }
  | { kind: 'function'; code: Uint8Array; offset: number }
  | { kind: 'entry'; entry: DecodedEntry }
  | {
      kind: 'eof';
      offset: number;
      /** stored checksum (0n when saved with rdbchecksum no, or RDB < 5 which has none) */
      checksum: bigint;
      /** CRC-64 we computed over the file up to and including the EOF opcode */
      computedChecksum: bigint;
      /** offset just past the checksum: where an AOF preamble's RESP tail begins */
      endOffset: number;
    };

export interface RdbDecoderOptions {
  /** throw CHECKSUM_MISMATCH when the stored CRC differs (default true; a stored 0 is never checked, as in Redis) */
  verifyChecksum?: boolean;
  /** thresholds used to report the post-load `encoding` (default: Redis 7.0's) */
  thresholds?: EncodingThresholds;
}

/** Thrown inside the parser when the buffered bytes end; `need` = absolute offset required. */
class NeedMore extends Error {
  constructor(readonly need: number) {
    super('need more input');
  }
}

type Phase = 'header' | 'body' | 'done';

/** decodeRdb's private way to receive entries without a `{ kind: 'entry' }` wrapper per key. */
let setEntrySink: (d: RdbDecoder, f: (e: DecodedEntry) => void) => void;

let keyDescriptor: PropertyDescriptor;
let valueDescriptor: PropertyDescriptor;
/** FNV-1a of an entry's key bytes, read in place (for decodeRdb's duplicate table). */
let entryKeyHash: (e: DecodedEntry) => number;
/** Whether two entries' keys are equal, compared in place. */
let entryKeyEquals: (a: DecodedEntry, b: DecodedEntry) => boolean;

/**
 * A decoded key, one object until it is looked at. `key` and `value` are own, enumerable accessors
 * (so `toEqual`, `structuredClone`, spreads and JSON see them as data): the key bytes and, for
 * strings, intsets, listpacks and single-node quicklists, the value payload stay where they were
 * read — a range of the input buffer, validated already — until first read. Then `key` becomes a
 * view and `value` a `RedisValue` (a `PackedValue` for collections, whose items expand on their
 * own first read), both cached. Other values are built at decode time and just held.
 */
class Entry implements DecodedEntry {
  declare key: Uint8Array;
  declare value: RedisValue;
  declare expireAtMs?: number;
  declare lruIdle?: number;
  declare lfuFreq?: number;
  /** the input buffer the record was read from */
  #buf: Uint8Array;
  /**
   * The key's range in #buf; the value's bytes follow it there (its length prefix first). With
   * #kLen -1 the key was not stored raw (INT/LZF, so #key holds it) and #kOff is where the value starts.
   */
  #kOff: number;
  #kLen: number;
  #key: Uint8Array | undefined;
  #value: RedisValue | undefined;

  static {
    keyDescriptor = {
      get(this: Entry): Uint8Array {
        return this.#key ?? (this.#key = this.#buf.subarray(this.#kOff, this.#kOff + this.#kLen));
      },
      set(this: Entry, k: Uint8Array) {
        this.#key = k;
      },
      enumerable: true,
      configurable: true,
    };
    valueDescriptor = {
      get(this: Entry): RedisValue {
        return this.#value ?? (this.#value = this.#expand());
      },
      set(this: Entry, v: RedisValue) {
        this.#value = v;
      },
      enumerable: true,
      configurable: true,
    };
    entryKeyHash = (e) => {
      if (!(e instanceof Entry) || e.#key !== undefined) return fnv1a(e.key, 0, e.key.length);
      return fnv1a(e.#buf, e.#kOff, e.#kOff + e.#kLen);
    };
    entryKeyEquals = (a, b) => {
      if (!(a instanceof Entry) || !(b instanceof Entry) || a.#key !== undefined || b.#key !== undefined) return equalBytes(a.key, b.key);
      const n = a.#kLen;
      if (n !== b.#kLen) return false;
      const x = a.#buf;
      const y = b.#buf;
      for (let i = 0, p = a.#kOff, q = b.#kOff; i < n; i++) if (x[p + i] !== y[q + i]) return false;
      return true;
    };
  }

  constructor(
    public db: number,
    buf: Uint8Array,
    kOff: number,
    kLen: number,
    key: Uint8Array | undefined,
    vStart: number,
    value: RedisValue | undefined,
    public type: number,
    public typeName: string,
    public encoding: Encoding,
    public offset: number,
  ) {
    this.#buf = buf;
    this.#kOff = key === undefined ? kOff : vStart;
    this.#kLen = key === undefined ? kLen : -1;
    this.#key = key;
    this.#value = value;
    Object.defineProperty(this, 'key', keyDescriptor);
    Object.defineProperty(this, 'value', valueDescriptor);
  }

  /** console.log / util.inspect show accessors as [Getter/Setter]: print the data, as for a plain entry. */
  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: (v: unknown, o: object) => string): string {
    const plain: Record<string, unknown> = {};
    for (const k of Object.keys(this)) plain[k] = (this as unknown as Record<string, unknown>)[k];
    return inspect(plain, options);
  }

  /**
   * The value left in the input (already validated by the decoder, see RdbDecoder.value): read its
   * length prefix(es) again — one rdbLoadLen — instead of keeping its range in two more fields.
   */
  #expand(): RedisValue {
    const b = this.#buf;
    let p = this.#kLen < 0 ? this.#kOff : this.#kOff + this.#kLen;
    const type = this.type;
    if (type === 0 && b[p]! >> 6 === 3) {
      // INT8/16/32 (rdbLoadIntegerObject): Redis keeps it as a long, we make the decimal text now
      const enc = b[p]! & 0x3f;
      const x = enc === 0 ? (b[p + 1]! << 24) >> 24
        : enc === 1 ? ((b[p + 1]! | (b[p + 2]! << 8)) << 16) >> 16
          : b[p + 1]! | (b[p + 2]! << 8) | (b[p + 3]! << 16) | (b[p + 4]! << 24);
      return { type: 'string', value: intToBytes(x) };
    }
    if (type === 18) {
      p = skipLen(b, p); // node count (1)
      p = skipLen(b, p); // container (2, PACKED)
    }
    const n = lenAt(b, p);
    const o = lenEnd;
    switch (type) {
      case 0:
        return { type: 'string', value: b.subarray(o, o + n) };
      case 11:
        return new PackedValue('set', b, o, n).asValue();
      case 16:
        return new PackedValue('hash', b, o, n).asValue();
      case 17:
        return new PackedValue('zset', b, o, n).asValue();
      default:
        return new PackedValue('list', b, o, n).asValue();
    }
  }
}

/** Where the length `lenAt` just read ends. */
let lenEnd = 0;

/** rdbLoadLen of a length the decoder has already checked (6/14/32/64-bit forms); sets `lenEnd`. */
function lenAt(b: Uint8Array, p: number): number {
  const c = b[p]!;
  const kind = c >> 6;
  if (kind === 0) {
    lenEnd = p + 1;
    return c & 0x3f;
  }
  if (kind === 1) {
    lenEnd = p + 2;
    return ((c & 0x3f) << 8) | b[p + 1]!;
  }
  if (c === 0x80) {
    lenEnd = p + 5;
    return ((b[p + 1]! << 24) | (b[p + 2]! << 16) | (b[p + 3]! << 8) | b[p + 4]!) >>> 0;
  }
  // 0x81: 64-bit big-endian, checked <= 2^53 when decoded
  lenEnd = p + 9;
  let v = 0;
  for (let i = 1; i <= 8; i++) v = v * 256 + b[p + i]!;
  return v;
}

function skipLen(b: Uint8Array, p: number): number {
  lenAt(b, p);
  return lenEnd;
}

/** An entry with an expiry: its own class, so `expireAtMs` is an in-object field (no out-of-object property store for 20 % of keys). */
class EntryWithTtl extends Entry {
  constructor(db: number, buf: Uint8Array, kOff: number, kLen: number, key: Uint8Array | undefined, vStart: number, value: RedisValue | undefined, type: number, typeName: string, encoding: Encoding, offset: number, public override expireAtMs: number) {
    super(db, buf, kOff, kLen, key, vStart, value, type, typeName, encoding, offset);
  }
}

export class RdbDecoder {
  private chunks: Uint8Array[] = [];
  private chunkBytes = 0;
  private buf: Uint8Array = new Uint8Array(0);
  /** absolute offset of buf[0] */
  private base = 0;
  /** index into buf of the next unparsed byte */
  private pos = 0;
  /** absolute offset we need buffered before the next attempt */
  private need = 0;
  /**
   * Work done so far, as operation counts (the linear-time property reads them instead of a
   * clock): bytes the record parser walked, including attempts abandoned for want of input, and
   * bytes copied to join chunks. Both stay within a constant factor of the input for any chunking.
   */
  readonly stats = { parsedBytes: 0, copiedBytes: 0 };
  private final = false;
  private phase: Phase = 'header';
  private crc = new Crc64();
  private readonly verify: boolean;
  private readonly thresholds: EncodingThresholds;
  /** encoding of the value `value()` just read (avoids a tuple per key) */
  private enc: Encoding = 'raw';
  /** whether the length `lenOrEnc()` just read was a special string encoding (avoids a tuple per string) */
  private lenEncoded = false;
  /** where the string `strRange()` just read lives: `rBuf[rOff, rOff + rLen)` (no view per blob) */
  private rBuf: Uint8Array = new Uint8Array(0);
  private rOff = 0;
  private rLen = 0;
  /** reused by every `listpackScan` */
  private readonly scan: LpScanResult = { maxLen: 0, badScoreAt: -1, badScoreLen: 0 };
  /** the entry `parseRecord()` just read when it returned null (entries are not wrapped on the in-memory path) */
  private entryOut: DecodedEntry | undefined;
  /** decodeRdb's sink: entries go here unwrapped (set through `setEntrySink`, never by users) */
  private onEntry: ((e: DecodedEntry) => void) | undefined;
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
    this.thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
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
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.chunkBytes += chunk.length;
    }
    const out: RdbRecord[] = [];
    this.drain((r) => out.push(r));
    return out;
  }

  /**
   * As `push`, but hands each record to `onRecord` the moment it is parsed, without collecting
   * them: records the caller drops die young, which keeps the garbage collector cheap on big files.
   */
  feed(chunk: Uint8Array, onRecord: (r: RdbRecord) => void): void {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.chunkBytes += chunk.length;
    }
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
    this.final = true;
    if (lastChunk !== undefined && lastChunk.length > 0) {
      this.chunks.push(lastChunk);
      this.chunkBytes += lastChunk.length;
    }
    this.drain(onRecord);
    if (this.phase !== 'done') {
      throw new RdbFormatError('TRUNCATED', this.base + this.buffered(), `input ended before the EOF opcode and checksum (phase ${this.phase})`);
    }
  }

  /** The bytes pushed after the end of the RDB payload (an AOF preamble's command tail). */
  remaining(): Uint8Array {
    this.flatten();
    return this.buf.subarray(this.pos);
  }

  private buffered(): number {
    return this.buf.length - this.pos + this.chunkBytes;
  }

  private flatten(): void {
    if (this.chunks.length === 0) return;
    const rest = this.buf.length - this.pos;
    if (rest === 0 && this.chunks.length === 1) {
      // nothing left over: take the chunk as it is (no copy)
      this.base += this.buf.length;
      this.buf = this.chunks[0]!;
      this.pos = 0;
      this.chunks = [];
      this.chunkBytes = 0;
      return;
    }
    const merged = allocBytes(rest + this.chunkBytes);
    this.stats.copiedBytes += merged.length;
    merged.set(this.buf.subarray(this.pos), 0);
    let o = rest;
    for (const c of this.chunks) {
      merged.set(c, o);
      o += c.length;
    }
    this.base += this.pos;
    this.buf = merged;
    this.pos = 0;
    this.chunks = [];
    this.chunkBytes = 0;
  }

  private drain(sink: (r: RdbRecord) => void): void {
    if (this.phase === 'done') return;
    if (!this.final && this.base + this.pos + this.buffered() < this.need) return;
    this.flatten();
    const onEntry = this.onEntry;
    while (!this.done) {
      const start = this.pos;
      try {
        const rec = this.phase === 'header' ? this.parseHeader() : this.parseRecord();
        this.stats.parsedBytes += this.pos - start;
        if (rec === null) {
          // an entry (never the EOF record)
          if (this.version >= 5) this.crc.update(this.buf, start, this.pos);
          const e = this.entryOut!;
          this.entryOut = undefined;
          if (onEntry !== undefined) onEntry(e);
          else sink({ kind: 'entry', entry: e });
          continue;
        }
        if (rec.kind !== 'eof' && this.version >= 5) this.crc.update(this.buf, start, this.pos);
        sink(rec);
      } catch (e) {
        if (e instanceof NeedMore) {
          // the attempt walked `walked` bytes of this record and will walk them again: retry only
          // when the bytes it needs are there AND at least twice what it walked, so the attempts on
          // one record cost a geometric series, O(record) in all, whatever the chunk sizes (13.2)
          const walked = this.pos - start;
          this.stats.parsedBytes += walked;
          this.pos = start;
          this.need = Math.max(e.need, this.base + start + 2 * walked);
          if (this.final) {
            throw new RdbFormatError('TRUNCATED', this.base + this.buf.length, `input ended inside a record that starts at byte ${this.base + start} (needs ${e.need - this.base - this.buf.length} more bytes)`);
          }
          return;
        }
        throw e;
      }
    }
  }

  // ---------------------------------------------------------------- primitive reads

  private at(): number {
    return this.base + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n > this.buf.length) throw new NeedMore(this.base + this.pos + n);
  }

  /** A length announcing `n` bytes/elements: in the final (in-memory) pass, impossible ones fail at once. */
  private checkAnnounced(n: number, what: string, minBytesEach = 1, at = this.at()): void {
    if (this.final && n * minBytesEach > this.buf.length - this.pos) {
      throw new RdbFormatError('BAD_LENGTH', at, `${what} announces ${n}, but only ${this.buf.length - this.pos} bytes remain`);
    }
  }

  private u8(): number {
    this.ensure(1);
    return this.buf[this.pos++]!;
  }

  private take(n: number, lenAt = this.at()): Uint8Array {
    this.checkAnnounced(n, 'a string length', 1, lenAt);
    this.ensure(n);
    // a view, not a copy: one small object instead of a new ArrayBuffer per string (the file's
    // buffer stays alive while decoded values are referenced; copy them to let it go)
    const s = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  /** rdbLoadLenByRef: returns the value; `this.lenEncoded` says whether it was a special string encoding (no tuple per call). */
  private lenOrEnc(): number {
    const b = this.u8();
    const kind = b >> 6;
    if (kind === 0) {
      this.lenEncoded = false;
      return b & 0x3f;
    }
    if (kind === 1) {
      this.ensure(1);
      this.lenEncoded = false;
      return ((b & 0x3f) << 8) | this.buf[this.pos++]!;
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
      const v = ((bb[p]! << 24) | (bb[p + 1]! << 16) | (bb[p + 2]! << 8) | bb[p + 3]!) >>> 0;
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

  private len(): number {
    const at = this.at();
    const v = this.lenOrEnc();
    if (this.lenEncoded) throw new RdbFormatError('BAD_LENGTH', at, `expected a length, found a special string encoding (0x${(0xc0 | v).toString(16)})`);
    return v;
  }

  /** rdbGenericLoadStringObject: raw, INT8/16/32 (as decimal text) or LZF. */
  private str(): Uint8Array {
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
        const x = ((this.buf[this.pos]! | (this.buf[this.pos + 1]! << 8)) << 16) >> 16;
        this.pos += 2;
        return intToBytes(x);
      }
      case 2: {
        this.ensure(4);
        const b = this.buf;
        const p = this.pos;
        const x = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
        this.pos += 4;
        return intToBytes(x);
      }
      case 3: {
        const clen = this.len();
        const ulen = this.len();
        this.checkAnnounced(clen, 'an LZF compressed length', 1, at);
        this.ensure(clen);
        const comp = this.buf.subarray(this.pos, this.pos + clen);
        this.pos += clen;
        return lzfDecompress(comp, ulen, at);
      }
      default:
        throw new RdbFormatError('BAD_STRING_ENCODING', at, `unknown string encoding ${v} (expected 0 INT8, 1 INT16, 2 INT32 or 3 LZF)`);
    }
  }

  /**
   * `str()` without a view: the string is left at `rBuf[rOff, rOff + rLen)`, in the input buffer
   * itself when stored raw (the common case for listpacks and intsets), else in a new array.
   */
  private strRange(): void {
    const at = this.at();
    const v = this.lenOrEnc();
    if (!this.lenEncoded) {
      this.checkAnnounced(v, 'a string length', 1, at);
      this.ensure(v);
      this.rBuf = this.buf;
      this.rOff = this.pos;
      this.rLen = v;
      this.pos += v;
      return;
    }
    this.pos = at - this.base;
    const s = this.str();
    this.rBuf = s;
    this.rOff = 0;
    this.rLen = s.length;
  }

  /**
   * An RDB_TYPE_STRING value. Raw and INT8/16/32 strings are left in place (undefined returned:
   * the entry reads them again on first access — an INT one, like Redis's OBJ_ENCODING_INT, is
   * just a number until then); LZF strings are decompressed now and returned.
   */
  private stringValue(): RedisValue | undefined {
    const at = this.at();
    const v = this.lenOrEnc();
    if (!this.lenEncoded) {
      this.checkAnnounced(v, 'a string length', 1, at);
      this.ensure(v);
      const off = this.pos;
      this.pos += v;
      const b = this.buf;
      this.enc = v <= 20 && parseCanonicalInt(b, off, off + v) !== undefined ? 'int' : v <= 44 ? 'embstr' : 'raw';
      return undefined;
    }
    if (v <= 2) {
      // INT8 / INT16 / INT32: 1, 2 or 4 bytes, read again by the entry on first access
      const size = v === 0 ? 1 : v === 1 ? 2 : 4;
      this.ensure(size);
      this.pos += size;
      // the decimal text of an INT8/16/32 is canonical and at most 11 characters: tryObjectEncoding's "int"
      this.enc = 'int';
      return undefined;
    }
    this.pos = at - this.base;
    const s = this.str();
    this.enc = stringEncoding(s);
    return { type: 'string', value: s };
  }

  private binaryDouble(): number {
    this.ensure(8);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  /** rdbLoadDoubleValue (RDB_TYPE_ZSET): 1 length byte (253 nan, 254 +inf, 255 -inf) + text. */
  private textDouble(): number {
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

  // ---------------------------------------------------------------- records

  private parseHeader(): RdbRecord {
    this.ensure(9);
    const b = this.buf;
    const p = this.pos;
    if (b[p] !== 0x52 || b[p + 1] !== 0x45 || b[p + 2] !== 0x44 || b[p + 3] !== 0x49 || b[p + 4] !== 0x53) {
      throw new RdbFormatError('BAD_MAGIC', this.at(), `expected "REDIS", found ${JSON.stringify(bytesToAscii(b.subarray(p, p + 5)))}`);
    }
    let version = 0;
    for (let i = 5; i < 9; i++) {
      const c = b[p + i]!;
      if (c < 0x30 || c > 0x39) throw new RdbFormatError('BAD_VERSION', this.at() + i, `expected 4 version digits, found ${JSON.stringify(bytesToAscii(b.subarray(p + 5, p + 9)))}`);
      version = version * 10 + (c - 0x30);
    }
    if (version < 1 || version > RDB_VERSION) {
      const who = version === 11 ? ' (Redis 7.2)' : version === 12 ? ' (Redis 7.4)' : version > 12 ? ' (newer than Redis 7.4)' : '';
      throw new RdbFormatError('UNSUPPORTED_VERSION', this.at() + 5, `Can't handle RDB format version ${version}${who}: this loader reads versions 1..${RDB_VERSION} (Redis 7.0)`);
    }
    this.pos += 9;
    this.version = version;
    this.phase = 'body';
    return { kind: 'header', version, offset: this.base + p };
  }

  /** One record; null for a key entry, which is left in `this.entryOut`. */
  private parseRecord(): RdbRecord | null {
    const offset = this.at();
    let expireAtMs: number | undefined;
    let lruIdle: number | undefined;
    let lfuFreq: number | undefined;
    // EXPIRETIME / IDLE / FREQ prefix the key they belong to: parse them together with it
    for (;;) {
      const op = this.u8();
      switch (op) {
        case RDB_OPCODE_EXPIRETIME_MS: {
          this.ensure(8);
          const b = this.buf;
          const p = this.pos;
          const lo = (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
          const hi = b[p + 4]! | (b[p + 5]! << 8) | (b[p + 6]! << 16) | (b[p + 7]! << 24); // signed
          this.pos += 8;
          expireAtMs = hi * 4294967296 + lo; // exact for |ms| < 2^53
          continue;
        }
        case RDB_OPCODE_EXPIRETIME: {
          this.ensure(4);
          const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getInt32(0, true);
          this.pos += 4;
          expireAtMs = v * 1000;
          continue;
        }
        case RDB_OPCODE_IDLE:
          lruIdle = this.len();
          continue;
        case RDB_OPCODE_FREQ:
          lfuFreq = this.u8();
          continue;
        default:
          break;
      }
      const prefixed = expireAtMs !== undefined || lruIdle !== undefined || lfuFreq !== undefined;
      if (op >= 0xf5 && prefixed) {
        throw new RdbFormatError('UNKNOWN_OPCODE', this.at() - 1, `expected a value type after EXPIRETIME/IDLE/FREQ, found opcode 0x${op.toString(16)}`);
      }
      switch (op) {
        case RDB_OPCODE_AUX: {
          const key = this.str();
          const value = this.str();
          return { kind: 'aux', key, value, offset };
        }
        case RDB_OPCODE_SELECTDB: {
          const db = this.len();
          this.db = db;
          return { kind: 'selectdb', db, offset };
        }
        case RDB_OPCODE_RESIZEDB: {
          const dbSize = this.len();
          const expiresSize = this.len();
          return { kind: 'resizedb', dbSize, expiresSize, offset };
        }
        case RDB_OPCODE_FUNCTION2:
          return { kind: 'function', code: this.str(), offset };
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
    let checksum = 0n;
    if (this.version >= 5) {
      this.ensure(8); // before touching the CRC: a NeedMore here re-runs this record
      this.crc.update(this.buf, this.pos - 1, this.pos); // the EOF opcode is covered
      checksum = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getBigUint64(0, true);
      this.pos += 8;
    }
    const computedChecksum = this.version >= 5 ? this.crc.digest() : 0n;
    if (this.verify && checksum !== 0n && checksum !== computedChecksum) {
      throw new RdbFormatError('CHECKSUM_MISMATCH', offset + 1, `Wrong RDB checksum: stored 0x${checksum.toString(16).padStart(16, '0')}, computed 0x${computedChecksum.toString(16).padStart(16, '0')}`);
    }
    this.phase = 'done';
    this.endOffset = this.at();
    return { kind: 'eof', offset, checksum, computedChecksum, endOffset: this.at() };
  }

  private parseEntry(type: number, offset: number, expireAtMs: number | undefined, lruIdle: number | undefined, lfuFreq: number | undefined): null {
    const typeAt = this.at() - 1;
    const typeName = RDB_TYPE_NAMES[type];
    if (typeName === undefined) {
      const newer = NEWER_TYPE_NAMES[type];
      throw new RdbFormatError('UNKNOWN_OPCODE', typeAt, newer !== undefined
        ? `object type ${type} is RDB_TYPE_${newer}, newer than RDB ${RDB_VERSION}`
        : `unknown object type or opcode ${type} (0x${type.toString(16)})`);
    }
    this.strRange();
    // a key stored raw stays a range of the input; an INT/LZF-encoded one is already its own array
    const kInBuf = this.rBuf === this.buf;
    const kOff = this.rOff;
    const kLen = this.rLen;
    const kArr = kInBuf ? undefined : this.rBuf; // strRange gives such keys as a whole array
    const valueAt = this.at();
    const vStart = this.pos;
    const value = this.value(type, typeName, valueAt);
    const entry = expireAtMs === undefined
      ? new Entry(this.db, this.buf, kOff, kLen, kArr, vStart, value, type, typeName, this.enc, offset)
      : new EntryWithTtl(this.db, this.buf, kOff, kLen, kArr, vStart, value, type, typeName, this.enc, offset, expireAtMs);
    if (lruIdle !== undefined) entry.lruIdle = lruIdle;
    if (lfuFreq !== undefined) entry.lfuFreq = lfuFreq;
    this.entryOut = entry;
    return null;
  }

  /**
   * The blob `strRange()` left in rBuf: when it lies in the input buffer, leave it there for the
   * entry (undefined); else (LZF-decompressed) wrap it now.
   */
  private packed(type: 'list' | 'set' | 'zset' | 'hash'): RedisValue | undefined {
    if (this.rBuf === this.buf) return undefined;
    return new PackedValue(type, this.rBuf, this.rOff, this.rLen).asValue();
  }

  /**
   * rdbLoadObject: the value for one type code, and (in `enc`) the encoding Redis keeps after
   * loading it. Returns undefined when the value was left in the input buffer (types 0, 11, 16, 17
   * and single-node 18, stored raw), for the entry to expand on first read.
   */
  private value(type: number, typeName: string, at: number): RedisValue | undefined {
    const t = this.thresholds;
    switch (type) {
      case 0:
        return this.stringValue();
      case 1: {
        const n = this.len();
        this.checkAnnounced(n, 'a list');
        const items: Uint8Array[] = [];
        for (let i = 0; i < n; i++) items.push(this.str());
        this.enc = 'quicklist';
        return { type: 'list', value: items };
      }
      case 2: {
        const n = this.len();
        this.checkAnnounced(n, 'a set');
        const items: Uint8Array[] = [];
        for (let i = 0; i < n; i++) items.push(this.str());
        this.enc = setEncoding(items, t);
        return { type: 'set', value: items };
      }
      case 3:
      case 5: {
        const n = this.len();
        this.checkAnnounced(n, 'a sorted set', type === 5 ? 9 : 2);
        const items: { member: Uint8Array; score: number }[] = [];
        for (let i = 0; i < n; i++) {
          const member = this.str();
          const score = type === 5 ? this.binaryDouble() : this.textDouble();
          items.push({ member, score });
        }
        items.sort(compareZsetItems);
        this.enc = zsetEncoding(items, t);
        return { type: 'zset', value: items };
      }
      case 4: {
        const n = this.len();
        this.checkAnnounced(n, 'a hash', 2);
        const pairs: [Uint8Array, Uint8Array][] = [];
        for (let i = 0; i < n; i++) {
          const f = this.str();
          pairs.push([f, this.str()]);
        }
        this.enc = hashEncoding(pairs, t);
        return { type: 'hash', value: pairs };
      }
      case 9: {
        const pairs = zipmapDecode(this.str(), at);
        this.enc = hashEncoding(pairs, t);
        return { type: 'hash', value: pairs };
      }
      case 10: {
        this.enc = 'quicklist';
        return { type: 'list', value: ziplistDecode(this.str(), at) };
      }
      case 11: {
        // kept as the intset blob (rdbLoadObject: intsetValidateIntegrity, then used as is)
        this.strRange();
        const n = intsetScan(this.rBuf, this.rOff, this.rLen, at);
        this.enc = n > t.setMaxIntsetEntries ? 'hashtable' : 'intset';
        return this.packed('set');
      }
      case 12: {
        const blob = this.str();
        const flat: LpValue[] = ziplistDecode(blob, at);
        if (flat.length % 2 !== 0) throw new RdbFormatError('BAD_ZIPLIST', at, `sorted set container has an odd number (${flat.length}) of elements`);
        const items: { member: Uint8Array; score: number }[] = [];
        for (let i = 0; i < flat.length; i += 2) {
          items.push({ member: lpValueBytes(flat[i]!), score: scoreOf(flat[i + 1]!, at) });
        }
        items.sort(compareZsetItems);
        this.enc = items.length > t.zsetMaxListpackEntries ? 'skiplist' : 'listpack';
        return { type: 'zset', value: items };
      }
      case 17: {
        // kept as the listpack (lpValidateIntegrity + zsetZiplistValidateIntegrity), expanded on first read
        this.strRange();
        const sc = this.scan;
        const n = listpackScan(this.rBuf, this.rOff, this.rLen, at, sc, true);
        if (n % 2 !== 0) throw new RdbFormatError('BAD_LISTPACK', at, `sorted set container has an odd number (${n}) of elements`);
        if (sc.badScoreAt >= 0) {
          const txt = bytesToAscii(this.rBuf.subarray(sc.badScoreAt, sc.badScoreAt + sc.badScoreLen));
          throw new RdbFormatError('BAD_DOUBLE', at, `sorted set score ${JSON.stringify(txt)} is not a number`);
        }
        this.enc = n / 2 > t.zsetMaxListpackEntries ? 'skiplist' : 'listpack';
        return this.packed('zset');
      }
      case 16: {
        // kept as the listpack (lpValidateIntegrity + hashZiplistValidateIntegrity), expanded on first read
        this.strRange();
        const sc = this.scan;
        const n = listpackScan(this.rBuf, this.rOff, this.rLen, at, sc, false);
        if (n % 2 !== 0) throw new RdbFormatError('BAD_LISTPACK', at, `hash container has an odd number (${n}) of elements`);
        // hashTypeTryConversion's thresholds, from the walk: pair count and the longest field or value
        this.enc = n / 2 > t.hashMaxListpackEntries || sc.maxLen > t.hashMaxListpackValue ? 'hashtable' : 'listpack';
        return this.packed('hash');
      }
      case 13: {
        const blob = this.str();
        const flat: LpValue[] = ziplistDecode(blob, at);
        if (flat.length % 2 !== 0) throw new RdbFormatError('BAD_ZIPLIST', at, `hash container has an odd number (${flat.length}) of elements`);
        const pairs: [Uint8Array, Uint8Array][] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push([lpValueBytes(flat[i]!), lpValueBytes(flat[i + 1]!)]);
        this.enc = hashEncoding(pairs, t);
        return { type: 'hash', value: pairs };
      }
      case 14: {
        const nodes = this.len();
        this.checkAnnounced(nodes, 'a quicklist node count', 1);
        const items: Uint8Array[] = [];
        for (let i = 0; i < nodes; i++) {
          const blobAt = this.at();
          const els = ziplistDecode(this.str(), blobAt);
          if (els.length === 0) throw new RdbFormatError('BAD_QUICKLIST', blobAt, 'empty node in quicklist');
          for (const e of els) items.push(lpValueBytes(e));
        }
        this.enc = 'quicklist';
        return { type: 'list', value: items };
      }
      case 18: {
        // nodes kept as listpacks / PLAIN blobs (rdbLoadObject validates each node and links it as is)
        const nodes = this.len();
        this.checkAnnounced(nodes, 'a quicklist node count', 2);
        this.enc = 'quicklist';
        const sc = this.scan;
        let first: Uint8Array | undefined;
        let firstOff = 0;
        let firstLen = 0;
        // more than one node or a PLAIN node: (container, view) per node, copied into one buffer
        // at the end (LZF-compressed nodes are decompressed by strRange, as they are on load)
        let many: (number | Uint8Array)[] | undefined;
        for (let i = 0; i < nodes; i++) {
          const nodeAt = this.at();
          const container = this.len();
          if (container !== QUICKLIST_NODE_PLAIN && container !== QUICKLIST_NODE_PACKED) throw new RdbFormatError('BAD_QUICKLIST', nodeAt, `quicklist node container ${container} is neither 1 (PLAIN) nor 2 (PACKED)`);
          const blobAt = this.at();
          this.strRange();
          if (container === QUICKLIST_NODE_PACKED) {
            // Redis 7.0 rejects empty nodes ("Empty listpack/ziplist in quicklist"); so do we
            if (listpackScan(this.rBuf, this.rOff, this.rLen, blobAt, sc, false) === 0) throw new RdbFormatError('BAD_QUICKLIST', blobAt, 'empty node in quicklist');
          }
          if (i === 0 && container === QUICKLIST_NODE_PACKED) {
            first = this.rBuf;
            firstOff = this.rOff;
            firstLen = this.rLen;
            continue;
          }
          if (many === undefined) {
            many = [];
            if (first !== undefined) many.push(QUICKLIST_NODE_PACKED, first.subarray(firstOff, firstOff + firstLen));
          }
          many.push(container, this.rBuf.subarray(this.rOff, this.rOff + this.rLen));
        }
        if (many === undefined) {
          if (first !== undefined) {
            this.rBuf = first;
            this.rOff = firstOff;
            this.rLen = firstLen;
            return this.packed('list');
          }
          return { type: 'list', value: [] };
        }
        let total = 0;
        for (let i = 1; i < many.length; i += 2) total += (many[i] as Uint8Array).length;
        const joined = new Uint8Array(total);
        const segs: number[] = [];
        let o = 0;
        for (let i = 0; i < many.length; i += 2) {
          const node = many[i + 1] as Uint8Array;
          joined.set(node, o);
          segs.push(many[i] as number, o, node.length);
          o += node.length;
        }
        return new PackedValue('list', joined, 0, total, segs).asValue();
      }
      default:
        throw new RdbFormatError('UNSUPPORTED_TYPE', at - 1, `object type ${type} (RDB_TYPE_${typeName}) is not supported by this package (streams and modules are out of scope)`);
    }
  }
}

function scoreOf(v: LpValue, at: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const t = bytesToAscii(v);
  const d = parseDoubleText(t);
  if (d === undefined) throw new RdbFormatError('BAD_DOUBLE', at, `sorted set score ${JSON.stringify(t)} is not a number`);
  return d;
}

/** tryObjectEncoding on a loaded string: int if it is a canonical long of <= 20 chars, embstr if <= 44 bytes. */
export function stringEncoding(s: Uint8Array): Encoding {
  if (s.length <= 20 && parseCanonicalInt(s) !== undefined) return 'int';
  return s.length <= 44 ? 'embstr' : 'raw';
}

/** rdbLoadObject RDB_TYPE_SET: an intset while every member is an integer and the count fits. */
export function setEncoding(items: readonly Uint8Array[], t: EncodingThresholds = DEFAULT_THRESHOLDS): Encoding {
  if (items.length > t.setMaxIntsetEntries) return 'hashtable';
  for (const m of items) if (m.length > 20 || parseCanonicalInt(m) === undefined) return 'hashtable';
  return 'intset';
}

/** zsetConvert after load / zsetTypeCreate: listpack while small enough. */
export function zsetEncoding(items: readonly { member: Uint8Array }[], t: EncodingThresholds = DEFAULT_THRESHOLDS): Encoding {
  if (items.length > t.zsetMaxListpackEntries) return 'skiplist';
  for (const it of items) if (it.member.length > t.zsetMaxListpackValue) return 'skiplist';
  return 'listpack';
}

/** hashTypeTryConversion: listpack while entries and every field/value length are under the limits. */
export function hashEncoding(pairs: readonly [Uint8Array, Uint8Array][], t: EncodingThresholds = DEFAULT_THRESHOLDS): Encoding {
  if (pairs.length > t.hashMaxListpackEntries) return 'hashtable';
  for (const [f, v] of pairs) if (f.length > t.hashMaxListpackValue || v.length > t.hashMaxListpackValue) return 'hashtable';
  return 'listpack';
}

// ------------------------------------------------------------------ in-memory form

export interface DecodedDatabase {
  db: number;
  resizeDb?: { dbSize: number; expiresSize: number };
  entries: DecodedEntry[];
}

export interface DecodedRdb {
  version: number;
  /** AUX fields in file order (key and value as bytes; decode with `auxText`) */
  aux: { key: Uint8Array; value: Uint8Array }[];
  functions: Uint8Array[];
  databases: DecodedDatabase[];
  checksum: bigint;
  computedChecksum: bigint;
  /** offset just past the checksum (for an AOF preamble: where the RESP commands start) */
  endOffset: number;
}

/**
 * Decode a whole RDB held in memory. Bytes after the payload are allowed (AOF preamble) and
 * reported through `endOffset`. Duplicate keys in one database are rejected as Redis does.
 * Every payload is validated here; keys and values are read from `bytes` on first access, so the
 * entries keep `bytes` alive and see any later write to it: do not reuse the buffer while they are
 * in use (copy what must outlive it).
 */
export function decodeRdb(bytes: Uint8Array, opts: RdbDecoderOptions = {}): DecodedRdb {
  const dec = new RdbDecoder(opts);
  const result: DecodedRdb = { version: dec.version, aux: [], functions: [], databases: [], checksum: 0n, computedChecksum: 0n, endOffset: 0 };
  let current: DecodedDatabase | undefined;
  let currentKeys: KeyTable | undefined;
  // duplicate detection without a string or a Map entry per key: an open-addressing table of
  // (FNV-1a hash, entry index) per db, and a byte comparison only when two keys hash alike
  const tables = new Map<number, KeyTable>();
  const dbFor = (n: number): DecodedDatabase => {
    if (current?.db !== n) {
      current = result.databases.find((d) => d.db === n);
      if (current === undefined) {
        current = { db: n, entries: [] };
        result.databases.push(current);
      }
      currentKeys = tables.get(n);
      if (currentKeys === undefined) tables.set(n, (currentKeys = new KeyTable(current.entries)));
    }
    return current;
  };
  setEntrySink(dec, (e) => {
    const d = current?.db === e.db ? current : dbFor(e.db);
    if (!currentKeys!.add(e)) {
      throw new RdbFormatError('DUPLICATE_KEY', e.offset, `duplicate key ${JSON.stringify(bytesToAscii(e.key.subarray(0, 40)))} in db ${e.db}`);
    }
    d.entries.push(e);
  });
  dec.finish(bytes, (r) => {
    switch (r.kind) {
      case 'aux':
        result.aux.push({ key: r.key, value: r.value });
        break;
      case 'function':
        result.functions.push(r.code);
        break;
      case 'selectdb':
        dbFor(r.db);
        break;
      case 'resizedb':
        dbFor(current?.db ?? 0).resizeDb = { dbSize: r.dbSize, expiresSize: r.expiresSize };
        // size the key table from the hint (rdbLoad's dictExpand), but never beyond what the bytes
        // left could hold (a record takes at least 3 bytes) nor 2M keys (32 MB), so a forged hint
        // cannot balloon it; beyond that the table grows as keys arrive
        currentKeys!.reserve(Math.min(r.dbSize, Math.floor((bytes.length - r.offset) / 3), 1 << 21));
        break;
      case 'entry':
        break; // entries went to the sink above
      case 'eof':
        result.checksum = r.checksum;
        result.computedChecksum = r.computedChecksum;
        result.endOffset = r.endOffset;
        break;
      case 'header':
        break;
    }
  });
  result.version = dec.version;
  return result;
}

/**
 * The keys of one database, for duplicate detection: linear probing over two Int32Arrays (hash,
 * 1 + index into `entries`), so a million keys cost no per-key objects. `add` is called before the
 * entry is pushed, so the new key's index is `entries.length`.
 */
class KeyTable {
  /** pairs (hash, 1 + entry index), 0 = empty slot: one cache line holds both halves of a probe */
  private table = new Int32Array(2048);
  private mask = 1023;
  private size = 0;

  constructor(private readonly entries: readonly DecodedEntry[]) {}

  /** Make room for `n` keys without rehashing (load factor <= 1/2). */
  reserve(n: number): void {
    let mask = this.mask;
    while (n * 2 > mask) mask = mask * 2 + 1;
    if (mask !== this.mask) this.grow(mask);
  }

  /** false when an entry with an equal key is already present */
  add(e: DecodedEntry): boolean {
    const h = entryKeyHash(e);
    const mask = this.mask;
    const t = this.table;
    let i = h & mask;
    for (;;) {
      const s = t[2 * i + 1]!;
      if (s === 0) break;
      if (t[2 * i] === h && entryKeyEquals(this.entries[s - 1]!, e)) return false;
      i = (i + 1) & mask;
    }
    t[2 * i] = h;
    t[2 * i + 1] = this.entries.length + 1;
    if (++this.size * 2 > mask) this.grow();
    return true;
  }

  private grow(mask = this.mask * 2 + 1): void {
    const old = this.table;
    const t = new Int32Array(2 * (mask + 1));
    for (let j = 0; j < old.length; j += 2) {
      const s = old[j + 1]!;
      if (s === 0) continue;
      const h = old[j]!;
      let i = h & mask;
      while (t[2 * i + 1] !== 0) i = (i + 1) & mask;
      t[2 * i] = h;
      t[2 * i + 1] = s;
    }
    this.table = t;
    this.mask = mask;
  }
}

/** 32-bit FNV-1a of the key bytes, as a signed int (a small integer for V8, never a heap number). */
function fnv1a(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h;
}

/** An AUX value as text (they are ASCII in every file Redis writes). */
export function auxText(rdb: DecodedRdb, name: string): string | undefined {
  const a = rdb.aux.find((x) => bytesToAscii(x.key) === name);
  return a === undefined ? undefined : bytesToAscii(a.value);
}

/** Every entry of every database, in file order. */
export function* allEntries(rdb: DecodedRdb): Iterable<DecodedEntry> {
  for (const d of rdb.databases) yield* d.entries;
}
