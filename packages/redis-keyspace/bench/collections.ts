// Per-operation time of single-element LPUSH / RPUSH / 8-byte APPEND / ZADD (and ZADD + ZRANGE pairs) on one key,
// at 10^3 and 10^5 operations: with Redis's structures (quicklist, skiplist) the per-op time at
// 10^5 stays within ~2× of that at 10^3 (issue 15's target). Both columns run 10^5 operations in total (100 fresh
// keyspaces × 10^3, or one × 10^5), so JIT warm-up and GC weigh the same on both sides. CPU time
// of this process (process.cpuUsage: the machine is shared), not wall time. Timing only; the
// operation-count claims are in test/costs.test.ts.
//
//   npx tsx --conditions=@protolab/source packages/redis-keyspace/bench/collections.ts [reps] [workload prefix]
import { Keyspace } from '../src/index.js';

type Workload = (ks: Keyspace, n: number) => void;

const WORKLOADS: [string, Workload][] = [
  ['LPUSH l e', (ks, n) => { for (let i = 0; i < n; i++) ks.execute(['LPUSH', 'l', `element:${i}`]); }],
  ['RPUSH l e', (ks, n) => { for (let i = 0; i < n; i++) ks.execute(['RPUSH', 'l', `element:${i}`]); }],
  ['APPEND s 8 bytes', (ks, n) => { for (let i = 0; i < n; i++) ks.execute(['APPEND', 's', 'abcdefgh']); }],
  ['ZADD z s m', (ks, n) => { for (let i = 0; i < n; i++) ks.execute(['ZADD', 'z', String((i * 7919) % 1_000_003), `member:${i}`]); }],
  ['ZADD + ZRANGE z 0 9', (ks, n) => {
    for (let i = 0; i < n; i++) {
      ks.execute(['ZADD', 'z', String((i * 7919) % 1_000_003), `member:${i}`]);
      ks.execute(['ZRANGE', 'z', '0', '9']);
    }
  }],
];

/** 10^5 operations in total: on `keys` fresh keyspaces of n = 10^5 / keys operations each. */
function perOpNs(w: Workload, n: number): number {
  const rounds = 100_000 / n;
  const spaces = Array.from({ length: rounds }, () => new Keyspace({ now: () => 1_700_000_000_000 }));
  const t0 = process.cpuUsage();
  for (const ks of spaces) w(ks, n);
  const d = process.cpuUsage(t0);
  return ((d.user + d.system) * 1000) / 100_000;
}

const reps = Number(process.argv[2] ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
console.log(`per-operation CPU time, median (min–max) of ${reps} runs; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
// Optional second argument: only the workloads whose name starts with it (e.g. ZADD).
const only = process.argv[3];
for (const [name, w] of WORKLOADS.filter(([n]) => only === undefined || n.startsWith(only))) {
  perOpNs(w, 1000); // warm-up (JIT)
  const small: number[] = [];
  const big: number[] = [];
  for (let r = 0; r < reps; r++) {
    small.push(perOpNs(w, 1000));
    big.push(perOpNs(w, 100_000));
  }
  const fmt = (xs: number[]): string => `${(median(xs) / 1000).toFixed(2)} µs (${(Math.min(...xs) / 1000).toFixed(2)}–${(Math.max(...xs) / 1000).toFixed(2)})`;
  console.log(`${name.padEnd(22)} 10^3: ${fmt(small).padEnd(28)} 10^5: ${fmt(big).padEnd(28)} ratio ${(median(big) / median(small)).toFixed(2)}`);
}
