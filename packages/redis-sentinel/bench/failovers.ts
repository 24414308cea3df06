/**
 * 1,000 seeded Sentinel fail-overs with faults, timed (issue 18's benchmark): the seed's
 * deployment (a master, 2 replicas, 3 sentinels, quorum 2), link loss up to 5 % and delays up
 * to 40 ms, the master crashed after 12 s, then 60 s of virtual time. Prints wall and CPU time and
 * how many runs ended with +switch-master.
 *
 *   npx tsx --conditions=@protolab/source packages/redis-sentinel/bench/failovers.ts [runs] [repeats]
 */
import { cpus, loadavg } from 'node:os';
import { Prng } from '@protolab/sim';
import { sentinelDeployment, type SentinelSimNode } from '../src/index.js';

const runs = Number(process.argv[2] ?? 1000);
const repeats = Number(process.argv[3] ?? 3);

function one(seed: number): boolean {
  const pick = new Prng(seed).fork('bench');
  const { sim, sentinels } = sentinelDeployment({ seed, link: { lossRate: pick.float() * 0.05, maxExtraDelayMs: pick.int(0, 40) } });
  sim.runFor(12_000);
  sim.crash('m');
  sim.runFor(60_000);
  return sentinels.some((s) => sim.node<SentinelSimNode>(s).core.events.some((e) => e.startsWith('+switch-master')));
}

console.log(`node ${process.version}, ${String(cpus().length)} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (let r = 0; r < repeats; r++) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let switched = 0;
  for (let seed = 1; seed <= runs; seed++) if (one(seed)) switched++;
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(`${String(runs)} fail-over runs: wall ${(wall / 1000).toFixed(2)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s, ${String(switched)} ended with +switch-master`);
}
