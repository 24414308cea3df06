// The fixed cost of one `RespBareDecoder.execute` call (issue 19: the 100-byte-chunk rows). Each
// contender decodes N one-reply chunks (`+OK\r\n`, `:42\r\n`, `$-1\r\n`, `:123456\r\n`, `$10…`, one
// Buffer per push, as a socket hands them) and the same N replies in 64 KiB chunks; per push cost
// minus per reply cost in a big chunk = the fixed cost per call. `cut`: the same N replies, one per
// push, every push cut in the middle of a reply (the end of one, the start of the next): what a
// reply straddling two pushes costs. CPU time, ROUNDS interleaved rounds after 2 warm-ups,
// medians (ns). Each reply kind runs in its own fresh process (V8's feedback from one kind moved
// redis-parser's cost on the next by up to 8x):
//   ROUNDS=15 npx tsx --conditions=@protolab/source packages/resp/bench/execute-overhead.ts
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { RespBareDecoder } from '@protolab/resp';

type RedisParserCtor = new (options: { returnReply: (r: unknown) => void; returnError: (e: Error) => void; returnBuffers?: boolean }) => { execute(b: Buffer): void };
const RedisParserClass = createRequire(import.meta.url)('redis-parser') as RedisParserCtor;
const ROUNDS = Number(process.env['ROUNDS'] ?? 15);
const N = 200_000;
const median = (a: readonly number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
const load = (): string => `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;

let sink = 0;
const ours = (chunks: readonly Buffer[]): void => {
  const d = new RespBareDecoder({ onReply: () => { sink++; } });
  for (const c of chunks) d.execute(c);
};
const theirs = (chunks: readonly Buffer[]): void => {
  const p = new RedisParserClass({ returnReply: () => { sink++; }, returnError: () => { sink++; }, returnBuffers: true });
  for (const c of chunks) p.execute(c);
};

const KIND = process.env['KIND'];
if (KIND === undefined) {
  console.log(load());
  console.log('| reply | ours per push | ours per reply, 64 KiB | ours fixed | ours per push, cut | theirs per push | theirs per reply, 64 KiB | theirs fixed | theirs per push, cut |\n|---|---|---|---|---|---|---|---|---|');
  for (const kind of ['+OK', ':42', '$-1', ':123456', '$10\r\nabcdefghij']) {
    process.stdout.write(execFileSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env: { ...process.env, KIND: kind }, encoding: 'utf8' }));
  }
  console.log(load());
  process.exit(0);
}
for (const text of [`${KIND}\r\n`]) {
  const one = Buffer.from(text);
  // separate Buffers (views of one pool, as sockets give), not one object pushed again and again
  const pool = Buffer.from(text.repeat(N));
  const single: Buffer[] = [];
  for (let i = 0; i < N; i++) single.push(pool.subarray(i * one.length, (i + 1) * one.length));
  const big: Buffer[] = [];
  for (let o = 0; o < pool.length; o += 65536) big.push(pool.subarray(o, o + 65536));
  // one reply per push, every push cut inside a reply: the end of one and the start of the next
  const half = Math.floor(one.length / 2);
  const straddle: Buffer[] = [pool.subarray(0, half)];
  for (let o = half; o < pool.length; o += one.length) straddle.push(pool.subarray(o, o + one.length));
  const runs: [() => void][] = [[() => { ours(single); }], [() => { ours(big); }], [() => { theirs(single); }], [() => { theirs(big); }], [() => { ours(straddle); }], [() => { theirs(straddle); }]];
  const t = runs.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS + 2; r++) {
    const order = r % 2 === 0 ? [0, 1, 2, 3, 4, 5] : [5, 4, 3, 2, 1, 0];
    for (const i of order) {
      const c0 = process.cpuUsage();
      runs[i]?.[0]();
      const c = process.cpuUsage(c0);
      if (r >= 2) t[i]?.push(((c.user + c.system) * 1000) / N);
    }
  }
  const [op, ob, tp, tb, os, ts] = t.map(median) as [number, number, number, number, number, number];
  const f = (x: number): string => x.toFixed(1);
  console.log(`| \`${text.trim()}\` | ${f(op)} | ${f(ob)} | ${f(op - ob)} | ${f(os)} | ${f(tp)} | ${f(tb)} | ${f(tp - tb)} | ${f(ts)} |`);
}
if (sink < 0) console.log('!');
