// The kill soak: N runs (default 100) of the SIGKILL test, kill times spread over 50..1500 ms.
// Run: npx tsx --conditions=@protolab/source packages/redis-aof/bench/kill-soak.ts [runs]
import { killRun } from '../test/killtest.js';

const runs = Number(process.argv[2] ?? '100');
let acked = 0;
let lost = 0;
let truncated = 0;
const started = performance.now();
for (let r = 1; r <= runs; r++) {
  const killAfterMs = 50 + ((r * 7919) % 1450);
  const res = await killRun(r, killAfterMs);
  acked += res.acked;
  lost += res.missing.length;
  if (res.status === 'truncated') truncated++;
  if (res.missing.length > 0) console.log(`run ${r}: LOST ${res.missing.length} acknowledged writes: ${res.missing.slice(0, 5).join(' ')}`);
  if (r % 10 === 0) console.log(`${r}/${runs} runs, ${acked} acknowledged writes, ${lost} lost, ${truncated} loads cut a torn tail`);
}
console.log(`kill soak: ${runs} SIGKILL runs, ${acked} acknowledged writes, ${lost} lost, ${truncated} loads truncated a partial last command, ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(lost === 0 ? 0 : 1);
