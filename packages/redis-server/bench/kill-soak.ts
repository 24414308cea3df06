// The kill soak: N runs (default 100) of the SIGKILL test through the real protolab-redis
// process under appendfsync always, kill times spread over 50..1500 ms after the first write.
// Run: npm run soak -w @protolab/redis-server   (or: npx tsx --conditions=@protolab/source packages/redis-server/bench/kill-soak.ts [runs])
import { killRun } from '../test/killtest.js';

const runs = Number(process.argv[2] ?? '100');
let acked = 0;
let lost = 0;
let counterShort = 0;
const started = performance.now();
for (let r = 1; r <= runs; r++) {
  const killAfterMs = 50 + ((r * 7919) % 1450);
  const res = await killRun(killAfterMs);
  acked += res.acked;
  lost += res.missing.length;
  if (res.counter.found < res.counter.acked) counterShort++;
  if (res.missing.length > 0) console.log(`run ${r}: LOST ${res.missing.length} acknowledged writes: ${res.missing.slice(0, 5).join(' ')}`);
  if (res.counter.found < res.counter.acked) console.log(`run ${r}: INCR ctr acknowledged ${res.counter.acked}, found ${res.counter.found}`);
  if (r % 10 === 0) console.log(`${r}/${runs} kills, ${acked} acknowledged SETs, ${lost} lost, ${counterShort} counters short`);
}
console.log(`kill soak: ${runs} SIGKILLs of protolab-redis (appendfsync always), ${acked} acknowledged SETs, ${lost} lost, ${counterShort} counters short, ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(lost === 0 && counterShort === 0 ? 0 : 1);
