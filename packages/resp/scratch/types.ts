import { createRequire } from 'node:module';
import { encodeMany, reply, RespDecoder, type RespValue } from '../src/index.js';
const P = createRequire(import.meta.url)('redis-parser');
let seed = 0x2545f491;
const rand = (): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) / 2 ** 32; };
const word = (n: number): string => { let s = ''; for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(rand() * 26)); return s; };
const kinds: Record<string, () => RespValue> = {
  small: () => reply.bulk(word(20)), int: () => reply.integer(123456), ok: () => reply.ok, nul: () => reply.null,
  arr: () => reply.array(Array.from({ length: 30 }, () => reply.bulk(word(10)))), mid: () => reply.bulk(word(2000)), big: () => reply.bulk(word(20000)),
};
for (const [k, f] of Object.entries(kinds)) {
  const n = k === 'big' ? 2000 : k === 'mid' ? 20000 : k === 'arr' ? 10000 : 200000;
  const corpus = Buffer.from(encodeMany(Array.from({ length: n }, f)));
  const chunks: Uint8Array[] = [];
  for (let o = 0; o < corpus.length; o += 65536) chunks.push(Buffer.from(Uint8Array.prototype.slice.call(corpus, o, o + 65536)));
  const ours = () => { const d = new RespDecoder(); for (const c of chunks) d.push(c); };
  const theirs = () => { const p = new P({ returnReply: () => {}, returnError: () => {}, returnBuffers: true }); for (const c of chunks) p.execute(c); };
  const t: number[][] = [[], []];
  for (let r = 0; r < 12; r++) [ours, theirs].forEach((fn, i) => { const c0 = process.cpuUsage(); fn(); const c = process.cpuUsage(c0); t[i]!.push(c.user + c.system); });
  const med = (a: number[]) => a.sort((x, y) => x - y)[6]!;
  console.log(k.padEnd(6), 'ours', (med(t[0]!) * 1000 / n).toFixed(0).padStart(6), 'ns/reply   redis-parser', (med(t[1]!) * 1000 / n).toFixed(0).padStart(6), '  ratio', (med(t[1]!) / med(t[0]!)).toFixed(2));
}
