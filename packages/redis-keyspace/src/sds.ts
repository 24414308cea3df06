/**
 * Mutable string values (sds.c): what APPEND, SETRANGE and SETBIT write into in place, in
 * amortised O(1) per byte added, as Redis's sds with its preallocated free space — and the
 * allocation Redis 7.0 would hold for it, which MEMORY USAGE reports (object.c objectComputeSize
 * → sdsZmallocSize for OBJ_ENCODING_RAW).
 *
 * Redis 7.0's sds (redis/redis src/sds.c, 7.0):
 *  - sdsnewlen (createRawStringObject, dbUnshareStringValue's copy, SETRANGE/SETBIT on a new key,
 *    BITOP's result) allocates header + length + NUL exactly, in the header type sdsReqType gives
 *    the length (an empty string gets SDS_TYPE_8, not 5), and records as `alloc` the usable size
 *    jemalloc hands back (s_malloc_usable) less header and NUL, capped at what the type's field holds;
 *  - sdsMakeRoomFor (sdscatlen for APPEND, sdsgrowzero for SETRANGE / SETBIT / BITFIELD) does nothing
 *    while `alloc − len` covers the bytes to add (an SDS_TYPE_5 string has no free space); else the
 *    new length is doubled below SDS_MAX_PREALLOC (1 MB) or given 1 MB more past it, the header
 *    type is sdsReqType of that (never SDS_TYPE_5), and the block is reallocated (same type) or
 *    allocated anew (the type changed) at header + new length + NUL: again the usable size of
 *    that size class becomes `alloc`.
 */
import { jemallocSizeClass } from './zmalloc.js';

/** sds.h SDS_TYPE_5 … SDS_TYPE_64, named by the width of their length field. */
export type SdsType = 5 | 8 | 16 | 32 | 64;

/** object.c OBJ_ENCODING_EMBSTR_SIZE_LIMIT: longer strings set whole are raw sds. */
const OBJ_ENCODING_EMBSTR_SIZE_LIMIT = 44;

/** sds.c SDS_MAX_PREALLOC: past this length sdsMakeRoomFor adds 1 MB instead of doubling. */
export const SDS_MAX_PREALLOC = 1024 * 1024;

/** sds.c sdsReqType (7.0): the smallest header type whose length field holds `len`. */
export function sdsReqType(len: number): SdsType {
  if (len < 1 << 5) return 5;
  if (len < 1 << 8) return 8;
  if (len < 1 << 16) return 16;
  if (len < 2 ** 32) return 32;
  return 64;
}

/** sds.h sdsHdrSize: sizeof(struct sdshdr5/8/16/32/64). */
export function sdsTypeHdrSize(type: SdsType): number {
  return type === 5 ? 1 : type === 8 ? 3 : type === 16 ? 5 : type === 32 ? 9 : 17;
}

/** sds.c sdsTypeMaxSize: the largest `alloc` the type's field holds. */
function sdsTypeMaxSize(type: SdsType): number {
  return type === 64 ? Number.MAX_SAFE_INTEGER : 2 ** type - 1;
}

/** The header type sdsnewlen gives a string of `len` bytes (an empty one is SDS_TYPE_8). */
export function sdsNewType(len: number): SdsType {
  return len === 0 ? 8 : sdsReqType(len);
}

/** sds.c sdsReqType + sdsHdrSize: the header bytes of an sds of `len` bytes made by sdsnewlen. */
export function sdsHdrSize(len: number): number {
  return sdsTypeHdrSize(sdsNewType(len));
}

/** object.c sdsZmallocSize of an sds made exactly (sdsnewlen / sdsdup): header + len + NUL, as allocated. */
export function sdsZmallocSize(len: number): number {
  return jemallocSizeClass(sdsHdrSize(len) + len + 1);
}

/**
 * Bytes copied by RawStr growth and writes since start: the operation count behind the
 * complexity tests (APPEND/SETRANGE must be amortised O(1) per byte added, as sdsMakeRoomFor's
 * doubling makes them in Redis).
 */
export const rawStrCost = { bytesCopied: 0 };

/**
 * A string that Redis holds as RAW regardless of its length (after APPEND/SETRANGE/SETBIT): a
 * growable byte buffer, like an sds with free space. `s` is the binary-string view, decoded on
 * first read after a write. The JS buffer grows on its own schedule; `sdsType`, `sdsAlloc` and
 * `zmallocBytes` follow the sds Redis 7.0 would hold (see the file comment).
 */
export class RawStr {
  private buf: Uint8Array;
  private len: number;
  private view: string | undefined;
  /** OBJECT ENCODING: 'raw', or 'embstr' for a short string created without tryObjectEncoding (INCRBYFLOAT). */
  enc: 'raw' | 'embstr' = 'raw';
  /** Redis's sds header type for this string. */
  sdsType: SdsType = 8;
  /** sdsalloc: the bytes the sds may hold before sdsMakeRoomFor must reallocate (SDS_TYPE_5: its length). */
  sdsAlloc = 0;
  /** zmalloc_size of the sds block (header + alloc + NUL, as jemalloc sized it): sdsZmallocSize. */
  zmallocBytes = 0;

  /** createRawStringObject: an sds made by sdsnewlen, exactly as long as `s`. */
  constructor(s: string) {
    this.len = s.length;
    this.sdsNewlen(s.length);
    this.buf = new Uint8Array(Math.max(16, s.length));
    for (let i = 0; i < s.length; i++) this.buf[i] = s.charCodeAt(i);
    rawStrCost.bytesCopied += s.length;
    this.view = s;
  }

  get length(): number {
    return this.len;
  }

  get s(): string {
    if (this.view === undefined) this.view = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.len).toString('latin1');
    return this.view;
  }

  /** sds.c sdsnewlen's allocation for `len` bytes: exact, in sdsReqType's header. */
  private sdsNewlen(len: number): void {
    const type = sdsNewType(len);
    this.sdsType = type;
    this.zmallocBytes = jemallocSizeClass(sdsTypeHdrSize(type) + len + 1);
    this.sdsAlloc = type === 5 ? len : Math.min(this.zmallocBytes - sdsTypeHdrSize(type) - 1, sdsTypeMaxSize(type));
  }

  /**
   * sds.c sdsMakeRoomFor (greedy) for a string about to be `newlen` bytes long: Redis's sds
   * allocation only (the JS buffer is `reserve`'s).
   */
  private sdsMakeRoomFor(newlen: number): void {
    const avail = this.sdsType === 5 ? 0 : this.sdsAlloc - this.len;
    if (avail >= newlen - this.len) return;
    const greedy = newlen < SDS_MAX_PREALLOC ? newlen * 2 : newlen + SDS_MAX_PREALLOC;
    let type = sdsReqType(greedy);
    if (type === 5) type = 8; // a string being appended to never gets SDS_TYPE_5 (it has no free space)
    const hdr = sdsTypeHdrSize(type);
    this.sdsType = type;
    this.zmallocBytes = jemallocSizeClass(hdr + greedy + 1); // s_realloc_usable / s_malloc_usable
    this.sdsAlloc = Math.min(this.zmallocBytes - hdr - 1, sdsTypeMaxSize(type));
  }

  /** Room in the JS buffer for `need` bytes in total (doubling, or +1 MB past 1 MB, as sds does). */
  private reserve(need: number): void {
    if (need <= this.buf.length) return;
    const cap = need < SDS_MAX_PREALLOC ? need * 2 : need + SDS_MAX_PREALLOC;
    const grown = new Uint8Array(cap);
    grown.set(this.buf.subarray(0, this.len));
    rawStrCost.bytesCopied += this.len;
    this.buf = grown;
  }

  /**
   * An sds adopting `bytes` as its content (createObject over sdsnewlen): no copy, so the caller
   * hands over a buffer it no longer writes (BITOP's result, SETBIT's zeroed new value).
   */
  static fromBytes(bytes: Uint8Array): RawStr {
    const raw = new RawStr('');
    raw.buf = bytes;
    raw.len = bytes.length;
    raw.view = undefined;
    raw.sdsNewlen(bytes.length);
    return raw;
  }

  /**
   * db.c dbUnshareStringValue for a value held as a JS string, as the RawStr that is then written
   * in place. Up to OBJ_ENCODING_EMBSTR_SIZE_LIMIT (44) bytes Redis holds it as int or embstr and
   * copies it (createRawStringObject: sdsnewlen, exact). Longer, it is the raw sds the value was
   * stored with, written in place without a copy: an argument or loaded string that went through
   * object.c tryObjectEncoding, whose trimStringObjectIfNeeded (7.0) removed the free space when
   * it was more than a tenth of the length (sdsRemoveFreeSpace: `alloc` = length, the block
   * reallocated to the same size class).
   */
  static unshareOf(s: string): RawStr {
    const raw = new RawStr(s);
    if (s.length > OBJ_ENCODING_EMBSTR_SIZE_LIMIT && raw.sdsAlloc - s.length > Math.floor(s.length / 10)) raw.sdsAlloc = s.length;
    return raw;
  }

  /** createObject(OBJ_STRING, sdsnewlen(NULL, len)): `len` zero bytes, allocated exactly (SETRANGE on a new key). */
  static zeroed(len: number): RawStr {
    return RawStr.fromBytes(new Uint8Array(len));
  }

  /** The content in place, no copy (bitops.c reads o->ptr): callers only read it; writes go through setByte/write. */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  /** o->ptr[i] (0 past the end). */
  byteAt(i: number): number {
    return i < this.len ? (this.buf[i] ?? 0) : 0;
  }

  /** o->ptr[i] = v, for i < length (SETBIT, BITFIELD's setUnsignedBitfield). */
  setByte(i: number, v: number): void {
    this.buf[i] = v;
    this.view = undefined;
  }

  /** sds.c sdsgrowzero: at least `len` bytes, the new ones zero (no-op when already as long). */
  growZero(len: number): void {
    if (len <= this.len) return;
    this.sdsMakeRoomFor(len);
    this.reserve(len);
    this.buf.fill(0, this.len, len);
    rawStrCost.bytesCopied += len - this.len;
    this.len = len;
    this.view = undefined;
  }

  /** sdscatlen (sdsMakeRoomFor for the tail, even past an SDS_TYPE_5 string's end). */
  append(bin: string): void {
    this.write(this.len, bin);
  }

  /** sdsgrowzero + memcpy (SETRANGE): the gap, if any, is zero bytes. */
  write(offset: number, bin: string): void {
    const end = offset + bin.length;
    if (end > this.len) this.sdsMakeRoomFor(end);
    this.reserve(end);
    for (let i = 0; i < bin.length; i++) this.buf[offset + i] = bin.charCodeAt(i);
    rawStrCost.bytesCopied += bin.length;
    if (end > this.len) this.len = end;
    this.view = undefined;
  }
}

/**
 * One RawStr that lives as long as the module, so that RawStr's hidden class does too. V8 reaches
 * the class's final field layout only through a weak transition from the constructor's initial
 * map: when the last RawStr dies (FLUSHALL, a DEL of the last appended key, a keyspace dropped),
 * a full GC clears that map and deoptimizes every optimized function that checks for it — the
 * whole APPEND / SETRANGE path — and the next calls run unoptimized with emptied type feedback
 * until V8 re-optimizes them (measured: the first ~10 000 APPENDs after such a GC at 1–15 µs each,
 * against ~0.3 µs steady). Not a value of any key; nothing writes to it.
 */
export const RAW_STR_SHAPE: RawStr = new RawStr('');
