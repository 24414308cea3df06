import type { ReplayResult } from './replay.js';

/** The distribution as a table, then what moved. */
export function formatReplay(r: ReplayResult, what: string): string {
  const total = r.servers.reduce((a, s) => a + s.picks, 0) + r.none;
  const width = Math.max(6, ...r.servers.map((s) => s.name.length));
  const lines = [
    `balancer: ${r.balancer}   (from ${r.source})`,
    `replayed: ${what}`,
    '',
    `${'server'.padEnd(width)}  weight  ${'picks'.padStart(7)}   share`,
    ...r.servers.map((s) => `${s.name.padEnd(width)}  ${String(s.weight).padStart(6)}  ${String(s.picks).padStart(7)}  ${pct(s.picks, total)}`),
  ];
  if (r.none > 0) lines.push(`${'(none)'.padEnd(width)}  ${''.padStart(6)}  ${String(r.none).padStart(7)}  ${pct(r.none, total)}`);
  const m = r.removal;
  if (m !== undefined) {
    lines.push('', `without ${m.server}: ${String(m.moved)} of ${String(m.seen)} clients moved — ${String(m.fromRemoved)} had been on ${m.server}, ${String(m.collateral)} moved although their server stayed (${pct(m.collateral, m.seen).trim()} collateral)`);
  }
  return lines.join('\n');
}

function pct(n: number, of: number): string {
  return `${(of === 0 ? 0 : (100 * n) / of).toFixed(1).padStart(5)} %`;
}
