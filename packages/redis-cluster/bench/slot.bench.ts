// Benchmark: key → hash slot, keyHashSlot against cluster-key-slot 1.1.2 (what ioredis uses), on a
// matrix of key sets (issue 19):
//   strings built flat (Array.join) or as cons strings (`+=`, one char at a time)
//   × without hash tags (printable ASCII minus braces) or with them (a `{tag}` in every key and
//     braces elsewhere too) × ASCII or UTF-8 text; and Buffers (ASCII / UTF-8 bytes) × tags.
// Each key set: 200 000 keys of 8–40 characters, seeded (@protolab/sim's Prng), every slot
// checked against a bit-by-bit CRC before timing. Each cell: ROUNDS rounds; in each round both
// implementations hash every key once (order alternates per round), and the round's ratio is
// cluster-key-slot time / ours (the two alternate every 2 000 keys). Reported: median and range of the ratios and the median speed.
// Cons strings are rebuilt before every round: V8 flattens a cons string in place the first time
// it is read by index, so after one pass it would be a flat string again.
// Run: cd /work/main && npx tsx --conditions=@protolab/source packages/redis-cluster/bench/slot.bench.ts
//   BENCH_KEYS (200000), BENCH_ROUNDS (9), BENCH_ONLY (a substring of the cell names)
import calculateSlot from 'cluster-key-slot';
import { keyHashSlot } from '@protolab/redis-cluster';
import { Prng } from '@protolab/sim';

const N = Number(process.env['BENCH_KEYS'] ?? 200_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 9);
const ONLY = process.env['BENCH_ONLY'];

const prng = new Prng(0x9e3779b9);
const int = (lo: number, hiExcl: number): number => prng.int(lo, hiExcl);

/** One key as an array of UTF-16 units (joined or `+=`-built later). */
function keyChars(tags: boolean, utf8: boolean): string[] {
  const len = int(8, 41);
  const out: string[] = [];
  const char = (): string => {
    if (utf8) {
      const p = prng.float();
      if (p < 0.15) return String.fromCharCode(int(0xc0, 0x250));
      if (p < 0.25) return String.fromCharCode(int(0x4e00, 0x9fa0));
      if (p < 0.3) return String.fromCodePoint(int(0x1f600, 0x1f650));
    }
    let c = int(0x20, 0x7f);
    if (!tags && (c === 0x7b || c === 0x7d)) c = 0x5f;
    return String.fromCharCode(c);
  };
  while (out.length < len) out.push(char());
  if (tags) {
    const at = int(0, out.length);
    const tag = Array.from({ length: int(1, 10) }, () => String.fromCharCode(int(0x61, 0x7b)));
    out.splice(at, 0, '{', ...tag, '}');
  }
  return out;
}

function flat(chars: readonly string[]): string {
  return chars.join('');
}
function cons(chars: readonly string[]): string {
  let s = '';
  for (const c of chars) s += c;
  return s;
}

function naiveSlot(key: string | Uint8Array): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const s = bytes.indexOf(0x7b);
  let from = 0;
  let to = bytes.length;
  if (s !== -1) {
    const e = bytes.indexOf(0x7d, s + 1);
    if (e > s + 1) { from = s + 1; to = e; }
  }
  let crc = 0;
  for (let i = from; i < to; i++) {
    crc ^= (bytes[i] ?? 0) << 8;
    for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc & 0x3fff;
}

type Keys = readonly (string | Uint8Array)[];
// One loop per implementation, written out, so each call site stays monomorphic.
function ours(keys: Keys): number { let sum = 0; for (let i = 0; i < keys.length; i++) sum += keyHashSlot(keys[i] as string | Uint8Array); return sum; }
function theirs(keys: Keys): number { let sum = 0; for (let i = 0; i < keys.length; i++) sum += calculateSlot(keys[i] as string); return sum; }

/** Keys per slice: the two implementations alternate slice by slice, so load bursts hit both alike. */
const SLICE = 2_000;
function time(f: (k: Keys) => number, keys: Keys): number {
  const t0 = process.hrtime.bigint();
  f(keys);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
/** Total ms of ours and of theirs over all keys, interleaved slice by slice. */
function interleaved(mine: Keys, yours: Keys, oursFirst: boolean): [number, number] {
  let a = 0;
  let b = 0;
  for (let at = 0; at < mine.length; at += SLICE) {
    const m = mine.slice(at, at + SLICE);
    const y = yours.slice(at, at + SLICE);
    if (oursFirst) { a += time(ours, m); b += time(theirs, y); } else { b += time(theirs, y); a += time(ours, m); }
  }
  return [a, b];
}
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

interface Cell { readonly name: string; readonly target: number; readonly make: () => Keys }

function cell(name: string, target: number, make: () => Keys): Cell { return { name, target, make }; }

function run(c: Cell): string {
  const keys = c.make();
  for (const k of keys) {
    const want = naiveSlot(k);
    if (keyHashSlot(k) !== want) throw new Error(`${c.name}: keyHashSlot disagrees with the naive CRC`);
  }
  const ratios: number[] = [];
  const oursMks: number[] = [];
  const theirsMks: number[] = [];
  const isCons = c.name.includes('cons');
  for (let r = 0; r < ROUNDS + 1; r++) {
    // Cons strings: each implementation gets its own fresh copy (the first read flattens them).
    const mine = isCons ? c.make() : keys;
    const yours = isCons ? c.make() : keys;
    const [ourMs, theirMs] = interleaved(mine, yours, r % 2 === 0);
    if (r === 0) continue; // warm-up
    ratios.push(theirMs / ourMs);
    oursMks.push(keys.length / ourMs / 1000);
    theirsMks.push(keys.length / theirMs / 1000);
  }
  const lo = Math.min(...ratios);
  const hi = Math.max(...ratios);
  const med = median(ratios);
  const ok = lo >= c.target ? 'every round' : med >= c.target ? 'median only' : 'NO';
  return `| ${c.name} | ${median(oursMks).toFixed(2)} | ${median(theirsMks).toFixed(2)} | **${med.toFixed(2)}×** | ${lo.toFixed(2)}–${hi.toFixed(2)}× | ${c.target}× | ${ok} |`;
}

// Each set's characters are drawn once; flat and cons variants are built from the same chars.
const sets = new Map<string, string[][]>();
const chars = (tags: boolean, utf8: boolean): string[][] => {
  const k = `${tags}${utf8}`;
  let v = sets.get(k);
  if (v === undefined) { v = Array.from({ length: N }, () => keyChars(tags, utf8)); sets.set(k, v); }
  return v;
};
const cells: Cell[] = [];
for (const utf8 of [false, true]) {
  for (const tags of [false, true]) {
    const text = `${utf8 ? 'UTF-8' : 'ASCII'} ${tags ? 'with tags' : 'no tags'}`;
    const target = utf8 ? 2 : 2.5;
    cells.push(cell(`${text}, flat string`, target, () => chars(tags, utf8).map(flat)));
    cells.push(cell(`${text}, cons string`, target, () => chars(tags, utf8).map(cons)));
    cells.push(cell(`${text}, Buffer`, 1.3, () => chars(tags, utf8).map((cs) => Buffer.from(flat(cs)))));
  }
}

console.log(`node ${process.version}, ${N} keys per set, ${ROUNDS} rounds per cell, load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('\n| keys | ours, M keys/s | cluster-key-slot, M keys/s | ratio, median | ratio, range | target | met |');
console.log('|---|---|---|---|---|---|---|');
for (const c of cells) if (ONLY === undefined || c.name.includes(ONLY)) console.log(run(c));
