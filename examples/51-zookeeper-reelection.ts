// ZooKeeper run-time re-election: a larger zxid beats a larger sid, then the laggards sync by DIFF
// Run alone: npx tsx examples/51-zookeeper-reelection.ts   (or: npm run example -- 51)
import { renderTrace } from '@protolab/sim';
import { Ensemble, zxidToHex } from '@protolab/zookeeper';

// Worked example B of the reference, as observed on a real 3.8.0 ensemble.
const e = new Ensemble({ n: 5, seed: 7 });
for (const sid of [1, 2, 3, 4, 5]) {
  e.start(sid);
  e.runFor(3000);
}
e.runUntil((x) => x.stable());
const show = (what: string): void => {
  const z = e.servers.map((s) => `s${s}:${e.role(s).padEnd(9)} ${e.isUp(s) ? zxidToHex(e.zxid(s)!) : '-'}`);
  console.log(`t=${String(e.sim.now()).padStart(6)} ${what.padEnd(38)} ${z.join('  ')}`);
};
const write = (n: number, p: string): void => {
  for (let i = 0; i < n; i++) e.write(`${p}${i}`);
  e.runFor(1000);
};

show('started 1..5: leader 3');
write(6, 'a');
show('6 writes');
e.stop(4);
e.stop(5);
write(13, 'b');
show('s4, s5 stopped; 13 more writes');
const cut = e.sim.trace.length;
e.stop(3);
e.runFor(15_000);
show('leader s3 stopped (+15 s)');
const p1 = e.peer(1)!.fle;
console.log(`         s1 is in round ${p1.logicalclock} proposing (${p1.proposal.leader}, ${zxidToHex(p1.proposal.zxid)}, e${p1.proposal.peerEpoch}): same zxid as s2, larger sid wins; 2 votes < 3`);
e.start(4);
e.start(5);
e.runUntil((x) => x.stable());
show('s4, s5 restarted');
console.log(`\nleader: s${e.leader()}  epochs: ${JSON.stringify(e.epochs(e.leader()!))}  sync modes: ${JSON.stringify(e.syncModes())}`);
console.log('s4 and s5 came back in round 1 voting (4|5, 0x100000006); the round-2 notifications made them jump to round 2 and');
console.log('compare (2, 0x100000013) with their INITIAL vote: the larger zxid wins over their larger sids.\n');
console.log(renderTrace(e.sim.trace.slice(cut).filter((t) => !(t.label ?? '').startsWith('PING') && t.kind !== 'timer' && t.kind !== 'drop'), { limit: 45, legend: false }));
