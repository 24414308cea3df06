// Hand-built HyperLogLog strings (redis/redis src/hyperloglog.c 7.0 layout) for tests: the
// expected bytes are written out here from the format, not produced by the code under test.

/** One sparse opcode: ZERO (1..64), XZERO (1..16384) or VAL (value 1..32, run 1..4). */
export type SparseOp = { zero: number } | { xzero: number } | { val: number; len: number };

/** The 16-byte header: "HYLL", encoding, 3 unused bytes, the cached cardinality (undefined: invalid, top bit set). */
export function hllHeader(encoding: number, card?: bigint): string {
  let cardBytes = '';
  for (let i = 0; i < 8; i++) cardBytes += String.fromCharCode(card === undefined ? (i === 7 ? 0x80 : 0) : Number((card >> BigInt(8 * i)) & 0xffn));
  return `HYLL${String.fromCharCode(encoding)}\0\0\0${cardBytes}`;
}

/** A sparse HLL string of these opcodes (one char per byte). */
export function sparseHll(ops: readonly SparseOp[], card?: bigint): string {
  let s = hllHeader(1, card);
  for (const op of ops) {
    if ('zero' in op) s += String.fromCharCode(op.zero - 1);
    else if ('xzero' in op) s += String.fromCharCode(0x40 | ((op.xzero - 1) >> 8), (op.xzero - 1) & 0xff);
    else s += String.fromCharCode(0x80 | ((op.val - 1) << 2) | (op.len - 1));
  }
  return s;
}

/** A dense HLL string: register i is reg(i) (0..63), packed 6 bits each from the low bit of each byte. */
export function denseHll(reg: (i: number) => number, card?: bigint): string {
  const bytes = new Uint8Array(12288 + 1);
  for (let i = 0; i < 16384; i++) {
    const v = reg(i) & 63;
    const bit = i * 6;
    for (let k = 0; k < 6; k++) if ((v >> k) & 1) bytes[(bit + k) >> 3] = (bytes[(bit + k) >> 3] ?? 0) | (1 << ((bit + k) & 7));
  }
  return hllHeader(0, card) + Buffer.from(bytes.subarray(0, 12288)).toString('latin1');
}
