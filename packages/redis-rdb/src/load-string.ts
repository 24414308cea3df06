/**
 * rdb.c `rdbLoadObject`, RDB_TYPE_STRING: one string (`rdbGenericLoadStringObject` with
 * RDB_LOAD_ENC), then `tryObjectEncoding` picks int / embstr / raw.
 */
import { parseCanonicalInt } from './bytes.js';
import { LZF_LAZY_MAX, RDB_ENC_INT16, RDB_ENC_INT32, RDB_ENC_INT8, RDB_ENC_LZF } from './constants.js';
import { lzfScan } from './lzf.js';
import { stringEncoding } from './encodings.js';
import type { RdbReader } from './reader.js';
import type { RedisValue } from './model.js';

/**
 * An RDB_TYPE_STRING value. Raw and INT8/16/32 strings are left in place (undefined returned: the
 * entry reads them again on first access — an INT one, like Redis's OBJ_ENCODING_INT, is just a
 * number until then). An LZF string of 21..LZF_LAZY_MAX bytes is validated in place (`lzfScan`)
 * and left there too, decompressed by the entry on each read (issue 19: a 1M-key file kept two
 * objects alive per compressed value); other LZF strings are decompressed now and returned.
 */
export function loadString(r: RdbReader): RedisValue | undefined {
  const at = r.at();
  const v = r.lenOrEnc();
  if (!r.lenEncoded) {
    r.checkAnnounced(v, 'a string length', 1, at);
    r.ensure(v);
    const off = r.pos;
    r.pos += v;
    r.enc = v <= 20 && parseCanonicalInt(r.buf, off, off + v) !== undefined ? 'int' : v <= 44 ? 'embstr' : 'raw';
    return undefined;
  }
  if (v === RDB_ENC_INT8 || v === RDB_ENC_INT16 || v === RDB_ENC_INT32) {
    // 1, 2 or 4 bytes, read again by the entry on first access
    const size = v === RDB_ENC_INT8 ? 1 : v === RDB_ENC_INT16 ? 2 : 4;
    r.ensure(size);
    r.pos += size;
    // the decimal text of an INT8/16/32 is canonical and at most 11 characters: tryObjectEncoding's "int"
    r.enc = 'int';
    return undefined;
  }
  if (v === RDB_ENC_LZF) {
    // the reads str() makes, in its order (same errors at the same offsets)
    const clen = r.len();
    const ulen = r.len();
    r.checkAnnounced(clen, 'an LZF compressed length', 1, at);
    r.ensure(clen);
    if (ulen > 20 && ulen <= LZF_LAZY_MAX) {
      lzfScan(r.buf, r.pos, clen, ulen, at);
      r.pos += clen;
      // longer than 20 bytes: never a canonical integer (tryObjectEncoding), so embstr or raw by length
      r.enc = ulen <= 44 ? 'embstr' : 'raw';
      return undefined;
    }
  }
  r.pos = at - r.base;
  const s = r.str();
  r.enc = stringEncoding(s);
  return { type: 'string', value: s };
}
