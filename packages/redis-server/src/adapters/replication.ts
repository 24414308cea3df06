/**
 * node:net adapter for a server with replication: the sockets of startRedisServer (net.ts) plus
 * what replication needs from the edge — writing to a replica's connection outside a reply
 * (the RDB, the stream) and the outbound connection to our master (connectWithMaster). Real
 * clock, crypto ids. No timer of its own: replicationCron runs in serverCron and the WAIT
 * deadlines in beforeSleep (replication/replication.ts), on the server's hz timer and events.
 *
 *   const a = await startReplicatedRedisServer({ port: 0 });
 *   // redis-cli -p <a.port> REPLICAOF 127.0.0.1 6379
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { encode } from '@protolab/resp';
import type { ReplIo, WireReplication, WireReplicationConfig } from '@protolab/redis-replication';
import { installReplication } from '../replication/replication.js';
import { replyToWaitersAndSleep } from '../replication/wait.js';
import { startRedisServer, type RunningRedisServer, type ServerEdge, type StartRedisServerOptions } from './net.js';

export interface ReplicationOptions {
  readonly replication?: Partial<WireReplicationConfig>;
  /** REPLICAOF host port at start (`--replicaof`). */
  readonly replicaof?: { readonly host: string; readonly port: number };
}

export interface StartReplicatedRedisServerOptions extends StartRedisServerOptions, ReplicationOptions {}

/** Replication running on a server's sockets (enableReplication). */
export interface RunningReplication {
  readonly replication: WireReplication;
  /**
   * Drop the connection to our master (as if the network broke); replicationCron reconnects, and
   * every dial in the next `holdMs` fails as if the master were unreachable.
   */
  dropMasterLink(holdMs?: number): void;
  /** Stop the link to our master (before the server closes). */
  stop(): void;
}

export interface RunningReplicatedRedisServer extends RunningRedisServer, Omit<RunningReplication, 'stop'> {}

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

  /** The connected socket's peer and local addresses ("ip:port"), for the master client. */
  addresses(): { addr?: string; laddr?: string } {
    const s = this.current?.socket;
    if (s?.remoteAddress === undefined || s.localAddress === undefined) return {};
    return { addr: `${s.remoteAddress}:${String(s.remotePort)}`, laddr: `${s.localAddress}:${String(s.localPort)}` };
  }

  close(link?: number): void {
    if (this.current === undefined || (link !== undefined && this.current.link !== link)) return;
    this.current.socket.destroy();
    this.current = undefined;
  }
}

/** Carry out what replication asks on the sockets. */
function runIo(outs: readonly ReplIo[], edge: ServerEdge, master: MasterSocket): void {
  for (const o of outs) {
    switch (o.type) {
      case 'write':
        edge.write(o.connId, o.bytes);
        break;
      case 'reply':
        edge.write(o.connId, encode(o.value));
        break;
      case 'close':
        edge.closeClient(o.connId);
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

/**
 * Replication on the sockets of a running server (startRedisServer or startPersistentRedisServer):
 * REPLICAOF/PSYNC/REPLCONF/WAIT/ROLE as commands, the link to our master, replicationCron in
 * serverCron. `onFullSync` runs after a full resync replaced the dataset (readSyncBulkPayload; the
 * persistent server restarts its AOF there, as restartAOFAfterSYNC does).
 */
export function enableReplication(base: RunningRedisServer, options: ReplicationOptions & { readonly onFullSync?: () => void } = {}): RunningReplication {
  const core = base.server;
  const edge = base.edge;
  // A WAIT answered outside a command (its deadline, in tick) becomes a reply of the server, then
  // beforeSleep runs what the client pipelined after it (replication/wait.ts); those answered inside
  // a command arrive here already taken out by installReplication.
  const io = (outs: readonly ReplIo[]): void => {
    const t = replyToWaitersAndSleep(core, outs);
    runIo(t.io, edge, master);
    if (t.outputs.length > 0) edge.apply(t.outputs);
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
  const repl: WireReplication = installReplication(core, {
    listeningPort: () => base.port,
    peerIp: (id) => edge.peerIp(id),
    io,
    now: () => Date.now(),
    newReplid: hex40,
    masterSocketInfo: () => master.addresses(),
    ...(options.replication !== undefined ? { config: options.replication } : {}),
    ...(options.onFullSync !== undefined ? { onFullSync: options.onFullSync } : {}),
  });
  edge.onClientClosed((id) => {
    repl.clientClosed(id);
  });
  core.infoSections.set('replication', () => `# Replication\r\n${repl.info().map((l) => `${l}\r\n`).join('')}`);
  if (options.replicaof !== undefined) {
    io(repl.replicaof(options.replicaof.host, options.replicaof.port).out);
    core.keyspace.replica = repl.isReplica;
  }
  return {
    replication: repl,
    dropMasterLink: (holdMs = 0) => {
      master.holdUntilMs = Date.now() + holdMs;
      master.close();
    },
    stop: () => {
      master.closed = true;
      master.close();
    },
  };
}

/** `startRedisServer` with replication (enableReplication). */
export async function startReplicatedRedisServer(options: StartReplicatedRedisServerOptions = {}): Promise<RunningReplicatedRedisServer> {
  const base = await startRedisServer(options);
  const r = enableReplication(base, options);
  return {
    port: base.port,
    server: base.server,
    edge: base.edge,
    replication: r.replication,
    dropMasterLink: (holdMs) => {
      r.dropMasterLink(holdMs);
    },
    close: async () => {
      r.stop();
      await base.close();
    },
  };
}
