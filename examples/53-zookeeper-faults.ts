// ZooKeeper under seeded faults: a schedule of crashes, partitions and lossy links, the safety monitor's verdict, and a planted bug it catches
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

// The same kind of schedules with a planted bug: "a quorum is n/2" on 4 servers.
for (let seed = 1000; seed < 1100; seed++) {
  const bad = runSchedule(seed, { sizes: [4], planted: { quorumOfHalf: true } });
  if (bad.violations.length > 0) {
    const v = bad.violations[0]!;
    console.log(`planted bug "a quorum is n/2", seed ${seed}: caught at t=${v.t} ms on s${v.sid}`);
    console.log(`  ${v.property}: ${v.detail}`);
    const clean = runSchedule(seed, { sizes: [4] });
    console.log(`  the same seed with QuorumMaj: ${clean.violations.length} violations, settled: ${clean.settled}`);
    break;
  }
}
