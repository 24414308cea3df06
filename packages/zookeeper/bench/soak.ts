// Soak: many seeded fault schedules (3 or 5 servers; loss, duplication, delay, partitions,
// crash/restart, client writes; then faults stop and the ensemble must settle).
//   npx tsx --conditions=@protolab/source packages/zookeeper/bench/soak.ts [count] [firstSeed]
// Prints the first failing seeds; replay one with runSchedule(seed) from @protolab/zookeeper.
import { runSchedule } from '@protolab/zookeeper';

const count = Number(process.argv[2] ?? 10_000);
const first = Number(process.argv[3] ?? 1);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const modes: Record<string, number> = {};
const failures: string[] = [];
let unsettled = 0;
let maxSettle = 0;
let committed = 0;
let epochs = 0;
let truncatedLaterCommitted = 0;
for (let seed = first; seed < first + count; seed++) {
  const r = runSchedule(seed, { faultMs: 20_000 });
  for (const [k, v] of Object.entries(r.syncModes)) modes[k] = (modes[k] ?? 0) + v;
  if (r.violations.length > 0) failures.push(`seed ${seed}: ${r.violations[0]!.property} — ${r.violations[0]!.detail}`);
  else if (!r.settled) {
    unsettled++;
    failures.push(`seed ${seed}: did not settle within 180 s of virtual time`);
  }
  maxSettle = Math.max(maxSettle, r.settleMs);
  committed += r.committed;
  epochs += r.epochs;
  truncatedLaterCommitted += r.truncatedLaterCommitted;
  if ((seed - first + 1) % 1000 === 0) process.stdout.write(`  ${seed - first + 1} schedules, ${failures.length} failing\n`);
}
const cpu = process.cpuUsage(cpu0);
console.log(`${count} schedules (seeds ${first}..${first + count - 1}): ${failures.length} failing (${unsettled} unsettled), ` +
  `${((performance.now() - t0) / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`);
console.log(`sync modes: ${JSON.stringify(modes)}; committed txns: ${committed}; established epochs: ${epochs}; ` +
  `slowest settle after faults: ${(maxSettle / 1000).toFixed(1)} s virtual; TRUNCs that cut a txn committed meanwhile: ${truncatedLaterCommitted}`);
for (const f of failures.slice(0, 20)) console.log('  ' + f);
process.exitCode = failures.length > 0 ? 1 : 0;
