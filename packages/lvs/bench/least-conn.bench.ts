// Bench: lc / wlc / sed / nq / lblc / lblcr picks with changing counts — the kernel's linear scan against the
// indexed segment tree (IndexedLeastConn), which must return the very same dest every time.
// Also wrr (ip_vs_wrr.c) and nginx smooth WRR picks per second, with a naive baseline.
// Run: npx tsx --conditions=@protolab/source packages/lvs/bench/least-conn.bench.ts
import { VirtualService, type Dest } from '@protolab/lvs';
import { NginxUpstream } from '@protolab/nginx';
import { Prng } from '@protolab/sim';
import os from 'node:os';

// No forced GC before a window: tried (v8 --expose-gc, a full collection untimed) and it made the
// ratios worse in 4 alternating pairs at load 22–26 (probably because the concurrent sweeping it
// starts runs on helper threads, which process.cpuUsage counts inside the next window).

/** CPU ms of this process (user + system; the preamble's measure on a shared, loaded machine). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

type Kind = 'lc' | 'wlc' | 'sed' | 'nq' | 'lblc' | 'lblcr';
const KINDS: readonly Kind[] = ['lc', 'wlc', 'sed', 'nq', 'lblc', 'lblcr'];

function build(kind: Kind, n: number, indexed: boolean, seed: number): VirtualService {
  const r = new Prng(seed);
  const svc = new VirtualService({ scheduler: kind, indexed });
  for (let i = 0; i < n; i++) {
    const d = svc.addDest({ name: `d${String(i)}`, weight: r.int(0, 8) });
    d.activeConns = r.int(0, 50);
    d.inactConns = r.int(0, 500);
  }
  svc.schedule({ srcAddr: 1, dstAddr: 0x09000000 }); // the indexed tree's first (lazy) build is not timed
  return svc;
}

/**
 * One "event": schedule a new connection (it becomes active), one random connection closes and
 * one inactive entry expires. lblc/lblcr key on the destination: 1 000 destination addresses.
 */
function run(svc: VirtualService, events: number, seed: number, out: string[] | undefined, check?: string[]): number {
  const r = new Prng(seed);
  const list = svc.dests;
  const t0 = cpuMs();
  for (let e = 0; e < events; e++) {
    const d: Dest | null = svc.schedule({ srcAddr: 1, dstAddr: 0x0a000000 + r.int(0, 1000) });
    if (d !== null) {
      d.activeConns++;
      if (out) out.push(d.name);
      if (check && e < check.length && check[e] !== d.name) throw new Error(`indexed pick differs at event ${String(e)}: ${d.name} vs ${String(check[e])}`);
    }
    const x = list[r.int(0, list.length)];
    if (x !== undefined && x.activeConns > 0) {
      x.activeConns--;
      x.inactConns++;
    }
    const y = list[r.int(0, list.length)];
    if (y !== undefined && y.inactConns > 0) y.inactConns--;
  }
  return cpuMs() - t0;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? (s[(s.length - 1) / 2] ?? 0) : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
};

// BENCH_KINDS=nq,lblc BENCH_N=10000 BENCH_RUNS=5 narrow the matrix; BENCH_REPS=1 prints every rep's ratio in order.
const kinds = (process.env['BENCH_KINDS']?.split(',') ?? KINDS).filter((k): k is Kind => (KINDS as readonly string[]).includes(k));
const sizes = (process.env['BENCH_N']?.split(',') ?? ['100', '1000', '10000']).map(Number);
const runs = Number(process.env['BENCH_RUNS'] ?? '5');

console.log(`lc/wlc/sed/nq/lblc/lblcr: events per CPU second (1 pick + 3 count changes each), linear scan vs indexed; same choice checked on every event; ${String(runs)} alternating runs, median [min–max] of the ratio; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
// warm up both code paths of every measured kind, so no row's first run is JIT time
for (const kind of kinds) {
  run(build(kind, 2000, false, 1), 5_000, 2, undefined);
  run(build(kind, 2000, true, 1), 50_000, 2, undefined);
}
console.log('kind   n       linear ev/s (median)   indexed ev/s (median)   ratio median [min–max]');
for (const kind of kinds) {
  for (const n of sizes) {
    // the scan is slow at large n: time it over fewer events; the index runs `mult`× as many and
    // its first `events` picks are checked against the scan's. At 10,000 the index's window is
    // 30× the scan's (≈ 100 ms CPU rather than 10 ms, so one scavenge or a busy neighbour is not a
    // third of it); running longer never flatters lblcr, whose per-address sets only grow.
    const events = n >= 10_000 ? 3_000 : 20_000;
    const mult = Number(process.env['BENCH_IDX_MULT'] ?? (n >= 10_000 ? 30 : 10));
    const lin: number[] = [];
    const idx: number[] = [];
    const ratio: number[] = [];
    for (let rep = 0; rep < runs; rep++) {
      const names: string[] = [];
      const l = (events / run(build(kind, n, false, 7), events, 9, names)) * 1000;
      const i = ((events * mult) / run(build(kind, n, true, 7), events * mult, 9, undefined, names)) * 1000;
      lin.push(l);
      idx.push(i);
      ratio.push(i / l);
    }
    const span = `[${Math.min(...ratio).toFixed(0)}–${Math.max(...ratio).toFixed(0)}]`;
    const reps = process.env['BENCH_REPS'] === '1' ? `  reps ${ratio.map((x) => x.toFixed(0)).join(' ')}` : '';
    console.log(`${kind.padEnd(6)} ${String(n).padEnd(7)} ${median(lin).toFixed(0).padStart(20)}   ${median(idx).toFixed(0).padStart(21)}   ${median(ratio).toFixed(1).padStart(6)}× ${span}${reps}`);
  }
}

function timeIt(label: string, f: () => void, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) f();
  const perSec = (n / (performance.now() - t0)) * 1000;
  console.log(`${label.padEnd(52)} ${perSec.toFixed(0).padStart(12)} picks/s`);
  return perSec;
}

console.log('\nweighted round robin, 10 servers weights 1..10:');
const ws = Array.from({ length: 10 }, (_, i) => i + 1);
const wrr = new VirtualService({ scheduler: 'rr' });
for (let i = ws.length - 1; i >= 0; i--) wrr.addDest({ name: `s${String(i)}`, weight: ws[i] ?? 1 });
wrr.setScheduler('wrr');
const a = timeIt('IPVS wrr (ip_vs_wrr_schedule)', () => wrr.schedule({ srcAddr: 1 }), 1_000_000);
const up = new NginxUpstream({ method: 'round_robin', servers: ws.map((w, i) => ({ name: `s${i}`, address: `10.0.0.${i}:80`, weight: w })) });
const b = timeIt('nginx smooth WRR (ngx_http_upstream_get_peer + free)', () => up.request(), 1_000_000);
const expanded = ws.flatMap((w, i) => Array.from({ length: w }, () => i));
let k = 0;
const c = timeIt('naive baseline: expanded array, k++ mod Σw', () => expanded[k++ % expanded.length], 1_000_000);
console.log(`ratios: wrr/naive ${(a / c).toFixed(2)}, smooth/naive ${(b / c).toFixed(2)}`);
