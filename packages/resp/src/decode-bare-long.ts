/**
 * The bare whole-reply reader's integers past 15 digits (decode-bare-fast.ts): up to 15 digits
 * are exact in a double and read inline there; these read the rest and hand back exactly one
 * number or bigint as util.c string2ll accepts it, or the reader's `miss` (the resumable path of
 * decode.ts then reads the reply again and reports it).
 */
import { joinDigits } from '@protolab/redis-common';
import type { ElementReader } from './decode-bare-fill.js';
import { parseInteger } from './number.js';

const CR = 13;
const LF = 10;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * The top-level loop's `:` integer past its first 15 digits (`head`) at `i`: the rest, 1 to 5
 * more digits (string2ll's 20-character limit), then string2ll's joinDigits.
 */
export function integerTail(r: ElementReader, i: number, head: number, negative: boolean): unknown {
  const buf = r.buf;
  const end = r.end;
  const from = i;
  let lo = 0;
  let c = 0;
  for (; i < end && i - from < 6; i++) {
    c = buf[i] ?? 0;
    if (c < ZERO || c > NINE) break;
    lo = lo * 10 + (c - ZERO);
  }
  r.ops += i - from;
  const tail = i - from;
  if (c !== CR || tail > 5 || i + 1 >= end || buf[i + 1] !== LF) return r.miss;
  const x = joinDigits(head, lo, tail, negative);
  if (x === undefined) return r.miss;
  r.pos = i + 2;
  return x;
}

/** A `:` line at `p` of 16 to 20 digits (or anything string2ll may refuse): exact, or `miss`. */
export function longInteger(r: ElementReader, p: number): unknown {
  const buf = r.buf;
  const end = r.end;
  let cr = p + 1;
  while (cr < end && buf[cr] !== CR) cr++;
  if (cr + 1 >= end || buf[cr + 1] !== LF) return r.miss;
  const n = parseInteger(buf, p + 1, cr);
  if (n === undefined) return r.miss;
  r.pos = cr + 2;
  return n;
}
