/**
 * Per-command cost of the 30 most common commands: `Keyspace.execute(argv)` (synchronous, RESP
 * values out) side by side with ioredis-mock (its promise API, each call awaited — how a program
 * uses it). Each command runs against a keyspace pre-filled with 1 000 keys of the right type
 * (bench/command-cases.ts); operations cycle over those keys.
 *
 * CPU time (process.cpuUsage, user + system), not wall time: the machine is shared. The two run
 * alternately in the same process, `runs` rounds per command after a warm-up; each round gives a
 * ratio (ioredis-mock CPU per op / ours), and the table shows the median ratio and its range.
 * Each side's argvs are built before its timed loop (fresh strings, as a client builds them) and a
 * full GC then moves them out of the young generation, so the timed loop's scavenges do not copy
 * the harness's own input (that copying was most of the GC time in the profiles, and its share
 * depended on how many argvs a round held, not on the code measured).
 *
 * Where `redis-server` is installed, a third column sends the same operations to a real server
 * over loopback (bench/real-server.ts: one socket, pipelined in batches of 100): CPU time of this
 * process and wall time per operation. `--no-redis-server` skips it.
 *
 *   npx tsx packages/redis-keyspace/bench/commands.ts [runs] [ops] [CMD,CMD…] [--no-redis-server]
 */
import RedisMock from 'ioredis-mock';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Case } from './command-cases.js';
import { CASES, KEYS, fillKeyspace } from './command-cases.js';
import { startRealServer, writeCommand, type RealServer } from './real-server.js';
import { execSync } from 'node:child_process';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const RUNS = Number(positional[0] ?? 9);
const OPS = Number(positional[1] ?? 100_000);
const only = positional[2]?.toUpperCase().split(',');
const withServer = !process.argv.includes('--no-redis-server');
const BATCH = 100;
const WARMUP = 3;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const cpuNs = (t0: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(t0);
  return (d.user + d.system) * 1000;
};

/**
 * The last instance of each side stays reachable until the next one replaces it. Otherwise a
 * forced GC between rounds (the other side's) collects the previous round's objects and with
 * them the hidden classes that V8's optimized code of this side embeds weakly: that code is
 * deoptimized, and the next round runs partly unoptimized (measured: HMGET 260 → 750 ns per op
 * when the other side's GC ran while ours was unreachable). A long-lived keyspace never pays it.
 */
const alive: { ours: unknown; mock: unknown } = { ours: undefined, mock: undefined };

/** ns of CPU per operation for `ops` operations on a freshly filled keyspace. */
function ours(c: Case, ops: number): number {
  const ks = fillKeyspace(c);
  alive.ours = ks;
  const argvs = Array.from({ length: ops }, (_, i) => c.op(i));
  gc();
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
  alive.mock = r;
  await r.flushall(); // instances on the same host/port share their data in ioredis-mock
  for (const f of c.fill) for (let i = 0; i < KEYS; i++) {
    const [name = '', ...args] = f(i);
    await method(r, name)(...args);
  }
  const argvs = Array.from({ length: ops }, (_, i) => c.op(i));
  const fn = method(r, argvs[0]?.[0] ?? '');
  gc();
  const t0 = process.cpuUsage();
  for (const [, ...args] of argvs) await fn(...args);
  const ns = cpuNs(t0) / ops;
  r.disconnect();
  return ns;
}

/** The same operations through a real redis-server: [client CPU ns, wall ns] per operation. */
async function real(srv: RealServer, c: Case, ops: number): Promise<[number, number]> {
  await srv.run([['FLUSHALL']], 1);
  const fill: string[][] = [];
  for (const f of c.fill) for (let i = 0; i < KEYS; i++) fill.push(f(i));
  await srv.run(fill, 1000);
  const argvs = Array.from({ length: ops }, (_, i) => c.op(i));
  gc();
  const t0 = process.cpuUsage();
  const w0 = process.hrtime.bigint();
  await srv.run(argvs, BATCH);
  const wall = Number(process.hrtime.bigint() - w0) / ops;
  const cpu = cpuNs(t0) / ops;
  if (srv.errors > 0) throw new Error(`${c.name}: redis-server answered ${srv.errors} errors (a wrong case?): ${writeCommand(argvs[0] ?? [])}`);
  return [cpu, wall];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const fmtNs = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(2)} µs` : `${n.toFixed(0)} ns`);

const loadavg = (): string => execSync('cat /proc/loadavg').toString().split(' ').slice(0, 3).join(' ');
const range = (xs: number[]): string => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;

async function main(): Promise<void> {
  const srv = withServer ? await startRealServer() : undefined;
  if (withServer && srv === undefined) console.log('redis-server not found on PATH: the redis-server column is skipped');
  console.log(`${WARMUP} warm-up rounds, then runs ${RUNS}, ops per run ${OPS} (ioredis-mock and redis-server: ${OPS / 4}), ${KEYS} keys; load average ${loadavg()}`);
  console.log('| command | protolab CPU/op | ioredis-mock CPU/op | mock / protolab, median (range) | redis-server over loopback: client CPU/op, wall/op |');
  console.log('|---|---|---|---|---|');
  let worst = Infinity;
  const below: string[] = [];
  try {
    for (const c of CASES) {
      if (only !== undefined && !only.includes(c.name)) continue;
      for (let w = 0; w < WARMUP; w++) {
        // warm-up (JIT) for every side: a round of 10^5 operations is not enough for V8 to
        // settle (the first two rounds of ours run 2–4× slower than the rest)
        ours(c, OPS);
        await mock(c, OPS / 4);
        if (srv !== undefined) await real(srv, c, OPS / 4);
      }
      const a: number[] = [], b: number[] = [], ratios: number[] = [], rc: number[] = [], rw: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const x = ours(c, OPS);
        const y = await mock(c, OPS / 4);
        a.push(x);
        b.push(y);
        ratios.push(y / x);
        if (srv !== undefined) {
          const [cpu, wall] = await real(srv, c, OPS / 4);
          rc.push(cpu);
          rw.push(wall);
        }
      }
      const ratio = median(ratios);
      worst = Math.min(worst, ratio);
      if (ratio < 3) below.push(c.name);
      const realCol = srv === undefined ? 'skipped' : `${fmtNs(median(rc))}, ${fmtNs(median(rw))}`;
      console.log(`| ${c.name} | ${fmtNs(median(a))} | ${fmtNs(median(b))} | ${ratio.toFixed(1)}× (${range(ratios)}) | ${realCol} |`);
    }
  } finally {
    await srv?.stop();
  }
  console.log(`lowest median ratio: ${worst.toFixed(1)}×; below 3×: ${below.length === 0 ? 'none' : below.join(' ')}; load average at the end ${loadavg()}`);
}

await main();
