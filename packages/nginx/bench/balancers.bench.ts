// Bench: nginx balancer picks per second (get + free) for 10 peers of weights 1..10, against a
// naive expanded-array cycle (which has nginx's counts but not its order), plus ketama lookups.
// Run: npx tsx --conditions=@protolab/source packages/nginx/bench/balancers.bench.ts
import { NginxUpstream, type NginxMethod } from '@protolab/nginx';
import { Prng } from '@protolab/sim';

const ws = Array.from({ length: 10 }, (_, i) => i + 1);
const servers = ws.map((w, i) => ({ name: `s${String(i)}`, address: `10.0.0.${String(i + 1)}:80`, weight: w }));
const runs = Number(process.env['BENCH_RUNS'] ?? '5');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function timeIt(label: string, f: (i: number) => unknown, n: number): void {
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) f(i);
    rates.push((n / (performance.now() - t0)) * 1000);
  }
  console.log(`${label.padEnd(44)} ${median(rates).toFixed(0).padStart(11)} picks/s  [${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)}]`);
}

console.log(`10 peers, weights 1..10; median [min–max] of ${String(runs)} runs`);
const keys = Array.from({ length: 4096 }, (_, i) => `/item/${String(i)}`);
const clients = Array.from({ length: 4096 }, (_, i) => `10.${String(i >> 8)}.${String(i & 255)}.7`);
for (const method of ['round_robin', 'least_conn', 'ip_hash', 'hash', 'hash_consistent', 'random', 'random_two'] as NginxMethod[]) {
  const up = new NginxUpstream({ method, servers, random: new Prng(1) });
  timeIt(`${method} (get + free)`, (i) => up.request({ key: keys[i & 4095] ?? '', clientAddr: clients[i & 4095] ?? '' }), 300_000);
}
const expanded = ws.flatMap((w, i) => Array.from({ length: w }, () => i));
let k = 0;
timeIt('naive: expanded array, k++ mod Σw', () => expanded[k++ % expanded.length], 3_000_000);
