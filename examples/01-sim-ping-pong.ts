// @protolab/sim: a tiny ping-pong protocol under message loss and a partition, as a text trace and a Mermaid diagram
// Run alone: npx tsx examples/01-sim-ping-pong.ts   (or: npm run example -- 01)
import { Sim, SimError, renderMermaid, renderTrace } from '@protolab/sim';
// The tutorial protocol is not kernel API: it lives beside the kernel's tests. Read it, it is 80 lines.
import { describePingPong, pinger, ponger, type AwaitPong, type PingPongMsg, type PingerStatus } from '../packages/sim/test/ping-pong.js';

// One seed decides everything: delays, which messages are lost, and so the whole trace.
// Sim<message, input, reply>: what travels between nodes, what the outside injects, what a node answers.
const options = { seed: 2026, describe: describePingPong, link: { minDelayMs: 5, maxExtraDelayMs: 10, lossRate: 0.25 } };
const sim = new Sim<PingPongMsg, AwaitPong, PingerStatus>(options);

sim.addNode('pong', ponger);
const ping = sim.addNode('ping', pinger('pong', { count: 4, retryMs: 60 })); // a typed handle: no casts

sim.runFor(120);
console.log(`t=${sim.now()} ms: pings acknowledged so far: ${ping.handlers().acked()}`);

// Cut the two apart for 200 ms: every retransmission in that window is lost.
sim.partition(['ping'], ['pong']);
sim.runFor(200);
sim.heal();

// Request/reply: inject an input and run until the node answers it (or a bound is hit).
const status = sim.request('ping', { type: 'await-pong', n: 4 }, { untilMs: sim.now() + 10_000 });
const stats = sim.stats();
console.log(`t=${sim.now()} ms: all ${status.acked} pings acknowledged after ${status.sent} sends ` +
  `(${stats.dropped} messages dropped, ${stats.delivered} delivered)\n`);

console.log(renderTrace(sim.trace));
console.log('Mermaid (paste into any Mermaid renderer):\n');
console.log(renderMermaid(sim.trace));

// A request that cannot be answered ends in a typed error at its bound, never a hang.
try {
  sim.request('ping', { type: 'await-pong', n: 5 }, { untilMs: sim.now() + 1_000 });
} catch (e) {
  if (!(e instanceof SimError)) throw e;
  console.log(`${e.code}: ${e.message}\n`);
}

// Rewind and branch: restore to t=120 and, this time, crash the ponger instead.
const again = new Sim<PingPongMsg, AwaitPong, PingerStatus>(options);
again.addNode('pong', ponger);
const ping2 = again.addNode('ping', pinger('pong', { count: 4, retryMs: 60 }));
again.runFor(120);
const snap = again.snapshot();
again.crash('pong');
again.runFor(500);
console.log(`branch: pong crashed at t=120, by t=${again.now()} acked = ${ping2.handlers().acked()}`);
again.restore(snap);
console.log(`restored to t=${again.now()}: acked = ${ping2.handlers().acked()}, pong up = ${again.isUp('pong')}`);
