/**
 * Pre-7.0 containers that Redis 7.0 still loads (and converts to listpacks on load).
 *
 * Ziplist (src/ziplist.c): `<uint32 zlbytes> <uint32 zltail> <uint16 zllen> <entry>* <0xFF>`, entry =
 * `<prevlen: 1 byte, or 0xFE + uint32> <encoding> <data>`:
 *   00pppppp                 string, 6-bit length
 *   01pppppp qqqqqqqq        string, 14-bit big-endian length
 *   10000000 <uint32 BE>     string, 32-bit length
 *   0xC0 int16 | 0xD0 int32 | 0xE0 int64 | 0xF0 int24 | 0xFE int8   (little-endian)
 *   0xF1..0xFD               immediate 0..12
 *
 * Zipmap (src/zipmap.c, RDB type 9): `<zmlen> (<len> key <len> <free> value <free bytes>)* <0xFF>`,
 * len = 1 byte < 254, or 254 + uint32 LE.
 */
import { RdbFormatError } from './errors.js';
import { intToBytes } from './bytes.js';

function badZl(at: number, msg: string): never {
  throw new RdbFormatError('BAD_ZIPLIST', at, `ziplist: ${msg}`);
}

export function ziplistDecode(zl: Uint8Array, at = 0): Uint8Array[] {
  if (zl.length < 11) badZl(at, `blob of ${zl.length} bytes is shorter than the 11-byte minimum`);
  const dv = new DataView(zl.buffer, zl.byteOffset, zl.length);
  const zlbytes = dv.getUint32(0, true);
  if (zlbytes !== zl.length) badZl(at, `header says ${zlbytes} bytes, blob has ${zl.length}`);
  const end = zl.length - 1;
  if (zl[end] !== 0xff) badZl(at + end, 'missing 0xFF terminator');
  const out: Uint8Array[] = [];
  let p = 10;
  while (p < end) {
    const start = p;
    // prevlen
    if (zl[p] === 0xfe) p += 5;
    else p += 1;
    if (p >= end) badZl(at + start, 'entry header runs past the end');
    const b = (zl[p] ?? 0);
    const top = b >> 6;
    if (top === 0) {
      const n = b & 0x3f;
      p += 1;
      if (p + n > end) badZl(at + start, 'string runs past the end');
      out.push(zl.subarray(p, p + n));
      p += n;
    } else if (top === 1) {
      if (p + 2 > end) badZl(at + start, 'string header runs past the end');
      const n = ((b & 0x3f) << 8) | (zl[p + 1] ?? 0);
      p += 2;
      if (p + n > end) badZl(at + start, 'string runs past the end');
      out.push(zl.subarray(p, p + n));
      p += n;
    } else if (b === 0x80) {
      if (p + 5 > end) badZl(at + start, 'string header runs past the end');
      const n = dv.getUint32(p + 1, false);
      p += 5;
      if (p + n > end) badZl(at + start, 'string runs past the end');
      out.push(zl.subarray(p, p + n));
      p += n;
    } else {
      let v: number | bigint;
      let size: number;
      if (b === 0xc0) [v, size] = [p + 3 <= end ? dv.getInt16(p + 1, true) : NaN, 2];
      else if (b === 0xd0) [v, size] = [p + 5 <= end ? dv.getInt32(p + 1, true) : NaN, 4];
      else if (b === 0xe0) {
        size = 8;
        if (p + 9 > end) badZl(at + start, 'int64 runs past the end');
        const big = dv.getBigInt64(p + 1, true);
        v = Number.isSafeInteger(Number(big)) ? Number(big) : big;
      } else if (b === 0xf0) {
        size = 3;
        v = p + 4 <= end ? (((zl[p + 1] ?? 0) | ((zl[p + 2] ?? 0) << 8) | ((zl[p + 3] ?? 0) << 16)) << 8) >> 8 : NaN;
      } else if (b === 0xfe) [v, size] = [p + 2 <= end ? (((zl[p + 1] ?? 0) << 24) >> 24) : NaN, 1];
      else if (b >= 0xf1 && b <= 0xfd) [v, size] = [(b & 0x0f) - 1, 0];
      else badZl(at + p, `unknown entry encoding 0x${b.toString(16)}`);
      if (typeof v === 'number' && Number.isNaN(v)) badZl(at + start, 'integer runs past the end');
      out.push(intToBytes(v));
      p += 1 + size;
    }
  }
  if (p !== end) badZl(at + end, 'last entry runs past the terminator');
  return out;
}

function badZm(at: number, msg: string): never {
  throw new RdbFormatError('BAD_ZIPMAP', at, `zipmap: ${msg}`);
}

export function zipmapDecode(zm: Uint8Array, at = 0): [Uint8Array, Uint8Array][] {
  const out: [Uint8Array, Uint8Array][] = [];
  let p = 1;
  const readLen = (): number => {
    if (p >= zm.length) badZm(at + p, 'runs past the end');
    const b = (zm[p] ?? 0);
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b === 254) {
      if (p + 5 > zm.length) badZm(at + p, 'length runs past the end');
      const n = new DataView(zm.buffer, zm.byteOffset + p + 1, 4).getUint32(0, true);
      p += 5;
      return n;
    }
    p += 1;
    return -1; // 255 = end
  };
  for (;;) {
    const klen = readLen();
    if (klen < 0) break;
    if (p + klen > zm.length) badZm(at + p, 'key runs past the end');
    const key = zm.subarray(p, p + klen);
    p += klen;
    const vlen = readLen();
    if (vlen < 0) badZm(at + p, 'end marker where a value length was expected');
    if (p >= zm.length) badZm(at + p, 'free byte runs past the end');
    const free = (zm[p] ?? 0);
    p += 1;
    if (p + vlen + free > zm.length) badZm(at + p, 'value runs past the end');
    out.push([key, zm.subarray(p, p + vlen)]);
    p += vlen + free;
  }
  if (p !== zm.length) badZm(at + p, `${zm.length - p} bytes after the end marker`);
  return out;
}
