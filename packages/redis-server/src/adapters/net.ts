/**
 * node:net adapter: real sockets and the real clock around the sans-I/O RedisServer (ae.c's
 * event loop, in Node's). Each socket read is one `data` event; the server's writes go to the
 * sockets, its closes end them; serverCron runs on a timer at hz, and a timer is armed for the
 * earliest blocking-pop deadline.
 */
import net from 'node:net';
import { RedisServer } from '../server.js';
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

export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RunningRedisServer> {
  const core = new RedisServer({ ...options, now: () => Date.now() });
  const sockets = new Map<number, net.Socket>();
  let nextId = 1;
  let cron: NodeJS.Timeout | undefined;
  let deadlineTimer: NodeJS.Timeout | undefined;

  const apply = (outputs: readonly ServerOutput[]): void => {
    for (const o of outputs) {
      const s = sockets.get(o.id);
      if (s === undefined) continue;
      if (o.type === 'write') s.write(o.bytes);
      else {
        sockets.delete(o.id);
        s.end();
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
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (sockets.has(id)) apply(core.data(id, chunk));
    });
    socket.on('close', () => {
      if (sockets.delete(id)) core.close(id);
    });
    socket.on('error', () => {
      // A reset by the peer: 'close' follows and frees the client.
    });
    apply(core.connect(id));
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(options.port ?? 6379, options.host ?? '127.0.0.1', () => {
      resolve();
    });
  });
  const address = listener.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
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
