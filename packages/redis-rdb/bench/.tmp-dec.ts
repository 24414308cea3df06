import { readFileSync } from 'node:fs';
import { decodeRdb } from '@protolab/redis-rdb';
const file = new Uint8Array(readFileSync(process.argv[2]!));
const runs = Number(process.argv[3] ?? 3);
const ts: number[] = [];
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  const d = decodeRdb(file);
  ts.push(performance.now() - t);
  if (r === 0) console.log('entries', d.databases[0]!.entries.length);
}
console.log(ts.map((x) => x.toFixed(0)).join(' '), 'median', [...ts].sort((a, b) => a - b)[Math.floor(ts.length / 2)]!.toFixed(0));
