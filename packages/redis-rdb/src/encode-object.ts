/**
 * rdb.c `rdbSaveKeyValuePair` / `rdbSaveObjectType` / `rdbSaveObject`: one key as Redis 7.0
 * writes it, in the encoding it would hold in memory (given, or from the default thresholds), and
 * a list in the quicklist nodes its value carries (`nodes`), else in those `quicklistPushTail`
 * would build. Input Redis could not load back (a member given twice) is refused as
 * ENCODE_INPUT; the writer's own rules are asserted.
 */
import { ListpackBuilder } from './listpack-builder.js';
import { intsetEncode } from './intset.js';
import { asciiBytes, bytesToAscii, compareZsetItems, d2string, double2ll, parseCanonicalInt } from './bytes.js';
import { defined, invariant, RdbFormatError } from './errors.js';
import { MemberSet } from './member-set.js';
import { hashEncoding, setEncoding, zsetEncoding } from './encodings.js';
import {
  DEFAULT_THRESHOLDS, RDB_OPCODE_EXPIRETIME_MS, RDB_OPCODE_FREQ, RDB_OPCODE_IDLE, RDB_TYPE_HASH, RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_LIST_QUICKLIST_2, RDB_TYPE_SET, RDB_TYPE_SET_INTSET, RDB_TYPE_STRING, RDB_TYPE_ZSET_2,
  RDB_TYPE_ZSET_LISTPACK, QUICKLIST_NODE_CONTAINER_PACKED, QUICKLIST_NODE_CONTAINER_PLAIN,
} from './constants.js';
import type { EncodeOptions, RdbWriter } from './encoder.js';
import type { Encoding, KeyEntry, RedisValue } from './model.js';

/** one builder reused for every listpack value (its bytes are copied out by `w.string`) */
const SHARED_LP = new ListpackBuilder();

const SHARED_MEMBERS = new MemberSet();

/**
 * A set member, hash field or zset member given twice would make a file Redis 7.0's rdbLoadObject
 * refuses ("Duplicate set members detected", "Duplicate hash fields detected", ...): refuse it here.
 */
function refuseDuplicates(e: KeyEntry): void {
  const v = e.value;
  if (v.type === 'string' || v.type === 'list') return;
  const m = SHARED_MEMBERS;
  m.reset(v.value.length);
  const what = v.type === 'set' ? 'set member' : v.type === 'hash' ? 'hash field' : 'zset member';
  for (const x of v.value) {
    const b = x instanceof Uint8Array ? x : Array.isArray(x) ? x[0] : x.member;
    if (!m.addBytes(b)) throw new RdbFormatError('ENCODE_INPUT', 0, `key ${JSON.stringify(bytesToAscii(e.key.subarray(0, 40)))}: ${what} ${JSON.stringify(bytesToAscii(b.subarray(0, 40)))} given twice (Redis would refuse to load the file)`);
  }
}

export function isEmptyValue(v: RedisValue): boolean {
  return v.type !== 'string' && v.value.length === 0;
}

/** rdbSaveKeyValuePair: the EXPIRETIME_MS / IDLE / FREQ prefixes, then type, key and value. */
export function writeKeyValuePair(w: RdbWriter, e: KeyEntry, opts: EncodeOptions = {}): void {
  if (e.expireAtMs !== undefined) {
    w.byte(RDB_OPCODE_EXPIRETIME_MS);
    w.int64LE(e.expireAtMs);
  }
  const idle = opts.lruIdle?.(e);
  if (idle !== undefined) {
    w.byte(RDB_OPCODE_IDLE);
    w.len(idle);
  }
  const freq = opts.lfuFreq?.(e);
  if (freq !== undefined) {
    w.byte(RDB_OPCODE_FREQ);
    w.byte(freq & 0xff);
  }
  const t = opts.thresholds ?? DEFAULT_THRESHOLDS;
  const v = e.value;
  refuseDuplicates(e);
  switch (v.type) {
    case 'string':
      w.byte(RDB_TYPE_STRING);
      w.string(e.key);
      w.string(v.value);
      return;
    case 'list':
      w.byte(RDB_TYPE_LIST_QUICKLIST_2);
      w.string(e.key);
      if (v.nodes === undefined) writeQuicklist(w, v.value, t.listMaxListpackSize, opts.packedThreshold ?? 2 ** 30);
      else writeQuicklistNodes(w, e.key, v.value, v.nodes, opts.packedThreshold ?? 2 ** 30);
      return;
    case 'set':
      writeSet(w, e.key, v.value, e.encoding ?? setEncoding(v.value, t), v.intsetEncoding);
      return;
    case 'zset':
      writeZset(w, e.key, v.value, e.encoding ?? zsetEncoding(v.value, t));
      return;
    case 'hash':
      writeHash(w, e.key, v.value, e.encoding ?? hashEncoding(v.value, t));
      return;
  }
}

/**
 * rdbSaveObject, OBJ_SET: an intset blob, or `<len>` + members. The intset is written as it is in
 * memory: at least `intsetEncoding` bytes per member when given (a width removals left behind).
 */
function writeSet(w: RdbWriter, key: Uint8Array, members: readonly Uint8Array[], enc: Encoding, intsetEncoding: 2 | 4 | 8 = 2): void {
  if (enc === 'intset' && allIntegers(members)) {
    w.byte(RDB_TYPE_SET_INTSET);
    w.string(key);
    w.string(intsetEncode(members.map((m) => defined(parseCanonicalInt(m), 'an intset holds only canonical integers (allIntegers checked them)')), intsetEncoding));
    return;
  }
  w.byte(RDB_TYPE_SET);
  w.string(key);
  w.len(members.length);
  for (const m of members) w.string(m);
}

/** rdbSaveObject, OBJ_ZSET: a listpack of member, score, ... ascending, or ZSET_2 from the highest score down. */
function writeZset(w: RdbWriter, key: Uint8Array, items: readonly { member: Uint8Array; score: number }[], enc: Encoding): void {
  const sorted = [...items].sort(compareZsetItems);
  if (enc === 'listpack') {
    w.byte(RDB_TYPE_ZSET_LISTPACK);
    w.string(key);
    const lp = SHARED_LP.reset();
    for (const { member, score } of sorted) {
      lp.append(member);
      // t_zset.c zzlInsertAt (7.0): a score that double2ll converts exactly (integral, within
      // ±LLONG_MAX/2) is stored as a listpack integer; any other score as its d2string text.
      const asInteger = double2ll(score);
      lp.append(asciiBytes(asInteger !== undefined ? asInteger : d2string(score)));
    }
    w.string(lp.finishView());
    return;
  }
  // rdbSaveObject: skiplist saved from the tail (greatest score) to the head
  w.byte(RDB_TYPE_ZSET_2);
  w.string(key);
  w.len(sorted.length);
  for (let i = sorted.length - 1; i >= 0; i--) {
    const z = defined(sorted[i], 'i indexes the sorted copy');
    w.string(z.member);
    w.binaryDouble(z.score);
  }
}

/** rdbSaveObject, OBJ_HASH: a listpack of field, value, ..., or `<len>` + pairs. */
function writeHash(w: RdbWriter, key: Uint8Array, pairs: readonly [Uint8Array, Uint8Array][], enc: Encoding): void {
  if (enc === 'listpack') {
    w.byte(RDB_TYPE_HASH_LISTPACK);
    w.string(key);
    const lp = SHARED_LP.reset();
    for (const [f, val] of pairs) {
      lp.append(f);
      lp.append(val);
    }
    w.string(lp.finishView());
    return;
  }
  w.byte(RDB_TYPE_HASH);
  w.string(key);
  w.len(pairs.length);
  for (const [f, val] of pairs) {
    w.string(f);
    w.string(val);
  }
}

function allIntegers(items: readonly Uint8Array[]): boolean {
  for (const m of items) if (m.length > 20 || parseCanonicalInt(m) === undefined) return false;
  return true;
}

/**
 * The quicklist a list built by RPUSH would have in Redis 7.0 (quicklistPushTail +
 * _quicklistNodeAllowInsert): an element goes into the tail node while
 * `node.sz + len(element) + SIZE_ESTIMATE_OVERHEAD(8)` stays within the size class of
 * list-max-listpack-size (-2 → 8192 bytes), or, for a positive fill, while the node has fewer
 * than `fill` entries and stays under SIZE_SAFETY_LIMIT (8192). Elements of `packedThreshold`
 * bytes or more get a PLAIN node of their own. Returns listpack builders (PACKED nodes) and raw
 * elements (PLAIN nodes), head first.
 */
export function planQuicklist(items: readonly Uint8Array[], fill = -2, packedThreshold = 2 ** 30): (ListpackBuilder | Uint8Array)[] {
  const nodes: (ListpackBuilder | Uint8Array)[] = [];
  let tail: ListpackBuilder | undefined;
  for (const el of items) {
    if (el.length >= packedThreshold) {
      nodes.push(el);
      tail = undefined;
      continue;
    }
    let allow = false;
    if (tail !== undefined) {
      const newSz = tail.size + el.length + SIZE_ESTIMATE_OVERHEAD;
      if (fill < 0) {
        const limit = OPTIMIZATION_LEVEL[-fill - 1];
        allow = limit !== undefined && newSz <= limit;
      } else {
        allow = newSz <= SIZE_SAFETY_LIMIT && tail.count < fill;
      }
    }
    if (!allow || tail === undefined) {
      tail = new ListpackBuilder();
      nodes.push(tail);
    }
    tail.append(el);
  }
  return nodes;
}

const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
const SIZE_ESTIMATE_OVERHEAD = 8;
const SIZE_SAFETY_LIMIT = 8192;

function writeQuicklist(w: RdbWriter, items: readonly Uint8Array[], fill: number, packedThreshold: number): void {
  const nodes = planQuicklist(items, fill, packedThreshold);
  const limit = fill < 0 ? (OPTIMIZATION_LEVEL[-fill - 1] ?? SIZE_SAFETY_LIMIT) : SIZE_SAFETY_LIMIT;
  w.len(nodes.length);
  for (const n of nodes) {
    invariant(n instanceof Uint8Array || (n.count > 0 && (n.count === 1 || n.size <= limit)), '_quicklistNodeAllowInsert: a PACKED node is non-empty and within its size class unless it holds one element', () => n instanceof Uint8Array ? '' : `${n.count} entries, ${n.size} bytes, limit ${limit}`);
    if (n instanceof Uint8Array) {
      w.len(QUICKLIST_NODE_CONTAINER_PLAIN);
      w.string(n);
    } else {
      w.len(QUICKLIST_NODE_CONTAINER_PACKED);
      w.string(n.finishView());
    }
  }
}

/**
 * rdbSaveObject, OBJ_LIST with a given layout: the node count, then per node its container and
 * blob — `nodes[k]` elements per listpack, head first, as the list holds them (a node LSET grew
 * past its size class, or one LINSERT's split left short, is written as it is). A node of one
 * element of `packedThreshold` bytes or more is a PLAIN node. Counts that are not positive
 * integers adding up to the list's length are refused (ENCODE_INPUT).
 */
function writeQuicklistNodes(w: RdbWriter, key: Uint8Array, items: readonly Uint8Array[], nodes: readonly number[], packedThreshold: number): void {
  let total = 0;
  for (const n of nodes) {
    if (!Number.isInteger(n) || n <= 0) throw new RdbFormatError('ENCODE_INPUT', 0, `key ${JSON.stringify(bytesToAscii(key.subarray(0, 40)))}: list node count ${n} (each node holds at least one element)`);
    total += n;
  }
  if (total !== items.length) throw new RdbFormatError('ENCODE_INPUT', 0, `key ${JSON.stringify(bytesToAscii(key.subarray(0, 40)))}: list nodes hold ${total} elements, the list has ${items.length}`);
  w.len(nodes.length);
  let at = 0;
  for (const n of nodes) {
    const first = defined(items[at], 'the counts add up to the length');
    if (n === 1 && first.length >= packedThreshold) {
      w.len(QUICKLIST_NODE_CONTAINER_PLAIN);
      w.string(first);
    } else {
      const lp = SHARED_LP.reset();
      for (let k = at; k < at + n; k++) lp.append(defined(items[k], 'the counts add up to the length'));
      w.len(QUICKLIST_NODE_CONTAINER_PACKED);
      w.string(lp.finishView());
    }
    at += n;
  }
}
