/**
 * Internally every Redis string (key, value, member, field) is a "binary string": a JS string
 * with one char per byte (char codes 0..255). V8 stores these one byte per char, Map hashes
 * them natively, and ASCII text needs no conversion at all. Bytes cross the API boundary as
 * Uint8Array; JS text given to the typed API or to `execute` is encoded as UTF-8, like a
 * Redis client does.
 */

const NON_ASCII = /[\u0080-\uffff]/;

/** True when every char is < 0x80 (a compiled regex beats a charCodeAt loop here, measured). */
export function isAscii(s: string): boolean {
  return !NON_ASCII.test(s);
}

/** Bytes → binary string. */
export function binFromBytes(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n < 64) {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[i] ?? 0);
    return s;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('latin1');
}

/** JS text → binary string of its UTF-8 bytes (identity for ASCII). */
export function binFromText(text: string): string {
  if (isAscii(text)) return text;
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A command argument (text or bytes) → binary string. */
export function toBin(arg: string | Uint8Array): string {
  return typeof arg === 'string' ? binFromText(arg) : binFromBytes(arg);
}

/** Binary string → fresh bytes. */
export function binToBytes(bin: string): Uint8Array {
  const n = bin.length;
  if (n < 64) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  const b = Buffer.from(bin, 'latin1');
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Binary string → JS text (UTF-8 decode; identity for ASCII). */
export function binToText(bin: string): string {
  if (isAscii(bin)) return bin;
  return Buffer.from(bin, 'latin1').toString('utf8');
}

/** Byte-wise comparison of two binary strings (memcmp order, as Redis's sdscmp). */
export function binCompare(a: string, b: string): number {
  // Char codes are 0..255, so JS's UTF-16 code-unit order is byte order.
  return a < b ? -1 : a > b ? 1 : 0;
}
