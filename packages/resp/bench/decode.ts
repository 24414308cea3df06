// RESP decode throughput: @protolab/resp side by side with redis-parser 3.0.0 (the parser of
// node_redis ≤ 3 and ioredis ≤ 4) and a naive baseline, on one realistic reply mix fed in
// 64 KiB chunks as a socket delivers it. Run:
//   npx tsx --conditions=@protolab/source packages/resp/bench/decode.ts
import { createRequire } from 'node:module';
import { encodeMany, reply, RespBareDecoder, RespDecoder, type RespValue } from '@protolab/resp';
import { Prng } from '@protolab/sim';

interface RedisParser {
  execute(buffer: Buffer): void;
}
type RedisParserCtor = new (options: {
  returnReply: (reply: unknown) => void;
  returnError: (err: Error) => void;
  returnFatalError?: (err: Error) => void;
  returnBuffers?: boolean;
}) => RedisParser;
const RedisParserClass = createRequire(import.meta.url)('redis-parser') as RedisParserCtor;

// ---- the reply mix (deterministic) -----------------------------------------------------------
const prng = new Prng(0x2545f491); // @protolab/sim's seeded PRNG: the same input every run
const rand = (): number => prng.float();
const word = (n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(rand() * 26));
  return s;
};

function oneReply(): RespValue {
  const r = rand();
  if (r < 0.25) return reply.ok; // SET, HSET…
  if (r < 0.4) return reply.integer(Math.floor(rand() * 1e6)); // INCR, EXISTS, LLEN
  if (r < 0.65) return reply.bulk(word(8 + Math.floor(rand() * 120))); // GET of small values
  if (r < 0.7) return reply.bulk(word(1000 + Math.floor(rand() * 3000))); // GET of 1–4 KB values
  if (r < 0.72) return reply.bulk(word(16_000 + Math.floor(rand() * 16_000))); // a few big values
  if (r < 0.77) return reply.null; // GET of a missing key
  if (r < 0.79) return reply.error('ERR wrong number of arguments for command');
  if (r < 0.95) {
    // LRANGE / MGET / HGETALL: arrays of short bulks
    const n = 5 + Math.floor(rand() * 60);
    return reply.array(Array.from({ length: n }, () => (rand() < 0.1 ? reply.null : reply.bulk(word(4 + Math.floor(rand() * 30))))));
  }
  // SCAN: [cursor, [keys…]]
  const n = 10 + Math.floor(rand() * 20);
  return reply.array([reply.bulk(String(Math.floor(rand() * 1e9))), reply.array(Array.from({ length: n }, () => reply.bulk(`key:${word(12)}`)))]);
}

const replies = Array.from({ length: 60_000 }, oneReply);
const corpus = Buffer.from(encodeMany(replies, { protocol: 2 }));
const CHUNK = 64 * 1024;
const chunks: Buffer[] = [];
for (let o = 0; o < corpus.length; o += CHUNK) chunks.push(Buffer.from(corpus.subarray(o, o + CHUNK))); // own memory, like socket reads

// ---- the contenders --------------------------------------------------------------------------
function protolab(): number {
  const d = new RespDecoder({ protocol: 2 });
  let n = 0;
  for (const c of chunks) n += d.push(c).length;
  return n;
}

/** Bare values (numbers, strings, Uint8Arrays, null) to a callback, as redis-parser returns them. */
function protolabBare(): number {
  let n = 0;
  const d = new RespBareDecoder({
    onReply: () => {
      n++;
    },
  });
  for (const c of chunks) d.execute(c);
  return n;
}

function redisParser(returnBuffers: boolean): () => number {
  return () => {
    let n = 0;
    const p = new RedisParserClass({
      returnReply: () => { n++; },
      returnError: () => { n++; },
      returnFatalError: (e) => { throw e; },
      returnBuffers,
    });
    for (const c of chunks) p.execute(c);
    return n;
  };
}

/**
 * The naive way: keep a string, parse recursively from the start of the pending value, and if
 * the value is incomplete, start over when the next chunk arrives. (Byte lengths are counted on
 * a latin1 string so they stay byte-exact.)
 */
function naive(): number {
  let pending = '';
  let n = 0;
  const parse = (s: string, at: number): [unknown, number] | undefined => {
    const nl = s.indexOf('\r\n', at);
    if (nl < 0) return undefined;
    const head = s.slice(at + 1, nl);
    switch (s[at]) {
      case '+':
      case '-':
        return [head, nl + 2];
      case ':':
        return [Number(head), nl + 2];
      case '$': {
        const len = Number(head);
        if (len < 0) return [null, nl + 2];
        if (nl + 2 + len + 2 > s.length) return undefined;
        return [s.slice(nl + 2, nl + 2 + len), nl + 2 + len + 2];
      }
      case '*': {
        const len = Number(head);
        if (len < 0) return [null, nl + 2];
        const out: unknown[] = [];
        let p = nl + 2;
        for (let i = 0; i < len; i++) {
          const r = parse(s, p);
          if (!r) return undefined;
          out.push(r[0]);
          p = r[1];
        }
        return [out, p];
      }
      default:
        throw new Error(`bad type ${s[at] ?? ''}`);
    }
  };
  for (const c of chunks) {
    pending += c.toString('latin1');
    let at = 0;
    for (;;) {
      const r = parse(pending, at);
      if (!r) break;
      n++;
      at = r[1];
    }
    pending = pending.slice(at);
  }
  return n;
}

// ---- measure ---------------------------------------------------------------------------------
// The machine may be shared: the contenders run interleaved, round after round, and each one's
// median round counts, so a burst of load hits all of them alike. Time is this process's CPU
// time (process.cpuUsage: user + system), which waiting for a core does not inflate; wall-clock
// MB/s is printed too.
const contenders: [string, () => number][] = [
  ['@protolab/resp RespDecoder (bulks as bytes)', protolab],
  ['@protolab/resp RespBareDecoder.execute', protolabBare],
  ['redis-parser 3.0.0, returnBuffers: true', redisParser(true)],
  ['redis-parser 3.0.0, strings (default)', redisParser(false)],
  ['naive (string, re-parse on incomplete)', naive],
];
for (const [name, fn] of contenders) {
  for (let i = 0; i < 3; i++) if (fn() !== replies.length) throw new Error(`${name}: wrong reply count`);
}
const rounds = Number(process.env['ROUNDS'] ?? 15);
const cpu = contenders.map((): number[] => []);
const wall = contenders.map((): number[] => []);
for (let r = 0; r < rounds; r++) {
  contenders.forEach(([, fn], i) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall[i]!.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu[i]!.push((c.user + c.system) / 1000);
  });
}
const medianMbps = (ms: number[]): number => {
  ms.sort((a, b) => a - b);
  return corpus.length / 1e6 / (ms[Math.floor(ms.length / 2)]! / 1000);
};
const mbps = cpu.map(medianMbps);
const wallMbps = wall.map(medianMbps);

console.log(`RESP2 reply mix: ${replies.length} replies, ${(corpus.length / 1e6).toFixed(1)} MB, fed in ${chunks.length} chunks of 64 KiB; median of ${rounds} interleaved rounds (node ${process.version})`);
const ours = mbps[0]!;
console.log(`${''.padEnd(46)} ${'CPU MB/s'.padStart(9)} ${'wall MB/s'.padStart(10)}   ratio (CPU)`);
contenders.forEach(([name], i) => {
  const v = mbps[i]!;
  console.log(`${name.padEnd(46)} ${v.toFixed(0).padStart(9)} ${wallMbps[i]!.toFixed(0).padStart(10)}   protolab ÷ this = ${(ours / v).toFixed(2)}×`);
});
