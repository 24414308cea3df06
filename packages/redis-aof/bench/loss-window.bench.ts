// Measured loss windows under the @protolab/sim crash model (power loss: only fsynced bytes and
// what the OS wrote back survive). 200 seeded runs per configuration: writes at random intervals
// (0..50 ms), a crash at a random moment in 5..25 s; reported: acknowledged writes lost, and the
// age at the crash of the oldest acknowledged write that was lost (the loss window).
// Run: npx tsx --conditions=@protolab/source packages/redis-aof/bench/loss-window.bench.ts
import { Sim } from '@protolab/sim';
import { Keyspace } from '@protolab/redis-keyspace';
import { aofServer, type AofServerNode, type AppendFsync } from '../src/index.js';

const T0 = Date.UTC(2026, 0, 1);
const RUNS = Number(process.argv[2] ?? '200');

function once(policy: AppendFsync, fsyncDurationMs: number, osFlushDelayMs: number, seed: number): { acked: number; lost: number; windowMs: number } {
  const sim = new Sim<never>({ seed, startMs: T0, tornWrites: true, osFlushDelayMs, trace: false });
  const ackedAt = new Map<number, number>();
  sim.addNode('redis', aofServer({ appendfsync: policy, useRdbPreamble: false, fsyncDurationMs, keyspace: (now, onPropagate) => new Keyspace({ now, onPropagate }), onAck: (a) => ackedAt.set(a.id, a.atMs) }));
  const w = sim.random('workload');
  const crashAt = T0 + w.int(5_000, 25_000);
  for (let id = 0, t = T0; t < crashAt; id++, t += w.int(0, 51)) {
    sim.runUntil(t);
    sim.inject('redis', { type: 'command', id, argv: ['SET', `k:${id}`, 'v'] });
  }
  sim.runUntil(crashAt);
  sim.crash('redis');
  sim.restart('redis');
  const ks = sim.node<AofServerNode>('redis').ks;
  let lost = 0;
  let windowMs = 0;
  for (const [id, at] of ackedAt) {
    if (ks.execute(['EXISTS', `k:${id}`]).type === 'integer' && (ks.execute(['EXISTS', `k:${id}`]) as { value: bigint }).value === 1n) continue;
    lost++;
    windowMs = Math.max(windowMs, crashAt - at);
  }
  return { acked: ackedAt.size, lost, windowMs };
}

console.log(`${RUNS} crashes per row; window = age at the crash of the oldest lost acknowledged write\n`);
console.log('policy     fsync takes   OS write-back   runs with loss   lost/acked        max window   mean window (runs with loss)');
for (const [p, f, os] of [['always', 5, 30_000], ['always', 200, 30_000], ['everysec', 5, 30_000], ['everysec', 800, 30_000], ['everysec', 2500, 30_000], ['no', 0, 30_000], ['no', 0, 5_000]] as const) {
  let acked = 0;
  let lost = 0;
  let max = 0;
  let sum = 0;
  let withLoss = 0;
  for (let seed = 1; seed <= RUNS; seed++) {
    const r = once(p, f, os, seed);
    acked += r.acked;
    lost += r.lost;
    if (r.lost > 0) {
      withLoss++;
      sum += r.windowMs;
      max = Math.max(max, r.windowMs);
    }
  }
  console.log(`${p.padEnd(10)} ${`${f} ms`.padStart(11)}   ${`${os / 1000} s`.padStart(13)}   ${`${withLoss}/${RUNS}`.padStart(14)}   ${`${lost}/${acked}`.padStart(14)}   ${`${(max / 1000).toFixed(2)} s`.padStart(10)}   ${withLoss === 0 ? '-' : `${(sum / withLoss / 1000).toFixed(2)} s`}`);
}
