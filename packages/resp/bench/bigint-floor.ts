// Why `:2^62` (an integer beyond 2^53) stays below 1.5× redis-parser (issue 19): the floor of an
// exact answer. redis-parser turns every integer reply into a JS number, so `:4611686018427387905`
// comes back as 4611686018427387904 (the nearest double); an exact decoder has to hand back
// something else. Decoders of the same 64 KiB chunks of that reply, CPU time, interleaved, ROUNDS
// rounds, a callback per reply:
// - redis-parser 3.0.0 (returnBuffers: true): an inexact number — the anchor;
// - redis-parser with `stringNumbers: true`: its own exact mode, the digits as a string;
// - exact floor (bigint): the least a decoder returning an exact bigint can do — the digits read
//   once into two numbers (the first 15, then the rest), one BigInt made from their two 32-bit
//   words through a BigInt64Array (one allocation; what string2ll does since issue 19); no
//   validation, no resumable state, no chunk joins (a reply cut by a chunk end is skipped);
// - exact floor (string): the same loop handing the digits as a latin1 string;
// - RespBareDecoder.execute (all of the decoder's checks; a bigint beyond 2^53).
//   npx tsx --conditions=@protolab/source packages/resp/bench/bigint-floor.ts
// FRESH=1 runs each contender in a fresh `node` process of its own (ONLY=<index> picks one), REPS
// passes of all five in turn (default 3; ratios within a pass: the shared cores drift): in
// one process redis-parser's integer path also sees the strings of its stringNumbers mode, and the
// callback sites see every contender's values, which slows redis-parser by up to 1.8× (62 against
// 35 ns per reply on 2026-12-05) — the fresh numbers are the fair ones.
// If redis-parser ÷ an exact floor is itself below 1.5×, no decoder giving that exact output can
// reach 1.5× redis-parser's inexact number.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { RespBareDecoder } from '@protolab/resp';

type RedisParserCtor = new (options: {
  returnReply: (r: unknown) => void;
  returnError: (e: Error) => void;
  returnBuffers?: boolean;
  stringNumbers?: boolean;
}) => { execute(b: Buffer): void };
const RedisParserClass = createRequire(import.meta.url)('redis-parser') as RedisParserCtor;
const ROUNDS = Number(process.env['ROUNDS'] ?? 15);
const runNames = ['redis-parser (number, inexact)', 'redis-parser stringNumbers (exact string)', 'exact floor, bigint', 'exact floor, string', 'RespBareDecoder.execute (bigint)'];
const POW10 = [1, 10, 100, 1000, 10000, 100000];
const INT64 = new BigInt64Array(1);
const WORDS = new Uint32Array(INT64.buffer); // little-endian assumed (x86, arm64)

/** hi · 10^k + lo as one bigint, through its two 32-bit words (no range check). */
function int64(hi: number, lo: number, k: number, neg: boolean): number | bigint {
  const p10 = POW10[k] ?? 1;
  const hh = Math.floor(hi / 2 ** 32);
  const t = (hi - hh * 2 ** 32) * p10 + lo;
  const th = Math.floor(t / 2 ** 32);
  let low = t - th * 2 ** 32;
  let high = hh * p10 + th;
  if (neg) {
    if (low === 0) high = (2 ** 32 - high) % 2 ** 32;
    else {
      low = 2 ** 32 - low;
      high = 2 ** 32 - 1 - high;
    }
  }
  WORDS[0] = low;
  WORDS[1] = high;
  return INT64[0] ?? 0n;
}

/** The exact floor: a bigint (or a number while it has at most 15 digits) per reply. */
function exactFloor(chunks: readonly Buffer[], onReply: (v: number | bigint) => void): void {
  for (const buf of chunks) {
    const end = buf.length;
    let p = 0;
    while (p < end) {
      let i = p + 1;
      const neg = buf[i] === 0x2d;
      if (neg) i++;
      let hi = 0;
      let lo = 0;
      let k = 0;
      let c = 0;
      const head = i + 15;
      for (; i < end && i < head; i++) {
        c = buf[i] ?? 0;
        if (c < 0x30 || c > 0x39) break;
        hi = hi * 10 + (c - 0x30);
      }
      if (i === head) {
        for (; i < end; i++) {
          c = buf[i] ?? 0;
          if (c < 0x30 || c > 0x39) break;
          lo = lo * 10 + (c - 0x30);
          k++;
        }
      }
      if (c !== 13 || i + 1 >= end) break;
      if (k === 0) onReply(neg ? -hi : hi);
      else onReply(int64(hi, lo, k, neg));
      p = i + 2;
    }
  }
}

/** The exact floor with the digits as a string (redis-parser's stringNumbers output). */
function stringFloor(chunks: readonly Buffer[], onReply: (v: string) => void): void {
  for (const buf of chunks) {
    const end = buf.length;
    let p = 0;
    while (p < end) {
      let i = p + 1;
      let c = 0;
      for (; i < end; i++) {
        c = buf[i] ?? 0;
        if (c === 13) break;
      }
      if (c !== 13 || i + 1 >= end) break;
      onReply(buf.toString('latin1', p + 1, i));
      p = i + 2;
    }
  }
}

if (process.env['FRESH'] === '1') {
  // REPS passes (default 3), each running every contender once in turn; ratios within a pass
  const REPS = Number(process.env['REPS'] ?? 3);
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const passes: number[][] = [];
  for (let rep = 0; rep < REPS; rep++) {
    const ns: number[] = [];
    for (let i = 0; i < 5; i++) {
      const env = { ...process.env, FRESH: '0', ONLY: String(i) };
      const out = execFileSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env, encoding: 'utf8' });
      const line = out.split('\n').find((l) => l.includes('ns/reply')) ?? '';
      ns.push(Number(/([\d.]+) ns\/reply/.exec(line)?.[1]));
    }
    passes.push(ns);
  }
  for (let i = 0; i < 5; i++) {
    const x = passes.map((ns) => (ns[0] ?? NaN) / (ns[i] ?? NaN));
    const own = passes.map((ns) => ns[i] ?? NaN);
    console.log(`${(runNames[i] ?? '').padEnd(42)} ${own.map((v) => v.toFixed(1)).join(' / ').padStart(20)} ns/reply   redis-parser ÷ this per pass ${x.map((v) => v.toFixed(2)).join(', ')} (own processes)`);
  }
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  process.exit(0);
}
const ONLY = process.env['ONLY'] === undefined ? undefined : Number(process.env['ONLY']);
const median = (a: readonly number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const n = 200_000;
const corpus = Buffer.from(':4611686018427387905\r\n'.repeat(n));
const chunks: Buffer[] = [];
for (let o = 0; o < corpus.length; o += 65536) chunks.push(corpus.subarray(o, o + 65536));
let sink = 0;
let last: unknown;
const runs: [string, () => void][] = [
  ['redis-parser (number, inexact)', () => {
    const p = new RedisParserClass({ returnReply: (v) => { sink++; last = v; }, returnError: () => sink++, returnBuffers: true });
    for (const c of chunks) p.execute(c);
  }],
  ['redis-parser stringNumbers (exact string)', () => {
    const p = new RedisParserClass({ returnReply: (v) => { sink++; last = v; }, returnError: () => sink++, stringNumbers: true });
    for (const c of chunks) p.execute(c);
  }],
  ['exact floor, bigint', () => { exactFloor(chunks, (v) => { sink++; last = v; }); }],
  ['exact floor, string', () => { stringFloor(chunks, (v) => { sink++; last = v; }); }],
  ['RespBareDecoder.execute (bigint)', () => {
    const d = new RespBareDecoder({ onReply: (v) => { sink++; last = v; } });
    for (const c of chunks) d.execute(c);
  }],
];
// Each contender's output for one reply, checked before timing (the floors must be exact).
const active = ONLY === undefined ? runs.map((_, i) => i) : [ONLY];
const expected: unknown[] = [4611686018427387904, '4611686018427387905', 4611686018427387905n, '4611686018427387905', 4611686018427387905n];
for (const i of active) {
  runs[i]?.[1]();
  if (last !== expected[i]) throw new Error(`${runs[i]?.[0]} decoded ${String(last)} (${typeof last}), not ${String(expected[i])}`);
}
const t = runs.map(() => [] as number[]);
for (let r = 0; r < ROUNDS + 2; r++) {
  const order = r % 2 === 0 ? active : [...active].reverse();
  for (const i of order) {
    const c0 = process.cpuUsage();
    runs[i]?.[1]();
    const c = process.cpuUsage(c0);
    if (r >= 2) t[i]?.push(((c.user + c.system) * 1000) / n);
  }
}
const m = t.map(median);
const rp = m[0] ?? NaN;
for (const i of active) {
  const x = m[i] ?? NaN;
  console.log(`${(runs[i]?.[0] ?? '').padEnd(42)} ${x.toFixed(1).padStart(6)} ns/reply   redis-parser ÷ this ${(rp / x).toFixed(2)}×`);
}
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}${sink < 0 ? '' : ''}`);
