// ZooKeeper start-up election: 5 servers started one by one elect the largest sid of the first majority that is up together
// Run alone: npx tsx examples/50-zookeeper-startup-election.ts   (or: npm run example -- 50)
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderMermaid, type TraceEvent } from '@protolab/sim';
import { Ensemble } from '@protolab/zookeeper';

// Each server starts 3 s after the previous one, as in the reference's real 3.8.0 runs
// (which waited for the "New election" log line, then 3 s). All zxids are 0, so only the
// sid breaks ties: once three servers agree, the election is over, and later servers join
// the established leader through its FOLLOWING/LEADING notifications.
const orders = [
  [1, 2, 3, 4, 5],
  [5, 4, 3, 2, 1],
  [2, 4, 1, 5, 3],
  [3, 1, 5, 2, 4],
];
let first: Ensemble | undefined;
console.log('start order   first majority   leader   (real 3.8.0 ensemble: 1..5 -> 3, 5..1 -> 5, 2,4,1,5,3 -> 4)');
for (const order of orders) {
  const e = new Ensemble({ n: 5, seed: 2026 });
  for (const sid of order) {
    e.start(sid);
    e.runFor(3000);
  }
  e.runUntil((x) => x.stable());
  const majority = order.slice(0, 3);
  console.log(`${order.join(',').padEnd(13)} {${majority.join(',')}}${' '.repeat(9)}  ${e.leader()}        ` + `expected max of first majority = ${Math.max(...majority)}`);
  first ??= e;
}

// The message flow of the first run, up to the moment every server follows the leader
// (PINGs left out). Votes print as vote(leader, zxid, peerEpoch) round N.
const e = first!;
const lastSync = e.events.filter((x) => x.event.type === 'synced').at(-1)!.t;
const flow: TraceEvent[] = e.sim.trace.filter((t) => t.t <= lastSync && !(t.label ?? '').startsWith('PING') && t.kind !== 'timer');
const mermaid = renderMermaid(flow, { participants: ['s1', 's2', 's3', 's4', 's5'], drops: false });
mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
writeFileSync(new URL('./out/50-zookeeper-startup-election.mmd', import.meta.url), mermaid);
console.log('\nHow to read a vote: vote(2, 0x0, e0) = "server 2 should lead; its last zxid is 0x0 and its currentEpoch is 0".');
console.log('Votes are compared by (epoch, zxid, sid): the epoch first, then the zxid; the sid only breaks ties. "round" is FLE\'s logicalclock.');
console.log('(The same run as a readable transcript: packages/zookeeper/test/transcripts/01-startup-election.txt.)');
console.log(`\nMermaid sequence diagram (${mermaid.split('\n').length} lines, also in examples/out/50-zookeeper-startup-election.mmd); the first 40 lines:\n`);
console.log(mermaid.split('\n').slice(0, 40).join('\n'));
console.log('    …');
console.log('\nRoles:', e.roles(), ' votes:', Object.fromEntries(e.servers.map((s) => [s, e.vote(s)?.leader])));
