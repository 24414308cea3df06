import { readFileSync } from 'node:fs';
import { RespDecoder } from '../src/index.js';
const corpus = readFileSync('/tmp/corpus.bin');
const chunks: Uint8Array[] = [];
for (let o = 0; o < corpus.length; o += 65536) { const c = new Uint8Array(Math.min(65536, corpus.length - o)); c.set(corpus.subarray(o, o + 65536)); chunks.push(c); }
for (let k = 0; k < 10; k++) { const d = new RespDecoder(); for (const c of chunks) d.push(c); }
const res: number[] = [];
for (let r = 0; r < 7; r++) {
  const c0 = process.cpuUsage();
  for (let k = 0; k < 5; k++) { const d = new RespDecoder(); for (const c of chunks) d.push(c); }
  const c = process.cpuUsage(c0); res.push((c.user + c.system) / 1000 / 5);
}
res.sort((a, b) => a - b); console.log('median CPU ms/iter', res[3]!.toFixed(1), 'MB/s', (corpus.length / 1e6 / (res[3]! / 1000)).toFixed(0));
