// Replay speed: a 1M-command AOF (an INCR file of SET / INCR / RPUSH / HSET, as real Redis writes
// them) loaded by protolab (loadAppendOnlyFiles into @protolab/redis-keyspace) and by real
// redis-server 7.0.15 from the same directory (its own "DB loaded from incr file …: N seconds").
// Target: protolab within 3× of Redis.
// Run: npx tsx --conditions=@protolab/source packages/redis-aof/bench/replay.bench.ts [commands]
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Keyspace } from '@protolab/redis-keyspace';
import { encodeCommand } from '@protolab/resp';
import { FsDisk, loadAppendOnlyFiles } from '../src/index.js';

const N = Number(process.argv[2] ?? '1000000');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aof-replay-'));
const aofDir = path.join(dir, 'appendonlydir');
fs.mkdirSync(aofDir);
fs.writeFileSync(path.join(aofDir, 'appendonly.aof.manifest'), 'file appendonly.aof.1.incr.aof seq 1 type i\n');
const fd = fs.openSync(path.join(aofDir, 'appendonly.aof.1.incr.aof'), 'w');
const chunk: Uint8Array[] = [encodeCommand(['SELECT', '0'])];
for (let i = 0; i < N; i++) {
  const r = i % 10;
  if (r < 6) chunk.push(encodeCommand(['SET', `key:${i % 200_000}`, `value-${i}`]));
  else if (r < 8) chunk.push(encodeCommand(['INCR', `counter:${i % 1000}`]));
  else if (r < 9) chunk.push(encodeCommand(['RPUSH', `list:${i % 1000}`, `item-${i}`]));
  else chunk.push(encodeCommand(['HSET', `hash:${i % 1000}`, `f${i % 50}`, `v${i}`]));
  if (chunk.length >= 10_000) fs.writeSync(fd, Buffer.concat(chunk.splice(0)));
}
fs.writeSync(fd, Buffer.concat(chunk.splice(0)));
fs.closeSync(fd);
const size = fs.statSync(path.join(aofDir, 'appendonly.aof.1.incr.aof')).size;
console.log(`AOF: ${N.toLocaleString('en')} commands, ${(size / 1e6).toFixed(1)} MB\n`);

// protolab (a copy, because loading may truncate)
const t0 = performance.now();
const ks = new Keyspace({ now: () => Date.now() });
const disk = new FsDisk(dir);
const report = loadAppendOnlyFiles(disk, ks, {});
const oursS = (performance.now() - t0) / 1000;
disk.close();
let keys = 0;
for (const e of ks.entries()) if (e.key.length > 0) keys++;
console.log(`protolab loadAppendOnlyFiles: ${oursS.toFixed(2)} s (${(N / oursS / 1e6).toFixed(2)} M commands/s), status ${report.status}, ${keys.toLocaleString('en')} keys`);

// real Redis
const port = 20000 + (process.pid % 20000);
const redisS = await new Promise<number | undefined>((resolve) => {
  const child = spawn('redis-server', ['--port', String(port), '--dir', dir, '--appendonly', 'yes', '--save', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.on('error', () => { resolve(undefined); });
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /DB loaded from incr file appendonly\.aof\.1\.incr\.aof: ([\d.]+) seconds/.exec(out);
    if (m !== null) {
      child.kill('SIGKILL');
      resolve(Number(m[1]));
    }
  });
  child.on('exit', () => { resolve(undefined); });
});
fs.rmSync(dir, { recursive: true, force: true });
if (redisS === undefined) console.log('redis-server: not available');
else {
  console.log(`redis-server 7.0.15 loading the same file: ${redisS.toFixed(2)} s (${(N / redisS / 1e6).toFixed(2)} M commands/s)`);
  console.log(`\nratio protolab / redis: ${(oursS / redisS).toFixed(2)}× (target ≤ 3×)`);
}
