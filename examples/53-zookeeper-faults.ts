// ZooKeeper under seeded faults: a schedule of crashes, partitions and lossy links, the safety monitor's verdict, and a planted bug it catches
// Run alone: npx tsx examples/53-zookeeper-faults.ts   (or: npm run example -- 53)
import { renderTrace } from '@protolab/sim';
import { runSchedule } from '@protolab/zookeeper';

// One seed picks everything: ensemble size, link fault rates, start order, and a 40 s schedule of
// crashes, restarts, partitions, heals and client writes. Then the faults stop and the ensemble
// must settle: one leader, everyone following it. The SafetyMonitor checks Zab's properties on
// every event (Leadership, PrimaryIntegrity, PrefixConsistency, Integrity, epoch monotonicity, …).
const r = runSchedule(7, { trace: true });
console.log(`seed 7: ${r.n} servers, ${r.epochs} leaders established, ${r.committed} txns committed, ${r.messages} messages`);
console.log(`sync modes seen: ${JSON.stringify(r.syncModes)}`);
console.log(`settled ${(r.settleMs / 1000).toFixed(1)} s (virtual) after the faults stopped: ${r.settled}; violations: ${r.violations.length}`);
console.log(`final roles: ${JSON.stringify(r.ensemble.roles())}\n`);

console.log('The protocol notes of that run (elections, syncs, step-downs), first 30:');
const notes = r.ensemble.sim.trace.filter((t) => t.kind === 'note' || t.kind === 'crash' || t.kind === 'restart' || t.kind === 'partition' || t.kind === 'heal');
console.log(renderTrace(notes, { legend: false, limit: 31 }));

// Other runs, not the one above: 4-server schedules (seeds from 1000 on) with a planted bug,
// "a quorum is n/2", until the monitor catches it.
console.log('\nNow other runs: 4-server schedules with the planted bug "a quorum is n/2" (seeds 1000..1099), until one is caught:');
for (let seed = 1000; seed < 1100; seed++) {
  const bad = runSchedule(seed, { sizes: [4], planted: { quorumOfHalf: true } });
  const v = bad.violations[0];
  if (v !== undefined) {
    console.log(`planted bug "a quorum is n/2", 4-server run of seed ${seed}: caught at t=${v.t} ms on s${v.sid} of that run`);
    console.log(`  ${v.property}: ${v.detail}`);
    const clean = runSchedule(seed, { sizes: [4] });
    console.log(`  the same seed with QuorumMaj (a quorum is more than n/2): ${clean.violations.length} violations, settled: ${clean.settled}`);
    break;
  }
}
