// Encode / decode throughput of a 1M-key mixed dataset, beside the time redis-server 7.0.15 takes
// to load the same file (timed start-up: its "DB loaded from disk: N seconds" log line) and a
// naive baseline (JSON.stringify / JSON.parse of the same data).
//   npx tsx --conditions=@protolab/source packages/redis-rdb/bench/codec.ts [keys]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeRdb, encodeRdb, RdbDecoder, type KeyEntry } from '@protolab/redis-rdb';
import { mixedDataset } from './dataset.js';

const N = Number(process.argv[2] ?? 1_000_000);
const RUNS = 3;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function time(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

console.log(`building ${N} keys...`);
let ds: KeyEntry[] | undefined = mixedDataset(N);
let file: Uint8Array = new Uint8Array(0);
const encMs = median(Array.from({ length: RUNS }, () => time(() => { file = encodeRdb(ds!, { ctimeSec: 1767225600 }); })));
const fileNoLzfBytes = encodeRdb(ds, { compression: false }).length;
const mb = file.length / 1e6;

// naive baseline: JSON of the same entries (bytes as latin1 strings)
const latin = (u: Uint8Array): string => Buffer.from(u).toString('latin1');
let plain: unknown[] | undefined = ds.map((e) => ({ k: latin(e.key), x: e.expireAtMs, v: e.value.type === 'string' ? latin(e.value.value) : e.value.type === 'zset' ? e.value.value.map((z) => [latin(z.member), z.score]) : e.value.type === 'hash' ? e.value.value.map(([f, v]) => [latin(f), latin(v)]) : e.value.value.map(latin) }));
let json = '';
const jsonEncMs = median(Array.from({ length: RUNS }, () => time(() => { json = JSON.stringify(plain); })));
const jsonBytes = json.length;
const jsonDecMs = median(Array.from({ length: RUNS }, () => time(() => { JSON.parse(json); })));

// decode with the source dataset released (a loader starts from bytes, not from a live dataset)
ds = undefined;
plain = undefined;
json = '';
const decMs = median(Array.from({ length: RUNS }, () => time(() => { decodeRdb(file); })));
// collection values (and every key and string) are validated at decode time but expanded on first
// read, as Redis 7.0 keeps listpacks and intsets packed: this row reads every key and every value's
// items, so the full cost of getting plain arrays is on record too
const touchMs = median(Array.from({ length: RUNS }, () => time(() => {
  const d = decodeRdb(file);
  let n = 0;
  for (const db of d.databases) for (const e of db.entries) n += e.key.length + e.value.value.length;
  if (n === 0) throw new Error('nothing read');
})));
const streamMs = median(Array.from({ length: RUNS }, () => time(() => {
  const d = new RdbDecoder();
  let n = 0;
  for (let i = 0; i < file.length; i += 1 << 20) d.feed(file.subarray(i, i + (1 << 20)), (r) => { if (r.kind === 'entry') n++; });
  d.end();
  if (n !== N) throw new Error(`streamed ${n} keys`);
})));

// the real server loading the same file
const dir = mkdtempSync(join(tmpdir(), 'protolab-rdb-bench-'));
const serverLoad: number[] = [];
try {
  writeFileSync(join(dir, 'dump.rdb'), file);
  const check = execFileSync('redis-check-rdb', [join(dir, 'dump.rdb')], { encoding: 'utf8' });
  if (!check.includes('RDB looks OK')) throw new Error(check);
  for (let r = 0; r < RUNS; r++) {
    const sock = join(dir, 'bench.sock');
    const srv = spawn('redis-server', ['--port', '0', '--unixsocket', sock, '--dir', dir, '--dbfilename', 'dump.rdb', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    srv.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const secs = await new Promise<number>((resolve, reject) => {
      const t = setInterval(() => {
        const m = /DB loaded from disk: ([0-9.]+) seconds/.exec(out);
        if (m) {
          clearInterval(t);
          resolve(Number(m[1]));
        } else if (/Fatal|error/i.test(out)) {
          clearInterval(t);
          reject(new Error(out));
        }
      }, 20);
    });
    serverLoad.push(secs * 1000);
    srv.kill('SIGKILL');
    await new Promise((r2) => srv.once('exit', r2));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const srvMs = median(serverLoad);

const row = (name: string, ms: number, bytes: number): string => `${name.padEnd(42)} ${ms.toFixed(0).padStart(7)} ms ${(bytes / 1e6 / (ms / 1000)).toFixed(1).padStart(8)} MB/s ${(N / (ms / 1000) / 1e6).toFixed(2).padStart(6)} M keys/s`;
console.log(`\n${N} keys; RDB ${mb.toFixed(1)} MB (${(fileNoLzfBytes / 1e6).toFixed(1)} MB with rdbcompression no); JSON ${(jsonBytes / 1e6).toFixed(1)} MB; median of ${RUNS}; node ${process.version}`);
console.log(row('encodeRdb (rdbcompression yes)', encMs, file.length));
console.log(row('decodeRdb (in memory, keeps all entries)', decMs, file.length));
console.log(row('decodeRdb + read every key and value', touchMs, file.length));
console.log(row('RdbDecoder.feed streaming (1 MB chunks)', streamMs, file.length));
console.log(row('redis-server 7.0.15 load (start-up log)', srvMs, file.length));
console.log(row('naive: JSON.stringify', jsonEncMs, jsonBytes));
console.log(row('naive: JSON.parse', jsonDecMs, jsonBytes));
console.log(`\nratios: decodeRdb / redis-server load = ${(decMs / srvMs).toFixed(2)}x, decodeRdb + read all / redis-server = ${(touchMs / srvMs).toFixed(2)}x, streaming / redis-server = ${(streamMs / srvMs).toFixed(2)}x, encode / redis-server load = ${(encMs / srvMs).toFixed(2)}x`);
