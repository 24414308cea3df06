// Issue 19: "decode + read every key and value" against a real redis-server 7.0.15 loading the
// same file, in one script, alternating (server, ours, server, ours, ...), RUNS rounds (default 3).
// READ=readValue reads each value with `readValue(e)` (the one-pass reader's call: nothing cached on
// the entries) instead of the `e.value` accessor (expanded collections cached); one reader per
// process, so neither pays for the other's heap.
//   NODE_OPTIONS=--max-old-space-size=8192 npx tsx --conditions=@protolab/source \
//     packages/redis-rdb/bench/read-all-vs-server.ts [keys=1000000] [file.rdb]
// Both sides are timed two ways: wall time (the server's own log line "DB loaded from disk: X
// seconds"; performance.now() around decodeRdb + the read loop) and CPU time (the server's
// INFO cpu used_cpu_user + used_cpu_sys right after loading, which includes its start-up of a few
// ms; process.cpuUsage() for ours, which counts V8's GC helper threads too). On a shared, loaded
// machine the CPU ratio is the steadier one. Prints median and range of each ratio, and the load
// average before and after. With a file argument the dataset is read from it (and written there
// first if it does not exist), so a run does not pay for building 1M keys.
// BASELINE=<path to another copy's src/index.ts> (e.g. a `git worktree` of an older commit) runs that
// copy too, in the same rounds (server, baseline, ours), and prints its ratios: a before/after
// table measured at one load.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as current from '@protolab/redis-rdb';
import { mixedDataset } from './dataset.js';

const N = Number(process.argv[2] ?? 1_000_000);
const path = process.argv[3];
const RUNS = Number(process.env['RUNS'] ?? 3);
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`load average ${load()}`);

let file: Uint8Array;
if (path !== undefined && existsSync(path)) file = new Uint8Array(readFileSync(path));
else {
  file = current.encodeRdb(mixedDataset(N), { ctimeSec: 1767225600 });
  if (path !== undefined) writeFileSync(path, file);
}

interface Sample { wallMs: number; cpuMs: number }

async function server(dir: string): Promise<Sample> {
  const sock = join(dir, 'bench.sock');
  const srv = spawn('redis-server', ['--port', '0', '--unixsocket', sock, '--dir', dir, '--dbfilename', 'dump.rdb', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  srv.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const secs = await new Promise<number>((resolve, reject) => {
      const t = setInterval(() => {
        const m = /DB loaded from disk: ([0-9.]+) seconds/.exec(out);
        if (m) {
          clearInterval(t);
          resolve(Number(m[1]));
        } else if (/Fatal|error/i.test(out) || srv.exitCode !== null) {
          clearInterval(t);
          reject(new Error(out));
        }
      }, 20);
    });
    const info = execFileSync('redis-cli', ['-s', sock, 'INFO', 'cpu'], { encoding: 'utf8' });
    const field = (k: string): number => Number(new RegExp(`${k}:([0-9.]+)`).exec(info)?.[1] ?? NaN);
    return { wallMs: secs * 1000, cpuMs: (field('used_cpu_user') + field('used_cpu_sys')) * 1000 };
  } finally {
    srv.kill('SIGKILL');
    await new Promise((r) => srv.once('exit', r));
  }
}

/**
 * 'value': every `e.value.value` read through the accessor (expanded collections cached on the
 * entries, so they live as long as the decoded file); 'readValue': the one-pass reader's
 * `readValue(e).value` (the same data, expanded afresh and not cached: dropped items die young).
 */
type Lib = Pick<typeof current, 'decodeRdb' | 'readValue'>;
const baselinePath = process.env['BASELINE'];
const baseline = baselinePath === undefined ? undefined : ((await import(baselinePath)) as Lib);

function ours(mode: 'value' | 'readValue', lib: Lib = current): Sample {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const d = lib.decodeRdb(file);
  let n = 0;
  if (mode === 'value') for (const db of d.databases) for (const e of db.entries) n += e.key.length + e.value.value.length;
  else for (const db of d.databases) for (const e of db.entries) n += e.key.length + lib.readValue(e).value.length;
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  if (n === 0) throw new Error('nothing read');
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const show = (xs: readonly number[]): string => `${median(xs).toFixed(2)}× (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;

const dir = mkdtempSync(join(tmpdir(), 'protolab-rdb-readall-'));
const srv: Sample[] = [];
const us: Sample[] = [];
const base: Sample[] = [];
const READ = process.env['READ'] === 'readValue' ? 'readValue' : 'value';
try {
  writeFileSync(join(dir, 'dump.rdb'), file);
  const check = execFileSync('redis-check-rdb', [join(dir, 'dump.rdb')], { encoding: 'utf8' });
  if (!check.includes('RDB looks OK')) throw new Error(check);
  ours(READ); // warm-up (JIT), not counted
  if (baseline !== undefined) ours(READ, baseline);
  for (let r = 0; r < RUNS; r++) {
    srv.push(await server(dir));
    // with a baseline, alternate which of the two runs first
    if (baseline !== undefined && r % 2 === 0) base.push(ours(READ, baseline));
    us.push(ours(READ));
    if (baseline !== undefined && r % 2 === 1) base.push(ours(READ, baseline));
    const [s, o, b] = [srv[r], us[r], base[r]];
    const bl = b === undefined ? '' : `; baseline ${b.wallMs.toFixed(0)} ms wall / ${b.cpuMs.toFixed(0)} ms CPU`;
    if (s && o) console.log(`run ${r + 1}: server ${s.wallMs.toFixed(0)} ms wall / ${s.cpuMs.toFixed(0)} ms CPU; decode + read all (${READ}) ${o.wallMs.toFixed(0)} ms wall / ${o.cpuMs.toFixed(0)} ms CPU${bl}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const wall = us.map((o, i) => o.wallMs / (srv[i]?.wallMs ?? NaN));
const cpu = us.map((o, i) => o.cpuMs / (srv[i]?.cpuMs ?? NaN));
console.log(`${N} keys, ${(file.length / 1e6).toFixed(1)} MB; decode + read all (${READ === 'value' ? 'e.value' : 'readValue(e)'}) ÷ redis-server load: wall ${show(wall)}, CPU ${show(cpu)} (median, range over ${RUNS} runs; target ≤ 2×)`);
if (baseline !== undefined) {
  const bw = base.map((o, i) => o.wallMs / (srv[i]?.wallMs ?? NaN));
  const bc = base.map((o, i) => o.cpuMs / (srv[i]?.cpuMs ?? NaN));
  const nb = us.map((o, i) => o.cpuMs / (base[i]?.cpuMs ?? NaN));
  console.log(`baseline ${baselinePath ?? ''} ÷ redis-server load: wall ${show(bw)}, CPU ${show(bc)}; ours ÷ baseline CPU ${show(nb)}`);
}
console.log(`load average ${load()}`);
