// Where the time goes: decode cost per reply, one reply type at a time, @protolab/resp against
// redis-parser 3.0.0 (returnBuffers: true), fed in 64 KiB chunks. CPU time (process.cpuUsage),
// ROUNDS interleaved rounds (default 15); prints the median ns/reply of each and the median and
// range of the per-round ratio. Run:
//   npx tsx --conditions=@protolab/source packages/resp/bench/decode-by-type.ts
// protolab runs with `integers: 'number'` (a JS number when safe, a bigint beyond: exact), the
// fair match for redis-parser's plain (lossy above 2^53) numbers; the `bigint` row is the
// default mode. redis-parser returns null as a bare `null`; we return a typed (shared) object.
import { createRequire } from 'node:module';
import { encodeMany, reply, RespDecoder, type IntegerMode, type RespValue } from '@protolab/resp';
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

const kinds: [string, number, () => RespValue, IntegerMode][] = [
  ['+OK', 200_000, () => reply.ok, 'number'],
  ['-ERR (error)', 200_000, () => reply.error('ERR wrong number of arguments'), 'number'],
  [':123456 (integer)', 200_000, () => reply.integer(123456), 'number'],
  [':123456 (bigint mode)', 200_000, () => reply.integer(123456), 'bigint'],
  [':1234567890123 (int)', 200_000, () => reply.integer(1234567890123), 'number'],
  ['$-1 (null)', 200_000, () => reply.null, 'number'],
  ['$20 (small bulk)', 200_000, () => reply.bulk(word(20)), 'number'],
  ['$2000 (bulk)', 20_000, () => reply.bulk(word(2000)), 'number'],
  ['$20000 (big bulk)', 2_000, () => reply.bulk(word(20_000)), 'number'],
  ['*30 of $10 (array)', 10_000, () => reply.array(Array.from({ length: 30 }, () => reply.bulk(word(10)))), 'number'],
  ['*3 of *2 of :1 (nested)', 50_000, () => reply.array(Array.from({ length: 3 }, () => reply.array([reply.integer(1), reply.integer(2)]))), 'number'],
];

const ROUNDS = Number(process.env['ROUNDS'] ?? 15);
const median = (a: readonly number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

console.log(`${'reply'.padEnd(26)} ${'protolab ns'.padStart(11)} ${'redis-parser ns'.padStart(15)}   ratio (median, range over ${ROUNDS} rounds)`);
for (const [name, n, make, integers] of kinds) {
  const corpus = encodeMany(Array.from({ length: n }, make));
  const chunks: Buffer[] = [];
  for (let o = 0; o < corpus.length; o += 65536) chunks.push(Buffer.from(corpus.slice(o, o + 65536)));
  let sink = 0;
  const ours = (): void => {
    const d = new RespDecoder({ integers });
    for (const c of chunks) sink += d.push(c).length;
  };
  const theirs = (): void => {
    const p = new RedisParserClass({ returnReply: () => sink++, returnError: () => sink++, returnBuffers: true });
    for (const c of chunks) p.execute(c);
  };
  const t: [number[], number[]] = [[], []];
  for (let r = 0; r < ROUNDS + 2; r++) {
    [ours, theirs].forEach((fn, i) => {
      const c0 = process.cpuUsage();
      fn();
      const c = process.cpuUsage(c0);
      if (r >= 2) t[i as 0 | 1].push(c.user + c.system); // two warm-up rounds
    });
  }
  const ratios = t[0].map((a, i) => (t[1][i] ?? NaN) / a);
  const [a, b] = [median(t[0]), median(t[1])];
  const range = `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`;
  console.log(`${name.padEnd(26)} ${((a * 1000) / n).toFixed(0).padStart(11)} ${((b * 1000) / n).toFixed(0).padStart(15)}   ${median(ratios).toFixed(2)}× (${range})${sink < 0 ? '' : ''}`);
}
