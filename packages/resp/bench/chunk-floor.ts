// Why the two 100-byte-chunk rows of decode-by-type.ts stay below 1.5× redis-parser (issue 19):
// the floor of a streaming decoder that hands out the same values from the same 100-byte pushes.
// Three decoders of the same chunks, CPU time, a callback per reply:
// - redis-parser 3.0.0 (returnBuffers: true) — the anchor;
// - floor: the least a decoder that resumes where a push cut a reply can do — one loop over the
//   bytes read in place, charCode arithmetic, a `new Array(n)` per aggregate filled in place, a
//   plain Uint8Array view per bulk / simple string (new Uint8Array(buffer, offset, n): what our
//   decoders hand out), open aggregates on a stack kept across pushes; an element cut by a push
//   is joined by copying only its own bytes into a bump arena (its head from the previous push,
//   the rest from this one), and every other byte is read in place. No validation at all (no
//   CRLF, sign, leading-zero, length or depth checks, no limits, no offsets, no `work`).
// - RespBareDecoder.execute (all of the decoder's checks);
// - floor, checked (chunk-floor-checked.ts): the floor plus every check ours makes on these bytes.
// The replies are decode-by-type.ts's (the same generators and seed), cut into 100-byte pieces.
// Each contender runs in a fresh `node` process of its own (the harness re-runs itself with
// ONLY=<row>:<contender>), so no contender's type feedback reaches another's code; ROUNDS rounds
// after two warm-up rounds, the median. REPS passes (default 3) run every contender once each in
// turn; ratios are taken within a pass. Pin it to one CPU (the two here differ ~1.8×):
//   taskset -c 0 npx tsx --conditions=@protolab/source packages/resp/bench/chunk-floor.ts
// If redis-parser ÷ floor is itself below 1.5×, no decoder with this output can reach 1.5×; if
// redis-parser ÷ the checked floor is, none that also refuses what ours refuses can.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { encodeMany, RespBareDecoder, type RespValue } from '@protolab/resp';
import { ChunkFloor } from './chunk-floor-decoder.js';
import { CheckedChunkFloor } from './chunk-floor-checked.js';
import { replyKinds } from './chunk-corpus.js';

type RedisParserCtor = new (options: { returnReply: (r: unknown) => void; returnError: (e: Error) => void; returnBuffers?: boolean }) => { execute(b: Buffer): void };
const RedisParserClass = createRequire(import.meta.url)('redis-parser') as RedisParserCtor;
const ROUNDS = Number(process.env['ROUNDS'] ?? 15);
const CHUNK = 100;

const kinds = replyKinds(); // decode-by-type.ts's generator and seed
const rows: [name: string, n: number, make: () => RespValue][] = [
  ['mixed, 100-byte chunks', 100_000, kinds.mixed],
  ['*30 of $10, 100-B chunks', 10_000, kinds.arr30],
];
const contenders = ['redis-parser', 'floor', 'RespBareDecoder.execute', 'floor, checked'] as const;

const median = (a: readonly number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
const load = (): string => `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
const only = process.env['ONLY'];
if (only === undefined) {
  // REPS passes, each running every contender once in turn; a ratio per pass, the median and range
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
    console.log(
      `${(rows[r]?.[0] ?? '').padEnd(24)} median ns/reply over ${REPS} passes: redis-parser ${median(col(0)).toFixed(0)}, floor ${median(col(1)).toFixed(0)}, ours ${median(col(2)).toFixed(0)}; ` +
        `per pass: redis-parser ÷ floor ${ratio((ns) => (ns[0] ?? NaN) / (ns[1] ?? NaN))}, redis-parser ÷ ours ${ratio((ns) => (ns[0] ?? NaN) / (ns[2] ?? NaN))}, ours ÷ floor ${ratio((ns) => (ns[2] ?? NaN) / (ns[1] ?? NaN))}; ` +
        `checked floor ${median(col(3)).toFixed(0)}: redis-parser ÷ checked floor ${ratio((ns) => (ns[0] ?? NaN) / (ns[3] ?? NaN))}, ours ÷ checked floor ${ratio((ns) => (ns[2] ?? NaN) / (ns[3] ?? NaN))}`,
    );
  }
  console.log(load());
} else {
  const [r, c] = only.split(':').map(Number) as [number, number];
  const [, n, make] = rows[r] ?? rows[0]!;
  const values = Array.from({ length: n }, make);
  const corpus = encodeMany(values);
  const chunks: Buffer[] = [];
  for (let o = 0; o < corpus.length; o += CHUNK) chunks.push(Buffer.from(corpus.slice(o, o + CHUNK)));
  let sink = 0;
  const got: unknown[] = [];
  const keep = (v: unknown): void => {
    got.push(v);
  };
  const onReply = (): void => {
    sink++;
  };
  let checked: CheckedChunkFloor | undefined;
  const make1 = [
    (f: (v: unknown) => void) => {
      const p = new RedisParserClass({ returnReply: f, returnError: f, returnBuffers: true });
      return (ch: Buffer): void => { p.execute(ch); };
    },
    (f: (v: unknown) => void) => {
      const d = new ChunkFloor(f);
      return (ch: Buffer): void => { d.execute(ch); };
    },
    (f: (v: unknown) => void) => {
      const d = new RespBareDecoder({ onReply: f });
      return (ch: Buffer): void => { d.execute(ch); };
    },
    (f: (v: unknown) => void) => {
      const d = (checked = new CheckedChunkFloor(f));
      return (ch: Buffer): void => { d.execute(ch); };
    },
  ][c]!;
  // every contender must hand out every reply, the same ones (bytes, numbers, nulls, error messages)
  const once = make1(keep);
  for (const ch of chunks) once(ch);
  const show = (v: unknown): unknown => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v instanceof Error ? `-${v.message}` : Array.isArray(v) ? v.map(show) : v);
  const want = values.map((v) => show(v.type === 'bulk' || v.type === 'simple' ? v.value : v.type === 'integer' ? Number(v.value) : v.type === 'null' ? null : v.type === 'error' ? new Error(v.value) : v.type === 'array' ? v.value.map((e) => (e.type === 'bulk' ? e.value : e)) : v));
  if (JSON.stringify(got.map(show)) !== JSON.stringify(want)) throw new Error(`${contenders[c]} decoded other replies than the corpus holds`);
  if (checked !== undefined && checked.work === 0) throw new Error('the checked floor counted no work');
  const t: number[] = [];
  for (let k = 0; k < ROUNDS + 2; k++) {
    const feed = make1(onReply);
    const c0 = process.cpuUsage();
    for (const ch of chunks) feed(ch);
    const u = process.cpuUsage(c0);
    if (k >= 2) t.push(((u.user + u.system) * 1000) / n);
  }
  console.log(`${median(t)}${sink < 0 ? '' : ''}`);
}
