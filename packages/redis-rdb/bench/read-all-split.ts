// Decode + read all, split in two phases (CPU of decodeRdb, then of reading every key and value),
// on an RDB file (write one with bench/read-all-vs-server.ts [keys] <file>). The decoded result is
// kept alive on globalThis so that a heap profile taken at exit shows what reading retains
// (READ=readValue reads with `readValue(e)` instead of the `e.value` accessor):
//   NODE_OPTIONS=--max-old-space-size=8192 R=1 node --heap-prof --heap-prof-interval=65536 \
//     --conditions=@protolab/source --import tsx packages/redis-rdb/bench/read-all-split.ts /tmp/1m.rdb
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { decodeRdb, readValue } from '@protolab/redis-rdb';
const file = new Uint8Array(readFileSync(process.argv[2] ?? '/tmp/1m.rdb'));
let gcMs = 0;
new PerformanceObserver((l) => { for (const e of l.getEntries()) gcMs += e.duration; }).observe({ entryTypes: ['gc'] });
for (let r = 0; r < Number(process.env.R ?? 3); r++) {
  gcMs = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const d = decodeRdb(file);
  (globalThis as { keep?: unknown }).keep = d;
  const t1 = performance.now();
  const c1 = process.cpuUsage(c0);
  const g1 = gcMs;
  let n = 0;
  if (process.env.READ === 'readValue') for (const db of d.databases) for (const e of db.entries) n += e.key.length + readValue(e).value.length;
  else for (const db of d.databases) for (const e of db.entries) n += e.key.length + e.value.value.length;
  const t2 = performance.now();
  await new Promise((r) => setImmediate(r));
  const c = process.cpuUsage(c0);
  console.log(`decode ${(t1 - t0).toFixed(0)} ms (gc ${g1.toFixed(0)}), read ${(t2 - t1).toFixed(0)} ms (gc ${(gcMs - g1).toFixed(0)}), total ${(t2 - t0).toFixed(0)} cpu ${((c.user + c.system) / 1000).toFixed(0)} ms (decode cpu ${((c1.user + c1.system) / 1000).toFixed(0)}), n=${n}`);
}
