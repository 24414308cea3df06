import { encodeMany, reply, RespDecoder } from '../src/index.js';
const kind = process.argv[2];
const corpus = Buffer.from(encodeMany(Array.from({ length: 200000 }, () => kind === 'int' ? reply.integer(123456) : kind === 'mid' ? reply.bulk('x'.repeat(2000)) : reply.null)));
const chunks: Uint8Array[] = [];
for (let o = 0; o < corpus.length; o += 65536) chunks.push(Uint8Array.prototype.slice.call(corpus, o, o + 65536));
for (let r = 0; r < 10; r++) { const d = new RespDecoder(); for (const c of chunks) d.push(c); }
const c0 = process.cpuUsage(); const t0 = performance.now();
for (let r = 0; r < 30; r++) { const d = new RespDecoder(); for (const c of chunks) d.push(c); }
const c = process.cpuUsage(c0);
console.log(kind, 'cpu ns/value', ((c.user + c.system) * 1000 / 30 / 200000).toFixed(0), 'wall', ((performance.now() - t0) * 1e6 / 30 / 200000).toFixed(0));
