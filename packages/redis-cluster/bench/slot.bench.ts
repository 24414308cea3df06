// Benchmark: key → hash slot, keyHashSlot against cluster-key-slot 1.1.2 (what ioredis uses), on a
// matrix of key sets (issue 19):
//   strings built flat (Array.join) or as cons strings (`+=`, one char at a time), the latter either
//     read for the first time inside the timed slice ("first read") or kept after one earlier read
//     ("held") × without hash tags (printable ASCII minus braces) or with them (a `{tag}` in every
//     key and braces elsewhere too) × ASCII or UTF-8 text; and Buffers (ASCII / UTF-8 bytes) × tags.
// Each key set: 200 000 keys of 8–40 characters, seeded (@protolab/sim's Prng), every slot
// checked against a bit-by-bit CRC before timing. Each cell: ROUNDS rounds after a warm-up; in
// each round every implementation hashes every key once, the implementations alternating every
// 2 000 keys (the one going first turns round by round); times are CPU time (process.cpuUsage).
// The round's ratio is cluster-key-slot's time / ours. Reported: median and range of the ratios,
// the median speeds, and for first-read cells what V8's flattening alone costs.
// Fairness of the cons cells: V8 flattens a rope in place the first time anything reads its
// characters (charCodeAt, indexOf, TextEncoder.encodeInto, Buffer.byteLength, Buffer writes all
// do), and whoever reads first pays. So in "first read" cells nothing is shared: before each round
// three fresh copies are built (untimed), one for each library and one that is only flattened
// (`touch`, one charCodeAt per key), then a full GC (untimed) so the building's collection debt —
// 3 × 200 000 ropes of up to 40 nodes — does not land in whichever slice allocates next (the
// library that allocates more per key, cluster-key-slot, would pay most of it). BENCH_GC=0 skips
// that collection. "held" cells hash ropes that were read once before timing, shared by both.
// Run: cd /work/main && npx tsx --conditions=@protolab/source packages/redis-cluster/bench/slot.bench.ts
//   BENCH_KEYS (200000), BENCH_ROUNDS (9), BENCH_ONLY (a substring of the cell names), BENCH_GC (1)
import calculateSlot from 'cluster-key-slot';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { keyHashSlot } from '@protolab/redis-cluster';
import { Prng } from '@protolab/sim';
import { cons, cpuUs, flat, keyChars, median, naiveSlot } from './keys.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const N = Number(process.env['BENCH_KEYS'] ?? 200_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 9);
const ONLY = process.env['BENCH_ONLY'];
/** BENCH_GC=0: no full collection between building a round's keys and timing them (see run()). */
const GC_AFTER_BUILD = process.env['BENCH_GC'] !== '0';

const prng = new Prng(0x9e3779b9);

type Keys = readonly (string | Uint8Array)[];
// One loop per implementation, written out, so each call site stays monomorphic.
function ours(keys: Keys): number { let sum = 0; for (let i = 0; i < keys.length; i++) sum += keyHashSlot(keys[i] as string | Uint8Array); return sum; }
function theirs(keys: Keys): number { let sum = 0; for (let i = 0; i < keys.length; i++) sum += calculateSlot(keys[i] as string); return sum; }
/** Reads one unit of every key and nothing else: on a rope, that is V8's flattening alone. */
function touch(keys: Keys): number { let sum = 0; for (let i = 0; i < keys.length; i++) sum += (keys[i] as string).charCodeAt(0); return sum; }

/** Keys per slice: the implementations alternate slice by slice, so load bursts hit them alike. */
const SLICE = 2_000;
function time(f: (k: Keys) => number, keys: Keys): number {
  const t0 = cpuUs();
  f(keys);
  return cpuUs() - t0;
}
/**
 * Total CPU µs of each function over its own key array, interleaved slice by slice; `first` says
 * which goes first in every slice (the order turns round by round).
 */
function interleaved(fs: readonly ((k: Keys) => number)[], arrays: readonly Keys[], first: number): number[] {
  const total = fs.map(() => 0);
  const n = arrays[0]?.length ?? 0;
  for (let at = 0; at < n; at += SLICE) {
    const slices = arrays.map((a) => a.slice(at, at + SLICE));
    for (let k = 0; k < fs.length; k++) {
      const w = (first + k) % fs.length;
      const f = fs[w];
      const keys = slices[w];
      if (f === undefined || keys === undefined) throw new Error('interleaved: one key array per function');
      total[w] = (total[w] ?? 0) + time(f, keys);
    }
  }
  return total;
}
/**
 * How a cell's keys reach the two libraries:
 *  - shared: one array, hashed by both every round (flat strings, Buffers, and ropes that were
 *    read once, untimed, before the first round — "held" keys, flattened already);
 *  - fresh: ropes never read before, rebuilt every round, each library its own copy, so each pays
 *    V8's flattening on its first read, as whoever first reads a key a user built with `+=` does.
 */
interface Cell { readonly name: string; readonly target: number; readonly fresh: boolean; readonly make: () => Keys }

function cell(name: string, target: number, fresh: boolean, make: () => Keys): Cell { return { name, target, fresh, make }; }

const notes: string[] = [];

function run(c: Cell): string {
  const keys = c.make();
  for (const k of keys) {
    const want = naiveSlot(k);
    if (keyHashSlot(k) !== want) throw new Error(`${c.name}: keyHashSlot disagrees with the naive CRC`);
  }
  const ratios: number[] = [];
  const oursMks: number[] = [];
  const theirsMks: number[] = [];
  const touchNs: number[] = [];
  for (let r = 0; r < ROUNDS + 1; r++) {
    // Fresh ropes: three copies built before the round (none timed): ours, theirs, and one that is
    // only flattened (touch), to show what the flattening alone costs. Then a full collection, so
    // the building's garbage-collection debt is not paid inside the timed slices.
    const arrays = c.fresh ? [c.make(), c.make(), c.make()] : [keys, keys];
    if (c.fresh && GC_AFTER_BUILD) gc();
    const fs = c.fresh ? [ours, theirs, touch] : [ours, theirs];
    const [ourUs = 0, theirUs = 0, touchUs = 0] = interleaved(fs, arrays, r % fs.length);
    if (r === 0) continue; // warm-up
    ratios.push(theirUs / ourUs);
    oursMks.push(keys.length / ourUs);
    theirsMks.push(keys.length / theirUs);
    if (c.fresh) touchNs.push((touchUs * 1000) / keys.length);
  }
  const lo = Math.min(...ratios);
  const hi = Math.max(...ratios);
  const med = median(ratios);
  const ok = lo >= c.target ? 'every round' : med >= c.target ? 'median only' : 'NO';
  if (c.fresh) {
    const f = median(touchNs);
    const o = 1000 / median(oursMks);
    const t = 1000 / median(theirsMks);
    notes.push(`${c.name}: flattening alone (charCodeAt(0) on a third fresh copy) ${f.toFixed(0)} ns/key; ours ${o.toFixed(0)}, cluster-key-slot ${t.toFixed(0)} ns/key; ratio of what is left after the flattening (theirs − flatten) / (ours − flatten) = ${((t - f) / Math.max(o - f, 1e-9)).toFixed(2)}`);
  }
  return `| ${c.name} | ${median(oursMks).toFixed(2)} | ${median(theirsMks).toFixed(2)} | **${med.toFixed(2)}×** | ${lo.toFixed(2)}–${hi.toFixed(2)}× | ${c.target}× | ${ok} |`;
}

// Each set's characters are drawn once; flat and cons variants are built from the same chars.
const sets = new Map<string, string[][]>();
const chars = (tags: boolean, utf8: boolean): string[][] => {
  const k = `${tags}${utf8}`;
  let v = sets.get(k);
  if (v === undefined) { v = Array.from({ length: N }, () => keyChars(prng, tags, utf8)); sets.set(k, v); }
  return v;
};
/** Ropes read once (one unit each, untimed): V8 has flattened them; this is how a key a user keeps and uses again looks. */
function held(keys: string[]): string[] { touch(keys); return keys; }
const cells: Cell[] = [];
for (const utf8 of [false, true]) {
  for (const tags of [false, true]) {
    const text = `${utf8 ? 'UTF-8' : 'ASCII'} ${tags ? 'with tags' : 'no tags'}`;
    const target = utf8 ? 2 : 2.5;
    cells.push(cell(`${text}, flat string`, target, false, () => chars(tags, utf8).map(flat)));
    cells.push(cell(`${text}, cons string, first read`, target, true, () => chars(tags, utf8).map(cons)));
    cells.push(cell(`${text}, cons string, held (read before)`, target, false, () => held(chars(tags, utf8).map(cons))));
    cells.push(cell(`${text}, Buffer`, 1.3, false, () => chars(tags, utf8).map((cs) => Buffer.from(flat(cs)))));
  }
}

console.log(`node ${process.version}, ${N} keys per set, ${ROUNDS} rounds per cell, CPU time (process.cpuUsage), full GC after building fresh ropes: ${GC_AFTER_BUILD ? 'yes' : 'no'}, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('\n| keys | ours, M keys/s | cluster-key-slot, M keys/s | ratio, median | ratio, range | target | met |');
console.log('|---|---|---|---|---|---|---|');
for (const c of cells) if (ONLY === undefined || c.name.includes(ONLY)) console.log(run(c));
if (notes.length > 0) console.log(`\n${notes.join('\n')}`);
console.log(`load average at the end ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
