// The seed's three Redis deployments side by side: kill the master, watch what each does, measure the unavailable window and the acknowledged writes lost
// Run alone: npx tsx examples/70-redis-ha-deployments.ts   (or: npm run example -- 70)
import { clusterFailoverDeployment, type FailoverSimNode } from '@protolab/redis-cluster';
import { sentinelDeployment, type InstanceNode, type SentinelDeploymentOptions, type SentinelSimNode } from '@protolab/redis-sentinel';

// Each deployment runs on @protolab/sim with the same schedule: a client writes every 20 ms (virtual)
// to whatever it believes is the master, the master is killed at t = 10 s, and we watch for 60 s.
// "Unavailable" is the time from the kill to the next acknowledged write; "lost" are writes the old
// master acknowledged that the new master never received (replication is asynchronous in all three).
// The Redis instances of the first two are @protolab/redis-replication cores (SET, the command
// stream, PSYNC), so "lost" is counted from their data: acknowledged keys the final master lacks.
const SEED = 3;
const KILL_AT = 10_000;
const WATCH = 60_000;
const STEP = 20;
const timeout = 5000; // down-after-milliseconds and cluster-node-timeout

interface Result {
  readonly name: string;
  readonly unavailableMs: number | undefined | 'never';
  readonly lost: number;
  readonly acked: number;
  readonly story: string[];
}

function fmt(ms: number | undefined | 'never'): string {
  if (ms === 'never') return 'never (m keeps answering its client)';
  return ms === undefined ? 'until an operator acts (no automatic fail-over)' : `${(ms / 1000).toFixed(2)} s`;
}

/** A client SET on `addr` if it is up: true when the reply is +OK (a replica answers -READONLY). */
function set(sim: ReturnType<typeof sentinelDeployment>['sim'], addr: string, key: string): boolean {
  return sim.isUp(addr) && sim.node<InstanceNode>(addr).write(['SET', key, String(sim.now())]).reply.type === 'ok';
}

/** 1. Master/replica: the replicas copy the master (@protolab/redis-replication); nobody promotes one. */
function masterReplica(): Result {
  const { sim } = sentinelDeployment({ seed: SEED, sentinels: 0, replicas: 2 });
  let acked = 0;
  let firstAfter: number | undefined;
  for (let t = 0; t < KILL_AT + WATCH; t += STEP) {
    if (t === KILL_AT) sim.crash('m');
    // The client knows one address, the master's.
    if (set(sim, 'm', `k${String(t)}`)) {
      acked++;
      if (t > KILL_AT && firstAfter === undefined) firstAfter = t - KILL_AT;
    }
    sim.runFor(STEP);
  }
  const r1 = sim.node<InstanceNode>('r1');
  const refused = r1.write(['SET', 'x', '1']).reply;
  return { name: 'master/replica', unavailableMs: firstAfter, lost: 0, acked, story: [`r1 is still a ${r1.state.role} of ${r1.state.master ?? '-'} holding ${String(r1.core.data.size)} keys: reads work, a write gets ${refused.type === 'error' ? `-${refused.message}` : 'through'}`] };
}

/**
 * 2. Sentinel: three sentinels, quorum 2. The client asks s1 for the master's address and keeps
 * writing there until a write fails (refused connection or -READONLY), then asks again. Lost = keys
 * a master acknowledged (+OK) that the master at the end does not hold. `fault` is what happens to
 * m at t = 10 s: its process crashes, or its network is cut off from the replicas and the
 * sentinels (the client still reaches it) and heals 30 s later.
 */
function sentinel(fault: 'crash' | 'partition', replication?: SentinelDeploymentOptions['replication']): Result {
  const { sim, sentinels, instances } = sentinelDeployment({ seed: SEED, replicas: 2, downAfterMs: timeout, failoverTimeoutMs: 60_000, ...(replication ? { replication } : {}) });
  const s1 = (): string => sim.node<SentinelSimNode>(sentinels[0] ?? 's1').core.getMasterAddrByName('mymaster');
  const acked: string[] = [];
  let refused = 0;
  let addr = 'm';
  let firstAfter: number | undefined;
  let lastBeforeKill = '';
  for (let t = 0; t < KILL_AT + WATCH; t += STEP) {
    if (t === KILL_AT && fault === 'crash') sim.crash('m');
    if (t === KILL_AT && fault === 'partition') sim.partition(['m'], [...instances.filter((n) => n !== 'm'), ...sentinels]);
    if (t === KILL_AT + 30_000 && fault === 'partition') sim.heal();
    const key = `k${String(t)}`;
    let ok = set(sim, addr, key);
    if (!ok) {
      addr = s1();
      ok = set(sim, addr, key);
    }
    if (ok) {
      acked.push(key);
      if (t < KILL_AT) lastBeforeKill = key;
      if (t > KILL_AT && firstAfter === undefined) firstAfter = t - KILL_AT;
    } else refused++;
    sim.runFor(STEP);
  }
  const final = s1();
  const held = sim.node<InstanceNode>(final).core.data;
  const lost = acked.filter((k) => !held.has(k));
  // The story as the sentinel that led the fail-over logged it.
  const leader = sentinels.find((s) => sim.node<SentinelSimNode>(s).core.events.some((e) => e.startsWith('+elected-leader'))) ?? 's1';
  const ev = sim.node<SentinelSimNode>(leader).core.events.filter((e) => /^[+-](sdown|odown|try-failover|elected-leader|selected-slave|promoted-slave|slave-reconf-done|failover-end|switch-master|convert-to-slave)/.test(e));
  const stats = sim.node<InstanceNode>(final).core.stats;
  const story = ev.slice(0, 12).map((e) => `${leader}: ${e}`);
  story.push(`${final} (master at the end) holds ${String(held.size)} keys; lost ${lost.length > 0 ? `${lost[0] ?? ''} … ${lost[lost.length - 1] ?? ''}` : 'none'} (the last write acknowledged before t = 10 s: ${lastBeforeKill}); refused ${String(refused)}; resyncs it served: ${String(stats.partialResyncs)} partial (+CONTINUE), ${String(stats.fullResyncs)} full`);
  const name = `sentinel, m ${fault === 'crash' ? 'crashes' : 'cut off for 30 s'}${replication?.minReplicasToWrite !== undefined ? `, min-replicas-to-write ${String(replication.minReplicasToWrite)}` : ''}`;
  return { name, unavailableMs: fault === 'crash' || refused > 0 ? firstAfter : 'never', lost: lost.length, acked: acked.length, story };
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

for (const r of [masterReplica(), sentinel('crash'), sentinel('partition'), sentinel('partition', { minReplicasToWrite: 1, minReplicasMaxLagMs: 10_000 }), cluster()]) {
  console.log(`\n== ${r.name}: writes unavailable ${fmt(r.unavailableMs)}; acknowledged writes ${r.acked}, lost ${r.lost}`);
  for (const line of r.story.slice(0, 15)) console.log(`   ${line}`);
}
console.log(`
Why: without Sentinel nobody promotes a replica (the seed: "when the master fails the whole thing is
unavailable"). Sentinel needs down-after-milliseconds (${timeout} ms) for +sdown, agreement for
+odown, an election and a promotion; the cluster needs node-timeout for PFAIL, a majority of masters
for FAIL, then the replica's delay (500 ms + random + rank) and the masters' votes. Replication is
asynchronous: when m's process dies, what it had already written to its replicas' sockets still
arrives, so the promoted replica has every acknowledged write here. When m is cut off instead, it goes
on acknowledging writes nobody else sees; once the partition heals the sentinels turn it into a
replica of the new master, and its full resync throws those writes away. min-replicas-to-write 1
makes m refuse writes after min-replicas-max-lag (10 s) without a replica's ACK: it narrows the
window, it does not close it. WAIT tells the client whether a write reached a replica.`);
