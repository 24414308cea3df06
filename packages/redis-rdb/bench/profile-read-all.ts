// Where "decode + read every key and value" spends its time: run under --cpu-prof, then
// summarise the profile by self time per function (bench/cpu-prof-summary.ts).
//   node --cpu-prof --cpu-prof-dir=/tmp/rdb-prof --conditions=@protolab/source --import tsx \
//     packages/redis-rdb/bench/profile-read-all.ts [keys]
import { allEntries, decodeRdb, encodeRdb } from '@protolab/redis-rdb';
import { mixedDataset } from './dataset.js';

const N = Number(process.argv[2] ?? 300_000);
const file = encodeRdb(mixedDataset(N), { ctimeSec: 1767225600 });
let sink = 0;
const t = performance.now();
for (let round = 0; round < 3; round++) {
  for (const e of allEntries(decodeRdb(file))) {
    const v = e.value;
    sink += e.key.length + (v.type === 'string' ? v.value.length : v.value.length);
  }
}
console.log(`3 x decode + read all of ${N} keys: ${(performance.now() - t).toFixed(0)} ms (${sink})`);
