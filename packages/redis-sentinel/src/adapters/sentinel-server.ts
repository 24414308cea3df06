/**
 * The SENTINEL command server: a TCP listener over a RealSentinel, so that redis-cli, ioredis and
 * real redis-sentinels talk to protolab's sentinel as to redis-sentinel 7.0 (networking.c reads
 * requests, sentinel.c answers). Requests are read with @protolab/resp's RespRequestParser and
 * replies written with its encoder; what to answer is `sentinelDispatch` (sans-I/O). The core's
 * events are published to subscribed clients as sentinelEvent does.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { arch, platform, release } from 'node:os';
import { randomBytes } from 'node:crypto';
import { encodeMany, RespProtocolError, RespRequestParser, type RespValue } from '@protolab/resp';
import { deliverEvent, newSentinelClient, sentinelDispatch, type SentinelClient, type SentinelContext, type SentinelProcessInfo } from '../sentinel-command.js';
import { sentinelEventMessage } from '../sentinel-reply.js';
import type { RealSentinel } from './real-sentinel.js';
import type { SentinelNode } from '../sentinel.js';

export interface SentinelServerOptions {
  /** TCP port (0: any free port; the default 26379 is sentinel's). */
  readonly port?: number;
  readonly host?: string;
  /** Shown as INFO config_file. */
  readonly configFile?: string;
  /** Called with each event as published (channel, message), e.g. to log it. */
  readonly log?: (channel: string, message: string) => void;
  /** sentinelFlushConfig for SENTINEL SET's reply: false when the file could not be saved (absent: no file, always OK). */
  readonly flushConfig?: () => boolean;
}

interface Conn {
  readonly socket: Socket;
  readonly client: SentinelClient;
  readonly parser: RespRequestParser;
}

const utf8 = new TextDecoder();

/**
 * client-output-buffer-limit pubsub's hard limit (32 MB, the default): a subscriber that does not
 * read its events is disconnected rather than buffered without bound (networking.c
 * checkClientOutputBufferLimits).
 */
export const PUBSUB_OUTPUT_HARD_LIMIT = 32 * 1024 * 1024;

export class SentinelServer {
  private readonly conns = new Set<Conn>();
  private nextClientId = 1;
  private readonly process: SentinelProcessInfo;

  private constructor(
    readonly sentinel: RealSentinel,
    private readonly server: Server,
    readonly port: number,
    configFile: string,
    private readonly log: ((channel: string, message: string) => void) | undefined,
    private readonly flushConfig: (() => boolean) | undefined,
  ) {
    this.process = {
      run_id: randomBytes(20).toString('hex'),
      tcp_port: port,
      process_id: process.pid,
      started_ms: Date.now(),
      os: `${platform()} ${release()} ${arch()}`,
      executable: process.argv[1] ?? '',
      config_file: configFile,
      connected_clients: () => this.conns.size,
    };
    // sentinelEvent: each master's events, and the sentinel's own (+tilt, -script-error, …).
    for (const n of sentinel.sentinel.masters.values()) n.onEvent = (text) => { this.publish(n, text); };
    sentinel.sentinel.onEvent = (text) => { this.publish(sentinel.core, text); };
  }

  /** Listens (on 127.0.0.1 unless `host` says otherwise) and serves until close(). */
  static async listen(sentinel: RealSentinel, options: SentinelServerOptions = {}): Promise<SentinelServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 26379, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const s = new SentinelServer(sentinel, server, port, options.configFile ?? '', options.log, options.flushConfig);
    server.on('connection', (socket) => {
      s.accept(socket);
    });
    return s;
  }

  async close(): Promise<void> {
    for (const n of this.sentinel.sentinel.masters.values()) n.onEvent = undefined;
    this.sentinel.sentinel.onEvent = undefined;
    for (const c of this.conns) c.socket.destroy();
    this.conns.clear();
    await new Promise<void>((resolve) => this.server.close(() => { resolve(); }));
  }

  private context(): SentinelContext {
    const sentinel = this.sentinel;
    return {
      core: sentinel.sentinel,
      nowMs: Date.now(),
      process: this.process,
      links: { disconnected: (addr) => sentinel.linkDisconnected(addr) },
      onHello: (payload) => { sentinel.receiveHello(payload); },
      dropInstanceConnections: (name) => { sentinel.dropInstanceConnections(name); },
      dropSentinelConnections: () => { sentinel.sentinelDropConnections(); },
      ...(this.flushConfig !== undefined ? { flushConfig: this.flushConfig } : {}),
    };
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const conn: Conn = { socket, client: newSentinelClient(this.nextClientId++), parser: new RespRequestParser() };
    this.conns.add(conn);
    socket.on('data', (chunk) => { this.onData(conn, chunk); });
    socket.on('close', () => { this.conns.delete(conn); });
    socket.on('error', () => { socket.destroy(); });
  }

  private onData(conn: Conn, chunk: Uint8Array): void {
    const r = conn.parser.feed(chunk);
    const out: Uint8Array[] = [];
    let failover = false;
    for (const item of r.commands) {
      if (item.kind !== 'command' || conn.client.closeAfterReply) continue;
      const argv = item.argv.map((a) => utf8.decode(a));
      failover ||= argv[0]?.toLowerCase() === 'sentinel' && argv[1]?.toLowerCase() === 'failover';
      // Encoded at once: HELLO changes the protocol of the replies after its own.
      const replies = sentinelDispatch(this.context(), conn.client, argv);
      out.push(encodeMany(replies, { protocol: conn.client.resp }));
    }
    if (r.error instanceof RespProtocolError && !conn.client.closeAfterReply) {
      // networking.c setProtocolError: an error reply, then the connection is closed.
      const e: RespValue = { type: 'error', value: `ERR ${r.error.redisText}` };
      out.push(encodeMany([e], { protocol: conn.client.resp }));
      conn.client.closeAfterReply = true;
    }
    if (out.length > 0) conn.socket.write(Buffer.concat(out));
    if (conn.client.closeAfterReply) conn.socket.end();
    if (failover) this.sentinel.kick();
  }

  /** sentinelEvent → PUBLISH on the event's channel to every subscribed client. */
  private publish(n: SentinelNode, text: string): void {
    const { channel, message } = sentinelEventMessage(n, text);
    this.log?.(channel, message);
    for (const conn of this.conns) {
      const out = deliverEvent(conn.client, channel, message);
      if (out.length === 0) continue;
      conn.socket.write(encodeMany(out, { protocol: conn.client.resp }));
      if (conn.socket.writableLength > PUBSUB_OUTPUT_HARD_LIMIT) conn.socket.destroy();
    }
  }
}
