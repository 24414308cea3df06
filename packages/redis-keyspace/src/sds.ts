/**
 * Mutable string values (sds.c): what APPEND and SETRANGE write into in place, in amortised O(1)
 * per byte added, as Redis's sds with its preallocated free space.
 */

/**
 * Bytes copied by RawStr growth and writes since start: the operation count behind the
 * complexity tests (APPEND/SETRANGE must be amortised O(1) per byte added, as sdsMakeRoomFor's
 * doubling makes them in Redis).
 */
export const rawStrCost = { bytesCopied: 0 };

/**
 * A string that Redis holds as RAW regardless of its length (after APPEND/SETRANGE): a growable
 * byte buffer, like an sds with free space (sds.c sdsMakeRoomFor doubles below 1 MB and then adds
 * 1 MB). `s` is the binary-string view, decoded on first read after a write.
 */
export class RawStr {
  private buf: Uint8Array;
  private len: number;
  private view: string | undefined;
  /** OBJECT ENCODING: 'raw', or 'embstr' for a short string created without tryObjectEncoding (INCRBYFLOAT). */
  enc: 'raw' | 'embstr' = 'raw';

  constructor(s: string) {
    this.len = s.length;
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

  /** sds.c sdsMakeRoomFor: room for `need` bytes in total (greedy: double, or +1 MB past 1 MB). */
  private reserve(need: number): void {
    if (need <= this.buf.length) return;
    const SDS_MAX_PREALLOC = 1024 * 1024;
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
    return raw;
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
    this.reserve(len);
    this.buf.fill(0, this.len, len);
    rawStrCost.bytesCopied += len - this.len;
    this.len = len;
    this.view = undefined;
  }

  /** sdscatlen. */
  append(bin: string): void {
    this.write(this.len, bin);
  }

  /** sdsgrowzero + memcpy (SETRANGE): the gap, if any, is zero bytes. */
  write(offset: number, bin: string): void {
    const end = offset + bin.length;
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
