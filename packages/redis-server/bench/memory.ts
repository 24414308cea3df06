/**
 * Memory and bad-input measurements over real sockets (run with --expose-gc):
 *
 *   node --expose-gc --import tsx --conditions=@protolab/source packages/redis-server/bench/memory.ts [keys=1000000]
 *
 * 1. Memory per key: `keys` SETs (key:<i> → a 10-byte value) pipelined to protolab-redis (in this
 *    process) and to a real redis-server; protolab's V8 heap growth per key beside the real
 *    server's INFO memory used_memory growth per key (and protolab's own INFO estimate).
 * 2. A subscriber that never reads while a publisher sends 1 KiB messages: when it is
 *    disconnected (pubsub limits 32mb 8mb 60) and the RSS/heap on the way.
 * 3. 10^5 pipelined PINGs from one client; 10^4 connections opened and dropped; another client's
 *    PING answered throughout. RSS and heap before and after.
 */
import net from 'node:net';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from '../src/adapters/net.js';

const keys = Number(process.argv[2] ?? 1_000_000);
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const gc = (): void => {
  (globalThis as { gc?: () => void }).gc?.();
};
/** V8 heap plus memory outside it (Buffers, ArrayBuffers), after a full GC. */
const heap = (): number => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
};

/** Send `request` and wait until `replies` complete simple/integer/bulk replies arrived (counted by CRLF lines). */
async function roundTrip(port: number, chunks: Iterable<string>, expectLines: number): Promise<void> {
  const s = net.connect(port, '127.0.0.1');
  await new Promise<void>((r) => s.once('connect', () => { r(); }));
  let lines = 0;
  const done = new Promise<void>((resolve) => {
    s.on('data', (b: Buffer) => {
      for (const byte of b) if (byte === 10) lines++;
      if (lines >= expectLines) resolve();
    });
  });
  for (const c of chunks) s.write(c);
  await done;
  s.destroy();
}

/** The SETs in pipelines of 10^4, made as they are sent (so they are not counted as heap). */
function* setChunks(n: number): Generator<string> {
  for (let i = 0; i < n; i += 10_000) {
    let s = '';
    for (let j = i; j < Math.min(n, i + 10_000); j++) {
      const k = `key:${j}`;
      s += `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$10\r\nvalue-0123\r\n`;
    }
    yield s;
  }
}

async function info(port: number, field: string): Promise<number> {
  const s = net.connect(port, '127.0.0.1');
  let text = '';
  await new Promise<void>((resolve) => {
    s.on('data', (b: Buffer) => {
      text += b.toString();
      if (text.includes(`${field}:`) && text.endsWith('\r\n')) resolve();
    });
    s.write('INFO memory\r\n');
  });
  s.destroy();
  return Number(new RegExp(`${field}:(\\d+)`).exec(text)?.[1] ?? NaN);
}

async function memoryPerKey(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'protolab-mem-'));
  const srv = await startRedisServer({ port: 0 });
  const realPort = srv.port + 1;
  const real = spawn('redis-server', ['--port', String(realPort), '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  try {
    const h0 = heap();
    const est0 = await info(srv.port, 'used_memory');
    const r0 = await info(realPort, 'used_memory');
    await roundTrip(srv.port, setChunks(keys), keys);
    await roundTrip(realPort, setChunks(keys), keys);
    const h1 = heap();
    const est1 = await info(srv.port, 'used_memory');
    const r1 = await info(realPort, 'used_memory');
    console.log(`memory per key, ${keys} keys (key:<i> → 10-byte value):`);
    console.log(`  protolab heap+external growth ${((h1 - h0) / keys).toFixed(1)} B/key (${mb(h1 - h0)})`);
    console.log(`  protolab INFO estimate    ${((est1 - est0) / keys).toFixed(1)} B/key`);
    console.log(`  redis-server used_memory  ${((r1 - r0) / keys).toFixed(1)} B/key (${mb(r1 - r0)})`);
    console.log(`  ratio heap / real         ${((h1 - h0) / (r1 - r0)).toFixed(2)}×`);
  } finally {
    real.kill('SIGTERM');
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function slowSubscriber(): Promise<void> {
  const srv = await startRedisServer({ port: 0 });
  const sub = net.connect(srv.port, '127.0.0.1');
  await new Promise<void>((r) => sub.once('connect', () => { r(); }));
  sub.write('SUBSCRIBE ch\r\n');
  await new Promise((r) => setTimeout(r, 100));
  sub.pause(); // never reads again (a paused socket does not see its own close either)
  let closed = false;
  const pub = net.connect(srv.port, '127.0.0.1');
  await new Promise<void>((r) => pub.once('connect', () => { r(); }));
  pub.on('data', () => undefined);
  const msg = `*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$1024\r\n${'m'.repeat(1024)}\r\n`;
  const rss0 = process.memoryUsage().rss;
  let sent = 0;
  let peak = rss0;
  while (!closed && sent < 200_000) {
    pub.write(msg.repeat(100));
    sent += 100;
    await new Promise((r) => setImmediate(r));
    peak = Math.max(peak, process.memoryUsage().rss);
    closed = srv.server.connectedClients < 2;
  }
  console.log(`subscriber that never reads: disconnected=${String(closed)} after ${sent} messages of 1 KiB; RSS ${mb(rss0)} → peak ${mb(peak)}; stats: ${/client_output_buffer_limit_disconnections:\d+/.exec(await statsText(srv.port))?.[0] ?? '?'}`);
  pub.destroy();
  sub.destroy();
  await srv.close();
}

async function statsText(port: number): Promise<string> {
  const s = net.connect(port, '127.0.0.1');
  let text = '';
  await new Promise<void>((resolve) => {
    s.on('data', (b: Buffer) => {
      text += b.toString();
      if (text.includes('client_query_buffer_limit_disconnections')) resolve();
    });
    s.write('INFO stats\r\n');
  });
  s.destroy();
  return text;
}

async function floods(): Promise<void> {
  const srv = await startRedisServer({ port: 0 });
  const rss0 = process.memoryUsage().rss;
  const h0 = heap();
  const t0 = Date.now();
  await roundTrip(srv.port, ['PING\r\n'.repeat(100_000)], 100_000);
  const t1 = Date.now();
  for (let i = 0; i < 10_000; i += 500) {
    const batch = Array.from({ length: 500 }, () => net.connect(srv.port, '127.0.0.1'));
    await Promise.all(batch.map((s) => new Promise<void>((r) => { s.once('connect', () => { r(); }); s.once('error', () => { r(); }); })));
    batch.forEach((s) => s.destroy());
  }
  await new Promise((r) => setTimeout(r, 500));
  const left = srv.server.connectedClients;
  await roundTrip(srv.port, ['PING\r\n'], 1);
  console.log(`10^5 pipelined PINGs: ${t1 - t0} ms; 10^4 connections opened and dropped: ${Date.now() - t1} ms; clients left ${left}; a new client's PING answered`);
  console.log(`  RSS ${mb(rss0)} → ${mb(process.memoryUsage().rss)}, heap ${mb(h0)} → ${mb(heap())}`);
  await srv.close();
}

await memoryPerKey();
await slowSubscriber();
await floods();
