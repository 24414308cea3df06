// A/B of RespBareDecoder.execute (issue 19): the src/ of an earlier commit against the working
// tree's, in ONE process, on rows of decode-by-type.ts. The old src/ dir (decode-bare.ts imports
// its siblings) comes from `git show <rev>:…`, written to a temp dir with a package.json
// { "type": "module" } (tsx compiles a .ts outside one to CommonJS, which measured 20–40 % slower)
// and a node_modules link to the working tree's, so @protolab/redis-common is the working tree's;
// the working tree's src/ is copied to a temp dir the same way (see loadTree).
// Per row: every reply of both versions checked equal first; then 2 warm-up rounds and ROUNDS
// rounds, in each both versions decode the whole corpus (repeated to 200 000 replies), the one going first alternating;
// CPU time (process.cpuUsage). Ratio = old ÷ new (above 1: the new code is faster); printed the
// median and range of the ratios and the median ns per reply of each.
// Run: cd /work/main && npx tsx --conditions=@protolab/source packages/resp/bench/decode-ab.ts [rev]
//   rev: the old commit (default HEAD); BENCH_CONTROL=1 (new = a second copy of old);
//   ROUNDS (default 15); ONLY=<regex> (rows by name); FRESH=1 (each row in its own process).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encodeMany, reply, type RespValue } from '@protolab/resp';
import { Prng } from '@protolab/sim';
import { abRounds, abRow } from '@protolab/testkit';
import type * as working from '../src/index.js';

type Resp = typeof working;
const rev = process.argv[2] ?? 'HEAD';
const ROUNDS = Number(process.env['ROUNDS'] ?? 15);
const CONTROL = process.env['BENCH_CONTROL'] === '1';
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

/**
 * A src/ tree written to a fresh temp dir and imported: the old one from git, or (rev undefined)
 * the working tree's files. Both sides are loaded this way: imported in place, the working tree's
 * module is also the one the corpus is encoded with, and it measured `+OK` 0.77–0.81× against
 * identical old code.
 */
async function loadTree(from: string | undefined): Promise<Resp> {
  const git = (args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  const dir = mkdtempSync(join(tmpdir(), 'decode-ab-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  const files = from === undefined ? readdirSync(join(here, '..', 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => `packages/resp/src/${f}`) : git(['ls-tree', '-r', '--name-only', from, 'packages/resp/src/']).split('\n').filter(Boolean);
  for (const path of files) {
    const file = join(dir, path.slice('packages/resp/'.length));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, from === undefined ? readFileSync(join(root, path), 'utf8') : git(['show', `${from}:${path}`]));
  }
  return (await import(pathToFileURL(join(dir, 'src', 'index.ts')).href)) as Resp;
}

const prng = new Prng(0x2545f491);
const word = (n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(prng.float() * 26));
  return s;
};
const int = (digits: number): number => Math.floor(10 ** (digits - 1) + prng.float() * 9 * 10 ** (digits - 1));
/** decode-by-type.ts's `mixed`: +OK, integers, nulls, bulks of 8-107 bytes, errors, arrays of 1-10 bulks. */
function byTypeMixed(): RespValue {
  const r = prng.float();
  if (r < 0.25) return reply.ok;
  if (r < 0.4) return reply.integer(Math.floor(prng.float() * 1e6));
  if (r < 0.5) return reply.null;
  if (r < 0.8) return reply.bulk(word(8 + Math.floor(prng.float() * 100)));
  if (r < 0.82) return reply.error('WRONGTYPE Operation against a key holding the wrong kind of value');
  return reply.array(Array.from({ length: 1 + Math.floor(prng.float() * 10) }, () => reply.bulk(word(10))));
}
interface Row { readonly name: string; readonly n: number; readonly make: () => RespValue; readonly chunk?: number; readonly bytes?: boolean }
const rows: Row[] = [
  { name: '+OK', n: 200_000, make: () => reply.ok },
  { name: '+simple (20 chars)', n: 200_000, make: () => reply.simple(word(20)) },
  { name: '+simple, bytes', n: 200_000, make: () => reply.simple(word(20)), bytes: true },
  { name: ':42 (small integer)', n: 200_000, make: () => reply.integer(42) },
  { name: ':123456 (integer)', n: 200_000, make: () => reply.integer(123456) },
  { name: ':1234567890123 (int)', n: 200_000, make: () => reply.integer(1234567890123) },
  { name: ':n, 1-15 digits, signs', n: 200_000, make: () => reply.integer((prng.float() < 0.2 ? -1 : 1) * int(1 + Math.floor(prng.float() * 15))) },
  { name: ':2^62 (beyond 2^53)', n: 200_000, make: () => reply.integer(2n ** 62n) },
  { name: '$-1 (null bulk)', n: 200_000, make: () => reply.null },
  { name: '$20 (small bulk)', n: 200_000, make: () => reply.bulk(word(20)) },
  { name: '$2000 (bulk)', n: 20_000, make: () => reply.bulk(word(2000)) },
  { name: '*30 of $10 (array)', n: 10_000, make: () => reply.array(Array.from({ length: 30 }, () => reply.bulk(word(10)))) },
  { name: '*30 of :n (array)', n: 10_000, make: () => reply.array(Array.from({ length: 30 }, () => reply.integer(Math.floor(prng.float() * 1e6)))) },
  { name: '*3 of *2 of :1 (nested)', n: 50_000, make: () => reply.array(Array.from({ length: 3 }, () => reply.array([reply.integer(1), reply.integer(2)]))) },
  { name: 'mixed, 100-byte chunks', n: 50_000, chunk: 100, make: () => (prng.float() < 0.5 ? reply.integer(int(6)) : reply.array([reply.bulk(word(10)), reply.integer(int(3))])) },
  // decode-by-type.ts's two 100-byte-chunk rows (its `mixed` reply mix, and LRANGE-like arrays)
  { name: 'by-type mixed, 100-B chunks', n: 50_000, chunk: 100, make: () => byTypeMixed() },
  { name: '*30 of $10, 100-B chunks', n: 10_000, chunk: 100, make: () => reply.array(Array.from({ length: 30 }, () => reply.bulk(word(10)))) },
];

const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');
const only = new RegExp(process.env['ONLY'] ?? '');

if (process.env['FRESH'] === '1') {
  console.log(`load average ${load()}`);
  for (const { name } of rows.filter((r) => only.test(r.name))) {
    const env = { ...process.env, FRESH: '0', HEADER: '0', ONLY: `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` };
    process.stdout.write(execFileSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env, encoding: 'utf8' }));
  }
  console.log(`load average at the end ${load()}`);
  process.exit(0);
}

const old = await loadTree(rev);
const current: Resp = await loadTree(CONTROL ? rev : undefined);
if (process.env['HEADER'] !== '0') {
  console.log(`old = ${rev}:packages/resp/src, new = ${CONTROL ? 'a second copy of old (control)' : 'the working tree'}; node ${process.version}, ${ROUNDS} rounds, CPU time, load average ${load()}`);
  console.log('\n| row | old ns/reply | new ns/reply | old / new, median | range |\n|---|---|---|---|---|');
}

function decodeAll(R: Resp, chunks: readonly Buffer[], bytes: boolean, out: unknown[] | undefined, reps = 1): number {
  let count = 0;
  for (let r = 0; r < reps; r++) {
    const d = new R.RespBareDecoder({ onReply: out === undefined ? () => count++ : (v) => out.push(v), simpleStrings: bytes ? 'bytes' : 'string' });
    for (const c of chunks) d.execute(c);
  }
  return count;
}

/** Both versions give the same replies (the outputs are dropped before timing: held, they slowed every later round). */
function check(name: string, n: number, chunks: readonly Buffer[], bytes: boolean): void {
  const text = (R: Resp): string => {
    const out: unknown[] = [];
    decodeAll(R, chunks, bytes, out);
    if (out.length !== n) throw new Error(`${name}: ${out.length} replies, not ${n}`);
    return JSON.stringify(out, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  };
  if (text(old) !== text(current)) throw new Error(`${name}: old and new replies differ`);
}

for (const { name, n, make, chunk = 65536, bytes = false } of rows.filter((r) => only.test(r.name))) {
  const corpus = encodeMany(Array.from({ length: n }, make));
  const chunks: Buffer[] = [];
  for (let o = 0; o < corpus.length; o += chunk) chunks.push(Buffer.from(corpus.subarray(o, o + chunk)));
  check(name, n, chunks, bytes);
  // at least 200 000 replies per round (10–50 ms on the small rows): shorter rounds were noise
  const reps = Math.max(1, Math.round(200_000 / n));
  const r = abRounds(ROUNDS, 2, n * reps, () => { decodeAll(old, chunks, bytes, undefined, reps); }, () => { decodeAll(current, chunks, bytes, undefined, reps); });
  console.log(abRow(name, r, 1));
}
if (process.env['HEADER'] !== '0') console.log(`load average at the end ${load()}`);
