/**
 * node:net adapter: real sockets and the real clock around the sans-I/O RedisServer (ae.c's
 * event loop, in Node's). Each socket read is one `data` event; the server's writes go to the
 * sockets, its closes end them; serverCron runs on a timer at hz. No timer is armed for a
 * blocked client's deadline: as in 7.0, a timeout is noticed by the next beforeSleep — after any
 * event, or after serverCron's (ae.c aeProcessEvents sleeps until the nearest time event unless
 * a socket event comes first, and serverCron is the only time event; timeout.c
 * handleBlockedClientsTimeout runs in server.c beforeSleep).
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

/** What a unit layered on these sockets (replication, adapters/replication.ts) needs from them. */
export interface ServerEdge {
  /** Write to a client's socket outside a reply (a replica's RDB and command stream). */
  write(id: number, bytes: Uint8Array): void;
  /** Free a client from outside the core (freeClient): the core forgets it, the socket ends. */
  closeClient(id: number): void;
  /** The peer's IP address ('' once the client is gone). */
  peerIp(id: number): string;
  /** `fn` runs once for every client that goes away, whichever side closed it. */
  onClientClosed(fn: (id: number) => void): void;
  /** Carry out what the core answered outside a socket event (a timer's tick). */
  apply(outputs: readonly ServerOutput[]): void;
}

export interface RunningRedisServer {
  readonly port: number;
  readonly server: RedisServer;
  readonly edge: ServerEdge;
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
function wireSocket(core: RedisServer, socket: net.Socket, id: number, sockets: Map<number, net.Socket>, apply: (o: readonly ServerOutput[]) => void, gone: (id: number) => void): void {
  socket.setNoDelay(true);
  // networking.c createClient: connKeepAlive(conn, server.tcpkeepalive) when it is not 0.
  const keepalive = core.config.number('tcp-keepalive');
  if (keepalive > 0) socket.setKeepAlive(true, keepalive * 1000);
  socket.on('data', (chunk: Buffer) => {
    if (sockets.has(id)) apply(core.data(id, chunk));
  });
  socket.on('close', () => {
    if (!sockets.delete(id)) return;
    core.close(id);
    gone(id);
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

/** listen(2) on host:port; the port bound (port 0: the one the kernel chose). */
async function listen(listener: net.Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => {
      resolve();
    });
  });
  const address = listener.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** The ServerEdge of startRedisServer's sockets. */
function serverEdge(
  core: RedisServer,
  sockets: Map<number, net.Socket>,
  apply: (o: readonly ServerOutput[]) => void,
  gone: (id: number) => void,
  closedListeners: ((id: number) => void)[],
): ServerEdge {
  return {
    write: (id, bytes) => {
      sockets.get(id)?.write(bytes);
    },
    closeClient: (id) => {
      const s = sockets.get(id);
      if (s === undefined) return;
      sockets.delete(id);
      core.close(id);
      s.destroy();
      gone(id);
    },
    peerIp: (id) => (sockets.get(id)?.remoteAddress ?? '').replace(/^::ffff:/, ''),
    onClientClosed: (fn) => {
      closedListeners.push(fn);
    },
    apply,
  };
}

/**
 * The address listened on for a `bind` list: the first, without its '-' (optional) mark; '*' or
 * none: 0.0.0.0. (startRedisServer shows an explicit `host` as `bind` unless the table's list
 * already starts with it; without one it listens on 127.0.0.1 and `bind` keeps 7.0's default.)
 */
export function firstBindHost(bind: string): string {
  const first = (bind.split(' ')[0] ?? '').replace(/^-/, '');
  return first === '' || first === '*' ? '0.0.0.0' : first;
}

/**
 * config.c updatePort / applyBind (changeListenPort, changeBindAddr): CONFIG SET port / bind
 * listen anew; established connections stay. Node listens asynchronously, so the reply is OK at
 * once and a failure to listen is reported afterwards by putting the old values back (Redis
 * answers "Unable to listen on this port" instead). One address is listened on: the first of
 * `bind` without its '-' (optional) mark, '*' or none as 0.0.0.0; port 0 closes the TCP listener.
 */
function followListenConfig(core: RedisServer, holder: { listener: net.Server }, makeListener: () => net.Server, start: { port: number; host: string; bind: string }): void {
  let bound = start;
  const relisten = (): undefined => {
    const want = { port: core.config.number('port'), bind: core.config.get('bind') };
    const host = want.bind === bound.bind ? bound.host : firstBindHost(want.bind);
    if (want.port === bound.port && host === bound.host) return undefined;
    holder.listener.close();
    holder.listener = makeListener();
    const previous = bound;
    bound = { port: want.port, host, bind: want.bind };
    if (want.port === 0) return undefined;
    listen(holder.listener, want.port, host).catch(() => {
      bound = previous;
      holder.listener = makeListener();
      core.config.setAtStart(new Map([['port', String(previous.port)], ['bind', previous.bind]]));
      void listen(holder.listener, previous.port, previous.host).catch(() => undefined);
    });
    return undefined;
  };
  core.config.onChange('port', relisten);
  core.config.onChange('bind', relisten);
}

/** performance.timeOrigin (a getter, read once: ustime runs twice per command). */
const TIME_ORIGIN = performance.timeOrigin;

export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RunningRedisServer> {
  const core = new RedisServer({
    runId: randomBytes(20).toString('hex'),
    replId: randomBytes(20).toString('hex'),
    processInfo,
    ...options,
    now: () => Date.now(),
    // ustime: a µs wall clock (performance.now has sub-ms resolution; timeOrigin read once).
    ustime: () => Math.floor((TIME_ORIGIN + performance.now()) * 1000),
  });
  const sockets = new Map<number, net.Socket>();
  let nextId = 1;
  let cron: NodeJS.Timeout | undefined;
  const closedListeners: ((id: number) => void)[] = [];
  const gone = (id: number): void => {
    for (const fn of closedListeners) fn(id);
  };

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
        gone(o.id);
      }
    }
  };
  const runCron = (): void => {
    const { periodMs, outputs } = core.tick();
    apply(outputs);
    cron = setTimeout(runCron, periodMs);
  };
  const makeListener = (): net.Server => net.createServer((socket) => { const id = nextId++; sockets.set(id, socket); wireSocket(core, socket, id, sockets, apply, gone); });
  const holder = { listener: makeListener() };
  const host = options.host ?? '127.0.0.1';
  const port = await listen(holder.listener, options.port ?? 6379, host);
  const bind = options.host === undefined || firstBindHost(core.config.get('bind')) === host ? core.config.get('bind') : host;
  core.config.setAtStart(new Map([['port', String(port)], ['bind', bind]]));
  followListenConfig(core, holder, makeListener, { port, host, bind });
  cron = setTimeout(runCron, 100);
  const edge = serverEdge(core, sockets, apply, gone, closedListeners);
  return {
    port,
    server: core,
    edge,
    close: () =>
      new Promise<void>((resolve) => {
        if (cron !== undefined) clearTimeout(cron);
        for (const [id, s] of sockets) {
          core.close(id);
          s.destroy();
        }
        sockets.clear();
        holder.listener.close(() => {
          resolve();
        });
      }),
  };
}
