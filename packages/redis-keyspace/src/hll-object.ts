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
  return val instanceof RawStr ? loadHll(val) : HllBuf.fromBinary(val);
}

/** The bytes of a raw string value, with the byte past its end as Redis's memory holds it (pastEnd). */
export function loadHll(raw: RawStr): HllBuf {
  const buf = HllBuf.fromBytes(raw.bytes());
  const tail = pastEnd.get(raw);
  if (tail !== undefined && tail.len === raw.length) buf.b[raw.length] = tail.byte;
  return buf;
}

/**
 * The byte just past the end of an HLL string, when a command left it non-zero. Redis reads that
 * byte (the sds terminator slot) as the second byte of an XZERO cut after its first byte, and
 * hllSparseSet can leave it non-zero: splitting such an XZERO writes its last sequence byte one
 * past the new length, after sdsIncrLen wrote the terminator there. It stays in the server's
 * memory while the string keeps that length (APPEND, SETRANGE past the end and SETBIT past the
 * end write a new terminator; copies — COPY, DUMP/RESTORE, RDB — do not carry it), so later
 * commands read it: measured on redis-server 7.0.15, PFDEBUG DECODE then shows that XZERO's
 * length from the leftover byte. Kept per value object, for the length it applies to.
 */
const pastEnd = new WeakMap<RawStr, { len: number; byte: number }>();

/** Remember (or forget) the byte past `buf`'s end for the value `raw` that now holds its bytes. */
function notePastEnd(raw: RawStr, buf: HllBuf): void {
  const byte = buf.b[buf.len] ?? 0;
  if (byte !== 0) pastEnd.set(raw, { len: buf.len, byte });
  else pastEnd.delete(raw);
}

/** A new raw string value adopting `buf`'s bytes (createObject over the sds). */
export function adoptHll(buf: HllBuf): RawStr {
  const raw = RawStr.fromBytes(buf.content());
  notePastEnd(raw, buf);
  return raw;
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
    db.overwrite(slot, adoptHll(buf));
    return;
  }
  notePastEnd(raw, buf);
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

