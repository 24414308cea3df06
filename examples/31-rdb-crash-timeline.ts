// RDB save points: what a crash loses under each `save` configuration (simulated, 30 minutes of writes)
// Run alone: npx tsx examples/31-rdb-crash-timeline.ts   (or: npm run example -- 31)
import { Sim } from '@protolab/sim';
import { Keyspace } from '@protolab/redis-keyspace';
import { parseSaveConfig, redisRdbNode, type RedisRdbNode } from '@protolab/redis-rdb';

const T0 = Date.UTC(2026, 0, 1); // virtual start (Unix ms)
const MINUTE = 60_000;
const CRASH_AT = 29.5 * MINUTE;

// Workload: one SET every 10 s, plus a burst of 150 writes at minute 12 (a batch job).
const writes: { t: number; key: string }[] = [];
for (let t = 0; t < 30 * MINUTE; t += 10_000) writes.push({ t, key: `tick:${t / 1000}` });
for (let i = 0; i < 150; i++) writes.push({ t: 12 * MINUTE + i * 10, key: `batch:${i}` });
writes.sort((a, b) => a.t - b.t);

const configs: [label: string, save: string][] = [
  ['save ""  (RDB off)', ''],
  ['7.0 default: 3600 1 300 100 60 10000', '3600 1 300 100 60 10000'],
  ['redis.conf: 900 1 300 10 60 10000', '900 1 300 10 60 10000'],
  ['save 60 1', '60 1'],
  ['save 1 1', '1 1'],
];

const mmss = (ms: number): string => `${String(Math.floor(ms / MINUTE)).padStart(2, '0')}:${String(Math.floor((ms % MINUTE) / 1000)).padStart(2, '0')}`;

console.log(`workload: ${writes.length} SETs over 30 min (one per 10 s + a burst of 150 at 12:00); crash at ${mmss(CRASH_AT)}\n`);
for (const [label, save] of configs) {
  const sim = new Sim<never>({ seed: 1, startMs: T0, trace: true });
  sim.addNode('redis', redisRdbNode({ createStore: (now) => new Keyspace({ now }), saveParams: parseSaveConfig(save), childBaseMs: 1500 }));
  let acked = 0;
  for (const w of writes) {
    if (w.t > CRASH_AT) break;
    sim.runUntil(T0 + w.t);
    sim.inject('redis', { type: 'cmd', argv: ['SET', w.key, 'v'] });
    acked++;
  }
  sim.runUntil(T0 + CRASH_AT);
  const forks = sim.trace.filter((e) => e.kind === 'note' && e.label?.startsWith('Background saving started')).map((e) => e.t - T0);
  const done = sim.trace.filter((e) => e.kind === 'note' && e.label === 'Background saving terminated with success').map((e) => e.t - T0);
  sim.crash('redis');
  sim.restart('redis');
  const node = sim.node<RedisRdbNode>('redis');
  const recovered = node.loadedKeys;
  const lastFork = done.length > 0 ? forks[done.length - 1]! : undefined;
  const inProgress = forks.length > done.length;
  console.log(label);
  console.log(`  snapshots completed: ${done.length}${done.length > 0 ? ` (forks at ${forks.slice(0, 6).map(mmss).join(', ')}${forks.length > 6 ? ', …' : ''})` : ''}` +
    (inProgress ? `; a BGSAVE forked at ${mmss(forks[forks.length - 1]!)} was still writing when the crash hit` : ''));
  console.log(`  last completed snapshot forked at ${lastFork === undefined ? '—' : mmss(lastFork)}; writes acknowledged ${acked}, recovered ${recovered}, lost ${acked - recovered}` +
    ` (${lastFork === undefined ? 'everything' : `the last ${Math.round((CRASH_AT - lastFork) / 1000)} s`})\n`);
}
console.log('A crash loses every write after the fork of the last *completed* BGSAVE: the child writes temp-<pid>.rdb,');
console.log('fsyncs it and renames it over dump.rdb, so a save in progress at the crash leaves the previous dump intact.');
