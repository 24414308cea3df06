/**
 * rdb.c `rdbLoadObject` for sets: RDB_TYPE_SET (`<len>` + one string per member) and
 * RDB_TYPE_SET_INTSET (one intset blob, kept packed). Redis 7.0 refuses a member seen twice
 * ("Duplicate set members detected", reported just past it) and skips a set of 0 members
 * (`goto emptykey`); an intset of 0 members fails `intsetValidateIntegrity` ("Intset integrity
 * check failed.") even without deep sanitisation.
 */
import { RdbFormatError } from './errors.js';
import { intsetScan } from './intset.js';
import { setEncoding } from './encodings.js';
import { duplicate, EMPTY_KEY, packed, type Loaded } from './load-shared.js';
import type { RdbReader } from './reader.js';

/** RDB_TYPE_SET */
export function loadSet(r: RdbReader): Loaded {
  const n = r.len();
  r.checkAnnounced(n, 'a set');
  if (n === 0) return EMPTY_KEY;
  const members = r.members;
  members.reset(n);
  const items: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const m = r.str();
    if (!members.addBytes(m)) throw duplicate(r, 'Duplicate set members detected');
    items.push(m);
  }
  r.enc = setEncoding(items, r.thresholds);
  return { type: 'set', value: items };
}

/** RDB_TYPE_SET_INTSET: kept as the intset blob (intsetValidateIntegrity, then used as is). */
export function loadIntset(r: RdbReader, at: number): Loaded {
  r.strRange(true);
  const n = intsetScan(r.rBuf, r.rOff, r.rLen, at);
  if (n === 0) throw new RdbFormatError('BAD_INTSET', r.at(), 'Intset integrity check failed: an intset of 0 members');
  r.enc = n > r.thresholds.setMaxIntsetEntries ? 'hashtable' : 'intset';
  return packed(r, 'set');
}
