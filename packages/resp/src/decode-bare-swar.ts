/**
 * The bare whole-reply reader's digit reads (decode-bare-fast.ts BareFastReader extends this):
 * the digits of an integer 4 per 32-bit DataView read (SWAR), over a DataView made once per buffer
 * long enough to pay for it.
 */
const ZERO = 0x30;
export const POW10 = [1, 10, 100, 1000] as const;
/** `swarDigits` makes a DataView over a buffer only when this many bytes at least are left to read. */
export const SWAR_MIN_BYTES = 1024;

/** Four digit values in the bytes of `d` (the first lowest) as one number: pairs, then the pair of pairs. */
export function four(d: number): number {
  const pairs = (Math.imul(d, 10) + (d >>> 8)) & 0x00ff00ff;
  return (Math.imul(pairs, 100) + (pairs >>> 16)) & 0xffff;
}

/** The reader's buffer and where its bytes end, with the DataView of the 4-digit reads. */
export abstract class SwarDigits {
  buf: Uint8Array = new Uint8Array(0);
  end = 0;
  /** Where the digits `swarDigits` read end. */
  protected at = 0;
  /** A DataView over `dvOf` (the `buf` of the last `swarDigits`): 4-digit reads. */
  protected dv: DataView = new DataView(new ArrayBuffer(0));
  protected dvOf: Uint8Array | undefined;

  /** A DataView over `buf` for `swarDigits`, made when `buf` changed (a new chunk or arena). */
  protected view(): boolean {
    const buf = this.buf;
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.dvOf = buf;
    return true;
  }

  /**
   * The digits from `i` up to `stop` (≤ end), 4 per read (SWAR): returns their value (exact up
   * to 15 digits) and leaves in `at` the index of the first byte that is not a digit (or `stop`).
   * XOR '0000' makes digit bytes 0–9; a byte is not a digit when its high nibble is set, or when
   * adding 6 sets it (10–15); the lowest such byte is the first non-digit (a carry out of a
   * non-digit byte only reaches the bytes after it). The k digits before it are shifted to the
   * top bytes (leading zeros) and `four` gives their value.
   */
  protected swarDigits(i: number, stop: number): number {
    const buf = this.buf;
    let x = 0;
    // A DataView costs about what reading a few integers saves: none for a short buffer (small
    // chunks, a straddling reply in the arena), where the loop below reads them a byte at a time.
    if (this.dvOf === buf || (this.end - i >= SWAR_MIN_BYTES && this.view())) {
      const dv = this.dv;
      while (i + 4 <= stop) {
        const d = dv.getUint32(i, true) ^ 0x30303030;
        const bad = (d | (d + 0x06060606)) & 0xf0f0f0f0;
        if (bad === 0) {
          x = x * 10000 + four(d);
          i += 4;
          continue;
        }
        const k = (31 - Math.clz32(bad & -bad)) >> 3;
        this.at = i + k;
        return k === 0 ? x : x * (POW10[k] ?? 1) + four(d << (32 - 8 * k));
      }
    }
    for (; i < stop; i++) {
      const c = buf[i] ?? 0;
      if (c < ZERO || c > 0x39) break;
      x = x * 10 + (c - ZERO);
    }
    this.at = i;
    return x;
  }
}
