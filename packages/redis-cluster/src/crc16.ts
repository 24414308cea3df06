/**
 * CRC-16/XMODEM, the checksum behind Redis Cluster's hash slots (redis/src/crc16.c, `crc16`).
 *
 *   width 16, polynomial 0x1021 (MSB first), init 0x0000, no reflection, no final XOR;
 *   check value crc16("123456789") = 0x31C3.
 *
 * Redis walks one byte at a time through a 256-entry table: every step waits for the previous
 * one. We compute the same function with *slicing-by-8*: eight 256-entry tables (4 KiB, in L1),
 * one step per 8 bytes, where only the first two lookups depend on the running CRC and the other
 * six run in parallel. JS strings are hashed as their UTF-8 bytes without encoding them (no
 * TextEncoder / Buffer.from per key): 8 UTF-16 units that are all ASCII are 8 bytes, so they take
 * the same sliced step, read with `charCodeAt`; other text takes one step per UTF-16 unit, with
 * no branch on how many bytes the unit encodes to (below).
 *
 * Why the tables compose (all of this is linearity of CRC over GF(2)):
 *  - A register value c before two bytes (a, b) acts like XORing c into those bytes:
 *    crc(c; a, b) = crc(0; a ^ c>>8, b ^ c&0xFF).
 *  - The CRC of bytes (b0 … b7) from register 0 is S7[b0] ^ S6[b1] ^ … ^ S0[b7], where Sk[i] is
 *    the CRC of byte i followed by k zero bytes; a register c folds into b0, b1 as above.
 *  - So for any L >= 1 bytes m: crc(c; m) = crc(c; L zero bytes) ^ crc(0; m). The first term is
 *    the register "shifted" by L bytes, two lookups (SHIFT_HI, SHIFT_LO); the second depends only
 *    on m. For one UTF-16 unit u (not half of a surrogate pair), m is u's 1, 2 or 3 UTF-8 bytes
 *    and crc(0; m) is UNIT_CRC[u], a 64K table indexed by the unit, not by the running CRC, so
 *    its lookup is off the dependency chain.
 */

const POLY = 0x1021;

function bitwiseByte(b: number): number {
  let crc = b << 8;
  for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ POLY) & 0xffff : (crc << 1) & 0xffff;
  return crc;
}

/** Reads a table entry whose index is in range by construction (all indices here are < 2^16 and masked). */
function entry(t: Uint16Array, i: number): number {
  const v = t[i];
  if (v === undefined) throw new RangeError(`crc16 table index ${i} out of range`);
  return v;
}

/** Sk[i]: the CRC of byte i followed by k zero bytes. S[0] is Redis's `crc16tab`. */
const S: Uint16Array[] = [];
{
  const s0 = new Uint16Array(256);
  for (let i = 0; i < 256; i++) s0[i] = bitwiseByte(i);
  S.push(s0);
  // Appending a zero byte to a message with CRC r gives (r << 8) ^ S0[r >> 8].
  for (let k = 1; k < 8; k++) {
    const prev = S[k - 1] ?? s0;
    const t = new Uint16Array(256);
    for (let i = 0; i < 256; i++) {
      const r = entry(prev, i);
      t[i] = ((r << 8) & 0xffff) ^ entry(s0, r >>> 8);
    }
    S.push(t);
  }
}
const [S0, S1, S2, S3, S4, S5, S6, S7] = S as [Uint16Array, Uint16Array, Uint16Array, Uint16Array, Uint16Array, Uint16Array, Uint16Array, Uint16Array];

/** T0[i]: CRC of the single byte i (Redis's `crc16tab`). T0[1] = 0x1021, T0[255] = 0x1EF0. */
export const CRC16_TABLE: Uint16Array = S0;
/**
 * UNIT_CRC[u]: the CRC from register 0 of unit u's UTF-8 bytes, a surrogate's as U+FFFD's
 * (128 KiB, built once at load). A surrogate pair is not looked up here (crc16Utf8Units).
 */
const UNIT_CRC = new Uint16Array(65536);
/** crc(0; m) for the 1, 2 or 3 UTF-8 bytes m of code point u (not a surrogate): the sliced tables. */
function unitCrc(u: number): number {
  if (u < 0x80) return entry(S0, u);
  if (u < 0x800) return entry(S1, 0xc0 | (u >>> 6)) ^ entry(S0, 0x80 | (u & 0x3f));
  return entry(S2, 0xe0 | (u >>> 12)) ^ entry(S1, 0x80 | ((u >>> 6) & 0x3f)) ^ entry(S0, 0x80 | (u & 0x3f));
}
for (let u = 0; u < 65536; u++) UNIT_CRC[u] = unitCrc((u & 0xf800) === 0xd800 ? 0xfffd : u);
/**
 * The register shifted through L = 1, 2, 3 zero bytes, at offset (L - 1) << 8:
 * crc(c; L zeros) = SHIFT_HI[o | c >> 8] ^ SHIFT_LO[o | c & 0xFF]. L = 1: S0[c >> 8] ^ (c << 8);
 * L = 2: S1[c >> 8] ^ S0[c & 0xFF]; L = 3: S2[c >> 8] ^ S1[c & 0xFF].
 */
const SHIFT_HI = new Uint16Array(3 * 256);
const SHIFT_LO = new Uint16Array(3 * 256);
for (let x = 0; x < 256; x++) {
  SHIFT_HI[x] = entry(S0, x);
  SHIFT_LO[x] = (x << 8) & 0xffff;
  SHIFT_HI[256 | x] = entry(S1, x);
  SHIFT_LO[256 | x] = entry(S0, x);
  SHIFT_HI[512 | x] = entry(S2, x);
  SHIFT_LO[512 | x] = entry(S1, x);
}

// The loops below read tables at indices < 256 (bytes, or a 16-bit value >>> 8 / & 0xff) or
// < 65536 (UNIT_CRC, by a UTF-16 unit) or < 768 (the shift tables), and bytes at indices < end <= length: `as number` states what the bounds prove.

/**
 * CRC-16/XMODEM of `bytes[start, end)`, continuing from register `crc` (0 for a fresh CRC).
 * Same result as Redis's crc16() (src/crc16.c) for every input.
 */
export function crc16(bytes: Uint8Array, start = 0, end: number = bytes.length, crc = 0): number {
  let i = start;
  for (const stop = end - 7; i < stop; i += 8) {
    const x = crc ^ (((bytes[i] as number) << 8) | (bytes[i + 1] as number));
    crc = (S7[x >>> 8] as number) ^ (S6[x & 0xff] as number) ^ (S5[bytes[i + 2] as number] as number) ^ (S4[bytes[i + 3] as number] as number)
      ^ (S3[bytes[i + 4] as number] as number) ^ (S2[bytes[i + 5] as number] as number) ^ (S1[bytes[i + 6] as number] as number) ^ (S0[bytes[i + 7] as number] as number);
  }
  for (; i < end; i++) crc = ((crc << 8) & 0xffff) ^ (S0[(crc >>> 8) ^ (bytes[i] as number)] as number);
  return crc;
}

/**
 * CRC-16/XMODEM of the UTF-8 encoding of `s.slice(start, end)`, without encoding it, continuing
 * from register `crc` (0 for a fresh CRC). While the text is ASCII, 8 units take one sliced step;
 * from the first block that is not all ASCII on (a string with one non-ASCII unit is usually text
 * that has more), and for the last 0–7 units, one unit a step (crc16Utf8Units).
 */
export function crc16Utf8(s: string, start = 0, end: number = s.length, crc = 0): number {
  let i = start;
  for (const stop = end - 7; i < stop; i += 8) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2);
    const c3 = s.charCodeAt(i + 3);
    const c4 = s.charCodeAt(i + 4);
    const c5 = s.charCodeAt(i + 5);
    const c6 = s.charCodeAt(i + 6);
    const c7 = s.charCodeAt(i + 7);
    if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) >= 0x80) break;
    const x = crc ^ ((c0 << 8) | c1);
    crc = (S7[x >>> 8] as number) ^ (S6[x & 0xff] as number) ^ (S5[c2] as number) ^ (S4[c3] as number)
      ^ (S3[c4] as number) ^ (S2[c5] as number) ^ (S1[c6] as number) ^ (S0[c7] as number);
  }
  return crc16Utf8Units(s, i, end, crc);
}

/**
 * The unit-by-unit encoder behind crc16Utf8, continuing from register `crc`. Encoding rule (the
 * one Node's `Buffer.from(s, 'utf8')` and `TextEncoder` use): a surrogate pair is one 4-byte
 * sequence; a lone surrogate (a high one not followed by a low one inside [start, end), or a low
 * one not preceded by a high one) becomes U+FFFD, bytes EF BF BD.
 *
 * One step per unit, the same for 1-, 2- and 3-byte units: the register shifted by the unit's
 * byte count L, XOR the unit's own CRC (the header comment). L - 1 = (u >= 0x80) + (u >= 0x800),
 * computed from sign bits, so there is no branch on the byte count: on mixed text (ASCII, Latin,
 * CJK interleaved) such a branch is mispredicted on a large share of units, and that, not the
 * table lookups, was most of the old encoder's time. The one branch left is for a high surrogate
 * followed by a low one (4 bytes, one sliced step of four lookups); a lone surrogate is the table's
 * U+FFFD entry.
 */
function crc16Utf8Units(s: string, start: number, end: number, crc: number): number {
  let i = start;
  while (i < end) {
    const u = s.charCodeAt(i);
    if ((u & 0xfc00) === 0xd800 && i + 1 < end) {
      const d = s.charCodeAt(i + 1);
      if ((d & 0xfc00) === 0xdc00) {
        // 4 bytes 11110xxx 10xxxxxx 10xxxxxx 10xxxxxx: one step as in the sliced tables.
        const cp = ((u - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        const x = crc ^ (((0xf0 | (cp >>> 18)) << 8) | (0x80 | ((cp >>> 12) & 0x3f)));
        crc = (S3[x >>> 8] as number) ^ (S2[x & 0xff] as number) ^ (S1[0x80 | ((cp >>> 6) & 0x3f)] as number) ^ (S0[0x80 | (cp & 0x3f)] as number);
        i += 2;
        continue;
      }
    }
    const o = (((0x7f - u) >>> 31) + ((0x7ff - u) >>> 31)) << 8;
    crc = (SHIFT_HI[o | (crc >>> 8)] as number) ^ (SHIFT_LO[o | (crc & 0xff)] as number) ^ (UNIT_CRC[u] as number);
    i += 1;
  }
  return crc;
}

/**
 * The slot CRC of a string key (cluster.c keyHashSlot over its UTF-8 bytes) in one pass for the
 * common case, a key that is ASCII and has no `{`: 8 units per sliced step, each block checked
 * for a unit >= 0x80 or a `{` with plain comparisons (no indexOf call, no second scan). At the
 * first `{` or non-ASCII unit the CRC so far is kept: a `{` there starts the only tag Redis looks
 * at; past a non-ASCII unit the rest is searched for `{` with indexOf and hashed by crc16Utf8.
 */
export function crc16KeyString(key: string): number {
  const n = key.length;
  let crc = 0;
  let i = 0;
  for (const stop = n - 7; i < stop; i += 8) {
    const c0 = key.charCodeAt(i);
    const c1 = key.charCodeAt(i + 1);
    const c2 = key.charCodeAt(i + 2);
    const c3 = key.charCodeAt(i + 3);
    const c4 = key.charCodeAt(i + 4);
    const c5 = key.charCodeAt(i + 5);
    const c6 = key.charCodeAt(i + 6);
    const c7 = key.charCodeAt(i + 7);
    if ((c0 | c1 | c2 | c3 | c4 | c5 | c6 | c7) >= 0x80) break;
    if (c0 === 0x7b || c1 === 0x7b || c2 === 0x7b || c3 === 0x7b || c4 === 0x7b || c5 === 0x7b || c6 === 0x7b || c7 === 0x7b) break;
    const x = crc ^ ((c0 << 8) | c1);
    crc = (S7[x >>> 8] as number) ^ (S6[x & 0xff] as number) ^ (S5[c2] as number) ^ (S4[c3] as number)
      ^ (S3[c4] as number) ^ (S2[c5] as number) ^ (S1[c6] as number) ^ (S0[c7] as number);
  }
  // Under 8 units left, or the block that holds the first `{` / non-ASCII unit: one unit a step.
  for (; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80 || c === 0x7b) return crc16KeyStringRest(key, i, crc);
    crc = ((crc << 8) & 0xffff) ^ (S0[(crc >>> 8) ^ c] as number);
  }
  return crc;
}

/** crc16KeyString from unit i (a `{`, or the first non-ASCII unit, with no `{` before it). */
function crc16KeyStringRest(key: string, i: number, crc: number): number {
  const open = key.charCodeAt(i) === 0x7b ? i : key.indexOf('{', i + 1);
  const tag = open === -1 ? -1 : crc16Tag(key, open + 1);
  if (tag !== -1) return tag;
  // No tag (no `{`, or `{}` / an unterminated one): the whole key, continuing from unit i. Unit i
  // is a `{` or not ASCII, so the 8-unit blocks of crc16Utf8 would stop at once: the unit loop.
  return crc16Utf8Units(key, i, key.length, crc);
}

/**
 * The CRC of the tag that starts at unit `from` (just after the first `{`) and ends before the
 * next `}`, found and hashed in one pass (no indexOf call, no second read), one unit a step as in
 * crc16Utf8Units; -1 when there is no tag: no `}` after the `{`, or `{}`.
 *
 * The surrogate-pair and unit steps are written out here as in crc16Utf8Units: one shared
 * function for them measured 0.96–0.98× on UTF-8 keys against 0.99–1.02× for the control
 * (`bench/slot-ab.ts HEAD`, `BENCH_CONTROL=1`, 2026-12-05).
 */
function crc16Tag(key: string, from: number): number {
  const n = key.length;
  let crc = 0;
  let i = from;
  while (i < n) {
    const u = key.charCodeAt(i);
    if (u === 0x7d) return i > from ? crc : -1;
    if ((u & 0xfc00) === 0xd800 && i + 1 < n) {
      const d = key.charCodeAt(i + 1);
      if ((d & 0xfc00) === 0xdc00) {
        const cp = ((u - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        const x = crc ^ (((0xf0 | (cp >>> 18)) << 8) | (0x80 | ((cp >>> 12) & 0x3f)));
        crc = (S3[x >>> 8] as number) ^ (S2[x & 0xff] as number) ^ (S1[0x80 | ((cp >>> 6) & 0x3f)] as number) ^ (S0[0x80 | (cp & 0x3f)] as number);
        i += 2;
        continue;
      }
    }
    const o = (((0x7f - u) >>> 31) + ((0x7ff - u) >>> 31)) << 8;
    crc = (SHIFT_HI[o | (crc >>> 8)] as number) ^ (SHIFT_LO[o | (crc & 0xff)] as number) ^ (UNIT_CRC[u] as number);
    i += 1;
  }
  return -1;
}

/**
 * The slot CRC of a byte key in one pass, as crc16KeyString does for strings: each 8-byte block is
 * read once into locals, checked for a `{` with plain comparisons and hashed with one sliced step.
 * At the first `{` the CRC so far is kept: if the tag turns out empty or unterminated, the whole
 * key is hashed by continuing from there; otherwise only the tag is hashed.
 */
export function crc16KeyBytes(bytes: Uint8Array): number {
  const n = bytes.length;
  let crc = 0;
  let i = 0;
  for (const stop = n - 7; i < stop; i += 8) {
    const b0 = bytes[i] as number;
    const b1 = bytes[i + 1] as number;
    const b2 = bytes[i + 2] as number;
    const b3 = bytes[i + 3] as number;
    const b4 = bytes[i + 4] as number;
    const b5 = bytes[i + 5] as number;
    const b6 = bytes[i + 6] as number;
    const b7 = bytes[i + 7] as number;
    if (b0 === 0x7b || b1 === 0x7b || b2 === 0x7b || b3 === 0x7b || b4 === 0x7b || b5 === 0x7b || b6 === 0x7b || b7 === 0x7b) break;
    const x = crc ^ ((b0 << 8) | b1);
    crc = (S7[x >>> 8] as number) ^ (S6[x & 0xff] as number) ^ (S5[b2] as number) ^ (S4[b3] as number)
      ^ (S3[b4] as number) ^ (S2[b5] as number) ^ (S1[b6] as number) ^ (S0[b7] as number);
  }
  // i: the start of the block that holds the first `{`, or of the last < 8 bytes. Find the `{`
  // by comparisons before hashing anything more, so no byte after i is hashed and thrown away.
  let open = i;
  while (open < n && bytes[open] !== 0x7b) open++;
  if (open < n) return crc16KeyBytesRest(bytes, i, open, crc);
  for (; i < n; i++) crc = ((crc << 8) & 0xffff) ^ (S0[(crc >>> 8) ^ (bytes[i] as number)] as number);
  return crc;
}

/**
 * crc16KeyBytes once the first `{` is known to be at `open` (>= i), with `crc` the CRC of the
 * bytes before i: the tag when it is non-empty, else the whole key, continuing from i. The tag is
 * hashed while it is searched for its `}` (one read per byte; tags are short, so one byte a step).
 */
function crc16KeyBytesRest(bytes: Uint8Array, i: number, open: number, crc: number): number {
  const n = bytes.length;
  let tag = 0;
  for (let e = open + 1; e < n; e++) {
    const b = bytes[e] as number;
    if (b === 0x7d) {
      if (e > open + 1) return tag;
      break;
    }
    tag = ((tag << 8) & 0xffff) ^ (S0[(tag >>> 8) ^ b] as number);
  }
  // `{}` or no `}` after the `{`: no tag, the whole key.
  return crc16(bytes, i, n, crc);
}
