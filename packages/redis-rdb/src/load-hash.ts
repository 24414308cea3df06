/**
 * rdb.c `rdbLoadObject` for hashes: RDB_TYPE_HASH (`<len>` + field, value strings),
 * RDB_TYPE_HASH_ZIPMAP, RDB_TYPE_HASH_ZIPLIST and RDB_TYPE_HASH_LISTPACK (kept packed). Redis 7.0
 * refuses a field seen twice — "Hash with dup elements" while it is still building a listpack,
 * "Duplicate hash fields detected" once converted to a dict (more than hash-max-listpack-entries
 * fields, or a field/value longer than hash-max-listpack-value), reported just past the pair; in a
 * zipmap / ziplist / listpack it fails the deep integrity check, reported just past the blob. An
 * empty hash is skipped (`goto emptykey`); an empty zipmap fails "Zipmap integrity check failed.".
 */
import { RdbFormatError } from './errors.js';
import { listpackScan, lpValueBytes, type LpValue } from './listpack.js';
import { ziplistDecode, zipmapDecode } from './ziplist.js';
import { hashEncoding } from './encodings.js';
import { checkPairs, duplicate, EMPTY_KEY, packed, type Loaded } from './load-shared.js';
import type { RdbReader } from './reader.js';

type Pair = [Uint8Array, Uint8Array];

/** RDB_TYPE_HASH */
export function loadHash(r: RdbReader): Loaded {
  const n = r.len();
  r.checkAnnounced(n, 'a hash', 2);
  if (n === 0) return EMPTY_KEY;
  const t = r.thresholds;
  const members = r.members;
  members.reset(n);
  let asListpack = n <= t.hashMaxListpackEntries;
  const pairs: Pair[] = [];
  for (let i = 0; i < n; i++) {
    const f = r.str();
    const v = r.str();
    if (f.length > t.hashMaxListpackValue || v.length > t.hashMaxListpackValue) asListpack = false;
    if (!members.addBytes(f)) throw duplicate(r, asListpack ? 'Hash with dup elements' : 'Duplicate hash fields detected');
    pairs.push([f, v]);
  }
  r.enc = hashEncoding(pairs, t);
  return { type: 'hash', value: pairs };
}

/** RDB_TYPE_HASH_ZIPMAP (RDB < 4): converted on load. */
export function loadZipmapHash(r: RdbReader, at: number): Loaded {
  const pairs = zipmapDecode(r.str(), at);
  if (pairs.length === 0) throw new RdbFormatError('BAD_ZIPMAP', r.at(), 'Zipmap integrity check failed: an empty zipmap');
  return checkedPairs(r, pairs, 'Zipmap integrity check failed: a field appears twice');
}

/** RDB_TYPE_HASH_ZIPLIST: field, value, ... in one ziplist, converted on load. */
export function loadZiplistHash(r: RdbReader, at: number): Loaded {
  const flat: LpValue[] = ziplistDecode(r.str(), at);
  checkPairs(flat.length, 'BAD_ZIPLIST', 'hash', at);
  if (flat.length === 0) return EMPTY_KEY;
  const pairs: Pair[] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([lpValueBytes(flat[i] as LpValue), lpValueBytes(flat[i + 1] as LpValue)]);
  return checkedPairs(r, pairs, 'Hash ziplist integrity check failed: a field appears twice');
}

function checkedPairs(r: RdbReader, pairs: Pair[], message: string): Loaded {
  const members = r.members;
  members.reset(pairs.length);
  for (const [f] of pairs) if (!members.addBytes(f)) throw duplicate(r, message);
  r.enc = hashEncoding(pairs, r.thresholds);
  return { type: 'hash', value: pairs };
}

/** RDB_TYPE_HASH_LISTPACK: kept as the listpack (lpValidateIntegrity + hashZiplistValidateIntegrity), expanded on first read. */
export function loadListpackHash(r: RdbReader, at: number): Loaded {
  r.strRange(true);
  const sc = r.scan;
  const members = r.members;
  members.reset(16);
  const n = listpackScan(r.rBuf, r.rOff, r.rLen, at, sc, false, members);
  checkPairs(n, 'BAD_LISTPACK', 'hash', at);
  if ((sc.dupIndex ?? -1) >= 0) throw duplicate(r, 'Hash listpack integrity check failed: a field appears twice');
  if (n === 0) return EMPTY_KEY;
  // hashTypeTryConversion's thresholds, from the walk: pair count and the longest field or value
  const t = r.thresholds;
  r.enc = n / 2 > t.hashMaxListpackEntries || sc.maxLen > t.hashMaxListpackValue ? 'hashtable' : 'listpack';
  return packed(r, 'hash');
}
