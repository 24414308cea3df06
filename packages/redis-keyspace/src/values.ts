/**
 * In-memory values. Strings are binary strings (see bytes.ts). Collections are small classes that
 * remember the encoding Redis 7.0 would have chosen, including the one-way conversions: once a
 * set is a hashtable, a zset a skiplist or a hash a hashtable, it stays so until the key is
 * deleted (t_set.c setTypeConvert, t_zset.c zsetConvert, t_hash.c hashTypeConvert are never
 * undone by removals in 7.0).
 */
import type { Encoding } from './types.js';
import { string2ll, string2llNumber } from '@protolab/redis-common';
import { RawStr } from './sds.js';
import { Quicklist } from './quicklist.js';
import { ZsetTree } from './zset-tree.js';

/** Redis 7.0 default thresholds (redis.conf; reference §3.4). */
export const DEFAULT_THRESHOLDS = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  hllSparseMaxBytes: 3000,
  /** list-max-listpack-size: the fill a list gets when it is created (createQuicklistObject) */
  listMaxListpackSize: -2,
} as const;
export type Thresholds = { -readonly [K in keyof typeof DEFAULT_THRESHOLDS]: number };

/** object.c OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
export const OBJ_ENCODING_EMBSTR_SIZE_LIMIT = 44;

export { RawStr, rawStrCost } from './sds.js';

/**
 * A list: a quicklist (7.0 lists are always quicklists; see quicklist.ts for the costs). Built
 * from elements (pushed at the tail with `fill`, list-max-listpack-size when the list is created:
 * t_list.c createQuicklistObject + quicklistSetOptions), or around a given Quicklist (a loaded or
 * duplicated layout).
 */
export class ListVal {
  readonly ql: Quicklist;
  constructor(items: Iterable<string> | Quicklist = [], fill?: number) {
    this.ql = items instanceof Quicklist ? items : Quicklist.from(items, fill);
  }
  get length(): number {
    return this.ql.length;
  }
  /** Every element, head first (O(n): for snapshots, not for commands). */
  get items(): string[] {
    return this.ql.toArray();
  }
}

/** intset.h INTSET_ENC_INT16 / INT32 / INT64: the bytes each member of an intset takes. */
export type IntsetEnc = 2 | 4 | 8;

/**
 * A set: its members, and while `intset` the intset's element width `intsetEnc` — widened by
 * intsetAdd's intsetUpgradeAndAdd when a member needs more, never narrowed by intsetRemove
 * (redis/redis src/intset.c, 7.0), so it can exceed what the current members need. It is what
 * MEMORY USAGE counts and what DUMP / an RDB save write in the intset blob's header.
 */
export class SetVal {
  constructor(
    public intset: boolean,
    public readonly m: Set<string>,
    public intsetEnc: IntsetEnc = 2,
  ) {}
}

/**
 * A sorted set: the member → score dict plus the ordered half by (score, member), updated
 * together on every write (t_zset.c zsetAdd / zsetRemoveFromSkiplist). Redis orders it with a
 * zskiplist; here `zsl` is a counted B+tree with the skiplist's API and costs (zset-tree.ts).
 * `listpack` is the encoding OBJECT ENCODING reports ("listpack", else Redis's "skiplist"); both
 * encodings keep the tree here (a listpack is at most 128 entries, where Redis's O(n) listpack
 * walk and our O(log n) one cost alike).
 */
export class ZsetVal {
  readonly zsl = new ZsetTree();
  readonly m = new Map<string, number>();
  /** Σ member lengths (for the maxmemory estimate). */
  memberBytes = 0;
  constructor(
    public listpack: boolean,
    initial: ReadonlyMap<string, number> = new Map(),
  ) {
    for (const [member, score] of initial) this.set(member, score);
  }
  /** Insert or move `member` to `score` (zsetAdd's dict + zslInsert / zslUpdateScore). */
  set(member: string, score: number): void {
    const cur = this.m.get(member);
    if (cur === undefined) this.add(member, score);
    else this.move(member, cur, score);
  }
  /**
   * zsetAdd's new-element branch for a caller that has just found `member` absent: one dict
   * probe (the insert) instead of a second lookup — at 10^5 members each probe is a cache miss.
   */
  add(member: string, score: number): void {
    this.zsl.insert(score, member);
    this.memberBytes += member.length;
    this.m.set(member, score);
  }
  /** zsetAdd's update branch: `member` is present with score `cur` (the caller's lookup). */
  move(member: string, cur: number, score: number): void {
    if (cur !== score || Object.is(cur, -0) !== Object.is(score, -0)) this.zsl.updateScore(cur, member, score);
    this.m.set(member, score);
  }
  /** zsetRemoveFromSkiplist: true when the member was there. */
  delete(member: string): boolean {
    const cur = this.m.get(member);
    if (cur === undefined) return false;
    this.zsl.delete(cur, member);
    this.m.delete(member);
    this.memberBytes -= member.length;
    return true;
  }
  get size(): number {
    return this.m.size;
  }
  /** Ascending by (score, member bytes), as the tree orders it (O(n): for snapshots). */
  sorted(): [string, number][] {
    return [...this.zsl.entries()];
  }
}

export class HashVal {
  constructor(
    public listpack: boolean,
    public readonly m: Map<string, string>,
  ) {}
}

export type Val = string | RawStr | ListVal | SetVal | ZsetVal | HashVal;
export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash';

export function typeOf(v: Val): TypeName {
  if (typeof v === 'string' || v instanceof RawStr) return 'string';
  if (v instanceof ListVal) return 'list';
  if (v instanceof SetVal) return 'set';
  if (v instanceof ZsetVal) return 'zset';
  return 'hash';
}

export function strOf(v: string | RawStr): string {
  return typeof v === 'string' ? v : v.s;
}

/**
 * object.c tryObjectEncoding on a string value: "int" when it is a canonical long in ≤ 20 bytes,
 * "embstr" up to 44 bytes, else "raw".
 */
export function stringEncoding(s: string): Encoding {
  if (s.length <= 20 && string2ll(s) !== undefined) return 'int';
  return s.length <= OBJ_ENCODING_EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
}

export function encodingOf(v: Val): Encoding {
  if (typeof v === 'string') return stringEncoding(v);
  if (v instanceof RawStr) return v.enc;
  if (v instanceof ListVal) return 'quicklist'; // 7.0: lists are always quicklists
  if (v instanceof SetVal) return v.intset ? 'intset' : 'hashtable';
  if (v instanceof ZsetVal) return v.listpack ? 'listpack' : 'skiplist';
  return v.listpack ? 'listpack' : 'hashtable';
}

/** t_set.c isSdsRepresentableAsLongLong: may this member live in an intset? */
export function intsetable(member: string): boolean {
  return member.length <= 20 && string2ll(member) !== undefined;
}

/** intset.c _intsetValueEncoding: the width an intset needs for `member` (undefined: not an integer). */
export function intsetValueEncoding(member: string): IntsetEnc | undefined {
  if (member.length > 20) return undefined;
  const v = string2llNumber(member);
  if (v === undefined) return undefined;
  if (v < -2147483648 || v > 2147483647) return 8;
  return v < -32768 || v > 32767 ? 4 : 2;
}

/** Deep copy (for fork snapshots and for restore). */
export function cloneVal(v: Val): Val {
  if (typeof v === 'string') return v;
  if (v instanceof RawStr) {
    const copy = new RawStr(v.s);
    copy.enc = v.enc;
    return copy;
  }
  if (v instanceof ListVal) return new ListVal(v.ql.dup()); // object.c dupListObject: quicklistDup, node for node
  if (v instanceof SetVal) return new SetVal(v.intset, new Set(v.m), v.intsetEnc); // setTypeDup copies the intset blob
  if (v instanceof ZsetVal) return new ZsetVal(v.listpack, v.m);
  return new HashVal(v.listpack, new Map(v.m));
}

/** Members in the order SMEMBERS returns for an intset (ascending numeric). */
export function intsetOrder(members: Iterable<string>): string[] {
  return [...members].sort((a, b) => {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
