// The active expire cycle's cost per reclaimed key, beside real Redis's (~1.2–1.4 µs per key
// measured on redis-server 7.0.15 on this machine when quiet: docs/redis-expiry.md §3, 229–281 ms
// of expire-cycle CPU for 200 000 keys).
//   1. our cycle on the real clock (RealCycleClock: wall time, like Redis's ustime()),
//   2. the cost model the simulator charges (DEFAULT_COST_MODEL) on the 200k + 200k experiment.
//
//   npx tsx --conditions=@protolab/source packages/redis-keyspace/bench/expire-cost.ts
import { Keyspace, RealCycleClock, expiryExperiment } from '@protolab/redis-keyspace';

const N = 200_000;

function realClockCost(hz: number): { usPerKey: number; cycles: number } {
  const t0 = Date.now();
  const ks = new Keyspace({ now: () => Date.now(), hz, dynamicHz: false });
  for (let i = 0; i < N; i++) {
    ks.set(`v:${i}`, 'x', { pxat: t0 + 1 });
    ks.set(`p:${i}`, 'x');
  }
  while (Date.now() <= t0 + 1) { /* let every deadline pass */ }
  const clock = new RealCycleClock();
  let cycles = 0;
  const before = ks.stats.expireCycleTimeUsedUs;
  while (ks.stats.activeExpiredKeys < N && cycles < 100_000) {
    ks.serverCron(clock); // the slow cycle, then databasesCron's table resize
    cycles++;
  }
  if (ks.stats.activeExpiredKeys < N) throw new Error(`only ${ks.stats.activeExpiredKeys} of ${N} reclaimed`);
  const usedUs = ks.stats.expireCycleTimeUsedUs - before;
  return { usPerKey: usedUs / ks.stats.activeExpiredKeys, cycles };
}

console.log(`${N} expired keys + ${N} without TTL, reclaimed by serverCron → activeExpireCycle(SLOW) only, back to back\n`);
for (const hz of [10, 100]) {
  const r = realClockCost(hz);
  console.log(`real clock, hz ${String(hz).padStart(3)}: ${r.usPerKey.toFixed(2)} µs per reclaimed key (${r.cycles} slow cycles)`);
}
for (const hz of [10, 100]) {
  const e = expiryExperiment({ hz });
  console.log(`cost model, hz ${String(hz).padStart(3)}: ${((e.cpuMs * 1000) / e.expiredKeys).toFixed(2)} µs per reclaimed key (${e.cpuMs.toFixed(0)} ms for ${e.expiredKeys} keys)`);
}
console.log('real redis-server 7.0.15 (reference §2.3, quiet machine): 229–281 ms for 200 000 keys = 1.15–1.41 µs per key');
