// The seed's three Redis deployments side by side: kill the master, watch what each does, measure the unavailable window and the acknowledged writes lost
// Run alone: npx tsx examples/70-redis-ha-deployments.ts   (or: npm run example -- 70)
import { clusterFailoverDeployment, type FailoverSimNode } from '@protolab/redis-cluster';
import { sentinelDeployment, type InstanceNode, type SentinelSimNode } from '@protolab/redis-sentinel';

// Each deployment runs on @protolab/sim with the same schedule: a client writes every 20 ms (virtual)
// to whatever it believes is the master, the master is killed at t = 10 s, and we watch for 60 s.
// "Unavailable" is the time from the kill to the next acknowledged write; "lost" are writes the old
// master acknowledged that the new master never received (replication is asynchronous in all three).
const SEED = 3;
const KILL_AT = 10_000;
const WATCH = 60_000;
const STEP = 20;
const timeout = 5000; // down-after-milliseconds and cluster-node-timeout

interface Result {
  readonly name: string;
  readonly unavailableMs: number | undefined;
  readonly lost: number;
  readonly acked: number;
  readonly story: string[];
}

function fmt(ms: number | undefined): string {
  return ms === undefined ? 'until an operator acts (no automatic fail-over)' : `${(ms / 1000).toFixed(2)} s`;
}

/** 1. Master/replica: the replicas copy the master; nobody promotes one. */
function masterReplica(): Result {
  const { sim } = sentinelDeployment({ seed: SEED, sentinels: 0, replicas: 2 });
  let acked = 0;
  let firstAfter: number | undefined;
  for (let t = 0; t < KILL_AT + WATCH; t += STEP) {
    if (t === KILL_AT) sim.crash('m');
    // The client knows one address, the master's; a replica refuses writes (READONLY).
    if (sim.isUp('m') && sim.node<InstanceNode>('m').state.role === 'master') {
      sim.node<InstanceNode>('m').write(1);
      acked++;
      if (t > KILL_AT && firstAfter === undefined) firstAfter = t - KILL_AT;
    }
    sim.runFor(STEP);
  }
  const r1 = sim.node<InstanceNode>('r1').state;
  return { name: 'master/replica', unavailableMs: firstAfter, lost: 0, acked, story: [`r1 is still a ${r1.role} of ${r1.master ?? '-'} with ${r1.offset} writes: reads work, writes do not`] };
}

/** 2. Sentinel: three sentinels, quorum 2; the client asks a sentinel for the master's address. */
function sentinel(): Result {
  const { sim, sentinels } = sentinelDeployment({ seed: SEED, replicas: 2, downAfterMs: timeout, failoverTimeoutMs: 60_000 });
  let acked = 0;
  let firstAfter: number | undefined;
  let oldMasterOffset = 0;
  let lost = 0;
  for (let t = 0; t < KILL_AT + WATCH; t += STEP) {
    if (t === KILL_AT) {
      oldMasterOffset = sim.node<InstanceNode>('m').state.offset;
      sim.crash('m');
    }
    const addr = sim.node<SentinelSimNode>(sentinels[0] ?? 's1').core.getMasterAddrByName('mymaster');
    if (sim.isUp(addr) && sim.node<InstanceNode>(addr).state.role === 'master') {
      const inst = sim.node<InstanceNode>(addr);
      if (t > KILL_AT && firstAfter === undefined) {
        firstAfter = t - KILL_AT;
        lost = oldMasterOffset - inst.state.offset; // acknowledged by m, never copied to the new master
      }
      inst.write(1);
      acked++;
    }
    sim.runFor(STEP);
  }
  // The story as the sentinel that led the fail-over logged it.
  const leader = sentinels.find((s) => sim.node<SentinelSimNode>(s).core.events.some((e) => e.startsWith('+elected-leader'))) ?? 's1';
  const ev = sim.node<SentinelSimNode>(leader).core.events.filter((e) => /^[+-](sdown|odown|try-failover|elected-leader|selected-slave|promoted-slave|slave-reconf-done|failover-end|switch-master)/.test(e));
  return { name: 'sentinel', unavailableMs: firstAfter, lost, acked, story: ev.map((e) => `${leader}: ${e}`) };
}

/** 3. Cluster: 3 masters with a replica each; the client writes keys of m1's slots, following MOVED. */
function cluster(): Result {
  const d = clusterFailoverDeployment({ seed: SEED, replicasPerMaster: 1, nodeTimeoutMs: timeout });
  const [slot] = d.shardSlots.get('m1') ?? [0];
  const acked = new Set<number>();
  let wid = 0;
  let firstAfter: number | undefined;
  for (let t = 0; t < KILL_AT + WATCH; t += STEP) {
    if (t === KILL_AT) d.sim.crash('m1');
    // Ask any live node who owns the slot (MOVED), then write there.
    const asked = [...d.idOf.keys()].find((n) => d.sim.isUp(n)) ?? 'm2';
    const owner = d.nameOf.get(d.sim.node<FailoverSimNode>(asked).bus.slots.ownerOf(slot) ?? '');
    if (owner !== undefined && d.sim.isUp(owner) && d.sim.node<FailoverSimNode>(owner).write(++wid)) {
      acked.add(wid);
      if (t > KILL_AT && firstAfter === undefined) firstAfter = t - KILL_AT;
    }
    d.sim.runFor(STEP);
  }
  const final = d.nameOf.get(d.sim.node<FailoverSimNode>('m2').bus.slots.ownerOf(slot) ?? '') ?? 'm2';
  const held = new Set(d.sim.node<FailoverSimNode>(final).history);
  const lost = [...acked].filter((w) => !held.has(w)).length;
  const name = (id: string): string => d.nameOf.get(id) ?? id;
  const story = d.sim.node<FailoverSimNode>('m2').bus.events.filter((e) => e.type !== 'fail-cleared').map((e) => `m2: ${JSON.stringify(e).replace(/"([0-9a-f]{40})"/g, (_, id: string) => name(id))}`);
  story.push(...d.sim.node<FailoverSimNode>('r1a').bus.events.filter((e) => e.type === 'auth-request' || e.type === 'promoted').map((e) => `r1a: ${JSON.stringify(e).replace(/"([0-9a-f]{40})"/g, (_, id: string) => name(id))}`));
  return { name: 'cluster', unavailableMs: firstAfter, lost, acked: acked.size, story };
}

for (const r of [masterReplica(), sentinel(), cluster()]) {
  console.log(`\n== ${r.name}: writes unavailable ${fmt(r.unavailableMs)}; acknowledged writes ${r.acked}, lost ${r.lost}`);
  for (const line of r.story.slice(0, 14)) console.log(`   ${line}`);
}
console.log(`
Why: without Sentinel nobody promotes a replica (the seed: "when the master fails the whole thing is
unavailable"). Sentinel needs down-after-milliseconds (${timeout} ms) for +sdown, agreement for
+odown, an election and a promotion; the cluster needs node-timeout for PFAIL, a majority of masters
for FAIL, then the replica's delay (500 ms + random + rank) and the masters' votes. Both lose the writes
the master acknowledged in its last moments if they had not reached the promoted replica: WAIT and
min-replicas-to-write narrow that window (see @protolab/redis-replication), they do not close it.`);
