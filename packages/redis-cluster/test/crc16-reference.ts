// The CRC-16/XMODEM of redis/src/crc16.c written out bit by bit (docs/redis-cluster.md §1): the
// oracle the slot tests compare the table-driven code against, never the code under test itself.

/** CRC-16/XMODEM (poly 0x1021, init 0, MSB first) of `bytes`, one bit at a time. */
export function crc16Bitwise(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}
