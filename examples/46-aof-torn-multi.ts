// A file cut inside MULTI: real Redis 7.0.15 leaves a dangling MULTI and loses the next acknowledged write; protolab cuts before MULTI
// Run alone: npx tsx examples/46-aof-torn-multi.ts   (or: npm run example -- 46)
import { Keyspace } from '@protolab/redis-keyspace';
import { AppendOnlyFile } from '@protolab/redis-aof';
import { SimDisk } from '@protolab/sim';

const NOW = Date.UTC(2026, 0, 1);

/** An in-memory directory: @protolab/sim's disk (its crash model is not used here). */
const memDisk = (): SimDisk => new SimDisk(() => NOW, { osFlushDelayMs: 30_000, tornWrites: false });

const INCR = 'appendonlydir/appendonly.aof.1.incr.aof';
const show = (b: Uint8Array): string => Buffer.from(b).toString('latin1').replace(/\r\n/g, ' ').trim();

function start(disk: SimDisk, mode: 'protolab' | 'redis-7.0.15'): { ks: Keyspace; aof: AppendOnlyFile } {
  const aof = new AppendOnlyFile({ disk, appendfsync: 'always', useRdbPreamble: false, multiTruncation: mode });
  const ks = new Keyspace({ now: () => NOW, onPropagate: (db, argv) => { aof.feed(db, argv, NOW); } });
  const report = aof.start(ks, NOW);
  for (const line of report.log) if (line.startsWith('!!!') || line.startsWith('Revert')) console.log(`    log: ${line}`);
  return { ks, aof };
}

for (const mode of ['redis-7.0.15', 'protolab'] as const) {
  console.log(`── loader mode: ${mode}`);
  const disk = memDisk();
  let s = start(disk, mode);
  s.ks.execute(['SET', 'a', '1']);
  s.aof.beforeSleep(NOW);
  s.ks.execute(['MULTI']);
  s.ks.execute(['SET', 'b', '2']);
  s.ks.execute(['SET', 'c', '3']);
  s.ks.execute(['EXEC']);
  s.aof.beforeSleep(NOW);
  // Power loss in the middle of the transaction's write: the file ends inside "SET c 3".
  const full = disk.read(INCR);
  disk.truncate(INCR, full.length - 20);
  console.log(`  1. torn file:            ${show(disk.read(INCR))}`);
  s = start(disk, mode);
  console.log(`  2. after restart 1:      ${show(disk.read(INCR))}`);
  s.ks.execute(['SET', 'x', 'acknowledged']);
  s.aof.beforeSleep(NOW); // write + fdatasync: the client gets +OK
  console.log(`  3. SET x acknowledged:   ${show(disk.read(INCR))}`);
  s = start(disk, mode);
  const x = s.ks.execute(['GET', 'x']);
  console.log(`  4. after restart 2, GET x → ${x.type === 'bulk' ? JSON.stringify(Buffer.from(x.value).toString()) : '(nil)  ← an acknowledged write is gone'}\n`);
}
