// Where the time goes: decode cost per reply, one reply type at a time, @protolab/resp against
// redis-parser 3.0.0 (returnBuffers: true). CPU time (process.cpuUsage), median of 12
// interleaved rounds. Run:
//   npx tsx --conditions=@protolab/source packages/resp/bench/decode-by-type.ts
// redis-parser returns integers as JS numbers (lossy above 2^53) and null as null; we return
// typed objects with a bigint, which is what costs on the `int` and `null` rows.
import { createRequire } from 'node:module';
import { encodeMany, reply, RespDecoder, type RespValue } from '@protolab/resp';
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

const kinds: [string, number, () => RespValue][] = [
  ['+OK', 200_000, () => reply.ok],
  [':123456 (integer)', 200_000, () => reply.integer(123456)],
  ['$-1 (null)', 200_000, () => reply.null],
  ['$20 (small bulk)', 200_000, () => reply.bulk(word(20))],
  ['$2000 (bulk)', 20_000, () => reply.bulk(word(2000))],
  ['$20000 (big bulk)', 2_000, () => reply.bulk(word(20_000))],
  ['*30 of $10 (array)', 10_000, () => reply.array(Array.from({ length: 30 }, () => reply.bulk(word(10))))],
];

console.log(`${'reply'.padEnd(20)} ${'protolab ns'.padStart(12)} ${'redis-parser ns'.padStart(16)}   ratio`);
for (const [name, n, make] of kinds) {
  const corpus = encodeMany(Array.from({ length: n }, make));
  const chunks: Buffer[] = [];
  for (let o = 0; o < corpus.length; o += 65536) chunks.push(Buffer.from(corpus.slice(o, o + 65536)));
  const ours = (): void => {
    const d = new RespDecoder();
    for (const c of chunks) d.push(c);
  };
  const theirs = (): void => {
    const p = new RedisParserClass({ returnReply: () => undefined, returnError: () => undefined, returnBuffers: true });
    for (const c of chunks) p.execute(c);
  };
  const t: number[][] = [[], []];
  for (let r = 0; r < 12; r++) {
    [ours, theirs].forEach((fn, i) => {
      const c0 = process.cpuUsage();
      fn();
      const c = process.cpuUsage(c0);
      t[i]!.push(c.user + c.system);
    });
  }
  const med = (a: number[]): number => a.sort((x, y) => x - y)[6]!;
  const [a, b] = [med(t[0]!), med(t[1]!)];
  console.log(`${name.padEnd(20)} ${((a * 1000) / n).toFixed(0).padStart(12)} ${((b * 1000) / n).toFixed(0).padStart(16)}   ${(b / a).toFixed(2)}×`);
}
