/**
 * CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320) as nginx's `ngx_crc32_*` (src/core/ngx_crc32.h):
 * init 0xffffffff, table update per byte, final xor 0xffffffff. `crc32Update` continues a running
 * (not yet finalised) value, which the ketama point construction needs.
 */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export const CRC32_INIT = 0xffffffff;

export function crc32Update(crc: number, bytes: Uint8Array): number {
  let c = crc >>> 0;
  for (const b of bytes) c = ((TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8)) >>> 0;
  return c;
}

export function crc32Final(crc: number): number {
  return (crc ^ 0xffffffff) >>> 0;
}

export function crc32(bytes: Uint8Array): number {
  return crc32Final(crc32Update(CRC32_INIT, bytes));
}

const enc = new TextEncoder();
export function utf8(s: string): Uint8Array {
  return enc.encode(s);
}
