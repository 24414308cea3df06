import { encodeMany, reply, RespDecoder } from '../src/index.js';
const corpus = Buffer.from(encodeMany(Array.from({ length: 200000 }, () => reply.integer(123456))));
const chunks: Uint8Array[] = [];
for (let o = 0; o < corpus.length; o += 65536) chunks.push(Uint8Array.prototype.slice.call(corpus, o, o + 65536));
for (let r = 0; r < 60; r++) { const d = new RespDecoder(); for (const c of chunks) d.push(c); }
