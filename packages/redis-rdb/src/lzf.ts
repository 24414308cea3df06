/**
 * LZF, as liblzf 3.x builds it into Redis (src/lzf_c.c `lzf_compress`, src/lzf_d.c
 * `lzf_decompress`, settings from src/lzfP.h: HLOG 16, VERY_FAST 1, ULTRA_FAST 0).
 *
 * Stream format (one of, repeated):
 *   000LLLLL  <L+1 literal bytes>              literal run of 1..32 bytes
 *   LLLooooo  oooooooo                          back-reference, length L+2 (L = 1..6)
 *   111ooooo  LLLLLLLL oooooooo                 back-reference, length L+9
 * The offset is ((ctrl & 0x1f) << 8 | next) + 1 bytes back from the output position; copies are
 * byte by byte because the source may overlap the destination (run-length style references).
 *
 * A match is taken wherever the three bytes at `ip` repeat within 8 KiB back, up to the last three
 * input bytes: Redis 7.0's copy has no `ip + 4 < in_end` test (older liblzf had one; this file had
 * it until 2026-12-05, which made a third of compressed strings differ from the server's DUMP:
 * now 600 of 600 random compressible strings are byte-identical).
 *
 * One difference stays, on purpose: the hash table starts empty on every call, where Redis's build
 * leaves it as uninitialised stack memory (INIT_HTAB 0): a stale slot that happens to point into
 * the current input at matching bytes would give the C code another, equally valid back-reference.
 * Every valid stream decodes identically.
 */
import { RdbFormatError } from './errors.js';
import { allocBytes, MAX_BYTE_ARRAY_LENGTH } from './bytes.js';

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5; // 32
const MAX_OFF = 1 << 13; // 8192
const MAX_REF = (1 << 8) + (1 << 3); // 264

/** A back-reference of 3 bytes expands to at most 264 bytes: the largest possible ratio. */
export const LZF_MAX_EXPANSION = 88;

// The hash table is reused between calls: instead of clearing 64K slots every time, each call
// stores positions offset by a fresh `epoch`, so entries from older calls read as negative
// positions (no match) — the same result as a zeroed table.
const htab = new Int32Array(HSIZE);
let epoch = 0;
let scratch = new Uint8Array(1024);

/**
 * `lzf_compress(in, in_len, out, out_len)`: returns the compressed bytes, or `undefined` when the
 * output would not fit in `outLimit` bytes (the C function returns 0 then).
 * Redis calls it with outLimit = len - 4 (rdbSaveLzfStringObject), so compression is used only
 * when it saves at least 4 bytes.
 */
export function lzfCompress(input: Uint8Array, outLimit: number = input.length + 64): Uint8Array | undefined {
  return lzfCompressView(input, outLimit)?.slice();
}

/**
 * lzf_c.c's match extension: how far the match at `ip` against `ref` goes, starting from len 2.
 * The C code unrolls 16 compares when maxlen > 16 and checks maxlen only afterwards, so a
 * match may end up to 2 bytes longer than maxlen (still inside the input, because maxlen is
 * in_end - ip - 2). Real Redis output depends on this: "a"x21 → 01 61 61 e0 0a 00.
 */
function matchLength(input: Uint8Array, ref: number, ip: number, maxlen: number): number {
  let len = 2;
  if (maxlen > 16) {
    for (let k = 0; k < 16; k++) {
      len++;
      if (input[ref + len] !== input[ip + len]) return len;
    }
  }
  do len++;
  while (len < maxlen && input[ref + len] === input[ip + len]);
  return len;
}

/**
 * lzf_c.c (VERY_FAST): after a match ending before `ip + 2`, enter positions `ip` and `ip + 1`
 * into the hash table; returns the running hash value (hval) for the next position.
 */
function rehashMatchTail(input: Uint8Array, ip: number, base: number): number {
  let hval = (((input[ip] ?? 0) << 8) | (input[ip + 1] ?? 0)) >>> 0;
  hval = ((hval << 8) | (input[ip + 2] ?? 0)) >>> 0;
  htab[(((hval >>> 8) - Math.imul(hval, 5)) >>> 0) & (HSIZE - 1)] = base + ip;
  hval = ((hval << 8) | (input[ip + 3] ?? 0)) >>> 0;
  htab[(((hval >>> 8) - Math.imul(hval, 5)) >>> 0) & (HSIZE - 1)] = base + ip + 1;
  return hval;
}

/** As `lzfCompress`, but the result is a view of a shared scratch buffer: copy it before the next call. */
export function lzfCompressView(input: Uint8Array, outLimit: number = input.length + 64): Uint8Array | undefined {
  const inLen = input.length;
  if (inLen === 0 || outLimit <= 0) return undefined;
  if (epoch + inLen + MAX_OFF + 2 > 0x7fffffff) {
    htab.fill(-0x80000000);
    epoch = 0;
  }
  const base = epoch + MAX_OFF + 1; // stored = base + ip; anything below base is from an older call
  epoch = base + inLen;
  if (scratch.length < outLimit) scratch = new Uint8Array(Math.max(outLimit, scratch.length * 2));
  const out = scratch;
  const outEnd = outLimit;
  let ip = 0;
  let op = 0;
  let lit = 0;
  op++; // start run
  let hval = (((input[0] ?? 0) << 8) | (input[1] ?? 0)) >>> 0; // FRST
  while (ip < inLen - 2) {
    hval = ((hval << 8) | (input[ip + 2] ?? 0)) >>> 0; // NEXT
    const slot = (((hval >>> 8) - Math.imul(hval, 5)) >>> 0) & (HSIZE - 1); // IDX (VERY_FAST)
    const ref = (htab[slot] ?? 0) - base;
    htab[slot] = base + ip;
    const off = ip - ref - 1;
    if (
      ref > 0 && // C: ref > in_data (position 0 can never be a reference)
      off < MAX_OFF &&
      off >= 0 &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1] &&
      input[ref + 2] === input[ip + 2]
    ) {
      let len = 2;
      let maxlen = inLen - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      out[op - lit - 1] = lit - 1; // stop run
      if (lit === 0) op--; // undo run if length is zero
      if (op + 3 + 1 >= outEnd) return undefined;
      len = matchLength(input, ref, ip, maxlen) - 2; // len is now #octets - 1
      ip++;
      if (len < 7) {
        out[op++] = (off >>> 8) + (len << 5);
      } else {
        out[op++] = (off >>> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inLen - 2) break;
      // VERY_FAST: re-hash the last two positions of the match
      hval = rehashMatchTail(input, ip - 2, base);
    } else {
      if (op >= outEnd) return undefined;
      lit++;
      out[op++] = (input[ip++] ?? 0);
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outEnd) return undefined; // at most 3 bytes can be missing here
  while (ip < inLen) {
    lit++;
    out[op++] = (input[ip++] ?? 0);
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1; // end run
  if (lit === 0) op--;
  return out.subarray(0, op);
}

/**
 * `lzf_decompress`: decode `input` into exactly `outLen` bytes. A stream that references before the
 * start, runs past `outLen`, or ends early raises `LZF_CORRUPT` (Redis: "Invalid LZF compressed
 * string"). `outLen` is checked against the largest possible expansion before anything is
 * allocated, so a forged length cannot make us allocate more than 88x the bytes present.
 */
export function lzfDecompress(input: Uint8Array, outLen: number, at = 0): Uint8Array {
  return lzfDecompressRange(input, 0, input.length, outLen, at);
}

/** The checks made before anything is allocated: `outLen` possible for `inLen` compressed bytes and for one byte array. */
function checkOutLen(inLen: number, outLen: number, at: number): void {
  if (!Number.isSafeInteger(outLen) || outLen < 0 || outLen > inLen * LZF_MAX_EXPANSION) {
    throw new RdbFormatError('LZF_CORRUPT', at, `LZF: announced length ${outLen} is impossible for ${inLen} compressed bytes (max ${LZF_MAX_EXPANSION}x)`);
  }
  if (outLen > MAX_BYTE_ARRAY_LENGTH) {
    // possible for LZF (a 49 MB input may expand to 4.3 GB) but not for one byte array here
    throw new RdbFormatError('LZF_CORRUPT', at, `LZF: announced length ${outLen} exceeds the largest byte array this decoder can hold (${MAX_BYTE_ARRAY_LENGTH})`);
  }
}

/**
 * `lzfDecompress` of the compressed bytes `buf[off, off + len)`, read in place (no view of them),
 * into a new array — or into `into` (at least `outLen` long, e.g. a reused scratch buffer), which
 * is then returned as it is (the output is its first `outLen` bytes).
 */
export function lzfDecompressRange(buf: Uint8Array, off: number, len: number, outLen: number, at = 0, into?: Uint8Array): Uint8Array {
  checkOutLen(len, outLen, at);
  let out: Uint8Array;
  if (into !== undefined && into.length >= outLen) out = into;
  else {
    try {
      out = allocBytes(outLen);
    } catch {
      // V8's "Array buffer allocation failed": the length was legal but memory ran out
      throw new RdbFormatError('LZF_CORRUPT', at, `LZF: cannot allocate the announced ${outLen}-byte output`);
    }
  }
  const inLen = off + len;
  let ip = off;
  let op = 0;
  while (ip < inLen) {
    const ctrl = (buf[ip++] ?? 0);
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > outLen) throw literalOverflow(n, outLen, op, at);
      if (ip + n > inLen) throw literalPastEnd(n, at);
      for (let k = 0; k < n; k++) out[op + k] = (buf[ip + k] ?? 0);
      ip += n;
      op += n;
    } else {
      let len = ctrl >>> 5;
      if (len === 7) {
        if (ip >= inLen) throw endsInReference(at);
        len += (buf[ip++] ?? 0);
      }
      if (ip >= inLen) throw endsInReference(at);
      let ref = op - (((ctrl & 0x1f) << 8) + (buf[ip++] ?? 0) + 1);
      len += 2;
      if (op + len > outLen) throw referenceOverflow(len, outLen, at);
      if (ref < 0) throw referenceBeforeStart(ref, at);
      for (let k = 0; k < len; k++) out[op++] = (out[ref++] ?? 0);
    }
  }
  if (op !== outLen) throw shortOutput(op, outLen, at);
  return out;
}

/**
 * Validate the LZF stream `buf[off, off + len)` announced to decode to `outLen` bytes exactly as
 * `lzfDecompressRange` would (the same checks in the same order: the same `LZF_CORRUPT` message
 * and offset) without writing or allocating anything: the walk only needs the output position, not
 * the output bytes. The decoder keeps a small LZF string in the input this way and decompresses
 * it when it is read, as it does for raw strings (issue 19: no object per compressed value kept
 * alive by the decoded file).
 */
export function lzfScan(buf: Uint8Array, off: number, len: number, outLen: number, at = 0): void {
  checkOutLen(len, outLen, at);
  const inLen = off + len;
  let ip = off;
  let op = 0;
  while (ip < inLen) {
    const ctrl = (buf[ip++] ?? 0);
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > outLen) throw literalOverflow(n, outLen, op, at);
      if (ip + n > inLen) throw literalPastEnd(n, at);
      ip += n;
      op += n;
    } else {
      let len = ctrl >>> 5;
      if (len === 7) {
        if (ip >= inLen) throw endsInReference(at);
        len += (buf[ip++] ?? 0);
      }
      if (ip >= inLen) throw endsInReference(at);
      const ref = op - (((ctrl & 0x1f) << 8) + (buf[ip++] ?? 0) + 1);
      len += 2;
      if (op + len > outLen) throw referenceOverflow(len, outLen, at);
      if (ref < 0) throw referenceBeforeStart(ref, at);
      op += len;
    }
  }
  if (op !== outLen) throw shortOutput(op, outLen, at);
}

function literalOverflow(n: number, outLen: number, op: number, at: number): RdbFormatError {
  return new RdbFormatError('LZF_CORRUPT', at, `LZF: literal run of ${n} overflows the ${outLen}-byte output at ${op}`);
}
function literalPastEnd(n: number, at: number): RdbFormatError {
  return new RdbFormatError('LZF_CORRUPT', at, `LZF: literal run of ${n} needs bytes past the end of the input`);
}
function endsInReference(at: number): RdbFormatError {
  return new RdbFormatError('LZF_CORRUPT', at, 'LZF: input ends inside a back-reference');
}
function referenceOverflow(len: number, outLen: number, at: number): RdbFormatError {
  return new RdbFormatError('LZF_CORRUPT', at, `LZF: back-reference of ${len} overflows the ${outLen}-byte output`);
}
function referenceBeforeStart(ref: number, at: number): RdbFormatError {
  return new RdbFormatError('LZF_CORRUPT', at, `LZF: back-reference points ${-ref} bytes before the start`);
}
function shortOutput(op: number, outLen: number, at: number): RdbFormatError {
  return new RdbFormatError('LZF_CORRUPT', at, `LZF: decoded ${op} bytes, expected ${outLen}`);
}
