/**
 * Collection values kept packed, as Redis 7.0's `rdbLoadObject` keeps them: an RDB_TYPE_SET_INTSET
 * stays an intset, RDB_TYPE_HASH_LISTPACK / RDB_TYPE_ZSET_LISTPACK stay listpacks and the nodes of
 * an RDB_TYPE_LIST_QUICKLIST_2 stay listpacks (or PLAIN blobs). The decoder validates the payload
 * while reading it (`listpackScan`, `intsetScan`: every check and error the eager decoder had) and
 * creates no per-item objects; `value` expands it on first read into exactly the shape a plain
 * `RedisValue` has (`Uint8Array[]`, `{ member, score }[]` sorted by (score, member),
 * `[field, value][]`) and caches it.
 *
 * `value` is an own, enumerable accessor (not a prototype getter), so `toEqual`, `structuredClone`,
 * `JSON.stringify` and `Object.keys` see `{ type, value }` as they would on a plain object. Assigning
 * `value` replaces the cached items, as on a plain object.
 */
import type { RedisValue } from './model.js';
import { compareZsetItems, intToBytes, parseDoubleText, bytesToAscii, view } from './bytes.js';
import { intsetBlobWidth, intsetDecode } from './intset.js';
import { QUICKLIST_NODE_CONTAINER_PLAIN } from './constants.js';
import { listpackDecode, listpackDecodeBytesInto, lpValueBytes, type LpValue } from './listpack.js';

type Items = Uint8Array[] | { member: Uint8Array; score: number }[] | [Uint8Array, Uint8Array][];


let valueDescriptor: PropertyDescriptor;
/** never read: the loops above stop before a missing element (the decoder validated even counts) */
const EMPTY = new Uint8Array(0);

export class PackedValue {
  readonly type: 'list' | 'set' | 'zset' | 'hash';
  /** the buffer holding the payload (the file's bytes, or a decompressed copy) */
  #buf: Uint8Array;
  #off: number;
  #len: number;
  /** quicklist with several nodes or PLAIN nodes: (container, offset, length) triples into #buf */
  #segs: number[] | undefined;
  #items: Items | undefined;

  static {
    // one getter/setter pair shared by every instance, so V8 gives them all the same hidden class
    valueDescriptor = {
      get(this: PackedValue): Items {
        return this.#items ?? this.#expand();
      },
      set(this: PackedValue, v: Items) {
        this.#items = v;
        this.#len = -1; // assigned: the file's node layout no longer describes `value` (see `nodes`)
      },
      enumerable: true,
      configurable: true,
    };
  }

  /**
   * `type` 'set': an intset; 'hash' / 'zset': a listpack of field, value / member, score pairs;
   * 'list': one listpack node, or with `segs` the quicklist's nodes. The payload must have been
   * validated (the decoder does it): expanding never throws.
   */
  constructor(type: 'list' | 'set' | 'zset' | 'hash', buf: Uint8Array, off: number, len: number, segs?: number[]) {
    this.type = type;
    this.#buf = buf;
    this.#off = off;
    this.#len = len;
    this.#segs = segs;
    this.#items = undefined;
    Object.defineProperty(this, 'value', valueDescriptor);
  }

  /** As a `RedisValue` (what it is at run time; the class cannot name the union's members itself). */
  asValue(): RedisValue {
    return this as unknown as RedisValue;
  }

  /** console.log / util.inspect show accessors as [Getter/Setter]: print `{ type, value }` as for a plain value. */
  [Symbol.for('nodejs.util.inspect.custom')](_depth: number, options: object, inspect: (v: unknown, o: object) => string): string {
    return inspect({ type: this.type, value: (this as unknown as { value: unknown }).value }, options);
  }

  /**
   * A set's intset width when the blob is wider than its members need (RedisValue's
   * `intsetEncoding`: rdbLoadObject keeps the blob, so the loaded set keeps that width).
   */
  get intsetEncoding(): 2 | 4 | 8 | undefined {
    return this.type === 'set' ? intsetBlobWidth(this.#buf, this.#off, this.#len) : undefined;
  }

  /**
   * A list's node layout as the file holds it: elements per quicklist node, head first (what
   * rdb.c rdbLoadObject appends one node each for, quicklistAppendListpack / AppendPlainNode;
   * empty listpacks were already skipped). A prototype getter, so not an own property: values
   * still compare equal to a plain { type, value }. Computed when read, from each listpack's
   * header count (its entries counted when the header says 65535, unknown) — nothing at decode
   * time. Undefined for other types, and once `value` has been assigned.
   */
  get nodes(): readonly number[] | undefined {
    if (this.type !== 'list' || this.#len < 0) return undefined;
    const segs = this.#segs;
    if (segs === undefined) return [lpCount(view(this.#buf, this.#off, this.#off + this.#len))];
    const out = new Array<number>(segs.length / 3);
    for (let i = 0, j = 0; i < segs.length; i += 3, j++) {
      const s = segs[i + 1] ?? 0;
      out[j] = segs[i] === QUICKLIST_NODE_CONTAINER_PLAIN ? 1 : lpCount(view(this.#buf, s, s + (segs[i + 2] ?? 0)));
    }
    return out;
  }

  /** Whether `value` has been expanded (or assigned) yet. */
  get expanded(): boolean {
    return this.#items !== undefined;
  }

  #expand(): Items {
    const items = expandItems(this.type, this.#buf, this.#off, this.#len, this.#segs);
    this.#items = items;
    return items;
  }

  /**
   * The items as `value` has them, without caching a fresh expansion (`readValue`): the cached
   * items when `value` was already read or assigned, else newly built ones that die with the caller.
   */
  items(): Items {
    return this.#items ?? expandItems(this.type, this.#buf, this.#off, this.#len, this.#segs);
  }

  /** `{ type, value }` as a plain object over `items()` (what `readValue` returns for a collection). */
  plain(): RedisValue {
    if (this.#items !== undefined) return this.asValue();
    return plainPackedValue(this.type, this.#buf, this.#off, this.#len, this.#segs);
  }
}

/** A plain `{ type, value }` over freshly expanded items of a validated payload (no `PackedValue`, nothing cached). */
export function plainPackedValue(type: PackedValue['type'], buf: Uint8Array, off: number, len: number, segs?: number[]): RedisValue {
  const value = { type, value: expandItems(type, buf, off, len, segs) } as RedisValue;
  const wider = type === 'set' ? intsetBlobWidth(buf, off, len) : undefined;
  if (wider !== undefined && value.type === 'set') value.intsetEncoding = wider; // an intset wider than its members need
  return value;
}

/** The items of a validated payload, in the shape a plain `RedisValue` of `type` has. */
function expandItems(type: PackedValue['type'], buf: Uint8Array, off: number, len: number, segs: number[] | undefined): Items {
  const payload = view(buf, off, off + len);
  switch (type) {
    case 'set':
      return intsetBytes(payload);
    case 'hash': {
      const flat = presized(payload);
      const n = listpackDecodeBytesInto(payload, 0, flat, 0);
      const pairs = new Array<[Uint8Array, Uint8Array]>(n >> 1);
      for (let i = 0, j = 0; i + 1 < n; i += 2, j++) pairs[j] = [flat[i] ?? EMPTY, flat[i + 1] ?? EMPTY];
      return pairs;
    }
    case 'zset': {
      const flat = listpackDecode(payload);
      const zs = new Array<{ member: Uint8Array; score: number }>(flat.length >> 1);
      for (let i = 0, j = 0; i + 1 < flat.length; i += 2, j++) zs[j] = { member: lpValueBytes(flat[i] ?? EMPTY), score: scoreValue(flat[i + 1] ?? 0) };
      zs.sort(compareZsetItems);
      return zs;
    }
    case 'list': {
      if (segs === undefined) {
        const out = presized(payload);
        listpackDecodeBytesInto(payload, 0, out, 0);
        return out;
      }
      const out: Uint8Array[] = [];
      for (let i = 0; i < segs.length; i += 3) {
        const s = (segs[i + 1] ?? 0);
        const node = view(buf, s, s + (segs[i + 2] ?? 0));
        if (segs[i] === QUICKLIST_NODE_CONTAINER_PLAIN) out.push(node);
        else listpackDecodeBytesInto(node, 0, out);
      }
      return out;
    }
  }
}

/**
 * An array of a validated listpack's declared element count (header bytes 4-5), filled by index:
 * pushing into `[]` instead regrows the backing store and leaves up to ~1.5x the slots (bytes the
 * scavenger then copies) in every expanded collection. 65535 (count unknown): an empty array.
 */
function presized(lp: Uint8Array): Uint8Array[] {
  const n = (lp[4] ?? 0) | ((lp[5] ?? 0) << 8);
  return n === 65535 ? [] : new Array<Uint8Array>(n);
}

/** A validated listpack's element count: its header's, or its entries counted when that says 65535. */
function lpCount(lp: Uint8Array): number {
  const n = (lp[4] ?? 0) | ((lp[5] ?? 0) << 8);
  return n !== 65535 ? n : listpackDecodeBytesInto(lp, 0, [], 0);
}

/**
 * The members of a validated intset as their decimal text, read with byte arithmetic: no
 * DataView and no intermediate number array per set (intsetDecode does both, and checks).
 */
function intsetBytes(b: Uint8Array): Uint8Array[] {
  const enc = b[0] ?? 0;
  const len = ((b[4] ?? 0) | ((b[5] ?? 0) << 8) | ((b[6] ?? 0) << 16) | ((b[7] ?? 0) << 24)) >>> 0;
  if (enc === 8) return intsetDecode(b).map((v) => intToBytes(v));
  const out = new Array<Uint8Array>(len);
  for (let i = 0, p = 8; i < len; i++, p += enc) {
    const v = enc === 2 ? (((b[p] ?? 0) | ((b[p + 1] ?? 0) << 8)) << 16) >> 16 : (b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16) | ((b[p + 3] ?? 0) << 24);
    out[i] = intToBytes(v);
  }
  return out;
}

/** A validated listpack score (the decoder checked string scores parse). */
function scoreValue(v: LpValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return parseDoubleText(bytesToAscii(v)) ?? NaN;
}

