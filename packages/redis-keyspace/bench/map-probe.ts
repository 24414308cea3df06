/**
 * What a V8 `Map` member dict costs per new member at 10^5 entries against 10^3 (ZADD's dict
 * probe + insert, without the rest of ZADD): get-miss then set of a fresh `member:${i}` string,
 * 10^5 into one map vs 10^3 into each of 100 maps (all kept alive, as bench/collections.ts does).
 * "young": each string built right before its probe (as argv strings arrive); "old": built
 * before the timed loop and moved to the old generation by a full GC (no young string is
 * stored into an old table: bounds the generational write barrier's share). CPU time.
 *
 *   npx tsx packages/redis-keyspace/bench/map-probe.ts [rounds]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadavg } from 'node:os';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function perPairNs(n: number, promoted: boolean): number {
  const maps = Array.from({ length: 100_000 / n }, () => new Map<string, number>());
  const pre = promoted ? Array.from({ length: 100_000 }, (_, i) => `member:${i % n}`) : [];
  if (promoted) gc();
  const t0 = process.cpuUsage();
  let k = 0;
  for (const m of maps) {
    for (let i = 0; i < n; i++) {
      const s = promoted ? (pre[k++] ?? '') : `member:${i}`;
      if (m.get(s) === undefined) m.set(s, i);
    }
  }
  const d = process.cpuUsage(t0);
  return ((d.user + d.system) * 1000) / 100_000;
}

const rounds = Number(process.argv[2] ?? 6);
console.log(`ns CPU per get-miss + set; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (let r = 0; r < rounds; r++) {
  const cells: string[] = [];
  for (const promoted of [false, true]) {
    for (const n of [1000, 100_000]) cells.push(`${promoted ? 'old' : 'young'} ${n}: ${perPairNs(n, promoted).toFixed(0)}`);
  }
  console.log(cells.join('  '));
}
