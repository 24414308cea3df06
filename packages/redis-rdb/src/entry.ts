/**
 * A decoded key (`DecodedEntry`) as the decoder makes it: one object per key, whose key bytes and
 * (for strings, intsets, listpacks and single-node quicklists) value payload stay in the input
 * until first read — as rdb.c `rdbLoadObject` keeps OBJ_ENCODING_INT strings as a long and
 * intsets / listpacks packed. The payload was validated when the record was read, so expanding it
 * never fails.
 */
import { PackedValue, plainPackedValue } from './packed.js';
import { equalBytes, intToBytes, view } from './bytes.js';
import { lzfDecompressRange } from './lzf.js';
import {
  RDB_ENC_INT8, RDB_ENC_INT16, RDB_ENC_LZF, RDB_TYPE_HASH_LISTPACK, RDB_TYPE_LIST_QUICKLIST_2, RDB_TYPE_SET_INTSET,
  RDB_TYPE_STRING, RDB_TYPE_ZSET_LISTPACK,
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

let keyDescriptor: PropertyDescriptor;
/**
 * Keys not stored raw in the input (INT/LZF-encoded ones, a few in a real file) and keys assigned
 * to an entry: kept aside so that an entry needs no field for them.
 */
const otherKeys = new WeakMap<Entry, Uint8Array>();
/** never returned: an entry whose key is elsewhere always has it in `otherKeys` */
const EMPTY_KEY = new Uint8Array(0);
let valueDescriptor: PropertyDescriptor;

/**
 * A decoded key, one object until it is looked at. `key` and `value` are own, enumerable accessors
 * (so `toEqual`, `structuredClone`, spreads and JSON see them as data): the key bytes and, for
 * strings, intsets, listpacks and single-node quicklists, the value payload stay where they were
 * read — a range of the input buffer, validated already — until read. `key` is then a view and
 * `value` a `RedisValue`: for collections a `PackedValue` (whose items expand on their own first
 * read), cached; for a string left in the input a fresh `{ type: 'string', value: view }` per
 * read, like `key` — the same bytes each time (writes through a view reach the input), never a
 * copy, but not the same object: keep what you read, or assign `key` / `value` to pin an object.
 * Not caching them lets views the caller drops die young (issue 19: caching made every key and
 * string view of a 1M-key file survive two scavenges). Other values are built at decode time.
 */
export class Entry implements DecodedEntry {
  declare key: Uint8Array;
  declare value: RedisValue;
  declare expireAtMs?: number;
  declare lruIdle?: number;
  declare lfuFreq?: number;
  /** the input buffer the record was read from */
  #buf: Uint8Array;
  /**
   * >= 0: where the key, stored raw, starts in #buf (its length prefix, then its bytes), the value
   * right after it. < 0: the key is in `otherKeys` (an INT/LZF-encoded key, or one assigned) and
   * the value starts at -1 - #kAt. One field instead of offset, length and key (issue 19: every
   * byte of the 1M entries a file decodes to is copied twice by the scavenger).
   */
  #kAt: number;
  #value: RedisValue | undefined;

  static {
    keyDescriptor = {
      get(this: Entry): Uint8Array {
        // Not cached: a fresh view of the same bytes per read, which dies young when the caller
        // does not keep it (caching made every key view survive into the old generation: issue 19)
        const at = this.#kAt;
        if (at < 0) return otherKeys.get(this) ?? EMPTY_KEY;
        const n = lenAt(this.#buf, at);
        return view(this.#buf, lenEnd, lenEnd + n);
      },
      set(this: Entry, k: Uint8Array) {
        this.#kAt = -1 - Entry.#valueStart(this);
        otherKeys.set(this, k);
      },
      enumerable: true,
      configurable: true,
    };
    valueDescriptor = {
      get(this: Entry): RedisValue {
        const v = this.#value;
        if (v !== undefined) return v;
        // Collections are expanded once and cached (their items are costly to make); a string left
        // in the input is a fresh `{ type, value }` over the same bytes per read, like `key`.
        const x = Entry.#expand(this, false);
        if (x.type !== 'string') this.#value = x;
        return x;
      },
      set(this: Entry, v: RedisValue) {
        this.#value = v;
      },
      enumerable: true,
      configurable: true,
    };
  }

  /** Whether two entries' keys are equal, compared in place. */
  static keyEquals(a: DecodedEntry, b: DecodedEntry): boolean {
    if (!(a instanceof Entry) || !(b instanceof Entry) || a.#kAt < 0 || b.#kAt < 0) return equalBytes(a.key, b.key);
    const x = a.#buf;
    const y = b.#buf;
    const n = lenAt(x, a.#kAt);
    const p = lenEnd;
    if (lenAt(y, b.#kAt) !== n) return false;
    const q = lenEnd;
    for (let i = 0; i < n; i++) if (x[p + i] !== y[q + i]) return false;
    return true;
  }

  /**
   * `readValue`: the value as `value` reads it, but a collection not yet read is expanded without
   * caching its items on the entry (and without a `PackedValue` per call).
   */
  static readValue(e: DecodedEntry): RedisValue {
    if (!(e instanceof Entry)) return e.value;
    const v = e.#value ?? Entry.#expand(e, true);
    return v instanceof PackedValue ? v.plain() : v;
  }

  constructor(
    public db: number,
    buf: Uint8Array,
    kAt: number,
    key: Uint8Array | undefined,
    vStart: number,
    value: RedisValue | undefined,
    public type: number,
    public typeName: string,
    public encoding: Encoding,
    public offset: number,
  ) {
    this.#buf = buf;
    // `key` given: it was not stored raw (INT/LZF), so it is kept aside and the value's start noted
    this.#kAt = key === undefined ? kAt : -1 - vStart;
    if (key !== undefined) otherKeys.set(this, key);
    this.#value = value;
    Object.defineProperty(this, 'key', keyDescriptor);
    Object.defineProperty(this, 'value', valueDescriptor);
  }

  /** console.log / util.inspect show accessors as [Getter/Setter]: print the data, as for a plain entry. */
  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: (v: unknown, o: object) => string): string {
    const plain: Record<string, unknown> = {}; // map-ok: keys are the entry's own field names (Object.keys), never input
    for (const k of Object.keys(this)) plain[k] = (this as unknown as Record<string, unknown>)[k]; // map-ok: as above
    return inspect(plain, options);
  }

  // The two helpers below are static, not instance, private methods: a class with private instance
  // methods gives every instance a hidden brand field (8 more bytes per entry, copied twice by the
  // scavenger for each of a file's keys: issue 19).

  /** Where the value starts in #buf: after the raw key, or as noted when the key is elsewhere. */
  static #valueStart(e: Entry): number {
    const at = e.#kAt;
    if (at < 0) return -1 - at;
    const n = lenAt(e.#buf, at);
    return lenEnd + n;
  }

  /**
   * The value left in the input (already validated by the decoder, see load-object.ts): read its
   * length prefix(es) again — one rdbLoadLen — instead of keeping its range in two more fields.
   */
  static #expand(e: Entry, plain: boolean): RedisValue {
    const b = e.#buf;
    let p = Entry.#valueStart(e);
    const type = e.type;
    const first = byteAt(b, p);
    if (type === RDB_TYPE_STRING && first === (0xc0 | RDB_ENC_LZF)) {
      // a small LZF string left in the input (load-string.ts): <len compressed> <len original> <LZF>
      const clen = lenAt(b, p + 1);
      const ulen = lenAt(b, lenEnd);
      return { type: 'string', value: lzfDecompressRange(b, lenEnd, clen, ulen) };
    }
    if (type === RDB_TYPE_STRING && first >> 6 === 3) {
      // INT8/16/32 (rdbLoadIntegerObject): Redis keeps it as a long, we make the decimal text now
      const enc = first & 0x3f;
      const b1 = byteAt(b, p + 1);
      const x = enc === RDB_ENC_INT8 ? (b1 << 24) >> 24
        : enc === RDB_ENC_INT16 ? ((b1 | (byteAt(b, p + 2) << 8)) << 16) >> 16
          : b1 | (byteAt(b, p + 2) << 8) | (byteAt(b, p + 3) << 16) | (byteAt(b, p + 4) << 24);
      return { type: 'string', value: intToBytes(x) };
    }
    if (type === RDB_TYPE_LIST_QUICKLIST_2) {
      p = skipLen(b, p); // node count (1)
      p = skipLen(b, p); // container (2, PACKED)
    }
    const kind = type === RDB_TYPE_SET_INTSET ? 'set' : type === RDB_TYPE_HASH_LISTPACK ? 'hash' : type === RDB_TYPE_ZSET_LISTPACK ? 'zset' : 'list';
    if (byteAt(b, p) === (0xc0 | RDB_ENC_LZF)) {
      // a small LZF-compressed blob left in the input (reader.ts strRange(true)): decompress it again
      const clen = lenAt(b, p + 1);
      const ulen = lenAt(b, lenEnd);
      const blob = lzfDecompressRange(b, lenEnd, clen, ulen);
      return plain ? plainPackedValue(kind, blob, 0, ulen) : new PackedValue(kind, blob, 0, ulen).asValue();
    }
    const n = lenAt(b, p);
    const o = lenEnd;
    if (type === RDB_TYPE_STRING) return { type: 'string', value: view(b, o, o + n) };
    // `plain` (readValue): the items in a plain `{ type, value }`, no PackedValue and nothing cached
    return plain ? plainPackedValue(kind, b, o, n) : new PackedValue(kind, b, o, n).asValue();
  }
}

/** A byte of a range the decoder has already bounds-checked (0 past the end, which cannot happen). */
function byteAt(b: Uint8Array, p: number): number {
  return b[p] ?? 0;
}

/** Where the length `lenAt` just read ends. */
let lenEnd = 0;

/** rdbLoadLen of a length the decoder has already checked (6/14/32/64-bit forms); sets `lenEnd`. */
function lenAt(b: Uint8Array, p: number): number {
  const c = byteAt(b, p);
  const kind = c >> 6;
  if (kind === 0) {
    lenEnd = p + 1;
    return c & 0x3f;
  }
  if (kind === 1) {
    lenEnd = p + 2;
    return ((c & 0x3f) << 8) | byteAt(b, p + 1);
  }
  if (c === 0x80) {
    lenEnd = p + 5;
    return ((byteAt(b, p + 1) << 24) | (byteAt(b, p + 2) << 16) | (byteAt(b, p + 3) << 8) | byteAt(b, p + 4)) >>> 0;
  }
  // 0x81: 64-bit big-endian, checked <= 2^53 when decoded
  lenEnd = p + 9;
  let v = 0;
  for (let i = 1; i <= 8; i++) v = v * 256 + byteAt(b, p + i);
  return v;
}

function skipLen(b: Uint8Array, p: number): number {
  lenAt(b, p);
  return lenEnd;
}

/** An entry with an expiry: its own class, so `expireAtMs` is an in-object field (no out-of-object property store for 20 % of keys). */
export class EntryWithTtl extends Entry {
  constructor(db: number, buf: Uint8Array, kAt: number, key: Uint8Array | undefined, vStart: number, value: RedisValue | undefined, type: number, typeName: string, encoding: Encoding, offset: number, public override expireAtMs: number) {
    super(db, buf, kAt, key, vStart, value, type, typeName, encoding, offset);
  }
}

/** 32-bit FNV-1a of the key bytes, as a signed int (a small integer for V8, never a heap number). */
export function fnv1a(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (b[i] ?? 0), 0x01000193);
  return h;
}

/**
 * An entry's value for a reader that passes over each value once (restoring into another store,
 * exporting, counting): the same data `entry.value` gives, but a collection that has not been read
 * yet is expanded into a fresh plain `{ type, value }` that is **not** cached on the entry, so the
 * items die young when the caller drops them instead of living as long as the decoded file (with
 * `entry.value` every expanded collection stays cached: the garbage collector then copies every
 * item twice, about half of decode + read-all's time on a 1M-key file, issue 19). Each call expands
 * again (do not call it per item in a loop: keep what it returns); a value already read through
 * `entry.value`, or assigned, is returned as that same object. Mutating a fresh result does not
 * change the entry.
 */
export function readValue(entry: DecodedEntry): RedisValue {
  return Entry.readValue(entry);
}
