// Benchmark: key → hash slot, 1e6 keys per set, side by side in one process.
//   ours:             keyHashSlot (charCodeAt + inline UTF-8 + 64K pair table; slicing-by-4 for bytes)
//   cluster-key-slot: 1.1.2, what ioredis uses
//   naive:            Buffer.from(key) + bit-by-bit CRC-16/XMODEM (the textbook loop)
// Run: cd /work/main && npx tsx --conditions=@protolab/source packages/redis-cluster/bench/slot.bench.ts
// Each set: 1 warm-up pass, then PASSES timed passes round-robin (2 for the naive loop); the best
// pass of each is reported (the machine is shared: slower passes measure other processes).
import calculateSlot from 'cluster-key-slot';
import { keyHashSlot } from '@protolab/redis-cluster';
import { Prng } from '@protolab/sim';

const N = Number(process.env['BENCH_KEYS'] ?? 1_000_000);
const PASSES = Number(process.env['BENCH_PASSES'] ?? 7);

// Seeded (@protolab/sim's PRNG): the same keys every run.
const prng = new Prng(0x9e3779b9);
const rnd = (): number => prng.float();
const int = (lo: number, hiExcl: number): number => lo + Math.floor(rnd() * (hiExcl - lo));

function asciiKey(): string {
  const len = int(8, 41);
  let s = '';
  for (let i = 0; i < len; i++) {
    let c = int(0x21, 0x7f);
    if (c === 0x7b || c === 0x7d) c = 0x5f; // no braces: every implementation hashes the whole key
    s += String.fromCharCode(c);
  }
  return s;
}
/** 8–40 UTF-16 units: 70 % ASCII, 15 % 2-byte, 10 % CJK (3-byte), 5 % emoji (4-byte). */
function utf8Key(): string {
  const len = int(8, 41);
  let s = '';
  while (s.length < len) {
    const p = rnd();
    if (p < 0.7) s += String.fromCharCode(int(0x61, 0x7b));
    else if (p < 0.85) s += String.fromCharCode(int(0xc0, 0x250));
    else if (p < 0.95) s += String.fromCharCode(int(0x4e00, 0x9fa0));
    else s += String.fromCodePoint(int(0x1f600, 0x1f650));
  }
  return s;
}

function naiveSlot(key: string | Uint8Array): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  let s = -1;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x7b) { s = i; break; }
  let from = 0;
  let to = bytes.length;
  if (s !== -1) {
    let e = -1;
    for (let i = s + 1; i < bytes.length; i++) if (bytes[i] === 0x7d) { e = i; break; }
    if (e > s + 1) { from = s + 1; to = e; }
  }
  let crc = 0;
  for (let i = from; i < to; i++) {
    crc ^= bytes[i]! << 8;
    for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc & 0x3fff;
}

type Keys = readonly (string | Uint8Array)[];
type Loop = (keys: Keys) => number;
// One loop per implementation, written out, so each call site stays monomorphic (a shared loop
// calling f(k) would be megamorphic and hide the differences).
const loops: [string, Loop][] = [
  ['ours (keyHashSlot)', (keys) => { let sum = 0; for (let i = 0; i < keys.length; i++) sum += keyHashSlot(keys[i]!); return sum; }],
  ['cluster-key-slot 1.1.2', (keys) => { let sum = 0; for (let i = 0; i < keys.length; i++) sum += calculateSlot(keys[i] as string); return sum; }],
  ['naive bitwise', (keys) => { let sum = 0; for (let i = 0; i < keys.length; i++) sum += naiveSlot(keys[i]!); return sum; }],
];

function bench(label: string, keys: Keys): void {
  // Correctness first: every implementation against the naive one, on every key.
  let bad = 0;
  for (const k of keys) {
    const want = naiveSlot(k);
    if (keyHashSlot(k) !== want) bad++;
    if (calculateSlot(k as string) !== want) throw new Error(`cluster-key-slot disagrees on a brace-free key`);
  }
  if (bad > 0) throw new Error(`keyHashSlot disagrees with the naive CRC on ${bad} keys`);
  const times = new Map<string, number[]>(loops.map(([n]) => [n, []]));
  // Round-robin passes, so load from other processes hits every implementation alike. The naive
  // loop is 10-20x slower: it gets fewer passes.
  for (let pass = 0; pass < PASSES + 1; pass++) {
    for (const [name, loop] of loops) {
      if (name.startsWith('naive') && pass > 2) continue;
      const t0 = process.hrtime.bigint();
      loop(keys);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (pass >= 1) times.get(name)!.push(ms);
    }
  }
  // The fastest pass: on a shared machine the other passes measure the neighbours' load.
  const best = (xs: number[]): number => Math.min(...xs);
  const mks = new Map([...times].map(([n, xs]) => [n, keys.length / best(xs) / 1000]));
  const ours = mks.get(loops[0]![0])!;
  console.log(`\n${label} (${keys.length} keys; all ${keys.length} slots checked against the naive CRC; best of ${PASSES} passes)`);
  for (const [name] of loops) {
    const v = mks.get(name)!;
    console.log(`  ${name.padEnd(24)} ${v.toFixed(2).padStart(7)} M keys/s   ours/this = ${(ours / v).toFixed(2)}x`);
  }
}

const ascii = Array.from({ length: N }, asciiKey);
const utf8 = Array.from({ length: N }, utf8Key);
console.log(`node ${process.version}, ${N} keys per set; avg bytes: ASCII ${(ascii.reduce((a, k) => a + k.length, 0) / N).toFixed(1)}, UTF-8 ${(utf8.reduce((a, k) => a + Buffer.byteLength(k), 0) / N).toFixed(1)}`);
bench('ASCII strings', ascii);
bench('UTF-8 strings', utf8);
bench('Buffers (ASCII)', ascii.map((k) => Buffer.from(k)));
bench('Buffers (UTF-8)', utf8.map((k) => Buffer.from(k)));
