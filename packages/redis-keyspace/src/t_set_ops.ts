/**
 * SINTER / SUNION / SDIFF, their *STORE forms and SINTERCARD (t_set.c sinterGenericCommand,
 * sunionDiffGenericCommand, sinterCardCommand), split from t_set.ts; registered in SET_COMMANDS
 * there.
 */
import type { RespValue } from '@protolab/resp';
import { E, err, int, bulk, setReply } from './replies.js';
import { SetVal } from './values.js';
import { string2ll } from '@protolab/redis-common';
import type { Ctx } from './server.js';
import { arg, lookupKeyRead, optName, isType } from './server.js';
import { NOTIFY_GENERIC, NOTIFY_SET, notifyKeyspaceEvent } from './notify.js';
import { membersOf, setAdd } from './t_set_type.js';

type SetOp = 'inter' | 'union' | 'diff';

/** Every key's set (undefined = missing), or the WRONGTYPE reply (7.0 checks every key first). */
function lookupSets(c: Ctx, keys: readonly string[]): (SetVal | undefined)[] | RespValue {
  const sets: (SetVal | undefined)[] = [];
  for (const k of keys) {
    const o = lookupKeyRead(c, k);
    if (o === undefined) sets.push(undefined);
    else if (!isType(o.val, 'set')) return err(E.wrongType);
    else sets.push(o.val);
  }
  return sets;
}

/** The members of inter/union/diff, in the order of the set they are read from. */
function setOp(op: SetOp, sets: readonly (SetVal | undefined)[], limit = 0): string[] {
  if (op === 'inter') {
    if (sets.some((s) => s === undefined)) return [];
    const sorted = [...sets].filter((s): s is SetVal => s !== undefined).sort((a, b) => a.m.size - b.m.size);
    const [first, ...rest] = sorted;
    if (first === undefined) return [];
    const out: string[] = [];
    for (const m of membersOf(first)) {
      if (rest.every((s) => s.m.has(m))) out.push(m);
      if (limit > 0 && out.length >= limit) break;
    }
    return out;
  }
  const acc = new Set<string>();
  const [head, ...tail] = sets;
  if (op === 'union') for (const s of sets) for (const m of s?.m ?? []) acc.add(m);
  else {
    for (const m of head?.m ?? []) acc.add(m);
    for (const s of tail) for (const m of s?.m ?? []) acc.delete(m);
  }
  return [...acc];
}

/** The result as a fresh set (createIntsetObject + setTypeAdd each), in reply order. */
function buildSet(members: readonly string[], maxIntset: number): SetVal {
  const s = new SetVal(true, new Set());
  for (const m of members) setAdd(s, m, maxIntset);
  return s;
}

/**
 * t_set.c sunionDiffGenericCommand's choice of DIFF algorithm 2 (7.0): when the first set's size
 * times the number of existing sets, halved, exceeds the sum of their sizes. Algorithm 2 adds every
 * member of the first set to the result, then removes the others' members: the result keeps the
 * encoding and intset width those adds gave it (a hashtable after 513 adds, or 8-byte members
 * after one wide member, even when the removals leave less).
 */
function diffAlgorithmTwo(sets: readonly (SetVal | undefined)[]): boolean {
  const [head, ...tail] = sets;
  if (head === undefined || tail.includes(head)) return false; // no first set, or the same one subtracted: empty
  let one = 0;
  let two = 0;
  for (const s of sets) {
    if (s === undefined) continue;
    one += head.m.size;
    two += s.m.size;
  }
  return Math.floor(one / 2) > two;
}

/** DIFF algorithm 2's result: the first set's members added, then every other set's removed. */
function diffByRemoval(sets: readonly (SetVal | undefined)[], maxIntset: number): SetVal {
  const [head, ...tail] = sets;
  const s = buildSet(head === undefined ? [] : membersOf(head), maxIntset);
  for (const t of tail) {
    for (const m of t?.m ?? []) s.m.delete(m);
    if (s.m.size === 0) break;
  }
  return s;
}

/** t_set.c sinterGenericCommand / sunionDiffGenericCommand, with or without a destination. */
export function setOpCommand(c: Ctx, op: SetOp, store: boolean): RespValue {
  const first = store ? 2 : 1;
  const sets = lookupSets(c, c.argv.slice(first));
  if (!Array.isArray(sets)) return sets;
  const maxIntset = c.core.thresholds.setMaxIntsetEntries;
  const result = op === 'diff' && diffAlgorithmTwo(sets) ? diffByRemoval(sets, maxIntset) : buildSet(setOp(op, sets), maxIntset);
  if (!store) return setReply(c, membersOf(result).map(bulk));
  const db = c.client.db;
  const dkey = arg(c, 1);
  const existing = db.dict.get(dkey);
  if (result.m.size === 0) {
    if (existing !== undefined) {
      // dbDelete: no lazy expiry first, so an expired destination is deleted ("del"), as on 7.0.15
      c.core.deleteKey(db, existing);
      c.core.dirty++;
      notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', dkey, db.id);
    }
    return int(0);
  }
  c.core.setKey(db, dkey, result, false);
  // sinterGenericCommand / sunionDiffGenericCommand: "sinterstore" / "sunionstore" / "sdiffstore"
  notifyKeyspaceEvent(c.core, NOTIFY_SET, op === 'inter' ? 'sinterstore' : op === 'union' ? 'sunionstore' : 'sdiffstore', dkey, db.id);
  c.core.dirty++;
  return int(result.m.size);
}

/** t_set.c sinterCardCommand: SINTERCARD numkeys key … [LIMIT limit]. */
export function sintercardCommand(c: Ctx): RespValue {
  const nk = string2ll(arg(c, 1));
  if (nk === undefined || nk <= 0n) return err('ERR numkeys should be greater than 0');
  if (nk > BigInt(c.argv.length - 2)) return err("ERR Number of keys can't be greater than number of args");
  const numkeys = Number(nk);
  let limit = 0n;
  for (let j = 2 + numkeys; j < c.argv.length; j++) {
    if (optName(arg(c, j)) === 'limit' && j + 1 < c.argv.length) {
      const v = string2ll(arg(c, ++j));
      if (v === undefined || v < 0n) return err("ERR LIMIT can't be negative");
      limit = v;
    } else return err(E.syntax);
  }
  const sets = lookupSets(c, c.argv.slice(2, 2 + numkeys));
  if (!Array.isArray(sets)) return sets;
  return int(setOp('inter', sets, limit > 1_000_000_000n ? 0 : Number(limit)).length);
}
