/**
 * node:net adapter: real sockets and the real clock around the sans-I/O RedisServer (ae.c's
 * event loop, in Node's). Each socket read is one `data` event; the server's writes go to the
 * sockets, its closes end them; serverCron runs on a timer at hz, and a timer is armed for the
 * earliest blocking-pop deadline.
 *
 * Backpressure: after each write the socket's pending bytes (writableLength) are reported to the
 * core (`socketPending`), so client-output-buffer-limit sees a client that never reads; and a
 * socket with more than PAUSE_READS_BYTES pending stops being read until it drains, so a client
 * that pipelines without reading its replies cannot grow this process's memory without bound
 * (TCP pushes back on it instead; redis-server keeps reading and lets c->reply grow).
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { RedisServer } from '../server.js';
import type { ProcessInfo } from '../stats.js';
import type { RedisServerOptions, ServerOutput } from '../server.js';

export interface StartRedisServerOptions extends Omit<RedisServerOptions, 'now'> {
  /** TCP port (0: any free port). Default 6379. */
  readonly port?: number;
  /** Address to listen on. Default 127.0.0.1. */
  readonly host?: string;
}

export interface RunningRedisServer {
  readonly port: number;
  readonly server: RedisServer;
  /** Stop listening, end every connection, stop the timers. */
  close(): Promise<void>;
}

/** Pending bytes on one socket above which it is not read until it drains. */
export const PAUSE_READS_BYTES = 4 * 1024 * 1024;

function processInfo(): ProcessInfo {
  const m = process.memoryUsage();
  const cpu = process.cpuUsage();
  return { pid: process.pid, rssBytes: m.rss, heapUsedBytes: m.heapUsed, cpuUserSeconds: cpu.user / 1e6, cpuSysSeconds: cpu.system / 1e6 };
}

/** readQueryFromClient / the write handler / freeClient on one accepted socket. */
function wireSocket(core: RedisServer, socket: net.Socket, id: number, sockets: Map<number, net.Socket>, apply: (o: readonly ServerOutput[]) => void): void {
  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => {
    if (sockets.has(id)) apply(core.data(id, chunk));
  });
  socket.on('close', () => {
    if (sockets.delete(id)) core.close(id);
  });
  socket.on('drain', () => {
    if (!sockets.has(id)) return;
    apply(core.socketPending(id, socket.writableLength));
    if (socket.isPaused()) socket.resume();
  });
  socket.on('error', () => {
    // A reset by the peer: 'close' follows and frees the client.
  });
  apply(core.connect(id, { addr: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`, laddr: `${socket.localAddress ?? '?'}:${socket.localPort ?? 0}` }));
}

export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RunningRedisServer> {
  const core = new RedisServer({
    runId: randomBytes(20).toString('hex'),
    replId: randomBytes(20).toString('hex'),
    processInfo,
    ...options,
    now: () => Date.now(),
  });
  const sockets = new Map<number, net.Socket>();
  let nextId = 1;
  let cron: NodeJS.Timeout | undefined;
  let deadlineTimer: NodeJS.Timeout | undefined;

  const apply = (outputs: readonly ServerOutput[]): void => {
    for (const o of outputs) {
      const s = sockets.get(o.id);
      if (s === undefined) continue;
      if (o.type === 'write') {
        s.write(o.bytes);
        const pending = s.writableLength;
        if (pending > 0) {
          // A close for a client over its output limit comes back from socketPending.
          apply(core.socketPending(o.id, pending));
          if (pending > PAUSE_READS_BYTES) s.pause();
        }
      } else {
        sockets.delete(o.id);
        if (o.abort === true) s.destroy();
        else s.end();
      }
    }
    armDeadline();
  };
  const armDeadline = (): void => {
    if (deadlineTimer !== undefined) clearTimeout(deadlineTimer);
    deadlineTimer = undefined;
    const at = core.nextTimeoutMs();
    if (at === undefined) return;
    deadlineTimer = setTimeout(() => {
      deadlineTimer = undefined;
      apply(core.tick().outputs);
    }, Math.max(0, at - Date.now()));
  };
  const runCron = (): void => {
    const { periodMs, outputs } = core.tick();
    apply(outputs);
    cron = setTimeout(runCron, periodMs);
  };

  const listener = net.createServer((socket) => {
    const id = nextId++;
    sockets.set(id, socket);
    wireSocket(core, socket, id, sockets, apply);
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port ?? 6379, options.host ?? '127.0.0.1', () => {
      resolve();
    });
  });
  const address = listener.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  core.config.setAtStart(new Map([['port', String(port)], ['bind', options.host ?? '127.0.0.1']]));
  cron = setTimeout(runCron, 100);
  return {
    port,
    server: core,
    close: () =>
      new Promise<void>((resolve) => {
        if (cron !== undefined) clearTimeout(cron);
        if (deadlineTimer !== undefined) clearTimeout(deadlineTimer);
        for (const [id, s] of sockets) {
          core.close(id);
          s.destroy();
        }
        sockets.clear();
        listener.close(() => {
          resolve();
        });
      }),
  };
}
