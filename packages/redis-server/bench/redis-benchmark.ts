/**
 * redis-benchmark against protolab-redis and a real redis-server on free ports, one after the
 * other per test (alternating which goes first each round), printing requests/s and the ratio:
 *
 *   npx tsx --conditions=@protolab/source packages/redis-server/bench/redis-benchmark.ts [n=200000] [rounds=1] [tests]
 *
 * Each cell runs `redis-benchmark -q -t <test> -n <n> -c 50 -P <1|16>`. With several rounds the
 * median ratio and its range are printed. The machine is shared: the load average is printed
 * before and after; read ratios, not absolute numbers. Beside requests/s, each server's own CPU
 * time per request (utime + stime of its process from /proc, read around each run) is printed:
 * it moves less than requests/s when other processes compete for the cores.
 * `pipelines` (5th argument, default 1,16) picks the -P values. Each test runs once against
 * protolab unrecorded first (the JIT warms up during the first requests).
 *
 * Before/after: `BENCH_AGAINST=<other checkout>/packages/redis-server/bench/serve.ts` serves that
 * checkout's protolab-redis in the real server's place (its own warm-up pass too), so the "redis"
 * columns are the other protolab and the ratio is this/other.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const n = Number(process.argv[2] ?? 200000);
const rounds = Number(process.argv[3] ?? 1);
const tests = (process.argv[4] ?? 'set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100').split(',');
const pipelines = (process.argv[5] ?? '1,16').split(',').map(Number);
/** Clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK; 100 on Linux). */
const TICKS = 100;

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number | undefined): number {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => {
        resolve(port);
      });
    });
  });
}

async function waitReady(child: ChildProcess, word: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const on = (d: Buffer): void => {
      seen += d.toString();
      if (seen.includes(word)) resolve();
    };
    child.stdout?.on('data', on);
    child.on('exit', (code) => {
      reject(new Error(`server exited (${String(code)}) before ready: ${seen}`));
    });
  });
}

/** requests/s of one redis-benchmark run (its "-q" line for the test), and the server's CPU µs per request. */
function bench(port: number, pid: number | undefined, test: string, pipeline: number): { rps: number; cpuUs: number } {
  const cpu0 = cpuSeconds(pid);
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-q', '-t', test, '-n', String(n), '-c', '50', '-P', String(pipeline)], { encoding: 'utf8', timeout: 600_000 });
  const m = /([0-9.]+) requests per second/.exec(r.stdout.split('\r').join('\n'));
  if (m === null) throw new Error(`redis-benchmark ${test} -P ${pipeline} on ${port}: no result (${r.stdout.slice(-200)} ${r.stderr})`);
  // lrange_100 also runs the LPUSH that fills the list: 2n requests.
  const requests = test.startsWith('lrange') ? 2 * n : n;
  return { rps: Number(m[1]), cpuUs: ((cpuSeconds(pid) - cpu0) * 1e6) / requests };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

async function main(): Promise<void> {
  const [pPort, rPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'protolab-bench-'));
  const serve = fileURLToPath(new URL('./serve.ts', import.meta.url));
  const proto = spawn(process.execPath, ['--import', 'tsx', '--conditions=@protolab/source', serve, String(pPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const against = process.env.BENCH_AGAINST;
  const real =
    against === undefined
      ? spawn('redis-server', ['--port', String(rPort), '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] })
      : spawn(process.execPath, ['--import', 'tsx', '--conditions=@protolab/source', against, String(rPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await Promise.all([waitReady(proto, 'ready'), waitReady(real, against === undefined ? 'Ready to accept connections' : 'ready')]);
    if (against !== undefined) console.log(`against ${against} (in the redis columns)`);
    // One unrecorded pass first: node compiles protolab's hot paths during its first requests.
    for (const test of tests) for (const p of pipelines) bench(pPort, proto.pid, test, p);
    if (against !== undefined) for (const test of tests) for (const p of pipelines) bench(rPort, real.pid, test, p);
    console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}; n=${n}, c=50, rounds=${rounds}`);
    console.log('test         P   redis rps   protolab rps   ratio (median [min..max])   CPU µs/request redis, protolab, ratio redis/protolab');
    for (const test of tests) {
      for (const p of pipelines) {
        const ratios: number[] = [];
        const reals: number[] = [];
        const protos: number[] = [];
        const cpu = { real: [] as number[], proto: [] as number[], ratio: [] as number[] };
        for (let r = 0; r < rounds; r++) {
          const first = r % 2 === 0;
          const a = first ? bench(rPort, real.pid, test, p) : undefined;
          const b = bench(pPort, proto.pid, test, p);
          const c = a ?? bench(rPort, real.pid, test, p);
          reals.push(c.rps);
          protos.push(b.rps);
          ratios.push(b.rps / c.rps);
          cpu.real.push(c.cpuUs);
          cpu.proto.push(b.cpuUs);
          cpu.ratio.push(c.cpuUs / b.cpuUs);
        }
        const range = rounds > 1 ? ` [${Math.min(...ratios).toFixed(2)}..${Math.max(...ratios).toFixed(2)}]` : '';
        const cpuCol = `${median(cpu.real).toFixed(2)}, ${median(cpu.proto).toFixed(2)}, ${median(cpu.ratio).toFixed(2)}× [${Math.min(...cpu.ratio).toFixed(2)}..${Math.max(...cpu.ratio).toFixed(2)}]`;
        console.log(`${test.padEnd(11)} ${String(p).padStart(2)} ${median(reals).toFixed(0).padStart(11)} ${median(protos).toFixed(0).padStart(14)}   ${median(ratios).toFixed(2)}×${range}   ${cpuCol}`);
      }
    }
    console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    proto.kill('SIGTERM');
    real.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
