/**
 * Values between the in-memory form (values.ts) and contract C2's RedisValue (bytes), as
 * rdbLoadObject builds them (the encoding follows from the data and the thresholds) — used by
 * restore(), entries() and DUMP/RESTORE.
 */
import type { KeyEntry, RedisValue } from './types.js';
import type { Val, Thresholds } from './values.js';
import { ListVal, SetVal, ZsetVal, HashVal, RawStr, encodingOf, intsetable, intsetOrder, intsetValueEncoding, strOf } from './values.js';
import { binFromBytes, binToBytes } from './bytes.js';
import { Quicklist } from './quicklist.js';
import { setAdd } from './t_set.js';
import { zsetAddMember } from './t_zset.js';
import { hashSet } from './t_hash.js';

/** rdbLoadObject: a value with the encoding Redis would give it on load. */
export function valFromRedis(v: RedisValue, th: Thresholds): Val {
  switch (v.type) {
    case 'string':
      return binFromBytes(v.value);
    case 'list': {
      // rdbLoadObject: a quicklist with the current list-max-listpack-size; a stored node layout
      // (QUICKLIST_2 / QUICKLIST) is kept node for node (quicklistAppendListpack), else pushed
      const items = v.value.map(binFromBytes);
      const fill = th.listMaxListpackSize;
      return new ListVal(v.nodes === undefined ? Quicklist.from(items, fill) : Quicklist.fromNodes(items, v.nodes, fill));
    }
    case 'set': {
      const members = v.value.map(binFromBytes);
      const s = new SetVal(members.length <= th.setMaxIntsetEntries && members.every(intsetable), new Set());
      for (const m of members) setAdd(s, m, th.setMaxIntsetEntries);
      if (s.intset && v.intsetEncoding !== undefined && v.intsetEncoding > s.intsetEnc) s.intsetEnc = v.intsetEncoding; // the blob's width, kept as loaded
      return s;
    }
    case 'zset': {
      const z = new ZsetVal(v.value.length <= th.zsetMaxListpackEntries, new Map());
      for (const { member, score } of v.value) zsetAddMember(z, binFromBytes(member), score, th.zsetMaxListpackEntries, th.zsetMaxListpackValue);
      return z;
    }
    case 'hash': {
      const h = new HashVal(v.value.length <= th.hashMaxListpackEntries, new Map());
      for (const [f, val] of v.value) hashSet(h, binFromBytes(f), binFromBytes(val), th.hashMaxListpackEntries, th.hashMaxListpackValue);
      return h;
    }
  }
}

/** The bytes of a value (contract C2). */
export function redisValueOf(v: Val): RedisValue {
  if (typeof v === 'string' || v instanceof RawStr) return { type: 'string', value: binToBytes(strOf(v)) };
  if (v instanceof ListVal) return listValueOf(v);
  if (v instanceof SetVal) return setValueOf(v);
  if (v instanceof ZsetVal) return { type: 'zset', value: v.sorted().map(([m, s]) => ({ member: binToBytes(m), score: s })) };
  return { type: 'hash', value: [...v.m].map(([f, x]): [Uint8Array, Uint8Array] => [binToBytes(f), binToBytes(x)]) };
}

/**
 * A list's bytes and its node layout (elements per node, head first: what rdbSaveObject writes a
 * listpack each for), `nodes` non-enumerable so the value still equals a plain { type, value }.
 */
function listValueOf(v: ListVal): RedisValue {
  const value: Uint8Array[] = [];
  const nodes: number[] = [];
  for (let n = v.ql.head; n !== undefined; n = n.next) {
    nodes.push(n.items.length);
    for (const s of n.items) value.push(binToBytes(s));
  }
  return Object.defineProperty({ type: 'list', value }, 'nodes', { value: nodes, enumerable: false, writable: true, configurable: true });
}

/** A set's bytes; an intset wider than its members need says so (rdbSaveObject writes the blob as it is). */
function setValueOf(v: SetVal): RedisValue {
  if (!v.intset) return { type: 'set', value: [...v.m].map(binToBytes) };
  const members = intsetOrder(v.m);
  const value: RedisValue = { type: 'set', value: members.map(binToBytes) };
  const first = members[0];
  const last = members[members.length - 1];
  // ascending: the widest member is the first or the last
  const needed = Math.max(first === undefined ? 2 : intsetValueEncoding(first) ?? 8, last === undefined ? 2 : intsetValueEncoding(last) ?? 8);
  if (v.intsetEnc > needed) value.intsetEncoding = v.intsetEnc;
  return value;
}

/** A contract-C2 entry for entries() / fork(): bytes, the RedisValue, Redis's encoding name, deadline. */
export function makeEntry(db: number, key: string, v: Val, exp: number | undefined): KeyEntry {
  const e: KeyEntry = { db, key: binToBytes(key), value: redisValueOf(v), encoding: encodingOf(v) };
  if (exp !== undefined) e.expireAtMs = exp;
  return e;
}
