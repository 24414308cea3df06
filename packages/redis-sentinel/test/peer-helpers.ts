/**
 * What the SENTINEL server's peer tests share: real redis-servers and redis-sentinels started on
 * free ports, protolab's sentinel (RealSentinel + SentinelServer), one-shot RESP calls, and a
 * list of things to stop after each test (`stops`, run in reverse by the test file's afterEach).
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RespClient, type RespValue } from '@protolab/resp';
import { freePort, startServer, type PeerServer } from '@protolab/testkit';
import { RealSentinel, SentinelServer, type SentinelConfig } from '../src/index.js';

export const stops: (() => Promise<void>)[] = [];

export async function stopAll(): Promise<void> {
  for (const s of stops.splice(0).reverse()) await s().catch(() => undefined);
}

const BASE = ['--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'];
export const DOWN_AFTER_MS = 2000;

export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export const str = (v: RespValue | undefined): string => (v?.type === 'bulk' || v?.type === 'verbatim' ? Buffer.from(v.value).toString() : v?.type === 'simple' || v?.type === 'error' ? v.value : '');

export async function ask(port: number, ...argv: string[]): Promise<RespValue> {
  const c = await RespClient.connect(port);
  try {
    return await c.call(...argv);
  } finally {
    await c.close();
  }
}

/** Like `ask`, on a connection that first sends `AUTH ...auth` (a password-protected server). */
export async function askAuth(port: number, auth: readonly string[], ...argv: string[]): Promise<RespValue> {
  const c = await RespClient.connect(port);
  try {
    await c.call('AUTH', ...auth);
    return await c.call(...argv);
  } finally {
    await c.close();
  }
}

/** A real redis-server on a free port with these extra arguments, stopped after the test. */
export async function redis(args: string[]): Promise<PeerServer> {
  const s = await startServer({ name: 'redis-server', command: 'redis-server', args: ({ port }) => ['--port', String(port), ...BASE, ...args] });
  stops.push(() => s.stop());
  return s;
}

/** A real master and one real replica, the link up. */
export async function pair(): Promise<{ master: PeerServer; replica: PeerServer }> {
  const master = await redis([]);
  const replica = await redis(['--replicaof', '127.0.0.1', String(master.port)]);
  await until('replica link up', async () => str(await ask(replica.port, 'INFO', 'replication')).includes('master_link_status:up'));
  return { master, replica };
}

export async function realSentinel(bin: string, masterPort: number, quorum = 1, failoverTimeoutMs = 10_000, extraLines: readonly string[] = []): Promise<PeerServer> {
  const port = await freePort();
  const s = await startServer({
    name: 'redis-sentinel',
    command: bin,
    port,
    args: ({ dir }) => {
      const conf = join(dir, 'sentinel.conf');
      const lines = [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor mymaster 127.0.0.1 ${masterPort} ${quorum}`, `sentinel down-after-milliseconds mymaster ${DOWN_AFTER_MS}`, `sentinel failover-timeout mymaster ${failoverTimeoutMs}`, ...extraLines, ''];
      writeFileSync(conf, lines.join('\n'));
      return [conf];
    },
  });
  stops.push(() => s.stop());
  return s;
}

const BIN = fileURLToPath(new URL('../src/bin/protolab-sentinel.ts', import.meta.url));
const TSX = join(createRequire(import.meta.url).resolve('tsx/package.json'), '..', 'dist');

/**
 * `protolab-sentinel <dir>/sentinel.conf` (src/bin) on a free port, the file holding `port`,
 * `bind 127.0.0.1` and `lines`; run as one node process with tsx's loader, so that stopping it
 * stops the sentinel.
 */
export async function protolabSentinelBin(lines: readonly string[]): Promise<PeerServer> {
  const port = await freePort();
  const s = await startServer({
    name: 'protolab-sentinel', command: process.execPath, port,
    args: ({ dir }) => {
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(conf, [`port ${port}`, 'bind 127.0.0.1', ...lines, ''].join('\n'));
      return ['--require', join(TSX, 'preflight.cjs'), '--import', pathToFileURL(join(TSX, 'loader.mjs')).href, '--conditions=@protolab/source', BIN, conf];
    },
  });
  stops.push(() => s.stop());
  return s;
}

/** Our sentinel (RealSentinel + SentinelServer) on a free port, announcing that port in its hellos. */
export async function ourSentinel(masterPort: number, failoverTimeoutMs = 10_000, quorum = 1, extra: Partial<SentinelConfig> = {}): Promise<{ port: number; sentinel: RealSentinel }> {
  const port = await freePort();
  const sentinel = new RealSentinel({
    config: { masterName: 'mymaster', masterAddr: `127.0.0.1:${masterPort}`, quorum, downAfterMs: DOWN_AFTER_MS, failoverTimeoutMs, ...extra },
    myid: 'a1'.repeat(20),
    announce: `127.0.0.1:${port}`,
  });
  const server = await SentinelServer.listen(sentinel, { port });
  sentinel.start();
  stops.push(async () => {
    await server.close();
    await sentinel.stop();
  });
  return { port, sentinel };
}

/** Once the sentinel knows its one replica: a client whose Pub/Sub messages are collected as `<channel> <message>`. */
export async function eventsClient(port: number): Promise<{ c: RespClient; seen: string[] }> {
  await until('the sentinel knows the replica', async () => {
    const r = await ask(port, 'SENTINEL', 'replicas', 'mymaster');
    return r.type === 'array' && r.value.length === 1;
  });
  const c = await RespClient.connect(port, '127.0.0.1', { replyTimeoutMs: 0 });
  stops.push(() => c.close());
  const seen: string[] = [];
  c.onPush((v) => {
    if (v.type !== 'array' && v.type !== 'push') return;
    const kind = str(v.value[0]);
    if (kind === 'pmessage') seen.push(`${str(v.value[2])} ${str(v.value[3])}`);
    else if (kind === 'message') seen.push(`${str(v.value[1])} ${str(v.value[2])}`);
  });
  return { c, seen };
}
