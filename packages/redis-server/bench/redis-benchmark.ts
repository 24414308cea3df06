/**
 * redis-benchmark against protolab-redis and a real redis-server on free ports, one after the
 * other per test (alternating which goes first each round), printing requests/s and the ratio:
 *
 *   npx tsx --conditions=@protolab/source packages/redis-server/bench/redis-benchmark.ts [n=200000] [rounds=1] [tests]
 *
 * Each cell runs `redis-benchmark -q -t <test> -n <n> -c 50 -P <1|16>`. With several rounds the
 * median ratio and its range are printed. The machine is shared: the load average is printed
 * before and after; read ratios, not absolute numbers.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const n = Number(process.argv[2] ?? 200000);
const rounds = Number(process.argv[3] ?? 1);
const tests = (process.argv[4] ?? 'set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100').split(',');
const pipelines = [1, 16];

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

/** requests/s of one redis-benchmark run (its "-q" line for the test). */
function bench(port: number, test: string, pipeline: number): number {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-q', '-t', test, '-n', String(n), '-c', '50', '-P', String(pipeline)], { encoding: 'utf8', timeout: 600_000 });
  const m = /([0-9.]+) requests per second/.exec(r.stdout.split('\r').join('\n'));
  if (m === null) throw new Error(`redis-benchmark ${test} -P ${pipeline} on ${port}: no result (${r.stdout.slice(-200)} ${r.stderr})`);
  return Number(m[1]);
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
  const real = spawn('redis-server', ['--port', String(rPort), '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await Promise.all([waitReady(proto, 'ready'), waitReady(real, 'Ready to accept connections')]);
    console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}; n=${n}, c=50, rounds=${rounds}`);
    console.log('test         P   redis rps   protolab rps   ratio (median [min..max])');
    for (const test of tests) {
      for (const p of pipelines) {
        const ratios: number[] = [];
        const reals: number[] = [];
        const protos: number[] = [];
        for (let r = 0; r < rounds; r++) {
          const first = r % 2 === 0;
          const a = first ? bench(rPort, test, p) : 0;
          const b = bench(pPort, test, p);
          const c = first ? a : bench(rPort, test, p);
          reals.push(c);
          protos.push(b);
          ratios.push(b / c);
        }
        const range = rounds > 1 ? ` [${Math.min(...ratios).toFixed(2)}..${Math.max(...ratios).toFixed(2)}]` : '';
        console.log(`${test.padEnd(11)} ${String(p).padStart(2)} ${median(reals).toFixed(0).padStart(11)} ${median(protos).toFixed(0).padStart(14)}   ${median(ratios).toFixed(2)}×${range}`);
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
