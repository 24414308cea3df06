// Where the time goes: decode cost per reply, one reply type at a time, @protolab/resp against
// redis-parser 3.0.0 (returnBuffers: true), fed in 64 KiB chunks. CPU time (process.cpuUsage),
// ROUNDS interleaved rounds (default 15); prints the median ns/reply of each and the median and
// range of the per-round ratio. Run:
//   npx tsx --conditions=@protolab/source packages/resp/bench/decode-by-type.ts
// protolab runs with `integers: 'number'` (a JS number when safe, a bigint beyond: exact), the
// fair match for redis-parser's plain (lossy above 2^53) numbers; the `bigint` row is the
// default mode. redis-parser returns null as a bare `null`; we return a typed (shared) object.
// RESP3 rows: redis-parser speaks only RESP2, so it reads the RESP2 form a server sends for the
// same reply (a map as a flat array, a double as a bulk string it leaves unparsed). `chunk` rows
// cut the stream into 100-byte pieces, so most replies straddle two pushes (the resumable path).
// `+simple` is also compared in one output form on both sides: `strings both` gives redis-parser
// returnBuffers: false (a string per `+` line, as ours), `bytes both` gives our bare decoders
// simpleStrings: 'bytes' (a Uint8Array view per `+` line, as their Buffer slice).
// The `bare` columns are RespBareDecoder (RESP2 replies as plain JS values, as redis-parser returns
// them: numbers when safe and bigints beyond, strings, Uint8Arrays, null, RespReplyError objects):
// `push` returns an array per chunk as RespDecoder does, `exec` hands each reply to a callback as
// redis-parser does. It is RESP2 only, so on the RESP3 rows it reads the RESP2 bytes redis-parser
// reads. The four run interleaved, round by round; ratios are redis-parser CPU ÷ ours.
// ONLY=<regex> runs the matching rows only; the load average is printed before and after.
// Second harness (V8 feedback from earlier rows skews later ones: redis-parser measured 8 ns on
// `$-1` here and 11–14 ns in decode-floor.ts): FRESH=1 runs every row in its own fresh node
// process (this file, ONLY set to that row), with only the bare `execute` and redis-parser
// alternating (CONTENDERS=exec,parser; any subset of tagged,parser,push,exec works in one process).
// Third harness: ISOLATED=1 runs each contender of each row in a `node` of its own (see below).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeMany, RespBareDecoder, RespDecoder } from '@protolab/resp';
import { kinds } from './by-type-rows.js';

interface RedisParser {
  execute(buffer: Buffer): void;
}
type RedisParserCtor = new (options: { returnReply: (r: unknown) => void; returnError: (e: Error) => void; returnBuffers?: boolean }) => RedisParser;
const RedisParserClass = createRequire(import.meta.url)('redis-parser') as RedisParserCtor;

const ROUNDS = Number(process.env['ROUNDS'] ?? 15);
const median = (a: readonly number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

const load = (): string => `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
if (process.env['FRESH'] === '1') {
  // One child process per row: no row's type feedback reaches another row's code.
  console.log(load());
  const only = new RegExp(process.env['ONLY'] ?? '');
  for (const { name } of kinds.filter((k) => only.test(k.name))) {
    const env = { ...process.env, FRESH: '0', HEADER: '0', ONLY: `^${escapeRe(name)}$`, CONTENDERS: process.env['CONTENDERS'] ?? 'exec,parser' };
    process.stdout.write(execFileSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env, encoding: 'utf8' }));
  }
  console.log(load());
  process.exit(0);
}
if (process.env['ISOLATED'] === '1') {
  // Third harness: every contender in a `node` of its own with nothing else loaded (the built
  // package: by-type-child.mjs), PASSES passes of exec then redis-parser, ROUNDS timed rounds each.
  // Neither contender's type feedback, nor a shared callback, reaches the other's code: with both
  // in one process (FRESH=1) redis-parser ÷ ours on `:42` was 1.88–1.95; each alone in this
  // child, 40 rounds, both took 15–16 ns per reply.
  const here = fileURLToPath(new URL('.', import.meta.url));
  if (!existsSync(join(here, '..', 'dist', 'index.js'))) {
    console.log('packages/resp/dist is missing: run `npm run build` first (ISOLATED=1 reads the built package)');
    process.exit(0);
  }
  const passes = Number(process.env['PASSES'] ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'resp-by-type-'));
  console.log(load());
  console.log(`${'reply'.padEnd(26)} ${'exec'.padStart(6)} ${'parser'.padStart(6)} ns/reply (median of passes) | parser ÷ exec per pass`);
  try {
    const only = new RegExp(process.env['ONLY'] ?? '');
    for (const { name, n, make, chunk = 65536, theirStrings = false, bareBytes = false } of kinds.filter((k) => only.test(k.name))) {
      const file = join(dir, 'corpus.bin');
      writeFileSync(file, encodeMany(Array.from({ length: n }, make)));
      const env = { ...process.env, IR_FILE: file, IR_CHUNK: String(chunk), IR_N: String(n), IR_ROUNDS: String(ROUNDS), IR_TIME: '1', IR_SIMPLE: bareBytes ? 'bytes' : 'string', IR_THEIR_STRINGS: theirStrings ? '1' : '0' };
      const run = (who: string): number => Number(execFileSync(process.execPath, [join(here, 'by-type-child.mjs')], { env: { ...env, IR_WHO: who }, encoding: 'utf8' }));
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let p = 0; p < passes; p++) {
        ours.push(run('exec'));
        theirs.push(run('parser'));
      }
      const ratios = ours.map((o, i) => (theirs[i] ?? NaN) / o);
      console.log(`${name.padEnd(26)} ${median(ours).toFixed(0).padStart(6)} ${median(theirs).toFixed(0).padStart(6)}                             | ${ratios.map((r) => r.toFixed(2)).join(', ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(load());
  process.exit(0);
}
const CONTENDERS = new Set((process.env['CONTENDERS'] ?? 'tagged,parser,push,exec').split(','));
if (process.env['HEADER'] !== '0') console.log(load());
if (process.env['HEADER'] !== '0') console.log(`${'reply'.padEnd(26)} ${'tagged'.padStart(6)} ${'push'.padStart(6)} ${'exec'.padStart(6)} ${'parser'.padStart(6)} ns/reply | ratio (median, range over ${ROUNDS} rounds): tagged | bare push | bare exec`);
const split = (corpus: Uint8Array, size: number): Buffer[] => {
  const chunks: Buffer[] = [];
  for (let o = 0; o < corpus.length; o += size) chunks.push(Buffer.from(corpus.slice(o, o + size)));
  return chunks;
};
const only = new RegExp(process.env['ONLY'] ?? '');
for (const { name, n, make, integers = 'number', resp3 = false, chunk = 65536, theirStrings = false, bareBytes = false } of kinds.filter((k) => only.test(k.name))) {
  const values = Array.from({ length: n }, make);
  const ourChunks = split(encodeMany(values, { protocol: resp3 ? 3 : 2 }), chunk);
  const theirChunks = split(encodeMany(values), chunk);
  let sink = 0;
  const ours = (): void => {
    const d = new RespDecoder({ integers });
    for (const c of ourChunks) sink += d.push(c).length;
  };
  const theirs = (): void => {
    const p = new RedisParserClass({ returnReply: () => sink++, returnError: () => sink++, returnBuffers: !theirStrings });
    for (const c of theirChunks) p.execute(c);
  };
  const barePush = (): void => {
    const d = new RespBareDecoder({ simpleStrings: bareBytes ? 'bytes' : 'string' });
    for (const c of theirChunks) sink += d.push(c).length;
  };
  const bareExec = (): void => {
    const d = new RespBareDecoder({ onReply: () => sink++, simpleStrings: bareBytes ? 'bytes' : 'string' });
    for (const c of theirChunks) d.execute(c);
  };
  const t: [number[], number[], number[], number[]] = [[], [], [], []];
  for (let r = 0; r < ROUNDS + 2; r++) {
    [ours, theirs, barePush, bareExec].forEach((fn, i) => {
      if (!CONTENDERS.has(['tagged', 'parser', 'push', 'exec'][i] ?? '')) return;
      const c0 = process.cpuUsage();
      fn();
      const c = process.cpuUsage(c0);
      if (r >= 2) t[i as 0 | 1 | 2 | 3].push(c.user + c.system); // two warm-up rounds
    });
  }
  const cell = (mine: readonly number[]): string => {
    if (mine.length === 0) return '-';
    const ratios = mine.map((a, i) => (t[1][i] ?? NaN) / a);
    return `${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
  };
  const ns = (a: readonly number[], w: number): string => (a.length === 0 ? '-' : ((median(a) * 1000) / n).toFixed(0)).padStart(w);
  console.log(`${name.padEnd(26)} ${ns(t[0], 6)} ${ns(t[2], 6)} ${ns(t[3], 6)} ${ns(t[1], 6)}          | ${cell(t[0]).padEnd(20)} | ${cell(t[2]).padEnd(20)} | ${cell(t[3])}${sink < 0 ? '' : ''}`);
}
if (process.env['HEADER'] !== '0') console.log(load());
