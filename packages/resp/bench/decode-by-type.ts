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
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { encodeMany, reply, RespBareDecoder, RespDecoder, type IntegerMode, type RespValue } from '@protolab/resp';
import { Prng } from '@protolab/sim';

interface RedisParser {
  execute(buffer: Buffer): void;
}
type RedisParserCtor = new (options: { returnReply: (r: unknown) => void; returnError: (e: Error) => void; returnBuffers?: boolean }) => RedisParser;
const RedisParserClass = createRequire(import.meta.url)('redis-parser') as RedisParserCtor;

const prng = new Prng(0x2545f491); // @protolab/sim's seeded PRNG
const rand = (): number => prng.float();
const word = (n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(rand() * 26));
  return s;
};

interface Cell {
  readonly name: string;
  readonly n: number;
  readonly make: () => RespValue;
  /** Our integer mode ('number': numbers when safe, bigints beyond — exact). */
  readonly integers?: IntegerMode;
  /** RESP3 on our side; redis-parser (RESP2 only) reads the RESP2 form the server would send. */
  readonly resp3?: boolean;
  /** Chunk size (default 64 KiB); small chunks cut most replies in two. */
  readonly chunk?: number;
  /** redis-parser with returnBuffers: false (strings for `+` and `$`), to compare string with string. */
  readonly theirStrings?: boolean;
  /** The bare decoders with simpleStrings: 'bytes' (`+` as a view), to compare with their Buffer slices. */
  readonly bareBytes?: boolean;
}

const mixed = (): RespValue => {
  const r = rand();
  if (r < 0.25) return reply.ok;
  if (r < 0.4) return reply.integer(Math.floor(rand() * 1e6));
  if (r < 0.5) return reply.null;
  if (r < 0.8) return reply.bulk(word(8 + Math.floor(rand() * 100)));
  if (r < 0.82) return reply.error('WRONGTYPE Operation against a key holding the wrong kind of value');
  return reply.array(Array.from({ length: 1 + Math.floor(rand() * 10) }, () => reply.bulk(word(10))));
};

const kinds: Cell[] = [
  { name: '+OK', n: 200_000, make: () => reply.ok },
  { name: '+simple (20 chars)', n: 200_000, make: () => reply.simple(word(20)) },
  { name: '+simple, strings both', n: 200_000, make: () => reply.simple(word(20)), theirStrings: true },
  { name: '+simple, bytes both', n: 200_000, make: () => reply.simple(word(20)), bareBytes: true },
  { name: '-ERR (error)', n: 200_000, make: () => reply.error('ERR wrong number of arguments') },
  { name: ':42 (small integer)', n: 200_000, make: () => reply.integer(42) },
  { name: ':123456 (integer)', n: 200_000, make: () => reply.integer(123456) },
  { name: ':123456 (bigint mode)', n: 200_000, make: () => reply.integer(123456), integers: 'bigint' },
  { name: ':1234567890123 (int)', n: 200_000, make: () => reply.integer(1234567890123) },
  { name: ':2^62 (beyond 2^53)', n: 200_000, make: () => reply.integer(2n ** 62n) },
  { name: '$-1 (null bulk)', n: 200_000, make: () => reply.null },
  { name: '*-1 (null array)', n: 200_000, make: () => reply.nullArray },
  { name: '$20 (small bulk)', n: 200_000, make: () => reply.bulk(word(20)) },
  { name: '$2000 (bulk)', n: 20_000, make: () => reply.bulk(word(2000)) },
  { name: '$20000 (big bulk)', n: 2_000, make: () => reply.bulk(word(20_000)) },
  { name: '*30 of $10 (array)', n: 10_000, make: () => reply.array(Array.from({ length: 30 }, () => reply.bulk(word(10)))) },
  { name: '*30 of :n (array)', n: 10_000, make: () => reply.array(Array.from({ length: 30 }, () => reply.integer(Math.floor(rand() * 1e6)))) },
  { name: '*3 of *2 of :1 (nested)', n: 50_000, make: () => reply.array(Array.from({ length: 3 }, () => reply.array([reply.integer(1), reply.integer(2)]))) },
  { name: '%5 map (RESP3; theirs *10)', n: 20_000, make: () => reply.map(Array.from({ length: 5 }, () => [reply.bulk(word(8)), reply.bulk(word(8))] as const)), resp3: true },
  { name: ',double (RESP3; theirs $)', n: 200_000, make: () => reply.double(rand() * 1000), resp3: true },
  { name: 'mixed pipeline', n: 100_000, make: mixed },
  { name: 'mixed, 100-byte chunks', n: 100_000, make: mixed, chunk: 100 },
  { name: '*30 of $10, 100-B chunks', n: 10_000, make: () => reply.array(Array.from({ length: 30 }, () => reply.bulk(word(10)))), chunk: 100 },
];

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
