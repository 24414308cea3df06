import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A free TCP port on 127.0.0.1 (the OS picks it; we close the probe socket before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('could not read the probe socket address'));
        return;
      }
      srv.close(() => { resolve(addr.port); });
    });
  });
}

/** The absolute path of `name` on PATH (or an absolute/relative path that exists), or undefined. */
export function findBinary(name: string, extraDirs: readonly string[] = ['/usr/sbin', '/usr/local/sbin', '/sbin']): string | undefined {
  const candidates = name.includes('/')
    ? [name]
    : [...(process.env['PATH'] ?? '').split(delimiter), ...extraDirs].filter((d) => d !== '').map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Resolves once a TCP connection to 127.0.0.1:port succeeds; rejects after `timeoutMs`. */
export async function waitForTcp(port: number, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ port, host: '127.0.0.1' });
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => { s.destroy(); resolve(false); });
    });
    if (ok) return;
    if (!alive()) throw new Error(`server exited before 127.0.0.1:${port} accepted connections`);
    if (performance.now() > deadline) throw new Error(`127.0.0.1:${port} did not accept connections within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface StartServerOptions {
  /** For messages: 'redis-server', 'nginx', … */
  readonly name: string;
  /** The executable (a name on PATH or a path). */
  readonly command: string;
  /** Arguments, given the chosen port and a fresh temp dir (removed on stop). */
  readonly args: (ctx: { port: number; dir: string }) => readonly string[];
  /** Resolves when the server answers. Default: a TCP connect to the port succeeds. */
  readonly ready?: (ctx: { port: number; dir: string }) => Promise<void>;
  readonly env?: Readonly<Record<string, string>>; // map-ok: environment variables handed to spawn, never looked up by an input key
  /** Start-up limit (default 20 000 ms). */
  readonly timeoutMs?: number;
  /** Use this port instead of a free one (for multi-server set-ups that chose ports first). */
  readonly port?: number;
  /** Use this dir instead of a fresh one (it is then not removed on stop). */
  readonly dir?: string;
}

export interface PeerServer {
  readonly port: number;
  readonly dir: string;
  readonly pid: number;
  /** What the server printed so far (stdout + stderr), for failure messages. */
  output(): string;
  /** SIGTERM by PID, then SIGKILL after 5 s; waits for exit; removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

const running = new Set<PeerServer>();
let hooked = false;

/** Kill every server still running if the test process exits early (a crash, Ctrl-C). */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const s of running) {
      try { process.kill(s.pid, 'SIGKILL'); } catch { /* gone */ }
    }
  });
}

/** Starts a real server on 127.0.0.1 and waits until it answers. Always pair with `stop()`. */
export async function startServer(opts: StartServerOptions): Promise<PeerServer> {
  const bin = findBinary(opts.command);
  if (bin === undefined) throw new Error(`${opts.name}: binary '${opts.command}' not found`);
  const port = opts.port ?? (await freePort());
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), `protolab-${opts.name.replace(/[^a-z0-9-]/gi, '')}-`));
  const ctx = { port, dir };
  let out = '';
  const child: ChildProcess = spawn(bin, [...opts.args(ctx)], {
    cwd: dir,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const append = (b: Buffer): void => { out = (out + b.toString('utf8')).slice(-20_000); };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => { exited = true; resolve(); });
    child.once('error', (e) => { out += `\nspawn error: ${e.message}`; exited = true; resolve(); });
  });
  const pid = child.pid ?? -1;
  let stopped = false;
  const server: PeerServer = {
    port,
    dir,
    pid,
    output: () => out,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      running.delete(server);
      if (!exited && pid > 0) {
        try { process.kill(pid, 'SIGTERM'); } catch { /* already gone */ }
        const killer = setTimeout(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
        await exitPromise;
        clearTimeout(killer);
      }
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(server);
  hookExit();
  try {
    const timeoutMs = opts.timeoutMs ?? 20_000;
    if (opts.ready) {
      await Promise.race([
        opts.ready(ctx),
        new Promise<never>((_, reject) => setTimeout(() => { reject(new Error(`not ready within ${timeoutMs} ms`)); }, timeoutMs).unref()),
      ]);
    } else {
      await waitForTcp(port, timeoutMs, () => !exited);
    }
  } catch (e) {
    await server.stop();
    throw new Error(`${opts.name} did not start on 127.0.0.1:${port}: ${(e as Error).message}\n--- its output ---\n${out}`, { cause: e });
  }
  return server;
}
