/**
 * RDB encoder: writes RDB version 10 exactly as Redis 7.0's `rdbSaveRio` lays it out —
 * header, AUX fields (`rdbSaveInfoAuxFields`), per non-empty database SELECTDB + RESIZEDB, per key
 * `rdbSaveKeyValuePair` (EXPIRETIME_MS, then type byte, key, `rdbSaveObject`), EOF, CRC-64.
 *
 * Encodings follow what Redis 7.0 would hold in memory (`entry.encoding` when given, else the
 * default-threshold rules): strings through `rdbSaveRawString` (INT8/16/32 for canonical integers
 * of <= 11 chars, LZF for > 20 bytes when it saves >= 4 bytes, else raw), lists as QUICKLIST_2 in
 * the nodes the value carries (`nodes`), else in the 8 KB listpack nodes RPUSH would build, sets as
 * INTSET or SET, zsets as ZSET_LISTPACK or ZSET_2, hashes as HASH_LISTPACK or HASH.
 */
import { Crc64 } from './crc64.js';
import { lzfCompressView } from './lzf.js';
import { asciiBytes, parseCanonicalInt } from './bytes.js';
import { invariant, RdbFormatError } from './errors.js';
import { isEmptyValue, writeKeyValuePair } from './encode-object.js';
import { RDB_OPCODE_AUX, RDB_OPCODE_EOF, RDB_OPCODE_RESIZEDB, RDB_OPCODE_SELECTDB, type EncodingThresholds } from './constants.js';
import type { EntrySource, KeyEntry } from './model.js';

export interface EncodeOptions {
  /** rdbcompression (default true): LZF for strings and blobs over 20 bytes */
  compression?: boolean;
  /** rdbchecksum (default true): CRC-64 after EOF; false writes 8 zero bytes */
  checksum?: boolean;
  /**
   * AUX fields. Default: redis-ver 7.0.15, redis-bits 64, ctime (from `ctimeSec`), used-mem
   * (from `usedMem`), aof-base (from `aofBase`). Pass an array to replace them entirely.
   */
  aux?: readonly (readonly [string | Uint8Array, string | Uint8Array])[];
  ctimeSec?: number;
  usedMem?: number;
  /** write aof-base=1, as Redis does for an AOF base file with an RDB preamble */
  aofBase?: boolean;
  /** thresholds used when an entry carries no `encoding` (default: Redis 7.0's) */
  thresholds?: EncodingThresholds;
  /** `quicklist.packed_threshold` (1 GB in Redis): elements this large get their own PLAIN node */
  packedThreshold?: number;
  /** per-key LRU idle seconds / LFU counter, written as IDLE / FREQ when returned */
  lruIdle?: (e: KeyEntry) => number | undefined;
  lfuFreq?: (e: KeyEntry) => number | undefined;
  /** Redis Functions library sources, written as FUNCTION2 records */
  functions?: readonly Uint8Array[];
}

const SCRATCH8 = new Uint8Array(8);
const SCRATCH_DV = new DataView(SCRATCH8.buffer);

/** Growable output buffer. */
class Out {
  buf = new Uint8Array(1 << 16);
  n = 0;

  private grow(extra: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.n + extra) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.n));
    this.buf = nb;
  }

  byte(b: number): void {
    if (this.n + 1 > this.buf.length) this.grow(1);
    this.buf[this.n++] = b;
  }

  bytes(b: Uint8Array): void {
    if (this.n + b.length > this.buf.length) this.grow(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  /** rdbSaveLen: the smallest of the 6/14/32/64-bit forms. */
  len(v: number): void {
    if (v < 64) this.byte(v);
    else if (v < 16384) {
      this.byte(0x40 | (v >>> 8));
      this.byte(v & 0xff);
    } else if (v <= 0xffffffff) {
      this.byte(0x80);
      this.byte((v >>> 24) & 0xff);
      this.byte((v >>> 16) & 0xff);
      this.byte((v >>> 8) & 0xff);
      this.byte(v & 0xff);
    } else {
      this.byte(0x81);
      const hi = Math.floor(v / 2 ** 32);
      const lo = v >>> 0;
      for (const w of [hi, lo]) {
        this.byte((w >>> 24) & 0xff);
        this.byte((w >>> 16) & 0xff);
        this.byte((w >>> 8) & 0xff);
        this.byte(w & 0xff);
      }
    }
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

export class RdbWriter {
  private readonly out = new Out();
  private readonly compression: boolean;

  constructor(opts: { compression?: boolean } = {}) {
    this.compression = opts.compression ?? true;
  }

  get length(): number {
    return this.out.n;
  }

  raw(b: Uint8Array | number[]): void {
    this.out.bytes(b instanceof Uint8Array ? b : Uint8Array.from(b));
  }

  byte(b: number): void {
    this.out.byte(b);
  }

  len(v: number): void {
    this.out.len(v);
  }

  /**
   * rdbSaveRawString: INT8/16/32 when `s` is a canonical integer of <= 11 chars that fits
   * (rdbTryIntegerEncoding), else LZF when compression is on and len > 20 and LZF saves >= 4 bytes
   * (rdbSaveLzfStringObject), else `<len> <bytes>`.
   */
  string(s: Uint8Array): void {
    const o = this.out;
    const n = s.length;
    if (n <= 11 && n > 0) {
      const v = parseCanonicalInt(s);
      if (typeof v === 'number' && v >= -2147483648 && v <= 2147483647) {
        if (v >= -128 && v <= 127) {
          o.byte(0xc0);
          o.byte(v & 0xff);
        } else if (v >= -32768 && v <= 32767) {
          o.byte(0xc1);
          o.byte(v & 0xff);
          o.byte((v >> 8) & 0xff);
        } else {
          o.byte(0xc2);
          o.byte(v & 0xff);
          o.byte((v >> 8) & 0xff);
          o.byte((v >> 16) & 0xff);
          o.byte((v >>> 24) & 0xff);
        }
        return;
      }
    }
    if (this.compression && n > 20) {
      const comp = lzfCompressView(s, n - 4); // scratch view: copied into the output right away
      if (comp !== undefined) {
        o.byte(0xc3);
        o.len(comp.length);
        o.len(n);
        o.bytes(comp);
        return;
      }
    }
    o.len(n);
    o.bytes(s);
  }

  binaryDouble(v: number): void {
    SCRATCH_DV.setFloat64(0, v, true);
    this.out.bytes(SCRATCH8);
  }

  int64LE(v: number): void {
    SCRATCH_DV.setBigInt64(0, BigInt(v), true);
    this.out.bytes(SCRATCH8);
  }

  result(): Uint8Array {
    return this.out.result();
  }

  /** The bytes written so far (no copy; valid until the next write). */
  view(): Uint8Array {
    return this.out.buf.subarray(0, this.out.n);
  }
}

function toBytes(s: string | Uint8Array): Uint8Array {
  return typeof s === 'string' ? new TextEncoder().encode(s) : s;
}

function isEntrySource(x: unknown): x is EntrySource {
  return typeof x === 'object' && x !== null && typeof (x as { entries?: unknown }).entries === 'function' && !(Symbol.iterator in x);
}

/**
 * Encode a keyspace (anything with `entries()`) or an iterable of entries as an RDB 10 file.
 * Databases are written in increasing number; keys in the order given. Empty collections are
 * skipped (Redis never holds an empty key, and 7.0's loader would drop it).
 */
export function encodeRdb(source: EntrySource | Iterable<KeyEntry>, opts: EncodeOptions = {}): Uint8Array {
  const iterable = isEntrySource(source) ? source.entries() : source;
  const byDb = new Map<number, KeyEntry[]>();
  for (const e of iterable) {
    if (!Number.isInteger(e.db) || e.db < 0) throw new RdbFormatError('ENCODE_INPUT', 0, `db must be a non-negative integer, got ${e.db}`);
    if (isEmptyValue(e.value)) continue;
    let list = byDb.get(e.db);
    if (list === undefined) byDb.set(e.db, (list = []));
    list.push(e);
  }
  const w = new RdbWriter({ compression: opts.compression ?? true });
  w.raw(asciiBytes('REDIS0010'));
  for (const [k, v] of auxFields(opts)) {
    w.byte(RDB_OPCODE_AUX);
    w.string(toBytes(k));
    w.string(toBytes(v));
  }
  for (const code of opts.functions ?? []) {
    w.byte(0xf5);
    w.string(code);
  }
  const dbs = [...byDb].sort((a, b) => a[0] - b[0]);
  let prevDb = -1;
  for (const [db, entries] of dbs) {
    invariant(db > prevDb, 'rdbSaveRio writes each database once, SELECTDB numbers ascending', () => `${db} after ${prevDb}`);
    prevDb = db;
    w.byte(RDB_OPCODE_SELECTDB);
    w.len(db);
    w.byte(RDB_OPCODE_RESIZEDB);
    w.len(entries.length);
    w.len(entries.reduce((n, e) => n + (e.expireAtMs !== undefined ? 1 : 0), 0));
    for (const e of entries) writeKeyValuePair(w, e, opts);
  }
  w.byte(RDB_OPCODE_EOF);
  if (opts.checksum ?? true) {
    w.raw(new Crc64().update(w.view()).digestBytes());
  } else {
    w.raw(new Uint8Array(8));
  }
  return w.result();
}

function auxFields(opts: EncodeOptions): (readonly [string | Uint8Array, string | Uint8Array])[] {
  if (opts.aux !== undefined) return [...opts.aux];
  return [
    ['redis-ver', '7.0.15'],
    ['redis-bits', '64'],
    ['ctime', String(Math.floor(opts.ctimeSec ?? 0))],
    ['used-mem', String(Math.floor(opts.usedMem ?? 0))],
    ['aof-base', opts.aofBase === true ? '1' : '0'],
  ];
}
