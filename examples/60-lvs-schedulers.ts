// LVS: all 14 IPVS schedulers on one seeded workload — imbalance, peak load, and who moved when a server failed
//
//   npx tsx examples/60-lvs-schedulers.ts
//
// The same Poisson traffic (seed 7: 40 new TCP connections/s, mean 3 s, 300 client addresses) hits
// a director with four real servers of weights 3, 2, 1, 2 for 120 virtual seconds; B is removed at
// t = 60 s (what keepalived does on a failed TCP_CHECK). Writes examples/out/lvs-schedulers.svg.
import { mkdirSync, writeFileSync } from 'node:fs';
import { runWorkload, SCHEDULER_NAMES, type WorkloadResult } from '@protolab/lvs';

const servers = [
  { name: 'A', weight: 3 },
  { name: 'B', weight: 2 },
  { name: 'C', weight: 1 },
  { name: 'D', weight: 2 },
];
const results: WorkloadResult[] = [];
for (const scheduler of SCHEDULER_NAMES) {
  results.push(
    runWorkload({
      seed: 7,
      scheduler,
      flags: scheduler === 'sh' ? ['sh-fallback'] : scheduler === 'mh' ? ['mh-fallback'] : [],
      servers,
      durationMs: 120_000,
      arrivalsPerSec: 40,
      meanConnMs: 3000,
      sources: 300,
      fail: { name: 'B', atMs: 60_000 },
    }),
  );
}

const pct = (n: number, d: number): string => (d === 0 ? '   –' : `${((100 * n) / d).toFixed(0).padStart(3)}%`);
console.log('sched  picks A/B/C/D (w 3/2/1/2)   none  picks/weight  peak active   max active A/B/C/D   moved after B failed');
console.log('                                         max÷mean   max÷mean per w                      all   not-from-B');
for (const r of results) {
  const p = servers.map((s) => String(r.picks[s.name]).padStart(4)).join(' ');
  const m = servers.map((s) => String(r.maxActive[s.name]).padStart(3)).join(' ');
  console.log(
    `${r.scheduler.padEnd(6)} ${p}          ${String(r.none).padStart(5)}  ${r.imbalance.toFixed(2).padStart(8)}  ${r.peakActivePerWeight.toFixed(2).padStart(12)}   ${m}   ${pct(r.moved, r.movedSeen)}  ${pct(r.movedCollateral, r.movedSeen)}`,
  );
}
console.log(`
How to read it
- rr and lc ignore weights (C, weight 1, gets as many picks as A); wrr/wlc/sed/nq/twos/lblcr follow them.
- fo sends everything to the heaviest server; dh hashes the DESTINATION (one VIP here), so one server gets all.
- ovf fills each server to weight+1 ACTIVE connections, then returns "none" (the packet is dropped).
- lblc keys on the destination too, sticks to one server until it is "overloaded" (active > weight while
  another has 2·active < weight), so its peaks are high.
- "moved not-from-B": clients whose server did NOT fail but who landed elsewhere afterwards. mh (Maglev)
  keeps almost all of them; sh re-lays its whole 256-bucket table when B is deleted, so many move too
  (sh is not consistent hashing); the connection-count schedulers have no affinity at all.`);

// SVG: active connections over time on each server, for a few schedulers
const pick = ['wrr', 'wlc', 'sh', 'mh', 'lblc', 'ovf'] as const;
const W = 300;
const H = 150;
const colors = { A: '#1f77b4', B: '#d62728', C: '#2ca02c', D: '#9467bd' } as Record<string, string>;
const panels = pick.map((name, idx) => {
  const r = results.find((x) => x.scheduler === name);
  if (r === undefined) throw new Error(`no result for ${name}`);
  // the table's "max active" is the peak at any instant; the curves are 1 s samples, whose own
  // maximum can be lower — label the panel with the table's number and scale to it
  const peak = Math.max(1, ...Object.values(r.maxActive));
  const maxY = Math.max(peak, ...r.series.flatMap((s) => Object.values(s.active)));
  const x0 = (idx % 3) * (W + 30) + 40;
  const y0 = Math.floor(idx / 3) * (H + 50) + 40;
  const lines = servers.map((s) => {
    const pts = r.series
      .filter((p) => p.active[s.name] !== undefined)
      .map((p) => `${(x0 + (p.t / 120_000) * W).toFixed(1)},${(y0 + H - ((p.active[s.name] ?? 0) / maxY) * H).toFixed(1)}`);
    return `<polyline fill="none" stroke="${colors[s.name]}" stroke-width="1.2" points="${pts.join(' ')}"/>`;
  });
  const failX = x0 + W / 2;
  return [
    `<rect x="${x0}" y="${y0}" width="${W}" height="${H}" fill="none" stroke="#999"/>`,
    `<text x="${x0}" y="${y0 - 6}" font-size="12">${name} (peak ${peak} active on one server; curves sampled every 1 s)</text>`,
    `<line x1="${failX}" y1="${y0}" x2="${failX}" y2="${y0 + H}" stroke="#d62728" stroke-dasharray="3,3"/>`,
    ...lines,
  ].join('\n');
});
const legend = servers.map((s, i) => `<text x="${40 + i * 90}" y="${2 * (H + 50) + 40}" font-size="12" fill="${colors[s.name]}">${s.name} (weight ${s.weight})</text>`).join('\n');
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${3 * (W + 30) + 40}" height="${2 * (H + 50) + 60}" font-family="sans-serif">
<text x="40" y="20" font-size="14">Active connections per real server, same seeded traffic; B removed at t = 60 s (dashed)</text>
${panels.join('\n')}
${legend}
</svg>`;
const outDir = new URL('./out/', import.meta.url);
mkdirSync(outDir, { recursive: true });
const out = new URL('lvs-schedulers.svg', outDir);
writeFileSync(out, svg);
console.log(`\nwrote ${out.pathname}`);
