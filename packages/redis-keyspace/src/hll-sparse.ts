/**
 * The sparse HyperLogLog representation (redis/redis src/hyperloglog.c, 7.0: the HLL_SPARSE_*
 * macros, createHLLObject, hllSparseToDense, hllSparseSet, hllSparseAdd, hllSparseRegHisto).
 *
 * After the 16-byte header, a run-length code of the 16384 registers in order:
 *   ZERO  00xxxxxx            1..64 registers at 0
 *   XZERO 01xxxxxx yyyyyyyy   1..16384 registers at 0 (14-bit length - 1, high bits first)
 *   VAL   1vvvvvxx            1..4 registers at value 1..32
 * A new HLL is one XZERO:16384. A register above 32, or a string that would grow past
 * `hll-sparse-max-bytes`, promotes the HLL to dense.
 *
 * Every function walks the opcodes exactly as the C code does, including on corrupt input (a
 * string that merely starts like an HLL): the same checks reject it (INVALIDOBJ), the same
 * bytes are changed before a check fails, and nothing is read or written outside the buffer.
 */
import {
  HDR_ENCODING, HLL_DENSE, HLL_DENSE_SIZE, HLL_HDR_SIZE, HLL_SPARSE, HllBuf, denseSet, hllDenseSet, hllInvalidateCache,
} from './hll-dense.js';
import { HLL_REGISTERS, hllPatLen, patLenOut } from './murmur64a.js';

export const HLL_SPARSE_VAL_MAX_VALUE = 32;
export const HLL_SPARSE_VAL_MAX_LEN = 4;
export const HLL_SPARSE_ZERO_MAX_LEN = 64;
export const HLL_SPARSE_XZERO_MAX_LEN = 16384;

/** HLL_SPARSE_IS_ZERO / HLL_SPARSE_IS_XZERO / HLL_SPARSE_IS_VAL on an opcode byte. */
export const isZero = (op: number): boolean => (op & 0xc0) === 0;
export const isXzero = (op: number): boolean => (op & 0xc0) === 0x40;
export const isVal = (op: number): boolean => (op & 0x80) !== 0;
/** HLL_SPARSE_ZERO_LEN, HLL_SPARSE_XZERO_LEN (reads the next byte), HLL_SPARSE_VAL_VALUE / _LEN. */
export const zeroLen = (op: number): number => (op & 0x3f) + 1;
export const xzeroLen = (op: number, next: number): number => (((op & 0x3f) << 8) | next) + 1;
export const valValue = (op: number): number => ((op >>> 2) & 0x1f) + 1;
export const valLen = (op: number): number => (op & 0x3) + 1;
/** HLL_SPARSE_VAL_SET / HLL_SPARSE_ZERO_SET as the byte they store. */
const valByte = (val: number, len: number): number => (((val - 1) << 2) | (len - 1) | 0x80) & 0xff;
const zeroByte = (len: number): number => (len - 1) & 0xff;

/**
 * hyperloglog.c createHLLObject: "HYLL", HLL_SPARSE, a zero (valid) cached cardinality, and as
 * many XZERO opcodes as cover the registers (one: XZERO:16384) — 18 bytes.
 */
export function createHLLObject(): HllBuf {
  const xzeros = Math.ceil(HLL_REGISTERS / HLL_SPARSE_XZERO_MAX_LEN);
  const o = HllBuf.zeroed(HLL_HDR_SIZE + xzeros * 2);
  o.b.set([0x48, 0x59, 0x4c, 0x4c], 0); // "HYLL"
  o.b[HDR_ENCODING] = HLL_SPARSE;
  let p = HLL_HDR_SIZE;
  for (let aux = HLL_REGISTERS; aux > 0; p += 2) {
    const xzero = Math.min(HLL_SPARSE_XZERO_MAX_LEN, aux);
    o.b[p] = ((xzero - 1) >>> 8) | 0x40;
    o.b[p + 1] = (xzero - 1) & 0xff;
    aux -= xzero;
  }
  o.touch(0, o.len);
  return o;
}

/**
 * hyperloglog.c hllSparseToDense: rewrite a sparse HLL as dense in place of `o` (the header —
 * magic, unused bytes, cached cardinality — copied, the encoding set to dense). false when the
 * opcodes do not describe exactly 16384 registers (C_ERR; `o` is left as it was).
 *
 * Upstream 7.0.15 sums the run lengths in an `int`, so a crafted string of more than 2^31
 * registers' worth of opcodes (≥ 256 KB of XZEROs) wraps it, and a VAL after that writes outside
 * the dense buffer (CVE-2025-32023). The redis-server 7.0.15 installed here is Debian's
 * 7.0.15-1~deb12u10, which carries the fix: such a string is corrupt (INVALIDOBJ), as here, where
 * the sum never wraps. With the fix a VAL run past register 16383 is corrupt even when the runs
 * before it covered exactly 16384 registers (upstream 7.0.15 stopped the walk there and accepted
 * the string): measured, "XZERO:16384 VAL:32,1" is INVALIDOBJ to PFDEBUG TODENSE and to PFCOUNT of
 * two keys. So every walk agrees: valid exactly when the runs sum to 16384.
 */
export function hllSparseToDense(o: HllBuf): boolean {
  const p0 = o.b;
  if (p0[HDR_ENCODING] === HLL_DENSE) return true;
  const dense = HllBuf.zeroed(HLL_DENSE_SIZE);
  const d = dense.b;
  d.set(p0.subarray(0, HLL_HDR_SIZE), 0);
  d[HDR_ENCODING] = HLL_DENSE;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  const end = o.len;
  while (p < end) {
    const op = p0[p] ?? 0;
    if (isZero(op)) {
      idx += zeroLen(op);
      p++;
    } else if (isXzero(op)) {
      idx += xzeroLen(op, p0[p + 1] ?? 0);
      p += 2;
    } else {
      let runlen = valLen(op);
      const regval = valValue(op);
      if (runlen + idx > HLL_REGISTERS) return false; // overflow (see above)
      while (runlen-- > 0) denseSet(d, HLL_HDR_SIZE, idx++, regval);
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return false;
  o.b = dense.b;
  o.len = dense.len;
  o.touch(0, o.len);
  return true;
}

/** hllSparseSet's Step 1: the opcode covering `index` (p), the one before it (prev, -1 if none), its first register and span. */
interface Located {
  p: number;
  prev: number;
  first: number;
  span: number;
}

function locate(o: HllBuf, index: number): Located | undefined {
  const b = o.b;
  const end = o.len;
  let p = HLL_HDR_SIZE;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = b[p] ?? 0;
    let oplen = 1;
    if (isZero(op)) span = zeroLen(op);
    else if (isVal(op)) span = valLen(op);
    else {
      span = xzeroLen(op, b[p + 1] ?? 0);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return undefined; // invalid format
  return { p, prev, first, span };
}

/**
 * hllSparseSet's case D: the opcodes (at most 5 bytes) that replace the one at `at` when
 * register `index` in it becomes `count`: ZERO/XZERO → [ZERO|XZERO] VAL [ZERO|XZERO],
 * VAL → [VAL] VAL [VAL].
 */
function splitSequence(op: number, at: Located, index: number, count: number): number[] {
  const seq: number[] = [];
  const last = at.first + at.span - 1;
  const pushZeros = (len: number): void => {
    if (len > HLL_SPARSE_ZERO_MAX_LEN) seq.push((((len - 1) >>> 8) | 0x40) & 0xff, (len - 1) & 0xff);
    else seq.push(zeroByte(len));
  };
  if (!isVal(op)) {
    if (index !== at.first) pushZeros(index - at.first);
    seq.push(valByte(count, 1));
    if (index !== last) pushZeros(last - index);
  } else {
    const curval = valValue(op);
    if (index !== at.first) seq.push(valByte(curval, index - at.first));
    seq.push(valByte(count, 1));
    if (index !== last) seq.push(valByte(curval, last - index));
  }
  return seq;
}

/**
 * hllSparseSet's Step 4: merge adjacent VALs of the same value whose runs fit in one VAL,
 * scanning up to 5 opcodes from `from` (after a merge the same position is tried again).
 */
function mergeAdjacentVals(o: HllBuf, from: number): void {
  const b = o.b;
  let end = o.len;
  let p = from;
  let scanlen = 5;
  while (p < end && scanlen-- !== 0) {
    const op = b[p] ?? 0;
    if (isXzero(op)) {
      p += 2;
      continue;
    } else if (isZero(op)) {
      p++;
      continue;
    }
    const nextOp = b[p + 1] ?? 0;
    if (p + 1 < end && isVal(nextOp) && valValue(op) === valValue(nextOp)) {
      const len = valLen(op) + valLen(nextOp);
      if (len <= HLL_SPARSE_VAL_MAX_LEN) {
        b[p + 1] = valByte(valValue(op), len);
        b.copyWithin(p, p + 1, end + 1); // memmove(p, p+1, end-p): the terminator moves too
        o.len--;
        b[o.len] = 0;
        end--;
        continue;
      }
    }
    p++;
  }
}

/**
 * hyperloglog.c hllSparseSet: raise register `index` to `count` in a sparse HLL, splitting the
 * opcode that covers it (cases A–D of the C code) and then merging equal adjacent VALs near
 * it; invalidates the cached cardinality. Promotes to dense when count > 32 or the string would
 * pass `sparseMaxBytes`. Returns 1 (a register changed), 0 (it was already ≥ count) or -1
 * (corrupt: no opcode covers `index`, or the promotion found the opcodes invalid).
 */
export function hllSparseSet(o: HllBuf, index: number, count: number, sparseMaxBytes: number): -1 | 0 | 1 {
  if (count > HLL_SPARSE_VAL_MAX_VALUE) return promote(o, index, count);
  // An XZERO split in the middle takes up to 3 more bytes (sdsMakeRoomFor(o->ptr,3)).
  o.reserve(3);
  const at = locate(o, index);
  if (at === undefined) return -1;
  const b = o.b;
  const { p } = at;
  const op = b[p] ?? 0;
  const runlen = isZero(op) ? zeroLen(op) : isXzero(op) ? xzeroLen(op, b[p + 1] ?? 0) : valLen(op);
  if (isVal(op) && valValue(op) >= count) return 0; // case A: nothing to do
  if ((isVal(op) || isZero(op)) && runlen === 1) {
    b[p] = valByte(count, 1); // case B (a VAL of one register) and C (a ZERO of one): rewrite the byte
  } else {
    // Case D: substitute the split sequence for the opcode (Step 3).
    const seq = splitSequence(op, at, index, count);
    const deltalen = seq.length - (isXzero(op) ? 2 : 1);
    if (deltalen > 0 && o.len + deltalen > sparseMaxBytes) return promote(o, index, count);
    const end = o.len;
    const next = isXzero(op) ? p + 2 : p + 1;
    if (deltalen !== 0 && next < end) b.copyWithin(next + deltalen, next, end);
    o.len += deltalen; // sdsIncrLen writes the new terminator …
    b[o.len] = 0;
    for (let i = 0; i < seq.length; i++) b[p + i] = seq[i] ?? 0; // … which this copy may overwrite, as memcpy does
  }
  mergeAdjacentVals(o, at.prev >= 0 ? at.prev : HLL_HDR_SIZE);
  o.touch(HLL_HDR_SIZE, o.len);
  hllInvalidateCache(o);
  return 1;
}

/** hllSparseSet's `promote:` label: hllSparseToDense, then hllDenseSet (which must change it). */
function promote(o: HllBuf, index: number, count: number): -1 | 1 {
  if (!hllSparseToDense(o)) return -1;
  hllDenseSet(o, index, count); // Redis asserts this returns 1: the sparse register was lower
  return 1;
}

/** hyperloglog.c hllSparseAdd: hllPatLen, then hllSparseSet. */
export function hllSparseAdd(o: HllBuf, ele: Uint8Array, len: number, sparseMaxBytes: number): -1 | 0 | 1 {
  const count = hllPatLen(ele, len);
  return hllSparseSet(o, patLenOut.index, count, sparseMaxBytes);
}

/**
 * hyperloglog.c hllSparseRegHisto: the register histogram of the opcodes in [from, to) of `p`;
 * true when they do not cover exactly 16384 registers (*invalid = 1). The register count does
 * not wrap (see hllSparseToDense), so a string of 2^32 + 16384 registers' worth of opcodes is
 * invalid, as the installed redis-server 7.0.15 (with the CVE-2025-32023 fix) answers.
 */
export function hllSparseRegHisto(p: Uint8Array, from: number, to: number, reghisto: Int32Array): boolean {
  let idx = 0;
  let i = from;
  while (i < to) {
    const op = p[i] ?? 0;
    if (isZero(op)) {
      const runlen = zeroLen(op);
      idx += runlen;
      reghisto[0] = (reghisto[0] ?? 0) + runlen;
      i++;
    } else if (isXzero(op)) {
      const runlen = xzeroLen(op, p[i + 1] ?? 0);
      idx += runlen;
      reghisto[0] = (reghisto[0] ?? 0) + runlen;
      i += 2;
    } else {
      const runlen = valLen(op);
      idx += runlen;
      reghisto[valValue(op)] = (reghisto[valValue(op)] ?? 0) + runlen;
      i++;
    }
  }
  return idx !== HLL_REGISTERS;
}
