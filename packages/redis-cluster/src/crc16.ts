/**
 * CRC-16/XMODEM, the checksum behind Redis Cluster's hash slots (redis/src/crc16.c, `crc16`).
 *
 *   width 16, polynomial 0x1021 (MSB first), init 0x0000, no reflection, no final XOR;
 *   check value crc16("123456789") = 0x31C3.
 *
 * Redis walks one byte at a time through a 256-entry table. We compute the same function faster:
 * Buffers use slicing-by-4 (four 256-entry tables, one step per 4 bytes) and JS strings are encoded
 * to UTF-8 *inline* (no TextEncoder / Buffer.from per key — that allocation costs 8×, see
 * reference/toolchain.md §9a) with a 64K-entry table that consumes two bytes per lookup.
 *
 * Why the tables compose (all of this is linearity of CRC over GF(2)):
 *  - A register value c before two bytes (a, b) acts like XORing c into those bytes:
 *    crc(c; a, b) = crc(0; a ^ c>>8, b ^ c&0xFF). So `crc = T16[crc ^ (a << 8 | b)]` where
 *    T16[x] is the CRC of the two bytes of x.
 *  - The CRC of (a, b, c, d) from register 0 is T3[a] ^ T2[b] ^ T1[c] ^ T0[d], where Tk[i] is the
 *    CRC of byte i followed by k zero bytes.
 */

const POLY = 0x1021;

function bitwiseByte(b: number): number {
  let crc = b << 8;
  for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ POLY) & 0xffff : (crc << 1) & 0xffff;
  return crc;
}

/** T0[i]: CRC of the single byte i (Redis's `crc16tab`). T0[1] = 0x1021, T0[255] = 0x1EF0. */
export const CRC16_TABLE: Uint16Array = new Uint16Array(256);
const T1 = new Uint16Array(256);
const T2 = new Uint16Array(256);
const T3 = new Uint16Array(256);
/** T16[x]: CRC of the two bytes x >> 8, x & 0xFF (128 KiB, built once at load). */
const T16 = new Uint16Array(65536);

for (let i = 0; i < 256; i++) CRC16_TABLE[i] = bitwiseByte(i);
// Appending a zero byte to a message with CRC r gives (r << 8) ^ T0[r >> 8].
for (let i = 0; i < 256; i++) {
  const r0 = CRC16_TABLE[i]!;
  const r1 = ((r0 << 8) & 0xffff) ^ CRC16_TABLE[r0 >> 8]!;
  const r2 = ((r1 << 8) & 0xffff) ^ CRC16_TABLE[r1 >> 8]!;
  const r3 = ((r2 << 8) & 0xffff) ^ CRC16_TABLE[r2 >> 8]!;
  T1[i] = r1;
  T2[i] = r2;
  T3[i] = r3;
}
for (let x = 0; x < 65536; x++) T16[x] = T1[x >>> 8]! ^ CRC16_TABLE[x & 0xff]!;

/**
 * CRC-16/XMODEM of `bytes[start, end)`, the bytes Redis would see on the wire.
 * Same result as Redis's crc16() (src/crc16.c) for every input.
 */
export function crc16(bytes: Uint8Array, start = 0, end: number = bytes.length): number {
  const T0 = CRC16_TABLE;
  let crc = 0;
  let i = start;
  // Slicing-by-4: one step per 4 bytes.
  for (const stop = end - 3; i < stop; i += 4) {
    const x = crc ^ ((bytes[i]! << 8) | bytes[i + 1]!);
    crc = T3[x >>> 8]! ^ T2[x & 0xff]! ^ T1[bytes[i + 2]!]! ^ T0[bytes[i + 3]!]!;
  }
  for (; i < end; i++) crc = ((crc << 8) & 0xffff) ^ T0[(crc >>> 8) ^ bytes[i]!]!;
  return crc;
}

/**
 * CRC-16/XMODEM of the UTF-8 encoding of `s.slice(start, end)`, without encoding it.
 *
 * Encoding rule (the one Node's `Buffer.from(s, 'utf8')` and `TextEncoder` use): a surrogate pair
 * is one 4-byte sequence; a lone surrogate (a high one not followed by a low one inside
 * [start, end), or a low one not preceded by a high one) becomes U+FFFD, bytes EF BF BD.
 */
export function crc16Utf8(s: string, start = 0, end: number = s.length): number {
  const T0 = CRC16_TABLE;
  let crc = 0;
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      // ASCII: two characters per 64K-table lookup when the next one is ASCII too.
      if (i + 1 < end) {
        const d = s.charCodeAt(i + 1);
        if (d < 0x80) {
          crc = T16[crc ^ ((c << 8) | d)]!;
          i += 2;
          continue;
        }
      }
      crc = ((crc << 8) & 0xffff) ^ T0[(crc >>> 8) ^ c]!;
      i += 1;
    } else if (c < 0x800) {
      // 2 bytes: 110xxxxx 10xxxxxx, exactly one pair lookup.
      crc = T16[crc ^ (((0xc0 | (c >>> 6)) << 8) | (0x80 | (c & 0x3f)))]!;
      i += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair: 4 bytes 11110xxx 10xxxxxx 10xxxxxx 10xxxxxx, two pair lookups.
      const cp = ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00) + 0x10000;
      crc = T16[crc ^ (((0xf0 | (cp >>> 18)) << 8) | (0x80 | ((cp >>> 12) & 0x3f)))]!;
      crc = T16[crc ^ (((0x80 | ((cp >>> 6) & 0x3f)) << 8) | (0x80 | (cp & 0x3f)))]!;
      i += 2;
    } else {
      // 3 bytes: the rest of the BMP, and a lone surrogate, which is encoded as U+FFFD.
      const u = (c & 0xf800) === 0xd800 ? 0xfffd : c;
      crc = T16[crc ^ (((0xe0 | (u >>> 12)) << 8) | (0x80 | ((u >>> 6) & 0x3f)))]!;
      crc = ((crc << 8) & 0xffff) ^ T0[(crc >>> 8) ^ (0x80 | (u & 0x3f))]!;
      i += 1;
    }
  }
  return crc;
}

/**
 * The CRC of a whole key, or -1 as soon as a `{` (0x7B) is seen — the common case of a key
 * without a hash tag in one sliced pass, with the brace test folded into it. keyHashSlot falls
 * back to the full tag rule on -1.
 */
export function crc16UnlessBrace(bytes: Uint8Array): number {
  const T0 = CRC16_TABLE;
  const n = bytes.length;
  let crc = 0;
  let i = 0;
  for (const stop = n - 3; i < stop; i += 4) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1]!;
    const b2 = bytes[i + 2]!;
    const b3 = bytes[i + 3]!;
    if (b0 === 0x7b || b1 === 0x7b || b2 === 0x7b || b3 === 0x7b) return -1;
    const x = crc ^ ((b0 << 8) | b1);
    crc = T3[x >>> 8]! ^ T2[x & 0xff]! ^ T1[b2]! ^ T0[b3]!;
  }
  for (; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0x7b) return -1;
    crc = ((crc << 8) & 0xffff) ^ T0[(crc >>> 8) ^ b]!;
  }
  return crc;
}
