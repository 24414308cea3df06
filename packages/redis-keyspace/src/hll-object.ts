/**
 * What every HyperLogLog command does with the key's value (redis/redis src/hyperloglog.c 7.0
 * isHLLObjectOrReply, db.c dbUnshareStringValue): check that a string is an HLL, read its bytes
 * into an HllBuf, and store back what the command changed.
 */
import type { RespValue } from '@protolab/resp';
import { err, int } from './replies.js';
import { RawStr, strOf } from './values.js';
import type { Ctx, RObj } from './server.js';
import { checkType } from './server.js';
import { HLL_DENSE, HLL_DENSE_SIZE, HLL_HDR_SIZE, HLL_MAX_ENCODING, HllBuf } from './hll-dense.js';

/** isHLLObjectOrReply's error for a string that is not an HLL. */
export const E_NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
/** hyperloglog.c invalid_hll_err. */
export const E_INVALID_HLL = 'INVALIDOBJ Corrupted HLL object detected';

/**
 * hyperloglog.c isHLLObjectOrReply: a string of at least 16 bytes starting "HYLL", an encoding
 * byte of 0 or 1, and exactly HLL_DENSE_SIZE bytes if dense. The sparse opcodes are not checked
 * here (the functions that walk them do). Returns the value's bytes, or the error reply.
 */
export function isHLLObjectOrReply(o: RObj): HllBuf | RespValue {
  const wrong = checkType(o, 'string');
  if (wrong !== undefined) return wrong;
  const val = o.val as string | RawStr;
  const len = val.length;
  const at = val instanceof RawStr ? (i: number): number => val.byteAt(i) : (i: number): number => val.charCodeAt(i);
  if (len < HLL_HDR_SIZE || at(0) !== 0x48 || at(1) !== 0x59 || at(2) !== 0x4c || at(3) !== 0x4c) return err(E_NOT_HLL); // "HYLL"
  const enc = at(4);
  if (enc > HLL_MAX_ENCODING) return err(E_NOT_HLL);
  if (enc === HLL_DENSE && len !== HLL_DENSE_SIZE) return err(E_NOT_HLL);
  return val instanceof RawStr ? HllBuf.fromBytes(val.bytes()) : HllBuf.fromBinary(val);
}

/** The bytes as read, or the reply to send (type guard). */
export function isBuf(x: HllBuf | RespValue): x is HllBuf {
  return x instanceof HllBuf;
}

/**
 * db.c dbUnshareStringValue: a value that is not a raw string (embstr, or our plain JS string)
 * is replaced by a raw copy, so that it may be written in place. No dirty++: Redis does this
 * even when the command then changes nothing (PFCOUNT with a valid cache, PFDEBUG ENCODING).
 */
export function unshareHll(c: Ctx, slot: number, val: string | RawStr): RawStr {
  if (val instanceof RawStr && val.enc === 'raw') return val;
  const raw = new RawStr(strOf(val));
  c.client.db.overwrite(slot, raw);
  return raw;
}

/**
 * Store what a command changed in `buf` into the key's value `raw`: byte by byte in place when
 * the length is the same (a dense HLL, a sparse one rewritten in place), else as a new raw
 * string adopting the bytes.
 */
export function commitHll(c: Ctx, slot: number, raw: RawStr, buf: HllBuf): void {
  if (!buf.changed) return;
  const db = c.client.db;
  if (buf.len !== raw.length) {
    db.overwrite(slot, RawStr.fromBytes(buf.content()));
    return;
  }
  const b = buf.b;
  const hi = Math.min(buf.hi, buf.len);
  let high = 0;
  for (let i = buf.lo; i < hi; i++) {
    const v = b[i] ?? 0;
    raw.setByte(i, v);
    high |= v;
  }
  if (high >= 0x80) db.highStrings = true; // as db.noteStringBytes would note these bytes
}

/** The sparse → dense threshold (server.hll_sparse_max_bytes, CONFIG hll-sparse-max-bytes). */
export function sparseMaxBytes(c: Ctx): number {
  return c.core.thresholds.hllSparseMaxBytes;
}

/** A scratch buffer for the bytes of one element (argv strings are one char per byte). */
let ele = new Uint8Array(64);
export function eleBytes(s: string): Uint8Array {
  if (s.length > ele.length) ele = new Uint8Array(Math.max(s.length, ele.length * 2));
  for (let i = 0; i < s.length; i++) ele[i] = s.charCodeAt(i);
  return ele;
}

/** addReplyLongLong of the uint64_t cardinality (2^63 and above read as negative long longs). */
export function cardReply(card: bigint): RespValue {
  return int(card >= 1n << 63n ? card - (1n << 64n) : card);
}

