/**
 * node:net adapter for a server with replication: the sockets of startRedisServer (net.ts) plus
 * what replication needs from the edge — writing to a replica's connection outside a reply
 * (the RDB, the stream), the outbound connection to our master (connectWithMaster), and the
 * 100 ms timer that drives replicationCron and the WAIT deadlines. Real clock, crypto ids.
 *
 *   const a = await startReplicatedRedisServer({ port: 0 });
 *   // redis-cli -p <a.port> REPLICAOF 127.0.0.1 6379
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { encode } from '@protolab/resp';
import type { ReplIo, WireReplication, WireReplicationConfig } from '@protolab/redis-replication';
import { RedisServer } from '../server.js';
import type { RedisServerOptions, ServerOutput } from '../server.js';
import { installReplication } from '../replication/replication.js';

export interface StartReplicatedRedisServerOptions extends Omit<RedisServerOptions, 'now'> {
  readonly port?: number;
  readonly host?: string;
  readonly replication?: Partial<WireReplicationConfig>;
  /** REPLICAOF host port at start (`--replicaof`). */
  readonly replicaof?: { readonly host: string; readonly port: number };
}

export interface RunningReplicatedRedisServer {
  readonly port: number;
  readonly server: RedisServer;
  readonly replication: WireReplication;
  /**
   * Drop the connection to our master (as if the network broke); replicationCron reconnects, and
   * every dial in the next `holdMs` fails as if the master were unreachable.
   */
  dropMasterLink(holdMs?: number): void;
  close(): Promise<void>;
}

const hex40 = (): string => randomBytes(20).toString('hex');

/** The connection to our master (connectWithMaster's socket), one at a time, named by the core's link id. */
class MasterSocket {
  private current: { link: number; socket: net.Socket } | undefined;
  /** Dials before this time fail at once (a test's simulated partition). */
  holdUntilMs = 0;
  closed = false;

  constructor(private readonly events: { connected(link: number): void; data(link: number, b: Uint8Array): void; closed(link: number): void }) {}

  dial(host: string, port: number, link: number): void {
    if (Date.now() < this.holdUntilMs) {
      queueMicrotask(() => {
        this.events.closed(link);
      });
      return;
    }
    const socket = net.connect({ host, port });
    socket.setNoDelay(true);
    this.current = { link, socket };
    socket.on('connect', () => {
      this.events.connected(link);
    });
    socket.on('data', (chunk: Buffer) => {
      this.events.data(link, chunk);
    });
    socket.on('close', () => {
      if (this.current?.socket === socket) this.current = undefined;
      if (!this.closed) this.events.closed(link);
    });
    socket.on('error', () => {
      // 'close' follows.
    });
  }

  write(link: number, bytes: Uint8Array): void {
    if (this.current?.link === link) this.current.socket.write(bytes);
  }

  close(link?: number): void {
    if (this.current === undefined || (link !== undefined && this.current.link !== link)) return;
    this.current.socket.destroy();
    this.current = undefined;
  }
}

/** Carry out what replication asks on the sockets. */
function runIo(outs: readonly ReplIo[], sockets: Map<number, net.Socket>, master: MasterSocket, closeClient: (id: number) => void): void {
  for (const o of outs) {
    switch (o.type) {
      case 'write':
        sockets.get(o.connId)?.write(o.bytes);
        break;
      case 'reply':
        sockets.get(o.connId)?.write(encode(o.value));
        break;
      case 'close':
        closeClient(o.connId);
        break;
      case 'connectMaster':
        master.dial(o.host, o.port, o.link);
        break;
      case 'writeMaster':
        master.write(o.link, o.bytes);
        break;
      case 'closeMaster':
        master.close(o.link);
        break;
    }
  }
}

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

/** acceptTcpHandler: each socket a client of the core (as net.ts). */
function acceptClients(core: RedisServer, sockets: Map<number, net.Socket>, apply: (o: readonly ServerOutput[]) => void, closeClient: (id: number) => void): net.Server {
  let nextId = 1;
  return net.createServer((socket) => {
    const id = nextId++;
    sockets.set(id, socket);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (sockets.has(id)) apply(core.data(id, chunk));
    });
    socket.on('close', () => {
      if (sockets.has(id)) closeClient(id);
    });
    socket.on('error', () => {
      // 'close' follows and frees the client.
    });
    apply(core.connect(id));
  });
}

export async function startReplicatedRedisServer(options: StartReplicatedRedisServerOptions = {}): Promise<RunningReplicatedRedisServer> {
  // run_id: random per process, as Redis draws it (Sentinel tells instances apart by it).
  const core = new RedisServer({ runId: hex40(), ...options, now: () => Date.now() });
  const sockets = new Map<number, net.Socket>();
  let port = 0;
  const timers: { cron?: NodeJS.Timeout; repl?: NodeJS.Timeout } = {};
  const closeClient = (id: number): void => {
    const s = sockets.get(id);
    sockets.delete(id);
    core.close(id);
    repl.clientClosed(id);
    s?.destroy();
  };
  const io = (outs: readonly ReplIo[]): void => {
    runIo(outs, sockets, master, closeClient);
  };
  const master = new MasterSocket({
    connected: (link) => {
      io(repl.masterConnected(link));
    },
    data: (link, b) => {
      io(repl.masterData(link, b));
    },
    closed: (link) => {
      io(repl.masterClosed(link));
    },
  });
  const apply = (outputs: readonly ServerOutput[]): void => {
    for (const o of outputs) {
      if (o.type === 'write') sockets.get(o.id)?.write(o.bytes);
      else if (sockets.has(o.id)) closeClient(o.id);
    }
  };
  const repl: WireReplication = installReplication(core, {
    listeningPort: () => port,
    peerIp: (id) => (sockets.get(id)?.remoteAddress ?? '').replace(/^::ffff:/, ''),
    io,
    now: () => Date.now(),
    newReplid: hex40,
    ...(options.replication !== undefined ? { config: options.replication } : {}),
  });
  core.infoSections.set('replication', () => `# Replication\r\n${repl.info().map((l) => `${l}\r\n`).join('')}`);
  const listener = acceptClients(core, sockets, apply, closeClient);
  port = await listen(listener, options.port ?? 6379, options.host ?? '127.0.0.1');
  const runCron = (): void => {
    const { periodMs, outputs } = core.tick();
    apply(outputs);
    timers.cron = setTimeout(runCron, periodMs);
  };
  const runRepl = (): void => {
    io(repl.tick());
    timers.repl = setTimeout(runRepl, 100);
  };
  timers.cron = setTimeout(runCron, 100);
  timers.repl = setTimeout(runRepl, 100);
  if (options.replicaof !== undefined) {
    io(repl.replicaof(options.replicaof.host, options.replicaof.port).out);
    core.keyspace.replica = repl.isReplica;
  }
  return {
    port,
    server: core,
    replication: repl,
    dropMasterLink: (holdMs = 0) => {
      master.holdUntilMs = Date.now() + holdMs;
      master.close();
    },
    close: () =>
      new Promise<void>((resolve) => {
        master.closed = true;
        clearTimeout(timers.cron);
        clearTimeout(timers.repl);
        master.close();
        for (const id of [...sockets.keys()]) closeClient(id);
        listener.close(() => {
          resolve();
        });
      }),
  };
}
