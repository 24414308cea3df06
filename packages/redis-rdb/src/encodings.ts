/**
 * The in-memory encoding Redis 7.0 gives a value after loading it (object.c `tryObjectEncoding`;
 * the conversions at the end of rdb.c `rdbLoadObject`; `hashTypeTryConversion`,
 * `zsetConvert`), under the default or given thresholds. `DecodedEntry.encoding` comes from here
 * and the encoder picks its RDB types from the same rules.
 */
import { parseCanonicalInt } from './bytes.js';
import { DEFAULT_THRESHOLDS, type EncodingThresholds } from './constants.js';
import type { Encoding } from './model.js';

/** tryObjectEncoding on a loaded string: int if it is a canonical long of <= 20 chars, embstr if <= 44 bytes. */
export function stringEncoding(s: Uint8Array): Encoding {
  if (s.length <= 20 && parseCanonicalInt(s) !== undefined) return 'int';
  return s.length <= 44 ? 'embstr' : 'raw';
}

/** rdbLoadObject RDB_TYPE_SET: an intset while every member is an integer and the count fits. */
export function setEncoding(items: readonly Uint8Array[], t: EncodingThresholds = DEFAULT_THRESHOLDS): Encoding {
  if (items.length > t.setMaxIntsetEntries) return 'hashtable';
  for (const m of items) if (m.length > 20 || parseCanonicalInt(m) === undefined) return 'hashtable';
  return 'intset';
}

/** zsetConvert after load / zsetTypeCreate: listpack while small enough. */
export function zsetEncoding(items: readonly { member: Uint8Array }[], t: EncodingThresholds = DEFAULT_THRESHOLDS): Encoding {
  if (items.length > t.zsetMaxListpackEntries) return 'skiplist';
  for (const it of items) if (it.member.length > t.zsetMaxListpackValue) return 'skiplist';
  return 'listpack';
}

/** hashTypeTryConversion: listpack while entries and every field/value length are under the limits. */
export function hashEncoding(pairs: readonly [Uint8Array, Uint8Array][], t: EncodingThresholds = DEFAULT_THRESHOLDS): Encoding {
  if (pairs.length > t.hashMaxListpackEntries) return 'hashtable';
  for (const [f, v] of pairs) if (f.length > t.hashMaxListpackValue || v.length > t.hashMaxListpackValue) return 'hashtable';
  return 'listpack';
}
