/**
 * Writing listpacks (listpack.c `lpAppend`, `lpEncodeGetType`, `lpEncodeBacklen`): the encoder's
 * side of `listpack.ts`, which reads and validates them.
 */
import { LP_EOF, LP_HDR_NUMELE_UNKNOWN, LP_HDR_SIZE, backlenSize } from './listpack.js';
import { parseCanonicalInt } from './bytes.js';

/** Builds a listpack by appending elements (lpAppend), tracking its exact size as Redis's node->sz. */
export class ListpackBuilder {
  private buf = new Uint8Array(64);
  private n = LP_HDR_SIZE; // bytes used (header reserved)
  count = 0;

  /** Total size in bytes of the listpack as it is now (header + entries + terminator). */
  get size(): number {
    return this.n + 1;
  }

  private reserve(extra: number): void {
    if (this.n + extra + 1 <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.n + extra + 1) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.n));
    this.buf = nb;
  }

  append(el: Uint8Array): void {
    this.reserve(el.length + 10);
    this.n = writeEntry(this.buf, this.n, el);
    this.count++;
  }

  /** Empty it for reuse (keeps the buffer). */
  reset(): this {
    this.n = LP_HDR_SIZE;
    this.count = 0;
    return this;
  }

  /** The finished listpack as a new array. */
  finish(): Uint8Array {
    return this.finishView().slice();
  }

  /** The finished listpack as a view of the builder's buffer: valid until the next append/reset. */
  finishView(): Uint8Array {
    const total = this.n + 1;
    const out = this.buf.subarray(0, total);
    out[0] = total & 0xff;
    out[1] = (total >>> 8) & 0xff;
    out[2] = (total >>> 16) & 0xff;
    out[3] = (total >>> 24) & 0xff;
    const n = this.count < LP_HDR_NUMELE_UNKNOWN ? this.count : LP_HDR_NUMELE_UNKNOWN;
    out[4] = n & 0xff;
    out[5] = n >>> 8;
    out[total - 1] = LP_EOF;
    return out;
  }
}

/** One element, encoded in place at `at` (room for len + 10 bytes needed); returns the new end. */
function writeEntry(out: Uint8Array, at: number, el: Uint8Array): number {
  const iv = el.length <= 20 ? parseCanonicalInt(el) : undefined;
  let p = at;
  if (iv !== undefined) {
    p = writeInt(out, p, iv);
  } else {
    const n = el.length;
    if (n < 64) out[p++] = 0x80 | n;
    else if (n < 4096) {
      out[p++] = 0xe0 | (n >>> 8);
      out[p++] = n & 0xff;
    } else {
      out[p++] = 0xf0;
      out[p++] = n & 0xff;
      out[p++] = (n >>> 8) & 0xff;
      out[p++] = (n >>> 16) & 0xff;
      out[p++] = (n >>> 24) & 0xff;
    }
    out.set(el, p);
    p += n;
  }
  const size = p - at;
  const bl = backlenSize(size);
  writeBacklen(out, p, size, bl);
  return p + bl;
}

/** lpEncodeGetType + lpEncodeString/integer + lpEncodeBacklen for one element, as a new array. */
export function encodeEntry(el: Uint8Array): Uint8Array {
  const tmp = new Uint8Array(el.length + 10);
  return tmp.slice(0, writeEntry(tmp, 0, el));
}

/** Encoded size (encoding + data + backlen) of one element, without building it. */
export function lpEntrySize(el: Uint8Array): number {
  const iv = el.length <= 20 ? parseCanonicalInt(el) : undefined;
  let n: number;
  if (iv !== undefined) n = intEncodingSize(iv);
  else if (el.length < 64) n = 1 + el.length;
  else if (el.length < 4096) n = 2 + el.length;
  else n = 5 + el.length;
  return n + backlenSize(n);
}

function intEncodingSize(v: number | bigint): number {
  if (typeof v === 'bigint') return 9;
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

function writeBacklen(out: Uint8Array, at: number, l: number, n: number): void {
  // most significant group first; all bytes but the first carry bit 7
  for (let i = n - 1; i >= 0; i--) {
    const group = l % 128;
    l = Math.floor(l / 128);
    out[at + i] = i === 0 ? group : group | 0x80;
  }
}

function writeInt(out: Uint8Array, p: number, v: number | bigint): number {
  if (typeof v === 'number') {
    if (v >= 0 && v <= 127) {
      out[p] = v;
      return p + 1;
    }
    if (v >= -4096 && v <= 4095) {
      const u = v < 0 ? v + 8192 : v;
      out[p] = 0xc0 | (u >>> 8);
      out[p + 1] = u & 0xff;
      return p + 2;
    }
    if (v >= -32768 && v <= 32767) {
      out[p] = 0xf1;
      out[p + 1] = v & 0xff;
      out[p + 2] = (v >> 8) & 0xff;
      return p + 3;
    }
    if (v >= -8388608 && v <= 8388607) {
      out[p] = 0xf2;
      out[p + 1] = v & 0xff;
      out[p + 2] = (v >> 8) & 0xff;
      out[p + 3] = (v >> 16) & 0xff;
      return p + 4;
    }
    if (v >= -2147483648 && v <= 2147483647) {
      out[p] = 0xf3;
      out[p + 1] = v & 0xff;
      out[p + 2] = (v >> 8) & 0xff;
      out[p + 3] = (v >> 16) & 0xff;
      out[p + 4] = (v >>> 24) & 0xff;
      return p + 5;
    }
  }
  out[p] = 0xf4;
  new DataView(out.buffer, out.byteOffset + p + 1, 8).setBigInt64(0, BigInt(v), true);
  return p + 9;
}
