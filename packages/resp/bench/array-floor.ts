// Why the integer and nested array rows (`*30 of :n`, `*3 of *2 of :1`) stay below 1.5×
// redis-parser (issue 19): the floor of any decoder that hands out the same values. Three
// decoders of the same 64 KiB chunks, CPU time, a callback per reply:
// - redis-parser 3.0.0 (returnBuffers: true): a JS Array of numbers (of Arrays) per reply — the
//   anchor;
// - floor: the least a decoder with that output can do — one recursive loop over the bytes, the
//   `*` count and the digits by charCode arithmetic, a `new Array(n)` per aggregate filled in
//   place; no validation at all (no CRLF, sign, leading-zero, length or depth checks, no limits),
//   no resumable state, no chunk joins (a reply cut by a chunk end is skipped);
// - floor, 4 digits a read: the same with the digits read 4 per DataView read (the SWAR of
//   decode-bare-fast.ts) and integer elements read inline (a call only per aggregate);
// - floor, checked: the 4-digits-a-read floor plus every check our reader makes on these bytes
//   (a known type byte, CRLF after each line read as one 16-bit word, 1–15 digits, no leading
//   zero or `-0`, an element count within a limit and within the bytes left, a depth limit, the
//   work counted) and no read past the chunk (the last elements of a chunk a byte at a time) —
//   still no resumable state, no class, no limits object: the least a decoder that refuses what
//   ours refuses can do;
// - RespBareDecoder.execute (all of the decoder's checks).
// Chunks of ~64 KiB are cut at reply boundaries, the same for every contender.
// Each contender runs in a fresh `node` process of its own (the harness re-runs itself with
// ONLY=<row>:<contender>), so no contender's type feedback reaches another's code; ROUNDS rounds
// after two warm-up rounds, the median. REPS passes (default 3) run every contender once each in
// turn; ratios are taken within a pass (the shared cores drift between processes).
//   npx tsx --conditions=@protolab/source packages/resp/bench/array-floor.ts
// If redis-parser ÷ floor is itself below 1.5×, no decoder with this output can reach 1.5×.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { RespBareDecoder } from '@protolab/resp';
// the decoder's own 4-digit arithmetic (src/decode-bare-swar.ts), so the floors read digits as it does
import { four, POW10 } from '../src/decode-bare-swar.js';

type RedisParserCtor = new (options: { returnReply: (r: unknown) => void; returnError: (e: Error) => void; returnBuffers?: boolean }) => { execute(b: Buffer): void };
const RedisParserClass = createRequire(import.meta.url)('redis-parser') as RedisParserCtor;
const ROUNDS = Number(process.env['ROUNDS'] ?? 15);

let seed = 0x2545f491;
const rand = (): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const rows: [name: string, n: number, unit: () => string][] = [
  ['*30 of :n (array)', 10_000, () => `*30\r\n${Array.from({ length: 30 }, () => `:${Math.floor(rand() * 1e6)}\r\n`).join('')}`],
  ['*3 of *2 of :1 (nested)', 50_000, () => '*3\r\n' + '*2\r\n:1\r\n:2\r\n'.repeat(3)],
];
const contenders = ['redis-parser', 'floor', 'floor, 4 digits a read', 'RespBareDecoder.execute', 'floor, checked'] as const;

/** The unvalidated reader: the value at `at.p` in `buf`, or undefined when the chunk ends inside it. */
function floorValue(buf: Uint8Array, at: { p: number }, end: number): unknown {
  let p = at.p;
  const t = buf[p] ?? 0;
  let i = p + 1;
  const neg = buf[i] === 0x2d;
  if (neg) i++;
  let v = 0;
  for (; i < end; i++) {
    const c = buf[i] ?? 0;
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
  }
  if (i + 1 >= end) return undefined;
  p = i + 2;
  if (t !== 0x2a) {
    at.p = p;
    return neg ? -v : v;
  }
  const items = new Array<unknown>(v);
  at.p = p;
  for (let k = 0; k < v; k++) {
    const x = floorValue(buf, at, end);
    if (x === undefined) return undefined;
    items[k] = x;
  }
  return items;
}

function floor(chunks: readonly Buffer[], onReply: (v: unknown) => void): void {
  const at = { p: 0 };
  for (const buf of chunks) {
    const end = buf.length;
    at.p = 0;
    while ((at.p) < end) {
      const v = floorValue(buf, at, end);
      if (v === undefined) break;
      onReply(v);
    }
  }
}


/** The floor reading digits 4 per DataView read (decode-bare-fast.ts's SWAR), integers inline. */
function swarAggregate(buf: Uint8Array, dv: DataView, at: { p: number }, n: number): unknown[] | undefined {
  const items = new Array<unknown>(n);
  let p = at.p;
  const end = buf.length - 8; // room for a 4-byte read past the digits
  for (let k = 0; k < n; k++) {
    if (p >= end) return undefined;
    const t = buf[p];
    let i = p + 1;
    const neg = buf[i] === 0x2d;
    if (neg) i++;
    let x = 0;
    for (;;) {
      const d = dv.getUint32(i, true) ^ 0x30303030;
      const bad = (d | (d + 0x06060606)) & 0xf0f0f0f0;
      if (bad === 0) {
        x = x * 10000 + four(d);
        i += 4;
        continue;
      }
      const q = (31 - Math.clz32(bad & -bad)) >> 3;
      if (q !== 0) x = x * (POW10[q] ?? 1) + four(d << (32 - 8 * q));
      i += q;
      break;
    }
    p = i + 2;
    if (t === 0x2a) {
      at.p = p;
      const inner = swarAggregate(buf, dv, at, x);
      if (inner === undefined) return undefined;
      items[k] = inner;
      p = at.p;
    } else items[k] = neg ? -x : x;
  }
  at.p = p;
  return items;
}

function swarFloor(chunks: readonly Buffer[], onReply: (v: unknown) => void): void {
  const at = { p: 0 };
  for (const buf of chunks) {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const end = buf.length;
    let p = 0;
    while (p < end) {
      let i = p + 1;
      let v = 0;
      for (; i < end; i++) {
        const c = buf[i] ?? 0;
        if (c < 0x30 || c > 0x39) break;
        v = v * 10 + (c - 0x30);
      }
      at.p = i + 2;
      const items = swarAggregate(buf, dv, at, v);
      if (items === undefined) break;
      onReply(items);
      p = at.p;
    }
  }
}

const MAX_COUNT = 2 ** 32 - 1;
const MAX_DEPTH = 64;
/** Where the checked floor is (`p`) and the work it counted (`ops`, as our reader counts it). */
type At = { p: number; ops: number };

/**
 * The checked floor's `*n` elements from `at.p` (the header read), with 24 bytes of room for its
 * 4-byte reads; the elements nearer the chunk's end go to `checkedTail`. Undefined for anything
 * it refuses or a chunk that ends inside the array (the caller then stops, as the floors do).
 */
function checkedAggregate(buf: Uint8Array, dv: DataView, at: At, n: number, depth: number): unknown[] | undefined {
  const items = new Array<unknown>(n);
  const room = buf.length - 24;
  let p = at.p;
  let ops = 0;
  for (let k = 0; k < n; k++) {
    if (p > room) {
      at.p = p;
      at.ops += ops;
      return checkedTail(buf, dv, at, items, k, n, depth) ? items : undefined;
    }
    const t = buf[p] ?? 0;
    let i = p + 1;
    const neg = buf[i] === 0x2d;
    if (neg) i++;
    const first = i;
    let x = 0;
    for (;;) {
      const d = dv.getUint32(i, true) ^ 0x30303030;
      const bad = (d | (d + 0x06060606)) & 0xf0f0f0f0;
      if (bad === 0) {
        x = x * 10000 + four(d);
        i += 4;
        if (i - first < 16) continue;
        break;
      }
      const q = (31 - Math.clz32(bad & -bad)) >> 3;
      if (q !== 0) x = x * (POW10[q] ?? 1) + four(d << (32 - 8 * q));
      i += q;
      break;
    }
    const digits = i - first;
    if (dv.getUint16(i, true) !== 0x0a0d || digits === 0 || digits > 15 || (buf[first] === 0x30 && (digits > 1 || neg))) return undefined;
    ops += i - p + 1;
    p = i + 2;
    if (t === 0x3a) items[k] = neg ? -x : x;
    else if (t === 0x2a && !neg && x <= MAX_COUNT && 3 * x <= buf.length - p && depth + 1 < MAX_DEPTH) {
      at.p = p;
      const inner = checkedAggregate(buf, dv, at, x, depth + 1);
      if (inner === undefined) return undefined;
      items[k] = inner;
      p = at.p;
    } else return undefined;
  }
  at.ops += ops;
  at.p = p;
  return items;
}

/** The last elements of an array near the chunk's end, a byte at a time, with the same checks. */
function checkedTail(buf: Uint8Array, dv: DataView, at: At, items: unknown[], k: number, n: number, depth: number): boolean {
  const end = buf.length;
  let p = at.p;
  for (; k < n; k++) {
    if (p >= end) return false;
    const t = buf[p];
    let i = p + 1;
    const neg = buf[i] === 0x2d;
    if (neg) i++;
    const first = i;
    let x = 0;
    let c = 0;
    for (; i < end; i++) {
      c = buf[i] ?? 0;
      if (c < 0x30 || c > 0x39) break;
      x = x * 10 + (c - 0x30);
    }
    const digits = i - first;
    if (c !== 13 || i + 1 >= end || buf[i + 1] !== 10 || digits === 0 || digits > 15 || (buf[first] === 0x30 && (digits > 1 || neg))) return false;
    at.ops += i - p + 1;
    p = i + 2;
    if (t === 0x3a) items[k] = neg ? -x : x;
    else if (t === 0x2a && !neg && x <= MAX_COUNT && 3 * x <= end - p && depth + 1 < MAX_DEPTH) {
      at.p = p;
      const inner = checkedAggregate(buf, dv, at, x, depth + 1);
      if (inner === undefined) return false;
      items[k] = inner;
      p = at.p;
    } else return false;
  }
  at.p = p;
  return true;
}

function checkedFloor(chunks: readonly Buffer[], onReply: (v: unknown) => void): void {
  const at: At = { p: 0, ops: 0 };
  for (const buf of chunks) {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const end = buf.length;
    let p = 0;
    while (p < end) {
      if (buf[p] !== 0x2a) return;
      let i = p + 1;
      let v = 0;
      let c = 0;
      for (; i < end; i++) {
        c = buf[i] ?? 0;
        if (c < 0x30 || c > 0x39) break;
        v = v * 10 + (c - 0x30);
      }
      const digits = i - p - 1;
      if (c !== 13 || i + 1 >= end || buf[i + 1] !== 10 || digits === 0 || digits > 15 || (buf[p + 1] === 0x30 && digits > 1)) return;
      if (v > MAX_COUNT || 3 * v > end - (i + 2)) break;
      at.ops += i - p + 1;
      at.p = i + 2;
      const items = checkedAggregate(buf, dv, at, v, 1);
      if (items === undefined) break;
      onReply(items);
      p = at.p;
    }
  }
  if (at.ops === 0) throw new Error('the checked floor counted no work');
}

const median = (a: readonly number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
const load = (): string => `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
const only = process.env['ONLY'];
if (only === undefined) {
  // REPS passes, each running every contender once in turn, so the machine's drift (these cores
  // are shared) falls on every contender alike; a ratio per pass, then the median and range
  const REPS = Number(process.env['REPS'] ?? 3);
  console.log(load());
  for (let r = 0; r < rows.length; r++) {
    const passes: number[][] = [];
    for (let rep = 0; rep < REPS; rep++) {
      passes.push(
        contenders.map((_, c) => {
          const out = execFileSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env: { ...process.env, ONLY: `${r}:${c}` }, encoding: 'utf8' });
          return Number(out.trim());
        }),
      );
    }
    const col = (c: number): number[] => passes.map((ns) => ns[c] ?? NaN);
    const ratio = (f: (ns: number[]) => number): string => {
      const x = passes.map(f);
      return `${median(x).toFixed(2)}× (${Math.min(...x).toFixed(2)}–${Math.max(...x).toFixed(2)})`;
    };
    const rp = (ns: number[]): number => ns[0] ?? NaN;
    const floorOf = (ns: number[]): number => Math.min(ns[1] ?? NaN, ns[2] ?? NaN);
    const checked = (ns: number[]): number => ns[4] ?? NaN;
    console.log(
      `${(rows[r]?.[0] ?? '').padEnd(24)} median ns/reply over ${REPS} passes: redis-parser ${median(col(0)).toFixed(0)}, floor ${median(col(1)).toFixed(0)} / 4 digits a read ${median(col(2)).toFixed(0)}, ours ${median(col(3)).toFixed(0)}; ` +
        `per pass: redis-parser ÷ the lower floor ${ratio((ns) => rp(ns) / floorOf(ns))}, redis-parser ÷ ours ${ratio((ns) => rp(ns) / (ns[3] ?? NaN))}, ours ÷ the lower floor ${ratio((ns) => (ns[3] ?? NaN) / floorOf(ns))}; ` +
        `checked floor ${median(col(4)).toFixed(0)}: redis-parser ÷ checked floor ${ratio((ns) => rp(ns) / checked(ns))}, ours ÷ checked floor ${ratio((ns) => (ns[3] ?? NaN) / checked(ns))}`,
    );
  }
  console.log(load());
} else {
  const [r, c] = only.split(':').map(Number) as [number, number];
  const [, n, unit] = rows[r] ?? rows[0]!;
  seed = 0x2545f491;
  // ~64 KiB chunks cut at reply boundaries (the floors skip a cut reply; so no contender meets one)
  const chunks: Buffer[] = [];
  let part: string[] = [];
  let size = 0;
  for (let k = 0; k < n; k++) {
    const u = unit();
    part.push(u);
    size += u.length;
    if (size >= 65536 || k === n - 1) {
      chunks.push(Buffer.from(part.join('')));
      part = [];
      size = 0;
    }
  }
  let sink = 0;
  let last: unknown;
  const onReply = (v: unknown): void => {
    sink++;
    last = v;
  };
  const run = [
    () => {
      const p = new RedisParserClass({ returnReply: onReply, returnError: () => sink++, returnBuffers: true });
      for (const ch of chunks) p.execute(ch);
    },
    () => {
      floor(chunks, onReply);
    },
    () => {
      swarFloor(chunks, onReply);
    },
    () => {
      const d = new RespBareDecoder({ onReply });
      for (const ch of chunks) d.execute(ch);
    },
    () => {
      checkedFloor(chunks, onReply);
    },
  ][c]!;
  run();
  // redis-parser, ours and the checked floor hand out every reply of the corpus (the two unchecked
  // floors may drop the last reply of a chunk: they keep 8 bytes of room for their reads)
  if (c === 0 || c === 3 || c === 4) {
    if (sink !== n) throw new Error(`${contenders[c]} handed out ${sink} replies of ${n}`);
  }
  // every contender must hand out the last reply of the corpus in full (the floor skips only cut replies)
  const want = JSON.stringify(unit === rows[1]?.[2] ? [[1, 2], [1, 2], [1, 2]] : undefined);
  if (r === 1 && JSON.stringify(last) !== want) throw new Error(`${contenders[c]} decoded ${JSON.stringify(last)}`);
  if (r === 0 && !(Array.isArray(last) && last.length === 30 && last.every((x) => typeof x === 'number'))) throw new Error(`${contenders[c]} decoded ${JSON.stringify(last)}`);
  const t: number[] = [];
  for (let k = 0; k < ROUNDS + 2; k++) {
    const c0 = process.cpuUsage();
    run();
    const u = process.cpuUsage(c0);
    if (k >= 2) t.push(((u.user + u.system) * 1000) / n);
  }
  console.log(`${median(t)}${sink < 0 ? '' : ''}`);
}
