// Lazy + active expiry: 200k keys with TTLs + 200k without, never touched; "expired but not reclaimed" over time at hz 10 and 100
//
//   npx tsx examples/21-redis-expiry-curves.ts          # 1/4 scale (fast, for the tour)
//   npx tsx examples/21-redis-expiry-curves.ts --full   # the full 200k + 200k experiment
//
// Writes examples/out/redis-expiry-curves.svg. With --full it also overlays the curves measured on
// a real redis-server 7.0.15 (packages/redis-keyspace/docs/curves.json, from packages/redis-keyspace/test/expiry.peer.test.ts).
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { expiryExperiment } from '@protolab/redis-keyspace';
import type { CurvePoint, ExperimentResult } from '@protolab/redis-keyspace';

const full = process.argv.includes('--full');
const scale = full ? 1 : 0.25;
const volatile = 200_000 * scale;
const spreadMs = 1000 * scale;
const every = full ? 100 : 25;

const runs: ExperimentResult[] = [];
for (const hz of [10, 100]) {
  const t0 = performance.now();
  const r = expiryExperiment({ hz, volatile, persistent: volatile, spreadMs, sampleEveryMs: every });
  runs.push(r);
  console.log(
    `hz ${String(hz).padStart(3)}: peak ${r.peak.stale} stale keys at E0+${r.peak.tMs} ms; all reclaimed by E0+${r.reclaimedAtMs ?? '?'} ms; ` +
      `cycle CPU ${r.cpuMs.toFixed(0)} ms (${((r.cpuMs * 1000) / volatile).toFixed(2)} µs/key); time-limit hits ${r.timeCapHits} ` +
      `[${(performance.now() - t0).toFixed(0)} ms wall]`,
  );
}

const maxStale = Math.max(...runs.map((r) => r.peak.stale));
console.log(`\n"expired but not yet reclaimed" (each █ ≈ ${Math.round(maxStale / 40)} keys)`);
const times = runs[0]!.points.map((p) => p.tMs);
for (const t of times) {
  const row = runs.map((r) => r.points.find((p) => p.tMs === t)?.stale ?? 0);
  const bar = (n: number): string => '█'.repeat(Math.round((n / maxStale) * 40));
  console.log(`E0${t >= 0 ? '+' : ''}${String(t).padStart(5)} ms  hz10 ${String(row[0]).padStart(7)} ${bar(row[0]!).padEnd(40)} hz100 ${String(row[1]).padStart(7)} ${bar(row[1]!)}`);
}
console.log(`
Reading the curves: at first each per-db loop samples 20 keys and stops as soon as
≤ 10 % of a sample is expired, so little is reclaimed and the backlog grows at the expiry rate.
Once most sampled keys are expired the loop only stops on its time limit (25 % of a tick), and the
backlog drains at a CPU-bound rate. hz 100 spends the same CPU in smaller, more frequent slices.`);

// ---- SVG
interface Series { label: string; color: string; dash?: string; points: CurvePoint[] }

function plot(title: string, series: Series[]): string {
  const W = 760, H = 380, L = 70, R = 20, T = 30, B = 50;
  const all = series.flatMap((s) => s.points);
  const tMax = Math.max(...all.map((p) => p.tMs));
  const tMin = Math.min(...all.map((p) => p.tMs));
  const yMax = Math.max(...all.map((p) => p.stale)) * 1.05;
  const x = (t: number): number => L + ((t - tMin) / (tMax - tMin)) * (W - L - R);
  const y = (v: number): number => H - B - (v / yMax) * (H - T - B);
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">\n<rect width="100%" height="100%" fill="white"/>\n`;
  svg += `<text x="${L}" y="18" font-size="14">${title}</text>\n`;
  svg += `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>\n`;
  for (let i = 0; i <= 5; i++) {
    const v = (yMax / 5) * i;
    svg += `<text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${Math.round(v / 1000)}k</text><line x1="${L}" y1="${y(v)}" x2="${W - R}" y2="${y(v)}" stroke="#eee"/>\n`;
  }
  const step = tMax - tMin > 2000 ? 500 : tMax - tMin > 600 ? 200 : 50;
  for (let t = Math.ceil(tMin / step) * step; t <= tMax; t += step) svg += `<text x="${x(t)}" y="${H - B + 16}" text-anchor="middle">${t}</text>\n`;
  svg += `<text x="${(L + W - R) / 2}" y="${H - 10}" text-anchor="middle">ms after the first deadline (E0); y: keys expired but not yet reclaimed</text>\n`;
  series.forEach((s, i) => {
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    svg += `<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${s.points.map((p) => `${x(p.tMs).toFixed(1)},${y(p.stale).toFixed(1)}`).join(' ')}"/>\n`;
    svg += `<line x1="${W - 330}" y1="${T + 10 + i * 16}" x2="${W - 300}" y2="${T + 10 + i * 16}" stroke="${s.color}" stroke-width="2"${dash}/><text x="${W - 294}" y="${T + 14 + i * 16}">${s.label}</text>\n`;
  });
  return svg + '</svg>\n';
}

const outDir = new URL('./out/', import.meta.url);
mkdirSync(outDir, { recursive: true });
const title = `${volatile} keys expiring over ${spreadMs} ms + ${volatile} without TTL (simulated)`;
const out = new URL('redis-expiry-curves.svg', outDir);
writeFileSync(out, plot(title, [
  { label: 'sim hz 10', color: '#d62728', points: runs[0]!.points },
  { label: 'sim hz 100', color: '#1f77b4', points: runs[1]!.points },
]));
console.log(`\nwrote ${out.pathname}${full ? '' : ' (1/4 scale; --full for 200k + 200k)'}`);

// With --full: the real redis-server curves recorded by packages/redis-keyspace/test/expiry.peer.test.ts, next to the
// simulation run with the cost model scaled to the CPU per key that real run measured.
const curvesFile = new URL('../packages/redis-keyspace/docs/curves.json', import.meta.url);
if (full && existsSync(curvesFile)) {
  const rec = JSON.parse(readFileSync(curvesFile, 'utf8')) as Record<string, { points: CurvePoint[]; scale?: number } | undefined>;
  const series: Series[] = [];
  for (const [hz, color] of [[10, '#d62728'], [100, '#1f77b4']] as const) {
    const real = rec[`real_hz${hz}`];
    const sim = rec[`sim_hz${hz}`];
    if (real) series.push({ label: `real redis-server 7.0.15, hz ${hz}`, color, dash: '6 4', points: real.points });
    if (sim) series.push({ label: `sim hz ${hz}, cost model ×${(sim.scale ?? 1).toFixed(2)}`, color, points: sim.points });
  }
  if (series.length > 0) {
    const out2 = new URL('redis-expiry-real-vs-sim.svg', outDir);
    writeFileSync(out2, plot('200k + 200k keys: real redis-server vs simulation (same CPU per key)', series));
    console.log(`wrote ${out2.pathname}`);
  }
}
