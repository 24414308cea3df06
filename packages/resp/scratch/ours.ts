import { encodeMany, reply, RespDecoder, type RespValue } from '../src/index.js';
let seed = 0x2545f491;
const rand = (): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) / 2 ** 32; };
const word = (n: number): string => { let s = ''; for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(rand() * 26)); return s; };
const kind = process.argv[2] ?? 'small';
function one(): RespValue {
  if (kind === 'small') return reply.bulk(word(20));
  if (kind === 'int') return reply.integer(12345);
  if (kind === 'ok') return reply.ok;
  if (kind === 'arr') return reply.array(Array.from({length: 30}, () => reply.bulk(word(10))));
  return reply.bulk(word(20000));
}
const corpus = Buffer.from(encodeMany(Array.from({ length: kind === 'big' ? 2000 : 200000 }, one)));
const chunks: Buffer[] = [];
for (let o = 0; o < corpus.length; o += 65536) chunks.push(Buffer.from(corpus.subarray(o, o + 65536)));
for (let k = 0; k < 15; k++) {
  const t0 = performance.now();
  const d = new RespDecoder(); let n = 0;
  for (const c of chunks) n += d.push(c).length;
  const t = performance.now() - t0;
  if (k > 10) console.log(kind, n, (corpus.length / 1e6 / (t / 1000)).toFixed(0), 'MB/s', (t * 1e6 / n).toFixed(0), 'ns/value');
}
import { createRequire } from 'node:module';
const P = createRequire(import.meta.url)('redis-parser');
for (let k = 0; k < 15; k++) {
  const t0 = performance.now(); let n = 0;
  const p = new P({ returnReply: () => { n++; }, returnError: () => { n++; }, returnBuffers: true });
  for (const c of chunks) p.execute(c);
  const t = performance.now() - t0;
  if (k > 10) console.log('redis-parser', kind, n, (corpus.length / 1e6 / (t / 1000)).toFixed(0), 'MB/s', (t * 1e6 / n).toFixed(0), 'ns/value');
}
