/**
 * The HyperLogLog estimator and the operations shared by the commands (redis/redis
 * src/hyperloglog.c, 7.0: hllSigma, hllTau, hllCount, hllAdd, hllMerge).
 *
 * hllCount is Otmar Ertl's improved raw estimator ("New cardinality estimation algorithms for
 * HyperLogLog sketches", arXiv:1702.01284), which 7.0 uses over the register histogram:
 *   z = m·τ((m − C[q+1])/m);  for k = q … 1: z = (z + C[k]) / 2;  z += m·σ(C[0]/m)
 *   E = llroundl(α∞·m²/z),  α∞ = 0.5/ln 2
 * with the same IEEE double operations in the same order, so the integer it returns is the one
 * redis-server returns for the same registers.
 */
import {
  HLL_DENSE, HLL_HDR_SIZE, HLL_RAW, HLL_SPARSE, HllBuf, denseGet, hllDenseAdd, hllDenseRegHisto, hllRawRegHisto,
} from './hll-dense.js';
import { hllSparseAdd, hllSparseRegHisto, isXzero, isZero, valLen, valValue, xzeroLen, zeroLen } from './hll-sparse.js';
import { HLL_Q, HLL_REGISTERS } from './murmur64a.js';

/** hyperloglog.c HLL_ALPHA_INF: 0.5/ln(2), 0.721347520444481703680 in the source (the same double). */
const HLL_ALPHA_INF = 0.7213475204444817;

/** hyperloglog.c hllSigma (Ertl's σ). */
export function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z && z === z); // (z === z: a NaN would never settle; the C loop cannot produce one)
  return z;
}

/** hyperloglog.c hllTau (Ertl's τ). */
export function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    z -= Math.pow(1 - x, 2) * y;
  } while (zPrime !== z && z === z);
  return z / 3;
}

/** 2^63: what llroundl's out-of-range result (x87 "integer indefinite") reads as when cast to uint64_t. */
const LLONG_MIN_AS_U64 = 1n << 63n;

/**
 * The estimate from a register histogram. llroundl rounds half away from zero; an estimate at or
 * above 2^63 (or infinite: a crafted HLL whose every register is ≥ 51) gives LLONG_MIN, which
 * hllCount returns as the uint64_t 2^63, as on x86-64.
 */
export function hllEstimate(reghisto: Int32Array): bigint {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - (reghisto[HLL_Q + 1] ?? 0)) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += reghisto[j] ?? 0;
    z *= 0.5;
  }
  z += m * hllSigma((reghisto[0] ?? 0) / m);
  const e = (HLL_ALPHA_INF * m * m) / z;
  if (!(e < 2 ** 63)) return LLONG_MIN_AS_U64;
  return BigInt(Math.round(e));
}

/**
 * hyperloglog.c hllCount: the cardinality estimate of a dense, sparse or raw HLL. `invalid` is
 * set when a sparse HLL's opcodes do not cover exactly 16384 registers (the estimate is then
 * meaningless and PFCOUNT answers INVALIDOBJ).
 */
export function hllCount(o: HllBuf, invalid?: { invalid: boolean }): bigint {
  const reghisto = new Int32Array(64);
  const enc = o.encoding;
  if (enc === HLL_DENSE) hllDenseRegHisto(o.b, HLL_HDR_SIZE, reghisto);
  else if (enc === HLL_SPARSE) {
    const bad = hllSparseRegHisto(o.b, HLL_HDR_SIZE, o.len, reghisto);
    if (bad && invalid !== undefined) invalid.invalid = true;
  } else if (enc === HLL_RAW) hllRawRegHisto(o.b.subarray(HLL_HDR_SIZE), reghisto);
  return hllEstimate(reghisto);
}

/** hyperloglog.c hllAdd: hllDenseAdd or hllSparseAdd by encoding (-1 for any other encoding). */
export function hllAdd(o: HllBuf, ele: Uint8Array, len: number, sparseMaxBytes: number): -1 | 0 | 1 {
  const enc = o.encoding;
  if (enc === HLL_DENSE) return hllDenseAdd(o, ele, len);
  if (enc === HLL_SPARSE) return hllSparseAdd(o, ele, len, sparseMaxBytes);
  return -1;
}

/**
 * hyperloglog.c hllMerge: max[i] = MAX(max[i], register i of `o`) for a dense or sparse HLL
 * already checked by isHLLObjectOrReply. false when a sparse HLL's opcodes are corrupt (a VAL
 * run past register 16383, or a total other than 16384); `max` may then be partly updated, as
 * in Redis (the caller replies with an error and discards it). The total does not wrap where
 * upstream 7.0's `int i` would, and a VAL run past the end is corrupt even after exactly 16384
 * registers (both as the installed, patched 7.0.15 does; see hllSparseToDense).
 */
export function hllMerge(max: Uint8Array, o: HllBuf): boolean {
  const b = o.b;
  if (o.encoding === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(b, HLL_HDR_SIZE, i);
      if (val > (max[i] ?? 0)) max[i] = val;
    }
    return true;
  }
  let i = 0;
  let p = HLL_HDR_SIZE;
  const end = o.len;
  while (p < end) {
    const op = b[p] ?? 0;
    if (isZero(op)) {
      i += zeroLen(op);
      p++;
    } else if (isXzero(op)) {
      i += xzeroLen(op, b[p + 1] ?? 0);
      p += 2;
    } else {
      let runlen = valLen(op);
      const regval = valValue(op);
      if (runlen + i > HLL_REGISTERS) return false; // overflow: corrupt (as the installed, patched 7.0.15; see hllSparseToDense)
      while (runlen-- > 0) {
        if (regval > (max[i] ?? 0)) max[i] = regval;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}
