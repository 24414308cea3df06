/**
 * In-memory values. Strings are binary strings (see bytes.ts). Collections are small classes that
 * remember the encoding Redis 7.0 would have chosen, including the one-way conversions: once a
 * set is a hashtable, a zset a skiplist or a hash a hashtable, it stays so until the key is
 * deleted (t_set.c setTypeConvert, t_zset.c zsetConvert, t_hash.c hashTypeConvert are never
 * undone by removals in 7.0).
 */
import type { Encoding } from './types.js';
import { string2ll } from './numbers.js';
import { binCompare } from './bytes.js';

/** Redis 7.0 default thresholds (redis.conf; reference §3.4). */
export const DEFAULT_THRESHOLDS = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
} as const;
export type Thresholds = { -readonly [K in keyof typeof DEFAULT_THRESHOLDS]: number };

/** object.c OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
export const OBJ_ENCODING_EMBSTR_SIZE_LIMIT = 44;

/** A string that Redis holds as RAW regardless of its length (after APPEND/SETRANGE). */
export class RawStr {
  constructor(readonly s: string) {}
}

export class ListVal {
  constructor(public items: string[]) {}
}

export class SetVal {
  constructor(
    public intset: boolean,
    public readonly m: Set<string>,
  ) {}
}

export class ZsetVal {
  private sortedCache: [string, number][] | undefined = undefined;
  constructor(
    public listpack: boolean,
    public readonly m: Map<string, number>,
  ) {}
  touch(): void {
    this.sortedCache = undefined;
  }
  /** Ascending by (score, member bytes), as the skiplist orders it. */
  sorted(): [string, number][] {
    if (this.sortedCache === undefined) {
      this.sortedCache = [...this.m.entries()].sort((a, b) => a[1] - b[1] || binCompare(a[0], b[0]));
    }
    return this.sortedCache;
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
  if (v instanceof RawStr) return 'raw';
  if (v instanceof ListVal) return 'quicklist'; // 7.0: lists are always quicklists
  if (v instanceof SetVal) return v.intset ? 'intset' : 'hashtable';
  if (v instanceof ZsetVal) return v.listpack ? 'listpack' : 'skiplist';
  return v.listpack ? 'listpack' : 'hashtable';
}

/** t_set.c isSdsRepresentableAsLongLong: may this member live in an intset? */
export function intsetable(member: string): boolean {
  return member.length <= 20 && string2ll(member) !== undefined;
}

/** Deep copy (for fork snapshots and for restore). */
export function cloneVal(v: Val): Val {
  if (typeof v === 'string' || v instanceof RawStr) return v;
  if (v instanceof ListVal) return new ListVal(v.items.slice());
  if (v instanceof SetVal) return new SetVal(v.intset, new Set(v.m));
  if (v instanceof ZsetVal) return new ZsetVal(v.listpack, new Map(v.m));
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
