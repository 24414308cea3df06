import { readFileSync } from 'node:fs';
import { RdbDecoder, type DecodedEntry } from '@protolab/redis-rdb';
const file = new Uint8Array(readFileSync(process.argv[2]!));
const keep = process.argv[3] === 'keep';
for (let r = 0; r < 3; r++) {
  const t = performance.now();
  const d = new RdbDecoder();
  const out: DecodedEntry[] = [];
  let n = 0;
  d.finish(file, (x) => { if (x.kind === 'entry') { n++; if (keep) out.push(x.entry); } });
  console.log(keep, n, out.length, (performance.now() - t).toFixed(0));
}
