/**
 * Per-command throughput of the 30 most common commands: `Keyspace.execute(argv)` (synchronous,
 * RESP values out) side by side with ioredis-mock (its promise API, each call awaited — how a
 * program uses it). Each command runs against a keyspace pre-filled with 1 000 keys of the right
 * type; operations cycle over those keys. Several runs; medians and ranges in ops/s.
 *
 *   npx tsx --conditions=@protolab/source packages/redis-keyspace/bench/commands.ts [runs] [ops]
 */
import RedisMock from 'ioredis-mock';
import { Keyspace } from '../src/index.js';

const RUNS = Number(process.argv[2] ?? 5);
const OPS = Number(process.argv[3] ?? 20_000);
const KEYS = 1000;

type Argv = (i: number) => string[];
interface Case {
  name: string;
  /** Pre-fill: commands run once per key index. */
  fill: Argv[];
  op: Argv;
}

const k = (i: number): string => `key:${i % KEYS}`;
const str: Argv = (i) => ['SET', k(i), `value-${i}`];
const num: Argv = (i) => ['SET', k(i), String(i)];
const hash: Argv = (i) => ['HSET', k(i), 'f1', 'v1', 'f2', '2', 'f3', 'v3'];
const list: Argv = (i) => ['RPUSH', k(i), 'a', 'b', 'c', 'd', 'e'];
const set: Argv = (i) => ['SADD', k(i), 'a', 'b', 'c', '1', '2'];
const zset: Argv = (i) => ['ZADD', k(i), '1', 'a', '2', 'b', '3', 'c'];

const CASES: Case[] = [
  { name: 'GET', fill: [str], op: (i) => ['GET', k(i)] },
  { name: 'SET', fill: [], op: (i) => ['SET', k(i), `v${i}`] },
  { name: 'SETEX', fill: [], op: (i) => ['SETEX', k(i), '100', `v${i}`] },
  { name: 'SETNX', fill: [str], op: (i) => ['SETNX', k(i), 'x'] },
  { name: 'GETSET', fill: [str], op: (i) => ['GETSET', k(i), 'x'] },
  { name: 'MGET', fill: [str], op: (i) => ['MGET', k(i), k(i + 1), k(i + 2)] },
  { name: 'MSET', fill: [], op: (i) => ['MSET', k(i), 'a', k(i + 1), 'b'] },
  { name: 'INCR', fill: [num], op: (i) => ['INCR', k(i)] },
  { name: 'INCRBY', fill: [num], op: (i) => ['INCRBY', k(i), '5'] },
  { name: 'DECR', fill: [num], op: (i) => ['DECR', k(i)] },
  { name: 'APPEND', fill: [str], op: (i) => ['APPEND', k(i), 'x'] },
  { name: 'STRLEN', fill: [str], op: (i) => ['STRLEN', k(i)] },
  { name: 'DEL', fill: [str], op: (i) => ['DEL', k(i)] },
  { name: 'EXISTS', fill: [str], op: (i) => ['EXISTS', k(i)] },
  { name: 'EXPIRE', fill: [str], op: (i) => ['EXPIRE', k(i), '100'] },
  { name: 'TTL', fill: [str, (i) => ['EXPIRE', k(i), '100']], op: (i) => ['TTL', k(i)] },
  { name: 'TYPE', fill: [str], op: (i) => ['TYPE', k(i)] },
  { name: 'HSET', fill: [], op: (i) => ['HSET', k(i), `f${i % 7}`, 'v'] },
  { name: 'HGET', fill: [hash], op: (i) => ['HGET', k(i), 'f1'] },
  { name: 'HGETALL', fill: [hash], op: (i) => ['HGETALL', k(i)] },
  { name: 'HINCRBY', fill: [hash], op: (i) => ['HINCRBY', k(i), 'f2', '1'] },
  { name: 'HMGET', fill: [hash], op: (i) => ['HMGET', k(i), 'f1', 'f3'] },
  { name: 'HDEL', fill: [hash], op: (i) => ['HDEL', k(i), 'f1'] },
  { name: 'LPUSH', fill: [], op: (i) => ['LPUSH', k(i), 'x'] },
  { name: 'RPUSH', fill: [], op: (i) => ['RPUSH', k(i), 'x'] },
  { name: 'LRANGE', fill: [list], op: (i) => ['LRANGE', k(i), '0', '-1'] },
  { name: 'SADD', fill: [], op: (i) => ['SADD', k(i), `m${i % 5}`] },
  { name: 'SISMEMBER', fill: [set], op: (i) => ['SISMEMBER', k(i), 'b'] },
  { name: 'ZADD', fill: [], op: (i) => ['ZADD', k(i), String(i % 10), `m${i % 5}`] },
  { name: 'ZRANGE', fill: [zset], op: (i) => ['ZRANGE', k(i), '0', '-1', 'WITHSCORES'] },
];

function ours(c: Case, ops: number): number {
  const ks = new Keyspace({ now: () => 1_700_000_000_000 });
  for (const f of c.fill) for (let i = 0; i < KEYS; i++) ks.execute(f(i));
  const argvs = Array.from({ length: ops }, (_, i) => c.op(i));
  const t0 = performance.now();
  for (const a of argvs) ks.execute(a);
  return ops / ((performance.now() - t0) / 1000);
}

type MockFn = (...args: string[]) => Promise<unknown>;

/** ioredis-mock's method for a command name (ioredis API: `redis.get(key)` …). */
function method(r: InstanceType<typeof RedisMock>, name: string): MockFn {
  const fn = (r as unknown as Record<string, MockFn | undefined>)[name.toLowerCase()];
  if (fn === undefined) throw new Error(`ioredis-mock has no ${name}`);
  return fn.bind(r);
}

async function mock(c: Case, ops: number): Promise<number> {
  const r = new RedisMock();
  await r.flushall(); // instances on the same host/port share their data in ioredis-mock
  for (const f of c.fill) for (let i = 0; i < KEYS; i++) {
    const [name = '', ...args] = f(i);
    await method(r, name)(...args);
  }
  const argvs = Array.from({ length: ops }, (_, i) => c.op(i));
  const fn = method(r, argvs[0]?.[0] ?? '');
  const t0 = performance.now();
  for (const [, ...args] of argvs) await fn(...args);
  const rate = ops / ((performance.now() - t0) / 1000);
  r.disconnect();
  return rate;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const fmt = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`);

async function main(): Promise<void> {
  console.log(`runs ${RUNS}, ops per run ${OPS} (ioredis-mock: ${OPS / 4}), ${KEYS} keys`);
  console.log('| command | protolab median (range) ops/s | ioredis-mock median (range) ops/s | ratio |');
  console.log('|---|---|---|---|');
  let worst = Infinity;
  for (const c of CASES) {
    ours(c, OPS); // warm-up (JIT) for both sides
    await mock(c, OPS / 4);
    const a: number[] = [], b: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      a.push(ours(c, OPS));
      b.push(await mock(c, OPS / 4));
    }
    const ratio = median(a) / median(b);
    worst = Math.min(worst, ratio);
    console.log(`| ${c.name} | ${fmt(median(a))} (${fmt(Math.min(...a))}–${fmt(Math.max(...a))}) | ${fmt(median(b))} (${fmt(Math.min(...b))}–${fmt(Math.max(...b))}) | ${ratio.toFixed(1)}× |`);
  }
  console.log(`lowest ratio: ${worst.toFixed(1)}×`);
}

void main();
