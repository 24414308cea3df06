/**
 * A loop to profile the typed `set` of pre-built keys against @isaacs/ttlcache's (issue 19's
 * "array / fixed" set cell): `rounds` fresh instances, each filled with the same n fresh keys
 * (`key:${i}:${h}`, V8 cons strings) with a fixed 60 s TTL; prints ns CPU per set over all rounds
 * but the first. Run one library per process under the profiler:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof-ks --import tsx --conditions=@protolab/source packages/redis-keyspace/bench/profile-set.ts 100000 20 keyspace
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof-tc --import tsx --conditions=@protolab/source packages/redis-keyspace/bench/profile-set.ts 100000 20 ttlcache
 */
import { TTLCache } from '@isaacs/ttlcache';
import { RealClockKeyspace } from '@protolab/redis-keyspace';

const keyOf = (i: number): string => `key:${i}:${(i * 2654435761) >>> 0}`;
const n = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 20);
const lib = process.argv[4] ?? 'keyspace';
if (lib !== 'keyspace' && lib !== 'ttlcache') throw new Error(`library must be keyspace or ttlcache, found ${lib}`);
let prev: { close(): void } | undefined;
let total = 0;
for (let r = 0; r < rounds; r++) {
  const keys = Array.from({ length: n }, (_, i) => keyOf(i));
  let t0: NodeJS.CpuUsage;
  if (lib === 'keyspace') {
    const rc = new RealClockKeyspace();
    prev?.close();
    prev = rc;
    const ks = rc.keyspace;
    t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) ks.set(keys[i] ?? '', 'value', { px: 60_000 });
  } else {
    const c = new TTLCache<string, string>({ ttl: 60_000 });
    prev?.close();
    prev = { close: () => { c.clear(); } };
    t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) c.set(keys[i] ?? '', 'value', { ttl: 60_000 });
  }
  const d = process.cpuUsage(t0);
  if (r > 0) total += d.user + d.system;
}
prev?.close();
console.log(`${lib}: set ${((total * 1000) / n / Math.max(1, rounds - 1)).toFixed(0)} ns CPU per op (${n} keys, ${rounds - 1} timed rounds)`);
