// AOF append throughput per appendfsync policy on real files: protolab (Keyspace → propagate →
// AppendOnlyFile → FsDisk, one command per event-loop turn), a naive baseline (encode + write(2)
// [+ fdatasync] per command), and real redis-server 7.0.15 driven by redis-benchmark with one
// client (so one command per event-loop turn there too). Prints ops/s and ratios.
// Run: npx tsx --conditions=@protolab/source packages/redis-aof/bench/append.bench.ts
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Keyspace } from '@protolab/redis-keyspace';
import { encodeCommand } from '@protolab/resp';
import { AppendOnlyFile, FsDisk, fsBio, type AppendFsync } from '../src/index.js';

const BUDGET_MS = 1500;

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'aof-bench-'));
}

function ours(policy: AppendFsync): number {
  const dir = tmp();
  const disk = new FsDisk(dir);
  const aof = new AppendOnlyFile({ disk, appendfsync: policy, useRdbPreamble: false, bio: fsBio(disk) });
  const ks = new Keyspace({ now: () => Date.now(), onPropagate: (db, argv) => { aof.feed(db, argv, Date.now()); } });
  aof.start(ks, Date.now());
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < BUDGET_MS) {
    for (let i = 0; i < 50; i++, n++) {
      ks.execute(['SET', `key:${n % 100_000}`, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']);
      aof.beforeSleep(Date.now());
    }
  }
  const rate = n / ((performance.now() - t0) / 1000);
  disk.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return rate;
}

function naive(policy: AppendFsync): number {
  const dir = tmp();
  const fd = fs.openSync(path.join(dir, 'naive.aof'), 'a');
  let n = 0;
  let lastSyncSec = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < BUDGET_MS) {
    for (let i = 0; i < 50; i++, n++) {
      fs.writeSync(fd, encodeCommand(['SET', `key:${n % 100_000}`, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']));
      if (policy === 'always') fs.fdatasyncSync(fd);
      else if (policy === 'everysec') {
        const s = Math.floor(Date.now() / 1000);
        if (s > lastSyncSec) {
          fs.fdatasyncSync(fd);
          lastSyncSec = s;
        }
      }
    }
  }
  const rate = n / ((performance.now() - t0) / 1000);
  fs.closeSync(fd);
  fs.rmSync(dir, { recursive: true, force: true });
  return rate;
}

function real(policy: AppendFsync): number | undefined {
  if (spawnSync('which', ['redis-server']).status !== 0 || spawnSync('which', ['redis-benchmark']).status !== 0) return undefined;
  const dir = tmp();
  const port = 20000 + Math.floor(Math.random() * 20000);
  const srv = spawnSync('redis-server', ['--port', String(port), '--dir', dir, '--appendonly', 'yes', '--appendfsync', policy, '--save', '', '--daemonize', 'yes', '--pidfile', path.join(dir, 'r.pid')]);
  if (srv.status !== 0) return undefined;
  spawnSync('sleep', ['0.5']);
  const n = policy === 'always' ? 5000 : 50000;
  const out = spawnSync('redis-benchmark', ['-p', String(port), '-c', '1', '-n', String(n), '-t', 'set', '-d', '50', '-r', '100000', '-q'], { encoding: 'utf8' });
  spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave']);
  fs.rmSync(dir, { recursive: true, force: true });
  const m = /SET: ([\d.]+) requests per second/.exec(out.stdout);
  return m === null ? undefined : Number(m[1]);
}

console.log('AOF append, one SET (50-byte value) per event-loop turn, real files on this machine\n');
console.log('policy     protolab ops/s   naive write(+fsync) ops/s   redis-server 7.0.15 (redis-benchmark -c 1)   protolab/naive   protolab/redis');
for (const p of ['always', 'everysec', 'no'] as const) {
  const o = ours(p);
  const b = naive(p);
  const r = real(p);
  console.log(
    `${p.padEnd(10)} ${o.toFixed(0).padStart(14)}   ${b.toFixed(0).padStart(25)}   ${(r === undefined ? 'n/a' : r.toFixed(0)).padStart(42)}   ${(o / b).toFixed(2).padStart(14)}   ${(r === undefined ? 'n/a' : (o / r).toFixed(2)).padStart(14)}`,
  );
}
console.log('\n(redis-benchmark includes the network round trip per command; protolab and naive do not.)');
