/**
 * The HyperLogLog string layout and its dense representation (redis/redis src/hyperloglog.c,
 * 7.0: struct hllhdr, HLL_DENSE_GET_REGISTER / HLL_DENSE_SET_REGISTER, hllDenseSet,
 * hllDenseAdd, hllDenseRegHisto, hllRawRegHisto).
 *
 * Header (16 bytes, HLL_HDR_SIZE): "HYLL", the encoding byte (HLL_DENSE 0 / HLL_SPARSE 1), three
 * unused bytes, the cached cardinality as a 64-bit little-endian integer whose top bit (card[7]
 * bit 7) marks the cache invalid. Dense: 16384 registers of 6 bits, packed from the least
 * significant bit of each byte upwards, so a register may straddle two bytes; the string is
 * exactly HLL_DENSE_SIZE = 16 + 12288 bytes.
 *
 * An HLL being worked on is an HllBuf: the string's bytes plus spare room, with the byte at
 * `len` standing for the sds string's NUL terminator (0 when loaded). Redis reads that byte
 * when the last dense register straddles past the end and when an XZERO opcode is the last
 * byte of a sparse string; so do we.
 */
import { HLL_P, HLL_REGISTERS, hllPatLen, patLenOut } from './murmur64a.js';

export const HLL_HDR_SIZE = 16;
export const HLL_BITS = 6;
export const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * HLL_BITS + 7) >> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
/** Only used internally (PFCOUNT over several keys): one byte per register, no packing. */
export const HLL_RAW = 255;
export const HLL_MAX_ENCODING = 1;
/** Byte offsets of struct hllhdr's fields. */
export const HDR_ENCODING = 4;
export const HDR_CARD = 8;

/**
 * The bytes of one HLL string while a command works on it (an sds with free space): `b` holds
 * at least len + 1 bytes; [lo, hi) is the range written since load (what must be stored back).
 */
export class HllBuf {
  b: Uint8Array;
  len: number;
  lo = Infinity;
  hi = -Infinity;

  constructor(b: Uint8Array, len: number) {
    this.b = b;
    this.len = len;
  }

  /** A working copy of a binary string (one char per byte), with room for `extra` more bytes. */
  static fromBinary(s: string, extra = 8): HllBuf {
    const node = Buffer.alloc(s.length + 1 + extra);
    node.write(s, 0, 'latin1');
    return new HllBuf(new Uint8Array(node.buffer, node.byteOffset, node.length), s.length);
  }

  /** A working copy of bytes (an sds's content), with room for `extra` more bytes. */
  static fromBytes(bytes: Uint8Array, extra = 8): HllBuf {
    const b = new Uint8Array(bytes.length + 1 + extra);
    b.set(bytes);
    return new HllBuf(b, bytes.length);
  }

  /** The first `len` bytes, copied (for a new string value that adopts them). */
  content(): Uint8Array {
    return this.b.slice(0, this.len);
  }

  /** Zero-filled, `len` bytes long (sdsnewlen(NULL, len)). */
  static zeroed(len: number): HllBuf {
    return new HllBuf(new Uint8Array(len + 1 + 8), len);
  }

  /** sds.c sdsMakeRoomFor: room for `extra` bytes past len (plus the terminator). */
  reserve(extra: number): void {
    if (this.len + extra + 1 <= this.b.length) return;
    const grown = new Uint8Array((this.len + extra + 1) * 2);
    grown.set(this.b);
    this.b = grown;
  }

  /** Note that bytes [from, to) changed. */
  touch(from: number, to: number): void {
    if (from < this.lo) this.lo = from;
    if (to > this.hi) this.hi = to;
  }

  get changed(): boolean {
    return this.lo < this.hi;
  }

  /** The first `len` bytes as a binary string. */
  toBinary(from = 0, to = this.len): string {
    return Buffer.from(this.b.buffer, this.b.byteOffset + from, to - from).toString('latin1');
  }

  get encoding(): number {
    return this.b[HDR_ENCODING] ?? 0;
  }
}

/** HLL_VALID_CACHE: the top bit of card[7] is clear. */
export function hllValidCache(o: HllBuf): boolean {
  return ((o.b[HDR_CARD + 7] ?? 0) & 0x80) === 0;
}

/** HLL_INVALIDATE_CACHE: set the top bit of card[7]. */
export function hllInvalidateCache(o: HllBuf): void {
  o.b[HDR_CARD + 7] = (o.b[HDR_CARD + 7] ?? 0) | 0x80;
  o.touch(HDR_CARD + 7, HDR_CARD + 8);
}

/** The cached cardinality, card[0..7] little endian (as pfcountCommand assembles it). */
export function hllReadCard(o: HllBuf): bigint {
  let card = 0n;
  for (let i = 7; i >= 0; i--) card = (card << 8n) | BigInt(o.b[HDR_CARD + i] ?? 0);
  return card;
}

/** Store a 64-bit cardinality into card[0..7] little endian. */
export function hllWriteCard(o: HllBuf, card: bigint): void {
  for (let i = 0; i < 8; i++) o.b[HDR_CARD + i] = Number((card >> BigInt(8 * i)) & 0xffn);
  o.touch(HDR_CARD, HDR_CARD + 8);
}

/** HLL_DENSE_GET_REGISTER on registers starting at `base` of `p`. */
export function denseGet(p: Uint8Array, base: number, regnum: number): number {
  const bit = regnum * HLL_BITS;
  const byte = base + (bit >>> 3);
  const fb = bit & 7;
  return (((p[byte] ?? 0) >>> fb) | ((p[byte + 1] ?? 0) << (8 - fb))) & HLL_REGISTER_MAX;
}

/** HLL_DENSE_SET_REGISTER (byte stores truncate to 8 bits, as the uint8_t stores do). */
export function denseSet(p: Uint8Array, base: number, regnum: number, val: number): void {
  const bit = regnum * HLL_BITS;
  const byte = base + (bit >>> 3);
  const fb = bit & 7;
  const fb8 = 8 - fb;
  p[byte] = ((p[byte] ?? 0) & ~(HLL_REGISTER_MAX << fb)) | (val << fb);
  p[byte + 1] = ((p[byte + 1] ?? 0) & ~(HLL_REGISTER_MAX >>> fb8)) | (val >>> fb8);
}

/**
 * hyperloglog.c hllDenseSet: raise register `index` of a dense HLL to `count` if it is lower;
 * 1 when it changed, else 0.
 */
export function hllDenseSet(o: HllBuf, index: number, count: number): 0 | 1 {
  const old = denseGet(o.b, HLL_HDR_SIZE, index);
  if (count <= old) return 0;
  denseSet(o.b, HLL_HDR_SIZE, index, count);
  const byte = HLL_HDR_SIZE + ((index * HLL_BITS) >>> 3);
  o.touch(byte, byte + 2);
  return 1;
}

/** hyperloglog.c hllDenseAdd: hllPatLen, then hllDenseSet. */
export function hllDenseAdd(o: HllBuf, ele: Uint8Array, len: number): 0 | 1 {
  const count = hllPatLen(ele, len);
  return hllDenseSet(o, patLenOut.index, count);
}

/** reghisto[v]++ (an Int32Array wraps as the C int does). */
function bump(reghisto: Int32Array, v: number): void {
  reghisto[v] = (reghisto[v] ?? 0) + 1;
}

/**
 * hyperloglog.c hllDenseRegHisto: reghisto[v] += 1 for every register value v (0..63). The
 * histogram is an Int32Array, as Redis's `int reghisto[64]`.
 */
export function hllDenseRegHisto(p: Uint8Array, base: number, reghisto: Int32Array): void {
  // Four registers in every three bytes (the unrolled loop of the C code, by groups of four).
  for (let j = 0, r = base; j < HLL_REGISTERS / 4; j++, r += 3) {
    const b0 = p[r] ?? 0;
    const b1 = p[r + 1] ?? 0;
    const b2 = p[r + 2] ?? 0;
    bump(reghisto, b0 & 63);
    bump(reghisto, ((b0 >>> 6) | (b1 << 2)) & 63);
    bump(reghisto, ((b1 >>> 4) | (b2 << 4)) & 63);
    bump(reghisto, (b2 >>> 2) & 63);
  }
}

/** hyperloglog.c hllRawRegHisto: one byte per register (HLL_RAW, values 0..63). */
export function hllRawRegHisto(registers: Uint8Array, reghisto: Int32Array): void {
  for (let j = 0; j < HLL_REGISTERS; j++) bump(reghisto, (registers[j] ?? 0) & 63);
}

export { HLL_P, HLL_REGISTERS };
