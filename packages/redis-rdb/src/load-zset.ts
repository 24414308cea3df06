/**
 * rdb.c `rdbLoadObject` for sorted sets: RDB_TYPE_ZSET (text scores), RDB_TYPE_ZSET_2 (binary
 * scores), RDB_TYPE_ZSET_ZIPLIST and RDB_TYPE_ZSET_LISTPACK (kept packed). Redis 7.0 refuses a NaN
 * score ("Zset with NAN score detected") and a member seen twice ("Duplicate zset fields
 * detected"), each reported just past the element; in a ziplist / listpack a repeated member fails
 * the deep integrity check (`zsetZiplistValidateIntegrity`), reported just past the blob. An empty
 * zset is skipped (`goto emptykey`).
 */
import { RdbFormatError } from './errors.js';
import { listpackScan, lpValueBytes, type LpValue } from './listpack.js';
import { ziplistDecode } from './ziplist.js';
import { bytesToAscii, compareZsetItems, parseDoubleText } from './bytes.js';
import { zsetEncoding } from './encodings.js';
import { RDB_TYPE_ZSET_2 } from './constants.js';
import { checkPairs, duplicate, EMPTY_KEY, packed, type Loaded } from './load-shared.js';
import type { RdbReader } from './reader.js';

type ZItem = { member: Uint8Array; score: number };

/** RDB_TYPE_ZSET / RDB_TYPE_ZSET_2: `<len>` then (member, score) pairs. */
export function loadZset(r: RdbReader, type: number): Loaded {
  const binary = type === RDB_TYPE_ZSET_2;
  const n = r.len();
  r.checkAnnounced(n, 'a sorted set', binary ? 9 : 2);
  if (n === 0) return EMPTY_KEY;
  const members = r.members;
  members.reset(n);
  const items: ZItem[] = [];
  for (let i = 0; i < n; i++) {
    const member = r.str();
    const score = binary ? r.binaryDouble() : r.textDouble();
    if (Number.isNaN(score)) throw new RdbFormatError('NAN_SCORE', r.at(), 'Zset with NAN score detected');
    if (!members.addBytes(member)) throw duplicate(r, 'Duplicate zset fields detected');
    items.push({ member, score });
  }
  items.sort(compareZsetItems);
  r.enc = zsetEncoding(items, r.thresholds);
  return { type: 'zset', value: items };
}

/** RDB_TYPE_ZSET_ZIPLIST: member, score, ... in one ziplist, converted on load. */
export function loadZiplistZset(r: RdbReader, at: number): Loaded {
  const flat: LpValue[] = ziplistDecode(r.str(), at);
  checkPairs(flat.length, 'BAD_ZIPLIST', 'sorted set', at);
  if (flat.length === 0) return EMPTY_KEY;
  const members = r.members;
  members.reset(flat.length / 2);
  const items: ZItem[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const member = lpValueBytes(flat[i] as LpValue);
    if (!members.addBytes(member)) throw duplicate(r, 'Zset ziplist integrity check failed: a member appears twice');
    items.push({ member, score: scoreOf(flat[i + 1] as LpValue, at) });
  }
  items.sort(compareZsetItems);
  r.enc = items.length > r.thresholds.zsetMaxListpackEntries ? 'skiplist' : 'listpack';
  return { type: 'zset', value: items };
}

/** RDB_TYPE_ZSET_LISTPACK: kept as the listpack (lpValidateIntegrity + zsetZiplistValidateIntegrity), expanded on first read. */
export function loadListpackZset(r: RdbReader, at: number): Loaded {
  r.strRange(true);
  const sc = r.scan;
  const members = r.members;
  members.reset(16);
  const n = listpackScan(r.rBuf, r.rOff, r.rLen, at, sc, true, members);
  checkPairs(n, 'BAD_LISTPACK', 'sorted set', at);
  if (sc.badScoreAt >= 0) {
    const txt = bytesToAscii(r.rBuf.subarray(sc.badScoreAt, sc.badScoreAt + sc.badScoreLen));
    throw new RdbFormatError('BAD_DOUBLE', at, `sorted set score ${JSON.stringify(txt)} is not a number`);
  }
  if ((sc.dupIndex ?? -1) >= 0) throw duplicate(r, 'Zset listpack integrity check failed: a member appears twice');
  if (n === 0) return EMPTY_KEY;
  r.enc = n / 2 > r.thresholds.zsetMaxListpackEntries ? 'skiplist' : 'listpack';
  return packed(r, 'zset');
}

function scoreOf(v: LpValue, at: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  const t = bytesToAscii(v);
  const d = parseDoubleText(t);
  if (d === undefined) throw new RdbFormatError('BAD_DOUBLE', at, `sorted set score ${JSON.stringify(t)} is not a number`);
  return d;
}
