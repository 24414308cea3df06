/**
 * Per-command cost of the 30 most common commands: `Keyspace.execute(argv)` (synchronous, RESP
 * values out) side by side with ioredis-mock (its promise API, each call awaited — how a program
 * uses it). Each command runs against a keyspace pre-filled with 1 000 keys of the right type
 * (bench/command-cases.ts); operations cycle over those keys.
 *
 * CPU time (process.cpuUsage, user + system), not wall time: the machine is shared. The two run
 * alternately in the same process, `runs` rounds per command after a warm-up; each round gives a
 * ratio (ioredis-mock CPU per op / ours), and the table shows the median ratio and its range.
 *
 *   npx tsx packages/redis-keyspace/bench/commands.ts [runs] [ops]
 */
import RedisMock from 'ioredis-mock';
import type { Case } from './command-cases.js';
import { CASES, KEYS, fillKeyspace } from './command-cases.js';
import { execSync } from 'node:child_process';

const RUNS = Number(process.argv[2] ?? 5);
const OPS = Number(process.argv[3] ?? 20_000);
const only = process.argv[4]?.toUpperCase().split(',');

const cpuNs = (t0: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(t0);
  return (d.user + d.system) * 1000;
};

/** ns of CPU per operation for `ops` operations on a freshly filled keyspace. */
function ours(c: Case, ops: number): number {
  const ks = fillKeyspace(c);
  const argvs = Array.from({ length: ops }, (_, i) => c.op(i));
  const t0 = process.cpuUsage();
  for (const a of argvs) ks.execute(a);
  return cpuNs(t0) / ops;
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
  const t0 = process.cpuUsage();
  for (const [, ...args] of argvs) await fn(...args);
  const ns = cpuNs(t0) / ops;
  r.disconnect();
  return ns;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const fmtNs = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(2)} µs` : `${n.toFixed(0)} ns`);

async function main(): Promise<void> {
  console.log(`runs ${RUNS}, ops per run ${OPS} (ioredis-mock: ${OPS / 4}), ${KEYS} keys; load average ${execSync('cat /proc/loadavg').toString().split(' ').slice(0, 3).join(' ')}`);
  console.log('| command | protolab CPU/op median | ioredis-mock CPU/op median | ratio median (range) |');
  console.log('|---|---|---|---|');
  let worst = Infinity;
  for (const c of CASES) {
    if (only !== undefined && !only.includes(c.name)) continue;
    ours(c, OPS); // warm-up (JIT) for both sides
    await mock(c, OPS / 4);
    const a: number[] = [], b: number[] = [], ratios: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const x = ours(c, OPS);
      const y = await mock(c, OPS / 4);
      a.push(x);
      b.push(y);
      ratios.push(y / x);
    }
    const ratio = median(ratios);
    worst = Math.min(worst, ratio);
    console.log(`| ${c.name} | ${fmtNs(median(a))} | ${fmtNs(median(b))} | ${ratio.toFixed(1)}× (${Math.min(...ratios).toFixed(1)}–${Math.max(...ratios).toFixed(1)}) |`);
  }
  console.log(`lowest median ratio: ${worst.toFixed(1)}×`);
}

await main();
