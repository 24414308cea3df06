import { writeFileSync } from 'node:fs';
import { encodeMany, reply, type RespValue } from '../src/index.js';
let seed = 0x2545f491;
const rand = (): number => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return (seed >>> 0) / 2 ** 32; };
const word = (n: number): string => { let s = ''; for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(rand() * 26)); return s; };
function oneReply(): RespValue {
  const r = rand();
  if (r < 0.25) return reply.ok;
  if (r < 0.4) return reply.integer(Math.floor(rand() * 1e6));
  if (r < 0.65) return reply.bulk(word(8 + Math.floor(rand() * 120)));
  if (r < 0.7) return reply.bulk(word(1000 + Math.floor(rand() * 3000)));
  if (r < 0.72) return reply.bulk(word(16_000 + Math.floor(rand() * 16_000)));
  if (r < 0.77) return reply.null;
  if (r < 0.79) return reply.error('ERR wrong number of arguments for command');
  if (r < 0.95) { const n = 5 + Math.floor(rand() * 60); return reply.array(Array.from({ length: n }, () => (rand() < 0.1 ? reply.null : reply.bulk(word(4 + Math.floor(rand() * 30)))))); }
  const n = 10 + Math.floor(rand() * 20);
  return reply.array([reply.bulk(String(Math.floor(rand() * 1e9))), reply.array(Array.from({ length: n }, () => reply.bulk(`key:${word(12)}`)))]);
}
writeFileSync('/tmp/corpus.bin', encodeMany(Array.from({ length: 60000 }, oneReply)));
