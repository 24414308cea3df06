/**
 * db.c scanGenericCommand: the options (COUNT, MATCH, TYPE for SCAN only), one dict walk with the
 * reverse-binary cursor (scan.ts), then the filters (pattern, type, expired keys). SCAN lives
 * here; HSCAN/SSCAN/ZSCAN call `scanGeneric` with their collection's walk.
 */
import type { RespValue } from '@protolab/resp';
import { E, err, bulk, array } from './replies.js';
import { string2ll } from '@protolab/redis-common';
import { globTokens, stringmatchlen } from './glob.js';
import { ScanOrder, dictNextPower, parseScanCursor } from './scan.js';
import type { Db } from './db.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, isReply, lookupKeyReadOrReply, optName, valAt } from './server.js';
import { typeOf } from './values.js';

/** One step of a walk: the next cursor and the groups found ([key] or [field, value] …). */
export type ScanStep = (cursor: bigint, count: number) => { next: bigint; items: string[][] };

export interface ScanOptions {
  count: number;
  pattern: string | undefined;
  type: string | undefined;
}

/** The options after the cursor; TYPE only when `isKeys` (SCAN). */
export function parseScanOptions(c: Ctx, from: number, isKeys: boolean): ScanOptions | RespValue {
  const opts: ScanOptions = { count: 10, pattern: undefined, type: undefined };
  for (let i = from; i < c.argv.length; i += 2) {
    const o = optName(arg(c, i));
    const more = c.argv.length - i >= 2;
    if (o === 'count' && more) {
      const n = string2ll(arg(c, i + 1));
      if (n === undefined) return err(E.notInteger);
      if (n < 1n) return err(E.syntax);
      // A count above the collection's size visits every bucket; cap it for the loop bound.
      opts.count = n > 1_000_000_000n ? 1_000_000_000 : Number(n);
    } else if (o === 'match' && more) {
      const p = arg(c, i + 1);
      opts.pattern = p === '*' ? undefined : p;
    } else if (o === 'type' && isKeys && more) {
      opts.type = arg(c, i + 1);
    } else return err(E.syntax);
  }
  return opts;
}

/**
 * Walk, filter by MATCH on each group's first element and by `keep`, and reply
 * [next cursor, flattened groups]. Options were parsed by the caller.
 */
export function scanGeneric(cursor: bigint, opts: ScanOptions, step: ScanStep, keep?: (group: string[]) => boolean): RespValue {
  const { next, items } = step(cursor, opts.count);
  const toks = opts.pattern === undefined ? undefined : globTokens(opts.pattern);
  const out: RespValue[] = [];
  for (const g of items) {
    const first = g[0] ?? '';
    if (toks !== undefined && !stringmatchlen(toks, first)) continue;
    if (keep !== undefined && !keep(g)) continue;
    for (const x of g) out.push(bulk(x));
  }
  return array([bulk(next.toString()), array(out)]);
}

/** A walk over every element at once (listpack / intset encodings): cursor 0 comes back. */
export function scanAll(groups: () => string[][]): ScanStep {
  return () => ({ next: 0n, items: groups() });
}

/** A walk over a hashtable-encoded collection of `n` entries (table size: the next power of two). */
export function scanDict(entries: () => Iterable<[string, string[]]>, n: number): ScanStep {
  return (cursor, count) => new ScanOrder(entries(), dictNextPower(n)).scan(cursor, count);
}

const keyOrders = new WeakMap<Db, { version: number; size: number; order: ScanOrder<string> }>();

function keyStep(db: Db): ScanStep {
  return (cursor, count) => {
    if (db.tableSize === 0) return { next: 0n, items: [] };
    let cached = keyOrders.get(db);
    if (cached === undefined || cached.version !== db.version || cached.size !== db.tableSize) {
      const keys = (function* (): Generator<[string, string]> {
        for (const k of db.dict.keys()) yield [k, k];
      })();
      cached = { version: db.version, size: db.tableSize, order: new ScanOrder(keys, db.tableSize) };
      keyOrders.set(db, cached);
    }
    const r = cached.order.scan(cursor, count);
    return { next: r.next, items: r.items.map((k) => [k]) };
  };
}

/** db.c scanCommand. */
function scanCommand(c: Ctx): RespValue {
  const cursor = parseScanCursor(arg(c, 1));
  if (cursor === undefined) return err('ERR invalid cursor');
  const opts = parseScanOptions(c, 2, true);
  if (!('count' in opts)) return opts;
  const db = c.client.db;
  return scanGeneric(cursor, opts, keyStep(db), ([key]) => {
    const k = key ?? '';
    // TYPE: lookupKeyReadWithFlags (which expires the key) then compare the type name.
    if (opts.type !== undefined) {
      const slot = c.core.lookup(db, k);
      const t = slot < 0 ? 'none' : typeOf(valAt(db, slot));
      if (t !== opts.type.toLowerCase()) return false;
    }
    // expireIfNeeded: an expired key is deleted and not returned.
    return c.core.lookup(db, k) >= 0;
  });
}

/** t_hash.c hscanCommand. */
function hscanCommand(c: Ctx): RespValue {
  const cursor = parseScanCursor(arg(c, 2));
  if (cursor === undefined) return err('ERR invalid cursor');
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'hash', EMPTY_SCAN);
  if (isReply(o)) return o;
  const opts = parseScanOptions(c, 3, false);
  if (!('count' in opts)) return opts;
  const h = o.val;
  const step = h.listpack
    ? scanAll(() => [...h.m].map(([f, v]) => [f, v]))
    : scanDict(() => [...h.m].map(([f, v]): [string, string[]] => [f, [f, v]]), h.m.size);
  return scanGeneric(cursor, opts, step);
}

/** shared.emptyscan: cursor "0" and no elements. */
export const EMPTY_SCAN: RespValue = array([bulk('0'), array([])]);

export const SCAN_COMMANDS: readonly CommandSpec[] = [
  cmd('scan', -2, ['readonly'], [0, 0, 0], 'generic', scanCommand),
  cmd('hscan', -3, ['readonly'], [1, 1, 1], 'hash', hscanCommand),
];
