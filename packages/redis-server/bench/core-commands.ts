/**
 * The core alone, no sockets, on redis-benchmark's own commands (`-t set,get,…` without -r: the
 * keys are the literal `key:__rand_int__`, `mylist`, …): 50 connections, each read one pipeline
 * of 16 copies of the command (as `-P 16`), CPU µs per command per test:
 *
 *   npx tsx --conditions=@protolab/source packages/redis-server/bench/core-commands.ts [reads=20000] [tests]
 *
 * Profile with `node --cpu-prof --import tsx --conditions=@protolab/source …core-commands.ts`.
 */
import { RedisServer } from '../src/server.js';
import { BENCHMARK_COMMANDS, respRequest } from './benchmark-commands.js';

const reads = Number(process.argv[2] ?? 20000);
const tests = (process.argv[3] ?? 'set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100').split(',');

const COMMANDS = BENCHMARK_COMMANDS;

const resp = respRequest;

const srv = new RedisServer({ now: () => Date.now() });
for (let i = 1; i <= 50; i++) srv.connect(i);
// lrange_100 reads a list of at least 100 elements (redis-benchmark fills it with LPUSH first).
srv.data(1, Buffer.from(resp(['LPUSH', 'mylist', ...Array.from({ length: 600 }, () => 'xxx')])));
let sink = 0;
for (const test of tests) {
  const argv = COMMANDS.get(test);
  if (argv === undefined) throw new Error(`unknown test ${test}`);
  const pipeline = Buffer.from(resp(argv).repeat(16));
  const run = (n: number): number => {
    const t0 = process.cpuUsage();
    for (let k = 0; k < n; k++) {
      // RPOP would empty the list: refill it between reads as the benchmark's LPUSH test did.
      if (test === 'rpop' && k % 30 === 0) srv.data(1, Buffer.from(resp(['LPUSH', 'mylist', ...Array.from({ length: 480 }, () => 'xxx')])));
      for (const o of srv.data((k % 50) + 1, pipeline)) if (o.type === 'write') sink += o.bytes.length;
    }
    const t = process.cpuUsage(t0);
    return (t.user + t.system) / (n * 16);
  };
  run(Math.min(2000, reads)); // warm up
  console.log(`${test.padEnd(11)} ${run(reads).toFixed(2)} µs/command`);
}
if (sink === 0) console.log('no output');
