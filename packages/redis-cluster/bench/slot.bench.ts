// Benchmark: key → hash slot, 1e6 keys per set, side by side in one process.
//   ours:             keyHashSlot (charCodeAt + inline UTF-8 + 64K pair table; slicing-by-4 for bytes)
//   cluster-key-slot: 1.1.2, what ioredis uses
//   naive:            Buffer.from(key) + bit-by-bit CRC-16/XMODEM (the textbook loop)
// Run: cd /work/main && npx tsx --conditions=@protolab/source packages/redis-cluster/bench/slot.bench.ts
// Each cell: 2 warm-up passes, then PASSES timed passes; the median pass is reported.
import calculateSlot from 'cluster-key-slot';
import { keyHashSlot } from '@protolab/redis-cluster';

const N = Number(process.env['BENCH_KEYS'] ?? 1_000_000);
const PASSES = Number(process.env['BENCH_PASSES'] ?? 5);

// xorshift32, seeded: the same keys every run.
let state = 0x9e3779b9;
const rnd = (): number => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
};
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

type Impl = (k: string & Uint8Array) => number;
const impls: [string, Impl][] = [
  ['ours (keyHashSlot)', keyHashSlot as Impl],
  ['cluster-key-slot 1.1.2', calculateSlot as unknown as Impl],
  ['naive bitwise', naiveSlot as Impl],
];

function timePass(f: Impl, keys: readonly (string | Uint8Array)[]): { ms: number; sum: number } {
  let sum = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < keys.length; i++) sum += f(keys[i] as string & Uint8Array);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, sum };
}

function bench(label: string, keys: readonly (string | Uint8Array)[]): void {
  // Correctness first: every implementation against the naive one, on every key.
  for (const [name, f] of impls) {
    for (const k of keys) {
      if (f(k as string & Uint8Array) !== naiveSlot(k)) throw new Error(`${name} disagrees on ${JSON.stringify(typeof k === 'string' ? k : Buffer.from(k).toString('hex'))}`);
    }
  }
  const results = new Map<string, number[]>(impls.map(([n]) => [n, []]));
  for (let pass = 0; pass < PASSES + 2; pass++) {
    for (const [name, f] of impls) {
      const { ms } = timePass(f, keys);
      if (pass >= 2) results.get(name)!.push(ms);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const mks = new Map([...results].map(([n, xs]) => [n, keys.length / median(xs) / 1000]));
  const ours = mks.get(impls[0]![0])!;
  console.log(`\n${label} (${keys.length} keys, median of ${PASSES} passes)`);
  for (const [name] of impls) {
    const v = mks.get(name)!;
    console.log(`  ${name.padEnd(24)} ${v.toFixed(2).padStart(7)} M keys/s   ours/this = ${(ours / v).toFixed(2)}×`);
  }
}

const ascii = Array.from({ length: N }, asciiKey);
const utf8 = Array.from({ length: N }, utf8Key);
console.log(`node ${process.version}, ${N} keys per set; avg bytes: ASCII ${(ascii.reduce((a, k) => a + k.length, 0) / N).toFixed(1)}, UTF-8 ${(utf8.reduce((a, k) => a + Buffer.byteLength(k), 0) / N).toFixed(1)}`);
bench('ASCII strings', ascii);
bench('UTF-8 strings', utf8);
bench('Buffers (ASCII)', ascii.map((k) => Buffer.from(k)));
bench('Buffers (UTF-8)', utf8.map((k) => Buffer.from(k)));
