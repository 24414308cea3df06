/**
 * Full resync of an N-key dataset over loopback (issue 18, Performance): two protolab servers
 * (startReplicatedRedisServer, both in this process) against two real redis-server 7.0.15
 * processes, alternating, several rounds. Both pairs use diskless sync ($EOF:<mark>, delay 0).
 * The dataset is DEBUG POPULATE's (key:<i> → value:<i>) on both sides.
 *
 * Measured from REPLICAOF to `master_link_status:up` with the whole dataset loaded: wall time and
 * CPU time (protolab: process.cpuUsage of this process, which runs both nodes; real: utime+stime of
 * both processes from /proc/<pid>/stat).
 *
 *   npx tsx --conditions=@protolab/source packages/redis-replication/bench/full-resync.ts [keys=1000000] [rounds=3]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RespClient } from '@protolab/resp';
import { startReplicatedRedisServer } from '@protolab/redis-server';
import { freePort, waitForTcp } from '@protolab/testkit';

const KEYS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const CLK_TCK = 100;

async function call(port: number, ...argv: (string | number)[]): Promise<string> {
  const c = await RespClient.connect(port);
  try {
    const v = await c.call(...argv);
    if (v.type === 'integer') return String(v.value);
    return v.type === 'bulk' ? Buffer.from(v.value).toString() : v.type === 'simple' || v.type === 'error' ? v.value : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
  } finally {
    await c.close();
  }
}

async function synced(port: number): Promise<void> {
  for (;;) {
    const info = await call(port, 'INFO', 'replication');
    if (info.includes('master_link_status:up')) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

function procCpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function protolabRound(): Promise<{ wallMs: number; cpuMs: number }> {
  const m = await startReplicatedRedisServer({ port: 0 });
  const r = await startReplicatedRedisServer({ port: 0 });
  const ks = m.server.keyspace;
  for (let i = 0; i < KEYS; i++) ks.set(`key:${i}`, `value:${i}`);
  const c0 = cpuMs();
  const t0 = performance.now();
  await call(r.port, 'REPLICAOF', '127.0.0.1', m.port);
  await synced(r.port);
  const res = { wallMs: performance.now() - t0, cpuMs: cpuMs() - c0 };
  if (r.server.keyspace.dbsize() !== KEYS) throw new Error(`protolab replica has ${r.server.keyspace.dbsize()} keys, expected ${KEYS}`);
  await r.close();
  await m.close();
  return res;
}

async function startReal(port: number, dir: string): Promise<ChildProcess> {
  const p = spawn('redis-server', ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', '--enable-debug-command', 'yes'], { stdio: 'ignore' });
  await waitForTcp(port, 10_000);
  return p;
}

async function realRound(): Promise<{ wallMs: number; cpuMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'protolab-bench-'));
  const [mp, rp] = [await freePort(), await freePort()];
  const m = await startReal(mp, dir);
  const r = await startReal(rp, dir);
  try {
    await call(mp, 'DEBUG', 'POPULATE', KEYS);
    const c0 = procCpuMs(m.pid ?? 0) + procCpuMs(r.pid ?? 0);
    const t0 = performance.now();
    await call(rp, 'REPLICAOF', '127.0.0.1', mp);
    await synced(rp);
    const res = { wallMs: performance.now() - t0, cpuMs: procCpuMs(m.pid ?? 0) + procCpuMs(r.pid ?? 0) - c0 };
    const n = Number(await call(rp, 'DBSIZE'));
    if (n !== KEYS) throw new Error(`real replica has ${n} keys, expected ${KEYS}`);
    return res;
  } finally {
    m.kill('SIGKILL');
    r.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

const wallRatios: number[] = [];
const cpuRatios: number[] = [];
console.log(`full resync of ${KEYS} keys, ${ROUNDS} rounds, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (let i = 0; i < ROUNDS; i++) {
  const real = await realRound();
  const ours = await protolabRound();
  wallRatios.push(ours.wallMs / real.wallMs);
  cpuRatios.push(ours.cpuMs / real.cpuMs);
  console.log(`round ${i + 1}: real ${real.wallMs.toFixed(0)} ms wall / ${real.cpuMs.toFixed(0)} ms cpu; protolab ${ours.wallMs.toFixed(0)} ms wall / ${ours.cpuMs.toFixed(0)} ms cpu`);
}
const range = (xs: number[]): string => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
console.log(`protolab/real: wall ×${median(wallRatios).toFixed(2)} (range ${range(wallRatios)}), cpu ×${median(cpuRatios).toFixed(2)} (range ${range(cpuRatios)}); load ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
