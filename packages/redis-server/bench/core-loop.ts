/**
 * The core alone, no sockets: 50 connections, each read 8 SET + 8 GET, 30 × 1000 reads;
 * prints CPU µs per command. Profile with
 *   node --cpu-prof --import tsx --conditions=@protolab/source packages/redis-server/bench/core-loop.ts
 */
import { RedisServer } from '../src/server.js';

const srv = new RedisServer({ now: () => Date.now() });
for (let i = 1; i <= 50; i++) srv.connect(i);
const one = (i: number): string => `*3\r\n$3\r\nSET\r\n$${String(i).length + 4}\r\nkey:${i}\r\n$3\r\nxxx\r\n*2\r\n$3\r\nGET\r\n$${String(i).length + 4}\r\nkey:${i}\r\n`;
const reqs: Buffer[] = [];
for (let i = 0; i < 1000; i++) {
  let s = '';
  for (let j = 0; j < 8; j++) s += one(i * 8 + j);
  reqs.push(Buffer.from(s));
}
const t0 = process.cpuUsage();
let k = 0;
for (let r = 0; r < 30; r++) for (const b of reqs) srv.data((k++ % 50) + 1, b);
const t = process.cpuUsage(t0);
const cmds = 30 * 1000 * 16;
console.log(`commands ${cmds}, CPU ${((t.user + t.system) / 1000).toFixed(0)} ms, ${((t.user + t.system) / cmds).toFixed(2)} µs/command`);
