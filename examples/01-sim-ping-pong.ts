// @protolab/sim: a tiny ping-pong protocol under message loss and a partition, as a text trace and a Mermaid diagram
import { Sim, describePingPong, pinger, ponger, renderMermaid, renderTrace, type NodeHandlers, type PingPongMsg, type Pinger } from '@protolab/sim';

// One seed decides everything: delays, which messages are lost, and so the whole trace.
const sim = new Sim<PingPongMsg>({
  seed: 2026,
  describe: describePingPong,
  link: { minDelayMs: 5, maxExtraDelayMs: 10, lossRate: 0.25 },
});

sim.addNode('pong', ponger);
sim.addNode('ping', pinger('pong', { count: 4, retryMs: 60 }));

sim.runFor(120);
console.log(`t=${sim.now()} ms: pings acknowledged so far: ${sim.node<NodeHandlers<PingPongMsg> & Pinger>('ping').acked()}`);

// Cut the two apart for 200 ms: every retransmission in that window is lost.
sim.partition(['ping'], ['pong']);
sim.runFor(200);
sim.heal();

sim.runUntil((s) => s.node<NodeHandlers<PingPongMsg> & Pinger>('ping').acked() === 4);
const ping = sim.node<NodeHandlers<PingPongMsg> & Pinger>('ping');
const stats = sim.stats();
console.log(`t=${sim.now()} ms: all ${ping.acked()} pings acknowledged after ${ping.sent()} sends ` +
  `(${stats.dropped} messages dropped, ${stats.delivered} delivered)\n`);

console.log(renderTrace(sim.trace));
console.log('Mermaid (paste into any Mermaid renderer):\n');
console.log(renderMermaid(sim.trace));

// Rewind and branch: restore to t=120 and, this time, crash the ponger instead.
const again = new Sim<PingPongMsg>({ seed: 2026, describe: describePingPong, link: { minDelayMs: 5, maxExtraDelayMs: 10, lossRate: 0.25 } });
again.addNode('pong', ponger);
again.addNode('ping', pinger('pong', { count: 4, retryMs: 60 }));
again.runFor(120);
const snap = again.snapshot();
again.crash('pong');
again.runFor(500);
console.log(`branch: pong crashed at t=120, by t=${again.now()} acked = ${again.node<NodeHandlers<PingPongMsg> & Pinger>('ping').acked()}`);
again.restore(snap);
console.log(`restored to t=${again.now()}: acked = ${again.node<NodeHandlers<PingPongMsg> & Pinger>('ping').acked()}, pong up = ${again.isUp('pong')}`);
