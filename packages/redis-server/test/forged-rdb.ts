/**
 * A dump.rdb written by hand (as packages/redis-rdb/test/forge.ts builds its forged files):
 * `REDIS0010 SELECTDB 0 | "before"="x" | "k" = an LZF string | "after"="y" | EOF CRC-64`, the LZF
 * string given as its compressed bytes and its announced uncompressed length (rdb.c
 * rdbLoadLzfStringObject reads `<clen> <len> <lzf bytes>`).
 */
import { crc64, RdbWriter } from '@protolab/redis-rdb';

const text = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/** 2^29: the announced length of the string these files hold (Redis's own limit, 512 MB, is exactly this). */
export const HALF_GIGABYTE = 2 ** 29;

export function rdbWithLzfString(compressed: Uint8Array, uncompressedLength: number): Uint8Array {
  const w = new RdbWriter({ compression: false });
  w.raw(text('REDIS0010'));
  w.byte(0xfe); // RDB_OPCODE_SELECTDB
  w.len(0);
  w.byte(0); // RDB_TYPE_STRING
  w.string(text('before'));
  w.string(text('x'));
  w.byte(0);
  w.string(text('k'));
  w.byte(0xc3); // RDB_ENCVAL << 6 | RDB_ENC_LZF
  w.len(compressed.length);
  w.len(uncompressedLength);
  w.raw(compressed);
  w.byte(0);
  w.string(text('after'));
  w.string(text('y'));
  w.byte(0xff); // RDB_OPCODE_EOF
  const body = w.result();
  const out = new Uint8Array(body.length + 8);
  out.set(body);
  new DataView(out.buffer).setBigUint64(body.length, crc64(body), true);
  return out;
}

/** 5 LZF bytes announced as 2^29: more than LZF can expand them to (88x), refused before any allocation. */
export function tinyImpossibleLzfRdb(): Uint8Array {
  return rdbWithLzfString(Uint8Array.from([0, 0x61, 0xe0, 255, 0]), HALF_GIGABYTE);
}

/**
 * A valid LZF stream of `n` bytes of "a" (n ≥ 4): one literal, then back-references at distance 1
 * of 264 bytes each (the longest one: 3 bytes of input), the last one shorter. lzf_d.c's format.
 */
export function lzfRunOfA(n: number): Uint8Array {
  const out = new Uint8Array(2 + Math.ceil((n - 1) / 264) * 3);
  out[0] = 0; // a literal of 1 byte
  out[1] = 0x61;
  let p = 2;
  let left = n - 1;
  while (left > 0) {
    let len = Math.min(264, left);
    if (left - len > 0 && left - len < 3) len -= 3; // keep the last reference at least 3 bytes long
    if (len - 2 >= 7) {
      out[p++] = 7 << 5;
      out[p++] = len - 2 - 7;
    } else out[p++] = (len - 2) << 5;
    out[p++] = 0; // distance 1
    left -= len;
  }
  return out.subarray(0, p);
}

/** A well-formed dump.rdb (6.1 MB) whose "k" decodes to 2^29 bytes: one string longer than a JS string can hold. */
export function halfGigabyteStringRdb(): Uint8Array {
  return rdbWithLzfString(lzfRunOfA(HALF_GIGABYTE), HALF_GIGABYTE);
}
