/**
 * debug.c's dataset functions (redis/redis src/debug.c, 7.0): the digest behind DEBUG DIGEST and
 * DEBUG DIGEST-VALUE (xorDigest, mixDigest, xorObjectDigest, computeDatasetDigest) and the loop of
 * DEBUG POPULATE. The DEBUG command itself is the server's (it also reloads files): these are the
 * parts that read or fill the keyspace.
 *
 * The digest is SHA-1 based and order-aware only where the type is ordered: a list's elements, a
 * key's name and type, each zset or hash element's parts are *mixed* (digest = SHA1(digest xor
 * SHA1(data))), while the keys of a db and the members of a set, zset or hash are *xored* (so any
 * iteration order gives the same result). It does not depend on encodings: an intset member, an
 * int-encoded string and a listpack integer are digested as their decimal text, a zset score as
 * `%.17g`. So the same data in protolab and in redis-server 7.0 has the same digest (checked by the
 * peer test), which makes DEBUG DIGEST a one-line comparison of two whole datasets.
 */
import { formatDouble17g, sha1 } from '@protolab/redis-common';
import { binFromBytes, binToBytes } from './bytes.js';
import { makeEntry } from './convert.js';
import type { Db } from './db.js';
import type { KeyspaceCore } from './core.js';
import type { Keyspace } from './keyspace.js';
import { dictNextPower } from './scan.js';
import { valAt } from './server.js';
import type { Encoding, RedisValue } from './types.js';
import { KeyspaceError } from './types.js';
import { STRING_MAX_BYTES } from './t_string_range.js';
import { estimateObjectIdleTime, lruClock } from './evict.js';
import { objectRefcount } from './object.js';
import { ListVal, encodingOf } from './values.js';

/** A JS Map holds at most 2^24 entries (V8): the most keys one db can hold, so the most POPULATE adds. */
export const POPULATE_MAX_KEYS = 2 ** 24;

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** server.h OBJ_STRING … OBJ_HASH: the type number xorObjectDigest mixes in (as htonl). */
const OBJ_TYPE = new Map<RedisValue['type'], number>([['string', 0], ['list', 1], ['set', 2], ['zset', 3], ['hash', 4]]);
const EXPIRE_MARK = ascii('!!expire!!');

/** debug.c xorDigest: digest ^= SHA1(data) (order-free: used for the members of unordered things). */
function xorDigest(digest: Uint8Array, data: Uint8Array): void {
  const h = sha1(data);
  for (let i = 0; i < 20; i++) digest[i] = (digest[i] ?? 0) ^ (h[i] ?? 0);
}

/** debug.c mixDigest: digest = SHA1(digest ^ SHA1(data)) (order-aware). */
function mixDigest(digest: Uint8Array, data: Uint8Array): void {
  xorDigest(digest, data);
  digest.set(sha1(digest));
}

/** A 32-bit number in network byte order (htonl), as debug.c feeds a db index or a type. */
function be32(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** debug.c xorObjectDigest: mixes one value (and whether its key has a TTL) into `digest`. */
export function xorObjectDigest(digest: Uint8Array, value: RedisValue, hasExpire: boolean): void {
  mixDigest(digest, be32(OBJ_TYPE.get(value.type) ?? 0));
  switch (value.type) {
    case 'string':
      mixDigest(digest, value.value);
      break;
    case 'list':
      for (const e of value.value) mixDigest(digest, e);
      break;
    case 'set':
      for (const e of value.value) xorDigest(digest, e);
      break;
    case 'zset':
      for (const { member, score } of value.value) {
        const ele = new Uint8Array(20);
        mixDigest(ele, member);
        mixDigest(ele, ascii(formatDouble17g(score)));
        xorDigest(digest, ele);
      }
      break;
    case 'hash':
      for (const [field, v] of value.value) {
        const ele = new Uint8Array(20);
        mixDigest(ele, field);
        mixDigest(ele, v);
        xorDigest(digest, ele);
      }
      break;
  }
  if (hasExpire) xorDigest(digest, EXPIRE_MARK);
}

/** The value at `slot` as bytes (makeEntry's conversion), with whether it has a TTL. */
function slotValue(db: Db, key: string, slot: number): { value: RedisValue; hasExpire: boolean } {
  return { value: makeEntry(db.id, key, valAt(db, slot), undefined).value, hasExpire: db.hasExpire(slot) };
}

/**
 * debug.c computeDatasetDigest: 20 zero bytes for an empty dataset; else, per non-empty db, the db
 * index mixed in, then each key's digest (its name mixed, then xorObjectDigest) xored in. Keys whose
 * deadline passed but that were not reclaimed count, as the C code walks the dict as it is.
 */
function computeDatasetDigestOf(core: KeyspaceCore): Uint8Array {
  const final = new Uint8Array(20);
  for (const db of core.dbs) {
    if (db.dict.size === 0) continue;
    mixDigest(final, be32(db.id));
    for (const [key, slot] of db.dict) {
      const digest = new Uint8Array(20);
      mixDigest(digest, binToBytes(key));
      const { value, hasExpire } = slotValue(db, key, slot);
      xorObjectDigest(digest, value, hasExpire);
      xorDigest(final, digest);
    }
  }
  return final;
}

/**
 * DEBUG DIGEST-VALUE's digest of one key of db `dbIndex`: xorObjectDigest alone (the key's name is
 * not mixed in), 20 zero bytes for a missing key. Found as dictFind finds it: a key whose deadline
 * passed is still digested (debug.c: "a debug command should work on logically expired keys").
 */
function digestValueOf(core: KeyspaceCore, dbIndex: number, key: Uint8Array): Uint8Array {
  const digest = new Uint8Array(20);
  const db = core.dbs[dbIndex];
  const k = binFromBytes(key);
  const slot = db?.dict.get(k);
  if (db === undefined || slot === undefined) return digest;
  const { value, hasExpire } = slotValue(db, k, slot);
  xorObjectDigest(digest, value, hasExpire);
  return digest;
}

/** snprintf(buf, 128, "%s:%lu", prefix, j): the prefix as a C string (up to a NUL), the whole at most 127 bytes. */
function populateKey(prefix: Uint8Array, j: number): Uint8Array {
  const nul = prefix.indexOf(0);
  const p = nul < 0 ? prefix : prefix.subarray(0, nul);
  const suffix = ascii(`:${j}`);
  const out = new Uint8Array(Math.min(127, p.length + suffix.length));
  out.set(p.subarray(0, out.length));
  if (p.length < out.length) out.set(suffix.subarray(0, out.length - p.length), p.length);
  return out;
}

/**
 * DEBUG POPULATE's loop (debug.c, 7.0): dictExpand to `count` first (the table becomes the next
 * power of two ≥ count unless it holds more keys than that, which matters for SCAN's order), then
 * for j = 0 … count − 1 the key `<prefix>:<j>` is added with the value `value:<j>` — or, with
 * `valsize` > 0, exactly `valsize` bytes: those characters, then zero bytes — unless it exists
 * (lookupKeyWrite: an expired one is deleted first, its DEL propagated). Nothing is propagated and
 * `dirty` does not move (dbAdd only). Returns the keys added (the caller signals watchers). More keys
 * than a db can hold (POPULATE_MAX_KEYS) or a value over the longest string: KeyspaceError
 * POPULATE_TOO_LARGE before anything is added.
 */
function populateOf(core: KeyspaceCore, dbIndex: number, count: number, prefix: Uint8Array, valsize: number): Uint8Array[] {
  const db = core.dbs[dbIndex];
  if (db === undefined) return [];
  if (db.dict.size + count > POPULATE_MAX_KEYS || valsize > STRING_MAX_BYTES) {
    // Redis 7.0.15 aborts ("Out Of Memory allocating …") when dictExpand or the value cannot be
    // allocated; here the request is refused before any key is added.
    throw new KeyspaceError('POPULATE_TOO_LARGE', `DEBUG POPULATE of ${count} keys of ${valsize} bytes is more than a db holds here (at most ${POPULATE_MAX_KEYS} keys, values of at most ${STRING_MAX_BYTES} bytes)`);
  }
  core.cmdNow = core.nowFn();
  if (db.dict.size <= count) db.tableSize = dictNextPower(count);
  const added: Uint8Array[] = [];
  for (let j = 0; j < count; j++) {
    const keyBytes = populateKey(prefix, j);
    const key = binFromBytes(keyBytes);
    if (core.lookup(db, key) >= 0) continue;
    const text = `value:${j}`;
    let v: string;
    if (valsize === 0) v = text;
    else {
      const bytes = new Uint8Array(valsize);
      bytes.set(ascii(text).subarray(0, valsize));
      v = binFromBytes(bytes);
    }
    db.add(key, v); // createStringObject: embstr up to 44 bytes, raw beyond (never int: it starts with "value")
    added.push(keyBytes);
  }
  return added;
}

/** DEBUG DIGEST: the dataset's digest (computeDatasetDigest), 20 bytes. */
export function computeDatasetDigest(ks: Keyspace): Uint8Array {
  return computeDatasetDigestOf(ks.core);
}

/** DEBUG DIGEST-VALUE: one key's value digest in db `dbIndex` (zeros when missing). */
export function digestValue(ks: Keyspace, dbIndex: number, key: Uint8Array): Uint8Array {
  return digestValueOf(ks.core, dbIndex, key);
}

/** DEBUG POPULATE count [prefix] [size] on db `dbIndex` (`prefix` "key", `valsize` 0 by default). Returns the keys added. */
export function debugPopulate(ks: Keyspace, dbIndex: number, count: number, prefix: Uint8Array = ascii('key'), valsize = 0): Uint8Array[] {
  return populateOf(ks.core, dbIndex, count, prefix, valsize);
}

/** What DEBUG OBJECT reports of a key (debug.c debugCommand "object"), but its serialized length. */
export interface DebugObjectInfo {
  /** OBJECT ENCODING's name */
  readonly encoding: Encoding;
  /** o->refcount (OBJ_SHARED_REFCOUNT for a shared integer) */
  readonly refcount: number;
  /** o->lru as stored: the 24-bit LRU clock, or the LFU word (ldt << 8 | counter) under an LFU policy */
  readonly lru: number;
  /** estimateObjectIdleTime(o) / 1000, from that field whatever the policy (so nonsense under LFU, as in Redis) */
  readonly lruSecondsIdle: number;
  /** the value, for rdbSavedObjectLen */
  readonly value: RedisValue;
  /** a list's quicklist: nodes, elements, Σ node->sz (ql_uncompressed_size), its fill (list-max-listpack-size at its creation) */
  readonly quicklist?: { readonly nodes: number; readonly count: number; readonly bytes: number; readonly fill: number };
}

/**
 * DEBUG OBJECT's facts about `key` in db `dbIndex`, or undefined when absent. Found as dictFind
 * finds it — no expiry check, no access-time update (a key whose deadline passed is still shown).
 * The LRU of a shared integer is the shared object's in Redis (touched by every key holding it);
 * here it is the key's own.
 */
export function debugObjectInfo(ks: Keyspace, dbIndex: number, key: Uint8Array, nowMs: number): DebugObjectInfo | undefined {
  const core = ks.core;
  const db = core.dbs[dbIndex];
  const k = binFromBytes(key);
  const slot = db?.dict.get(k);
  if (db === undefined || slot === undefined) return undefined;
  const v = valAt(db, slot);
  const lru = core.maxmemory?.lruOf(dbIndex, k) ?? lruClock(db.lruAt(slot));
  const info = {
    encoding: encodingOf(v),
    refcount: objectRefcount(core, v),
    lru,
    lruSecondsIdle: Math.floor(estimateObjectIdleTime(lru, nowMs) / 1000),
    value: slotValue(db, k, slot).value,
  };
  return v instanceof ListVal ? { ...info, quicklist: { nodes: v.ql.nodeCount, count: v.ql.length, bytes: v.ql.bytes, fill: v.ql.fill } } : info;
}
