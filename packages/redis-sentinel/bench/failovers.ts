/**
 * 1,000 seeded Sentinel fail-overs with faults, timed (issue 18's benchmark): the seed's
 * deployment (a master, 2 replicas, 3 sentinels, quorum 2), link loss up to 5 % and delays up
 * to 40 ms, the master crashed after 12 s, then 60 s of virtual time. Prints wall and CPU time and
 * how many runs ended with +switch-master. Then, untimed, the same runs with a client (SET every
 * 50 ms to the master s1 names, WAIT-free): the unavailable window (crash → next +OK) and the
 * acknowledged writes the final master lacks, read from the instances' replication cores.
 *
 *   npx tsx --conditions=@protolab/source packages/redis-sentinel/bench/failovers.ts [runs] [repeats]
 */
import { cpus, loadavg } from 'node:os';
import { Prng } from '@protolab/sim';
import { sentinelDeployment, type InstanceNode, type SentinelSimNode } from '../src/index.js';

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

/** One run with a client: the unavailable window (ms, or undefined) and the acknowledged keys lost. */
function withClient(seed: number): { unavailableMs: number | undefined; lost: number | undefined; acked: number } {
  const pick = new Prng(seed).fork('bench');
  const { sim, sentinels } = sentinelDeployment({ seed, link: { lossRate: pick.float() * 0.05, maxExtraDelayMs: pick.int(0, 40) } });
  const s1 = (): string => sim.node<SentinelSimNode>(sentinels[0] ?? 's1').core.getMasterAddrByName('mymaster');
  const acked: string[] = [];
  let unavailableMs: number | undefined;
  for (let t = 0; t < 72_000; t += 50) {
    if (t === 12_000) sim.crash('m');
    const addr = s1();
    const key = `k${String(t)}`;
    if (sim.isUp(addr) && sim.node<InstanceNode>(addr).write(['SET', key, 'v']).reply.type === 'ok') {
      acked.push(key);
      if (t > 12_000 && unavailableMs === undefined) unavailableMs = t - 12_000;
    }
    sim.runFor(50);
  }
  const final = s1();
  // With s1 still naming the crashed master at the end there is no master to compare with.
  if (!sim.isUp(final)) return { unavailableMs, lost: undefined, acked: acked.length };
  const held = sim.node<InstanceNode>(final).core.data;
  return { unavailableMs, lost: acked.filter((k) => !held.has(k)).length, acked: acked.length };
}

const windows: number[] = [];
let lost = 0;
let acked = 0;
let never = 0;
for (let seed = 1; seed <= runs; seed++) {
  const r = withClient(seed);
  if (r.unavailableMs === undefined) never++;
  else windows.push(r.unavailableMs);
  lost += r.lost ?? 0;
  acked += r.acked;
}
windows.sort((a, b) => a - b);
const q = (p: number): string => ((windows[Math.min(windows.length - 1, Math.floor(p * windows.length))] ?? 0) / 1000).toFixed(2);
console.log(`with a client: unavailable median ${q(0.5)} s, p95 ${q(0.95)} s, max ${q(1)} s (${String(never)} runs never wrote again: s1 still named the crashed master); acknowledged writes ${String(acked)}, lost ${String(lost)} (in the runs that have a master at the end)`);
