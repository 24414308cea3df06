// The naive model the bitmap example tests compare with, as tests/unit/bitops.tcl compares with its
// count_bits / count_bits_start_end / simulate_bit_op procs, and a keyspace driven with binary
// arguments (one char per byte, like the Tcl suite's "\xaa").
import type { Prng } from '@protolab/sim';
import { clocked, show } from './helpers.js';

/** A keyspace whose arguments are given as binary strings (one char per byte, like the Tcl suite's "\xaa"). */
export function bin(): ReturnType<typeof clocked> & { r: (...argv: string[]) => string } {
  const h = clocked();
  return { ...h, r: (...argv) => show(h.ks.execute(argv.map((a) => Buffer.from(a, 'latin1')))) };
}

/** count_bits: the number of 1 bits of a binary string. */
export function countBits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) for (let b = s.charCodeAt(i); b !== 0; b >>= 1) n += b & 1;
  return n;
}
/** count_bits_start_end: 1 bits among bits start..end (bit 0 = MSB of byte 0). */
export function countBitsStartEnd(s: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i <= end && i < s.length * 8; i++) n += (s.charCodeAt(i >> 3) >> (7 - (i & 7))) & 1;
  return n;
}
/** simulate_bit_op for and/or/xor/not over zero-padded sources. */
export function simulateBitOp(op: string, ...srcs: string[]): string {
  const maxlen = Math.max(...srcs.map((s) => s.length));
  let out = '';
  for (let i = 0; i < maxlen; i++) {
    let b = i < (srcs[0] ?? '').length ? (srcs[0] ?? '').charCodeAt(i) : 0;
    if (op === 'not') b = ~b & 0xff;
    for (const s of srcs.slice(1)) {
      const c = i < s.length ? s.charCodeAt(i) : 0;
      b = op === 'and' ? b & c : op === 'or' ? b | c : b ^ c;
    }
    out += String.fromCharCode(b);
  }
  return out;
}
export function randstring(r: Prng, min: number, max: number): string {
  const n = r.int(min, max + 1);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(r.int(0, 256));
  return s;
}
