/**
 * 10^5 single-member ZADDs on one key (bench/collections.ts's ZADD row), for `node --cpu-prof`:
 *
 *   npx tsx --cpu-prof --cpu-prof-dir=/tmp/prof packages/redis-keyspace/bench/profile-zadd.ts [n] [keyspaces]
 */
import { Keyspace } from '../src/index.js';

const n = Number(process.argv[2] ?? 100_000);
// Optional: the same n ZADDs spread over `spaces` fresh keyspaces (n / spaces each), the 10^3 side.
const spaces = Number(process.argv[3] ?? 1);
const per = Math.floor(n / spaces);
const all = Array.from({ length: spaces }, () => new Keyspace({ now: () => 1_700_000_000_000 }));
const t0 = process.cpuUsage();
for (const ks of all) for (let i = 0; i < per; i++) ks.execute(['ZADD', 'z', String((i * 7919) % 1_000_003), `member:${i}`]);
const t = process.cpuUsage(t0);
console.log(`ZADD ×${per} on one key, ${spaces} keyspace(s): ${(((t.user + t.system) * 1000) / (per * spaces) / 1000).toFixed(2)} µs CPU per op`);

// B+tree visits per insert (node visits + in-node search steps, the tree's own counter) at 10^3 and at n: O(log n) growth alone.
for (const size of process.argv[3] === undefined ? [1000, n] : []) {
  const k = new Keyspace({ now: () => 1_700_000_000_000 });
  for (let i = 0; i < size; i++) k.execute(['ZADD', 'z', String((i * 7919) % 1_000_003), `member:${i}`]);
  const slot = k.core.dbs[0]?.dict.get('z') ?? -1;
  const z = k.core.dbs[0]?.valOf[slot];
  const visits = z !== undefined && typeof z === 'object' && 'zsl' in z ? z.zsl.visits : NaN;
  console.log(`${size} ZADDs: ${(visits / size).toFixed(1)} B+tree visits per insert`);
}
