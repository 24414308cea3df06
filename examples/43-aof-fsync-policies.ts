// appendfsync always / everysec / no under the same power-loss crash: what each one loses (simulated)
// Run alone: npx tsx examples/43-aof-fsync-policies.ts   (or: npm run example -- 43)
import { Sim } from '@protolab/sim';
import { Keyspace } from '@protolab/redis-keyspace';
import { aofServer, type AofServerNode, type AppendFsync } from '@protolab/redis-aof';

const T0 = Date.UTC(2026, 0, 1);
const CRASH_AT_MS = 20_000; // power cut 20 s after start
const EVERY_MS = 20; // one client write every 20 ms

interface Row { label: string; acked: number; recovered: number; oldestLostAgeMs: number | undefined; delayed: number }

function run(policy: AppendFsync, fsyncDurationMs: number, osFlushDelayMs: number): Row {
  const sim = new Sim<never>({ seed: 7, startMs: T0, tornWrites: true, osFlushDelayMs, trace: false });
  const ackedAt = new Map<number, number>();
  sim.addNode('redis', aofServer({
    appendfsync: policy,
    useRdbPreamble: false,
    fsyncDurationMs,
    keyspace: (now, onPropagate) => new Keyspace({ now, onPropagate }),
    onAck: (a) => ackedAt.set(a.id, a.atMs),
  }));
  for (let id = 0, t = T0; t < T0 + CRASH_AT_MS; id++, t += EVERY_MS) {
    sim.runUntil(t);
    sim.inject('redis', { type: 'command', id, argv: ['SET', `k:${id}`, String(id)] });
  }
  sim.runUntil(T0 + CRASH_AT_MS);
  const delayed = sim.node<AofServerNode>('redis').aof.fsyncState.delayedFsync;
  sim.crash('redis');
  sim.restart('redis');
  const ks = sim.node<AofServerNode>('redis').ks;
  let recovered = 0;
  let oldestLost: number | undefined;
  for (const [id, at] of ackedAt) {
    const v = ks.execute(['GET', `k:${id}`]);
    if (v.type === 'bulk') recovered++;
    else if (oldestLost === undefined || at < oldestLost) oldestLost = at;
  }
  const label = `${policy.padEnd(8)} fsync ${String(fsyncDurationMs).padStart(4)} ms, OS write-back after ${osFlushDelayMs / 1000} s`;
  return { label, acked: ackedAt.size, recovered, oldestLostAgeMs: oldestLost === undefined ? undefined : T0 + CRASH_AT_MS - oldestLost, delayed };
}

console.log(`one SET every ${EVERY_MS} ms, a power cut at t = ${CRASH_AT_MS / 1000} s; the crash keeps only fsynced bytes and what the OS wrote back\n`);
console.log('policy / disk                                          acked  recovered  lost   oldest lost write  writes done despite a running fsync');
for (const [p, f, os] of [['always', 2, 30_000], ['everysec', 2, 30_000], ['everysec', 2500, 30_000], ['no', 0, 30_000], ['no', 0, 5_000]] as const) {
  const r = run(p, f, os);
  const lost = r.acked - r.recovered;
  const age = r.oldestLostAgeMs === undefined ? '-' : `${(r.oldestLostAgeMs / 1000).toFixed(2)} s before`;
  console.log(`${r.label.padEnd(54)} ${String(r.acked).padStart(5)}  ${String(r.recovered).padStart(9)}  ${String(lost).padStart(4)}   ${age.padEnd(17)}  ${r.delayed}`);
}
console.log(`
always:   every acknowledged write was fsynced before its reply (aof.c flushAppendOnlyFile, then the replies).
everysec: the bio thread fsyncs once a second; what was written since the last completed fsync is lost.
          On a slow disk the write itself waits up to 2 s for the running fsync (aof_delayed_fsync counts
          the times Redis gave up waiting), yet the replies still go out: the window grows.
no:       nothing is fsynced; what survives is what the OS had written back (Linux: dirty pages older than
          dirty_expire_centisecs, 30 s by default).`);
