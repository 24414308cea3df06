/**
 * Before/after in one process: the core of this checkout beside another checkout's (e.g. the
 * previous commit's tree unpacked by `git archive`, with its own node_modules/@protolab links),
 * on redis-benchmark's commands as core-commands.ts sends them (50 connections, pipelines of
 * 16), alternating which goes first each round; prints CPU µs per command and the ratio
 * other/this (> 1: this checkout is cheaper), median [range]:
 *
 *   npx tsx --conditions=@protolab/source packages/redis-server/bench/core-ab.ts <other>/packages/redis-server/src/server.ts [reads=10000] [rounds=5] [tests]
 */
import { RedisServer } from '../src/server.js';
import { BENCHMARK_COMMANDS, respRequest } from './benchmark-commands.js';

const otherPath = process.argv[2];
if (otherPath === undefined) throw new Error('usage: core-ab.ts <other server.ts> [reads] [rounds] [tests]');
const reads = Number(process.argv[3] ?? 10000);
const rounds = Number(process.argv[4] ?? 5);
const tests = (process.argv[5] ?? 'set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100').split(',');
const Other = ((await import(otherPath)) as { RedisServer: typeof RedisServer }).RedisServer;

const COMMANDS = BENCHMARK_COMMANDS;
const resp = respRequest;
const fill = (n: number): Buffer => Buffer.from(resp(['LPUSH', 'mylist', ...Array.from({ length: n }, () => 'xxx')]));

function make(Cls: typeof RedisServer): RedisServer {
  const srv = new Cls({ now: () => Date.now() });
  for (let i = 1; i <= 50; i++) srv.connect(i);
  srv.data(1, fill(600));
  return srv;
}
const servers = { this: make(RedisServer), other: make(Other) };
let sink = 0;

function run(srv: RedisServer, test: string, pipeline: Buffer, n: number): number {
  const t0 = process.cpuUsage();
  for (let k = 0; k < n; k++) {
    if (test === 'rpop' && k % 30 === 0) srv.data(1, fill(480));
    for (const o of srv.data((k % 50) + 1, pipeline)) if (o.type === 'write') sink += o.bytes.length;
  }
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / (n * 16);
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};

console.log('test         this µs  other µs  other/this median [min..max]');
for (const test of tests) {
  const argv = COMMANDS.get(test);
  if (argv === undefined) throw new Error(`unknown test ${test}`);
  const pipeline = Buffer.from(resp(argv).repeat(16));
  run(servers.this, test, pipeline, 2000);
  run(servers.other, test, pipeline, 2000);
  const mine: number[] = [];
  const theirs: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = r % 2 === 0 ? run(servers.this, test, pipeline, reads) : -1;
    const b = run(servers.other, test, pipeline, reads);
    const c = a >= 0 ? a : run(servers.this, test, pipeline, reads);
    mine.push(c);
    theirs.push(b);
    ratios.push(b / c);
  }
  console.log(`${test.padEnd(11)} ${median(mine).toFixed(2).padStart(7)} ${median(theirs).toFixed(2).padStart(9)}   ${median(ratios).toFixed(2)}× [${Math.min(...ratios).toFixed(2)}..${Math.max(...ratios).toFixed(2)}]`);
}
if (sink === 0) console.log('no output');
