/**
 * One SIGKILL run through the real process, shared by the kill test and bench/kill-soak.ts:
 * start protolab-redis (`appendonly yes`, `appendfsync always`), write from a client with 8
 * commands in flight, SIGKILL the process `killAfterMs` after the first acknowledged write, start it again on
 * the same dir and check that every acknowledged write is there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RespClient } from '@protolab/resp';
import { freePort } from '@protolab/testkit';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
// node itself runs the CLI with tsx's loader, so the SIGKILL hits the process that writes.
const tsxLoader = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href;
const cli = path.join(here, '../src/bin/protolab-redis.ts');

export interface Cli {
  readonly child: ChildProcess;
  readonly port: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** Start the CLI with `args` (plus --port); resolves once it prints "ready to accept connections". */
export async function startCli(args: readonly string[]): Promise<Cli> {
  const port = await freePort();
  // A config file goes first, as redis-server takes it; the directives after it win.
  const [first, ...rest] = args;
  const ordered = first !== undefined && !first.startsWith('--') ? [first, '--port', String(port), ...rest] : ['--port', String(port), ...args];
  const child = spawn(process.execPath, ['--conditions=@protolab/source', '--import', tsxLoader, cli, ...ordered], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => { resolve({ code, signal }); });
  });
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes('ready to accept connections')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code }) => { reject(new Error(`protolab-redis exited (${String(code)}) before it was ready:\n${out}`)); });
  });
  return { child, port, exited, output: () => out };
}

export interface KillRun {
  readonly acked: number;
  readonly missing: string[];
  readonly counter: { acked: number; found: number };
}

const text = (v: unknown): string | undefined => (typeof v === 'object' && v !== null && 'value' in v && v.value instanceof Uint8Array ? Buffer.from(v.value).toString() : undefined);

/** Write until the process dies: SET k:<i> v:<i> and INCR ctr, 8 in flight; the acknowledged ones. */
async function writeUntilKilled(port: number, killAfterMs: number, kill: () => void): Promise<{ keys: number[]; ctr: number }> {
  const c = await RespClient.connect(port);
  const keys: number[] = [];
  let ctr = 0;
  let alive = true;
  let armed = false;
  let i = 0;
  const worker = async (): Promise<void> => {
    while (alive) {
      const n = i++;
      try {
        const r = await c.call('SET', `k:${n}`, `v:${n}`);
        if (r.type === 'simple' && r.value === 'OK') keys.push(n);
        if (!armed) {
          armed = true;
          setTimeout(() => { kill(); }, killAfterMs);
        }
        const x = await c.call('INCR', 'ctr');
        if (x.type === 'integer') ctr = Math.max(ctr, Number(x.value));
      } catch {
        alive = false;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  await c.close().catch(() => undefined);
  return { keys, ctr };
}

/** One run in a fresh directory (removed afterwards). */
export async function killRun(killAfterMs: number): Promise<KillRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protolab-redis-kill-'));
  const args = ['--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--dir', dir];
  try {
    const first = await startCli(args);
    const { keys, ctr } = await writeUntilKilled(first.port, killAfterMs, () => first.child.kill('SIGKILL'));
    const { signal } = await first.exited;
    if (signal !== 'SIGKILL') throw new Error(`protolab-redis ended by ${String(signal)}, not SIGKILL:\n${first.output()}`);
    const second = await startCli(args);
    const c = await RespClient.connect(second.port);
    const missing: string[] = [];
    for (let at = 0; at < keys.length; at += 500) {
      const batch = keys.slice(at, at + 500);
      const r = await c.call('MGET', ...batch.map((n) => `k:${n}`));
      if (r.type !== 'array') throw new Error('MGET did not answer an array');
      r.value.forEach((v, j) => {
        const n = batch[j] ?? -1;
        if (text(v) !== `v:${n}`) missing.push(`k:${n}`);
      });
    }
    const got = await c.call('GET', 'ctr');
    const found = Number(text(got) ?? '0');
    await c.close();
    second.child.kill('SIGTERM');
    await second.exited;
    return { acked: keys.length, missing, counter: { acked: ctr, found } };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
