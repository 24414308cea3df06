/**
 * sort.c sortCommandGeneric: SORT and SORT_RO over a list, set or sorted set, with BY (a pattern,
 * `*` replaced by each element, `key->field` for a hash field; no `*` = don't sort), LIMIT,
 * GET (patterns or `#`), ASC/DESC, ALPHA and STORE (a list; an empty result deletes the key).
 * Numeric sort parses with strtod and breaks ties by the elements' bytes; ALPHA compares bytes
 * (strcoll in the C locale).
 */
import type { RespValue } from '@protolab/resp';
import { E, err, int, bulk, array, NULL_BULK } from './replies.js';
import { parseDouble } from './numbers.js';
import { string2ll } from '@protolab/redis-common';
import { ListVal, SetVal, ZsetVal, intsetOrder, strOf } from './values.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, isType, lookupKeyRead, optName } from './server.js';
import { binCompare } from './bytes.js';
import { NOTIFY_GENERIC, NOTIFY_LIST, notifyKeyspaceEvent } from './notify.js';

interface SortOptions {
  desc: boolean;
  alpha: boolean;
  limitStart: bigint;
  limitCount: bigint;
  store: string | undefined;
  by: string | undefined;
  dontsort: boolean;
  gets: string[];
}

function parseSortOptions(c: Ctx, readonly: boolean): SortOptions | RespValue {
  const o: SortOptions = { desc: false, alpha: false, limitStart: 0n, limitCount: -1n, store: undefined, by: undefined, dontsort: false, gets: [] };
  for (let j = 2; j < c.argv.length; j++) {
    const opt = optName(arg(c, j));
    const left = c.argv.length - j - 1;
    if (opt === 'asc') o.desc = false;
    else if (opt === 'desc') o.desc = true;
    else if (opt === 'alpha') o.alpha = true;
    else if (opt === 'limit' && left >= 2) {
      const a = string2ll(arg(c, j + 1)), b = string2ll(arg(c, j + 2));
      if (a === undefined || b === undefined) return err(E.notInteger);
      o.limitStart = a;
      o.limitCount = b;
      j += 2;
    } else if (!readonly && opt === 'store' && left >= 1) {
      o.store = arg(c, ++j);
    } else if (opt === 'by' && left >= 1) {
      o.by = arg(c, ++j);
      o.dontsort = !cstr(o.by).includes('*');
    } else if (opt === 'get' && left >= 1) {
      o.gets.push(arg(c, ++j));
    } else return err(E.syntax);
  }
  return o;
}

const cstr = (s: string): string => {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
};

/** sort.c lookupKeyByPattern: `#` is the element; `*` is replaced; `->field` reads a hash field. */
function lookupKeyByPattern(c: Ctx, pattern: string, subst: string): string | undefined {
  const spat = cstr(pattern);
  if (spat === '#') return subst;
  const p = spat.indexOf('*');
  if (p < 0) return undefined;
  const f = spat.indexOf('->', p + 1);
  const hasField = f >= 0 && f + 2 < spat.length;
  const field = hasField ? pattern.slice(f + 2) : undefined;
  const post = hasField ? pattern.slice(p + 1, f) : pattern.slice(p + 1);
  const o = lookupKeyRead(c, pattern.slice(0, p) + subst + post);
  if (o === undefined) return undefined;
  if (field !== undefined) return isType(o.val, 'hash') ? o.val.m.get(field) : undefined;
  return isType(o.val, 'string') ? strOf(o.val) : undefined;
}

/** strtod over the whole string (leading space allowed; NaN and ERANGE refused), or undefined. */
function strtodScore(s: string): number | undefined {
  // C sees the bytes up to the first NUL; an empty string converts nothing and leaves eptr on its
  // terminator, so it scores 0 without error.
  const t = cstr(s);
  if (t === '') return 0;
  return parseDouble(t.replace(/^[ \t\n\v\f\r]+/, ''));
}

interface SortItem {
  obj: string;
  score: number;
  cmp: string | undefined;
}

/** The elements to sort, in the order Redis loads them (LIMIT applied here when not sorting). */
function loadVector(val: ListVal | SetVal | ZsetVal, o: SortOptions, start: number, end: number): { items: string[]; ranged: boolean } {
  if (val instanceof ListVal) {
    const all = val.items;
    if (!o.dontsort) return { items: all, ranged: false };
    if (end < start) return { items: [], ranged: true };
    const picked = o.desc ? all.slice().reverse().slice(start, end + 1) : all.slice(start, end + 1);
    return { items: picked, ranged: true };
  }
  if (val instanceof SetVal) return { items: val.intset ? intsetOrder(val.m) : [...val.m], ranged: false };
  if (!o.dontsort) return { items: [...val.m.keys()], ranged: false };
  const order = val.sorted().map(([m]) => m);
  if (end < start) return { items: [], ranged: true };
  return { items: (o.desc ? order.reverse() : order).slice(start, end + 1), ranged: true };
}

/**
 * sort.c sortCommandGeneric's scoring pass and qsort with sortCompare: load each item's weight
 * (BY pattern or the item itself; a double unless ALPHA), then sort. Returns false, leaving the
 * vector unsorted, when a weight cannot be converted into a double.
 */
function sortByWeights(c: Ctx, o: SortOptions, vector: SortItem[]): boolean {
  let conversionError = false;
  for (const it of vector) {
    const byval = o.by !== undefined ? lookupKeyByPattern(c, o.by, it.obj) : it.obj;
    if (byval === undefined) continue;
    if (o.alpha) {
      if (o.by !== undefined) it.cmp = byval;
    } else {
      const s = strtodScore(byval);
      if (s === undefined) conversionError = true;
      else it.score = s;
    }
  }
  if (conversionError) return false;
  const byPattern = o.by !== undefined;
  vector.sort((a, b) => {
    let r: number;
    if (!o.alpha) r = a.score > b.score ? 1 : a.score < b.score ? -1 : binCompare(a.obj, b.obj);
    else if (byPattern) r = a.cmp === undefined || b.cmp === undefined ? (a.cmp === b.cmp ? 0 : a.cmp === undefined ? -1 : 1) : binCompare(cstr(a.cmp), cstr(b.cmp));
    else r = binCompare(cstr(a.obj), cstr(b.obj));
    return o.desc ? -r : r;
  });
  return true;
}

function sortGeneric(c: Ctx, readonly: boolean): RespValue {
  const parsed = parseSortOptions(c, readonly);
  if (!('gets' in parsed)) return parsed;
  const o = parsed;
  const found = lookupKeyRead(c, arg(c, 1));
  if (found !== undefined && !(found.val instanceof ListVal || found.val instanceof SetVal || found.val instanceof ZsetVal)) return err(E.wrongType);
  const val = found?.val instanceof ListVal || found?.val instanceof SetVal || found?.val instanceof ZsetVal ? found.val : new ListVal([]);
  if (o.dontsort && val instanceof SetVal && o.store !== undefined) {
    o.dontsort = false; // a set's order is not stable: STORE sorts it (ALPHA)
    o.alpha = true;
    o.by = undefined;
  }
  if (val instanceof ZsetVal) val.listpack = false; // zsetConvert(sortval, OBJ_ENCODING_SKIPLIST)
  const len = val instanceof ListVal ? val.length : val.m.size;
  let start = o.limitStart < 0n ? 0 : Number(o.limitStart > BigInt(len) ? BigInt(len) : o.limitStart);
  let end = o.limitCount < 0n ? len - 1 : Number(BigInt(start) + (o.limitCount > BigInt(len) ? BigInt(len) : o.limitCount) - 1n);
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;
  const { items, ranged } = loadVector(val, o, start, end);
  if (ranged) {
    end -= start;
    start = 0;
  }
  const vector: SortItem[] = items.map((obj) => ({ obj, score: 0, cmp: undefined }));
  if (!o.dontsort && !sortByWeights(c, o, vector)) return err("ERR One or more scores can't be converted into double");
  const picked = end >= start ? vector.slice(start, end + 1) : [];
  if (o.store === undefined) {
    const out: RespValue[] = [];
    for (const it of picked) {
      if (o.gets.length === 0) out.push(bulk(it.obj));
      for (const g of o.gets) {
        const v = lookupKeyByPattern(c, g, it.obj);
        out.push(v === undefined ? NULL_BULK : bulk(v));
      }
    }
    return array(out);
  }
  const stored: string[] = [];
  for (const it of picked) {
    if (o.gets.length === 0) stored.push(it.obj);
    for (const g of o.gets) stored.push(lookupKeyByPattern(c, g, it.obj) ?? '');
  }
  const db = c.client.db;
  if (stored.length > 0) {
    c.core.lookup(db, o.store);
    c.core.setKey(db, o.store, new ListVal(stored), false);
    notifyKeyspaceEvent(c.core, NOTIFY_LIST, 'sortstore', o.store, db.id); // sort.c sortCommandGeneric
    c.core.dirty += stored.length;
  } else {
    const slot = db.dict.get(o.store); // dbDelete: an expired destination is deleted too ("del")
    if (slot !== undefined) {
      c.core.deleteKey(db, slot);
      c.core.dirty++;
      notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', o.store, db.id);
    }
  }
  return int(stored.length);
}

/** sort.c sortGetKeys: the sorted key, and the STORE destination if any (the last one wins). */
function sortGetKeys(argv: readonly string[]): number[] {
  const keys = [1];
  let store: number | undefined;
  for (let i = 2; i < argv.length; i++) {
    const o = optName(argv[i] ?? '');
    if (o === 'limit') i += 2;
    else if (o === 'get' || o === 'by') i += 1;
    else if (o === 'store' && i + 1 < argv.length) store = ++i;
  }
  if (store !== undefined) keys.push(store);
  return keys;
}

/** db.c sortROGetKeys: the sorted key only (its getkeys_proc makes COMMAND INFO say movablekeys). */
const sortROGetKeys = (): number[] => [1];

// ACL categories as commands.def lists them (sort.json / sort_ro.json: the types SORT reads, and
// @dangerous, without @keyspace) rather than derived from the group.
export const SORT_COMMANDS: readonly CommandSpec[] = [
  cmd('sort', -2, ['write', 'denyoom'], [1, 1, 1], 'generic', (c) => sortGeneric(c, false), {
    getKeys: sortGetKeys,
    acl: ['@write', '@set', '@sortedset', '@list', '@slow', '@dangerous'],
  }),
  cmd('sort_ro', -2, ['readonly'], [1, 1, 1], 'generic', (c) => sortGeneric(c, true), {
    getKeys: sortROGetKeys,
    acl: ['@read', '@set', '@sortedset', '@list', '@slow', '@dangerous'],
  }),
];
