/**
 * A request's arguments as a server parsed them (bytes) → the binary strings the commands read
 * (bytes.ts: one char per byte). The server-side twin of bytes.ts argsToBin for argv that is
 * all bytes: no per-argument type checks, and short arguments come from a small table of
 * strings made before (`binOfArg`), so a pipeline of one command with the same key makes no
 * string at all after the first and hands the keyspace's Maps strings whose hash V8 already
 * computed.
 */
import { binFromBytes } from './bytes.js';

/** Arguments up to this many bytes go through the table. */
export const ARG_TABLE_MAX_LEN = 32;
/** Entries of the table (a power of two): at most this many strings of ≤ 32 chars are kept. */
const ARG_TABLE_SIZE = 4096;
/** Up to this length String.fromCharCode over the bytes beats going through a Buffer. */
const CHAR_CODES_MAX = 64;

/**
 * Direct-mapped by a hash of the bytes: a slot holds the last string made for bytes that hashed
 * there. Strings are immutable and compared char by char with the bytes before one is reused,
 * so a hit is the same value a fresh conversion would give (a collision just replaces the slot).
 */
const table = new Array<string>(ARG_TABLE_SIZE).fill('');

/** Bytes → binary string, made fresh. */
function makeBin(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n >= CHAR_CODES_MAX) return binFromBytes(bytes);
  // fromCharCode(b0, b1, …): every byte is a char code 0..255, so this is the latin1 decoding.
  const codes = new Array<number>(n);
  for (let i = 0; i < n; i++) codes[i] = bytes[i] ?? 0;
  return String.fromCharCode.apply(null, codes);
}

/** One argument's bytes → its binary string (from the table when the same bytes came lately). */
export function binOfArg(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n > ARG_TABLE_MAX_LEN) return makeBin(bytes);
  let h = n;
  for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + (bytes[i] ?? 0)) | 0;
  const at = h & (ARG_TABLE_SIZE - 1);
  const seen = table[at] ?? '';
  if (seen.length === n) {
    let i = 0;
    while (i < n && seen.charCodeAt(i) === bytes[i]) i++;
    if (i === n) return seen;
  }
  const made = makeBin(bytes);
  table[at] = made;
  return made;
}

/** Every argument → binary strings (a fresh, packed array the command may keep: MULTI queues it). */
export function binArgsOfBytes(argv: readonly Uint8Array[]): string[] {
  const out: string[] = [];
  for (const a of argv) out.push(binOfArg(a));
  return out;
}
