// Benchmarks: seeded 5-server election + sync simulations with faults, a 51-server election,
// and FLE message counts per election against the n² of a naive all-to-all vote exchange.
//   npx tsx --conditions=@protolab/source packages/zookeeper/bench/elections.bench.ts [count]
import { Prng, randomLinkOptions } from '@protolab/sim';
import { Ensemble, SafetyMonitor } from '@protolab/zookeeper';

const count = Number(process.argv[2] ?? 1000);
const sizes = (process.argv[3] ?? '3,5,7,9,15,25,51').split(',').map(Number);

/** One simulation: staggered start, 20 writes, the leader crashes (re-election + sync), it returns. */
function one(seed: number): { ok: boolean; messages: number; elections: number; virtualMs: number } {
  const rnd = new Prng(seed);
  const link = randomLinkOptions(rnd, { lossRate: 0.05, dupRate: 0.05, reorderRate: 0.01, minDelayMs: 2, maxExtraDelayMs: 10 });
  const e = new Ensemble({ n: 5, seed, link, trace: false });
  const m = new SafetyMonitor(e);
  for (const sid of rnd.shuffle([1, 2, 3, 4, 5])) {
    e.start(sid);
    e.runFor(rnd.int(0, 400));
  }
  let ok = e.runUntil((x) => x.stable(), { maxMs: 300_000 });
  for (let i = 0; i < 20; i++) e.write(`w${i}`);
  e.runFor(500);
  const old = e.leader();
  if (old !== undefined) e.crash(old);
  ok = ok && e.runUntil((x) => x.stable(), { maxMs: 300_000 });
  if (old !== undefined) e.restart(old);
  ok = ok && e.runUntil((x) => x.stable(), { maxMs: 300_000 }) && m.ok;
  const elections = e.eventCounts.get('established') ?? 0;
  return { ok, messages: e.sim.stats().sent, elections, virtualMs: e.sim.now() };
}

// Warm-up, then the timed batch.
for (let s = 1; s <= 20; s++) one(100_000 + s);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let bad = 0;
let messages = 0;
let elections = 0;
let virtualMs = 0;
for (let s = 1; s <= count; s++) {
  const r = one(s);
  if (!r.ok) bad++;
  messages += r.messages;
  elections += r.elections;
  virtualMs += r.virtualMs;
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
console.log(`${count} seeded 5-server election+sync simulations with faults: ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU (${(cpuMs / count).toFixed(2)} ms CPU each), ` +
  `${bad} not settled or unsafe, ${elections} leaders established, ${messages} messages, ${(virtualMs / 1000).toFixed(0)} s virtual`);

/** Messages of one clean election among n servers started together (no faults), until stable. */
function electionMessages(n: number, seed = 1): { notifications: number; zab: number; ms: number; leader: number | undefined } {
  const e = new Ensemble({ n, seed, trace: true, link: { minDelayMs: 1, maxExtraDelayMs: 4 } });
  const t = performance.now();
  e.startAll();
  e.runUntil((x) => x.stable(), { maxMs: 120_000 });
  const wall = performance.now() - t;
  let notifications = 0;
  let zab = 0;
  const stableAt = e.sim.now();
  for (const ev of e.sim.trace) {
    if (ev.kind !== 'send' || ev.t > stableAt) continue;
    if ((ev.label ?? '').includes('vote(')) notifications++;
    else zab++;
  }
  return { notifications, zab, ms: wall, leader: e.leader() };
}

console.log('\nOne election, all servers started together, no faults (counted until every server follows the leader):');
console.log('    n   leader   FLE notifications   per server   n²      notifications / n²   Zab packets   wall ms');
for (const n of sizes) {
  const r = electionMessages(n);
  console.log(`${String(n).padStart(5)}   ${String(r.leader).padStart(6)}   ${String(r.notifications).padStart(17)}   ${(r.notifications / n).toFixed(1).padStart(10)}   ${String(n * n).padStart(5)}   ${(r.notifications / (n * n)).toFixed(2).padStart(19)}   ${String(r.zab).padStart(11)}   ${r.ms.toFixed(0).padStart(7)}`);
}
console.log('A naive protocol where every server broadcasts its vote once needs n² messages (n(n-1) over the network);');
console.log('FLE re-broadcasts on every proposal change, so with staggered arrivals a server may broadcast several times.');
