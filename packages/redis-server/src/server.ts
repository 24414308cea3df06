/**
 * `RedisServer`: the sans-I/O core of a Redis 7.0 server (server.c / networking.c). The caller
 * owns sockets and clocks and hands in events; the server hands back bytes and closes:
 *
 *   const srv = new RedisServer({ now: () => clock });
 *   srv.connect(1);                                   // acceptTcpHandler → createClient
 *   srv.data(1, bytes);                               // readQueryFromClient → processInputBuffer
 *   srv.close(1);                                     // freeClient
 *   srv.tick();                                       // serverCron; returns ms until the next one
 *
 * Each of connect/data returns `ServerOutput[]`: the bytes to write per connection (one write
 * per connection per call, as writeToClient sends what a read produced) and the connections to
 * close. Commands run on one `@protolab/redis-keyspace` Keyspace; this layer adds what belongs to
 * a connection: the request parser, the SELECTed db, RESP2/RESP3 (HELLO), the client's name,
 * MULTI/EXEC with WATCH (multi.ts), QUIT, RESET.
 *
 * Other units (persistence, cluster, replication) plug in through plain registries on the
 * server — `serverCommands`, `commandFilters`, `config`, `infoSections`, `cronHooks`,
 * `beforeSleepHooks` — described in docs/redis-server.md ("Plugging in").
 */
import type { RespValue } from '@protolab/resp';
import { encode } from '@protolab/resp';
import { COMMANDS } from '@protolab/redis-keyspace';
import { ServerKeyspace } from './server-keyspace.js';
import type { CommandFilter, RedisServerOptions, ServerCommandProc, ServerOutput } from './server-types.js';
import type { Client, ConnectInfo } from './client.js';
import { keyOf } from './client.js';
import { touchBeforeFlush, touchOp, WatchedKeys } from './multi.js';
import { RedisServerError } from './errors.js';
import { PubSub } from './pubsub.js';
import { ConfigTable } from './config.js';
import { parseObufLimits, registerServerConfig } from './server-config.js';
import type { InfoSection } from './info.js';
import { registerDefaultSections, STARTUP_MEMORY } from './info.js';
import { CORE_COMMANDS } from './server-commands.js';
import { encodeReply } from './reply.js';
import { OutputBuffers } from './output-buffer.js';
import type { ProcessInfo, ServerStats } from './stats.js';
import { createStats, NO_PROCESS_INFO, opsPerSec, resetStats, trackOps } from './stats.js';
import { BlockingKeys, unblockClientWithReply } from './blocked.js';
import { processCommand } from './call.js';
import { SlowLog, registerSlowlogConfig } from './slowlog.js';
import { acceptCommonHandler, closing, dropPendingCommands, freeClient, listLengthClients, listLengthSlaves, processInputBuffer, readQueryFromClient } from './networking.js';
import { beforeSleep } from './before-sleep.js';
import { checkOutputBufferLimits } from './output-buffer-limits.js';
import { PauseState, checkClientPauseTimeoutAndReturnIfPaused } from './pause.js';

export type { ServerOutput, RedisServerOptions, ServerCommandProc, CommandFilter } from './server-types.js';

const err = (text: string): RespValue => ({ type: 'error', value: text });

export class RedisServer {
  readonly keyspace: ServerKeyspace;
  /** @internal Connections by connection id (server.clients). */
  readonly clients = new Map<number, Client>();
  readonly watchedKeys = new WatchedKeys();
  /** @internal The next CLIENT ID (server.next_client_id). */
  nextClientId = 1;
  /** @internal */
  readonly now: () => number;
  private readonly ustime: () => number; // Unix time in µs (ustime): durations and MONITOR timestamps
  /** SLOWLOG (slowlog.ts). */
  readonly slowlog = new SlowLog();
  /** server.monitors: clients that ran MONITOR (monitor.ts). */
  readonly monitors = new Set<Client>();
  /** While EXEC runs its queue: slow log candidates, pushed in queue order once it ran (exec.ts). */
  execSlowlog: { c: Client; argv: readonly Uint8Array[]; durationUs: number | undefined }[] | undefined;
  /** CONFIG parameters (config.ts). */
  readonly config = new ConfigTable();
  /** INFO sections by lower-case name, in output order (info.ts). */
  readonly infoSections = new Map<string, InfoSection>();
  readonly stats: ServerStats;
  readonly runId: string;
  readonly replId: string;
  private readonly processInfoFn: () => ProcessInfo;
  /** @internal Clients asked to be closed since the last beforeSleep (server.clients_to_close). */
  readonly toClose = new Set<Client>();
  /** @internal client-output-buffer-limit, parsed (checked on every reply, so not re-parsed each time). */
  obufLimits: ReturnType<typeof parseObufLimits>;
  /** Writes propagated by the command running now (for WATCH: touched keys). */
  private touched: { db: number; argv: Uint8Array[] }[] = [];
  /** Blocked clients and the keys made ready for them (blocked.ts). */
  readonly blocking = new BlockingKeys();
  readonly pause = new PauseState(); // CLIENT PAUSE: server.client_pause_*, postponed/unblocked_clients (pause.ts)
  /** @internal Bytes waiting for each connection (c->buf / c->reply), flushed at the end of each event. */
  readonly outbox = new OutputBuffers();
  /** While EXEC runs a command that writes its own replies: those bytes, kept for EXEC's reply. */
  private capture: { id: number; chunks: Uint8Array[] } | undefined;
  /** Commands added by other units (lower-case name → proc), looked up before the keyspace. */
  readonly serverCommands = new Map<string, ServerCommandProc>();
  /** Checks run by processCommand before a command is queued or run, in order. */
  readonly commandFilters: CommandFilter[] = [];
  /** Run by beforeSleep just before the replies are flushed (server.c beforeSleep: flushAppendOnlyFile). */
  readonly beforeSleepHooks: (() => void)[] = [];
  /** Run by serverCron (tick): save points, background save/rewrite completion (server.c serverCron). */
  readonly cronHooks: (() => void)[] = [];
  readonly pubsub = new PubSub((c, bytes) => {
    this.append(c.connId, bytes);
  });

  constructor(options: RedisServerOptions) {
    this.now = options.now;
    const now = options.now;
    this.ustime = options.ustime ?? (() => now() * 1000);
    const maxclients = options.maxclients ?? 10000;
    if (!Number.isInteger(maxclients) || maxclients < 1) throw new RedisServerError('BAD_OPTION', `maxclients must be an integer >= 1, found ${String(options.maxclients)}`);
    this.stats = createStats(options.now());
    this.runId = options.runId ?? '0'.repeat(40);
    this.replId = options.replId ?? '0'.repeat(40);
    this.processInfoFn = options.processInfo ?? (() => NO_PROCESS_INFO);
    const start = new Map<string, string>(options.config ?? []);
    this.keyspace = new ServerKeyspace(
      {
        now: options.now,
        hz: options.hz ?? 10,
        databases: Number(start.get('databases') ?? 16),
        // Always track the memory estimate (INFO memory, CONFIG SET maxmemory at any time).
        maxmemoryPolicy: 'noeviction',
        ...(options.payloadCodec !== undefined ? { payloadCodec: options.payloadCodec } : {}),
        ...(options.onPropagate !== undefined ? { onPropagate: options.onPropagate } : {}),
      },
      (db, argv) => {
        // Only WATCHers and blocked clients care which keys a write touched.
        if (!this.watchedKeys.empty || this.blocking.blocked.size > 0) this.touched.push({ db, argv });
      },
    );
    this.watchedKeys.onChange = this.blocking.onChange = () => {
      this.keyspace.setTracking(!this.watchedKeys.empty || this.blocking.blocked.size > 0);
    };
    registerServerConfig(this, this.config);
    registerSlowlogConfig(this.config, this.slowlog);
    this.obufLimits = parseObufLimits(this.config.get('client-output-buffer-limit'));
    this.config.onChange('client-output-buffer-limit', (v) => {
      this.obufLimits = parseObufLimits(v);
      return undefined;
    });
    registerDefaultSections(this);
    // This package's own commands start in the registry, so another unit can wrap one
    // (serverCommands.get('info')) or replace it.
    for (const [name, proc] of CORE_COMMANDS) this.serverCommands.set(name, proc);
    if (options.hz !== undefined) start.set('hz', String(options.hz));
    start.set('maxclients', String(maxclients));
    if (options.protoMaxBulkLen !== undefined) start.set('proto-max-bulk-len', String(options.protoMaxBulkLen));
    this.config.setAtStart(start);
  }

  /** The injected clock (ms). */
  nowMs(): number {
    return this.now();
  }

  processInfo(): ProcessInfo {
    return this.processInfoFn();
  }

  /** INFO memory used_memory: the documented estimate (info.ts). */
  usedMemory(): number {
    let clients = 0;
    for (const c of this.clients.values()) clients += c.parser.bufferCapacity + c.pendingBytes + c.outboxBytes + c.socketPendingBytes;
    return STARTUP_MEMORY + (this.keyspace.core.maxmemory?.usedMemory() ?? 0) + clients;
  }

  evictedKeys(): number {
    return this.keyspace.core.maxmemory?.evictedKeys ?? 0;
  }

  instantaneousOpsPerSec(): number {
    return opsPerSec(this.stats);
  }

  /** CONFIG RESETSTAT */
  resetStats(): void {
    const ks = this.keyspace.info();
    resetStats(this.stats, { expiredKeys: ks.expiredKeys, expiredTimeCapReachedCount: ks.expiredTimeCapReachedCount, expireCycleCpuMilliseconds: ks.expireCycleCpuMilliseconds, evictedKeys: this.evictedKeys() });
  }

  /**
   * CLIENT KILL / an output buffer limit: the current client is closed after its reply
   * (CLIENT_CLOSE_AFTER_REPLY), any other at once with nothing more written (CLIENT_CLOSE_ASAP).
   */
  killClient(c: Client, self: boolean): void {
    this.toClose.add(c);
    if (self) c.closeAfterReply = true;
    else {
      c.closeAsap = true;
      dropPendingCommands(c);
      this.outbox.delete(c.connId);
      c.outboxBytes = 0;
    }
  }

  /**
   * INFO clients connected_clients: listLength(server.clients) - listLength(server.slaves)
   * (server.c genRedisInfoString, 7.0): replicas are not counted, a replica's master client is.
   */
  get connectedClients(): number {
    return listLengthClients(this) - listLengthSlaves(this);
  }

  /** All clients, in connection order (CLIENT LIST). */
  allClients(): IterableIterator<Client> {
    return this.clients.values();
  }

  /**
   * networking.c acceptCommonHandler: over maxclients the connection gets an error and is
   * closed. `info` gives the socket's addresses (CLIENT LIST addr/laddr, CLIENT KILL ADDR).
   */
  connect(connId: number, info: ConnectInfo = {}): ServerOutput[] {
    return acceptCommonHandler(this, connId, info);
  }

  /** networking.c freeClient (networking.ts). */
  close(connId: number): void {
    freeClient(this, connId);
  }

  /**
   * Run `fn` (a command of `c`) keeping what it writes to `c` itself (SUBSCRIBE's replies) out
   * of the connection: EXEC places those bytes in its own reply (execCommand's nested replies).
   */
  captureWrites(c: Client, fn: () => RespValue | undefined): { reply: RespValue | undefined; written: Uint8Array[] } {
    const outer = this.capture;
    this.capture = { id: c.connId, chunks: [] };
    try {
      return { reply: fn(), written: this.capture.chunks };
    } finally {
      this.capture = outer;
    }
  }

  /** Bytes already encoded for `c` (EXEC's reply around captured ones, a blocked client's answer). */
  writeRaw(c: Client, bytes: Uint8Array): void {
    this.append(c.connId, bytes);
  }

  private append(connId: number, bytes: Uint8Array): void {
    if (this.capture?.id === connId) {
      this.capture.chunks.push(bytes);
      return;
    }
    const c = this.clients.get(connId);
    if (c === undefined || c.closeAsap) return;
    c.outboxBytes += this.outbox.bytes(connId, bytes);
    checkOutputBufferLimits(this, c);
  }

  /**
   * The adapter's report of the bytes written to a socket and not yet sent (node's
   * socket.writableLength): they count toward the client's output buffer limits, so a client
   * that never reads is disconnected although the core flushed everything to the socket.
   */
  socketPending(connId: number, bytes: number): ServerOutput[] {
    const c = this.clients.get(connId);
    if (c === undefined) return [];
    c.socketPendingBytes = bytes;
    this.stats.recentMaxOutputBuffer = Math.max(this.stats.recentMaxOutputBuffer, bytes);
    checkOutputBufferLimits(this, c);
    if (!c.closeAsap) return [];
    this.close(connId);
    return [{ type: 'close', id: connId, abort: true }];
  }

  /**
   * networking.c readQueryFromClient → processInputBuffer: run every complete command in the
   * bytes, in order; a protocol error answers Redis's text after the commands before it, then
   * closes (CLIENT_CLOSE_AFTER_REPLY). A query buffer over client-query-buffer-limit closes the
   * client without a reply. Then beforeSleep (the fast expire cycle).
   */
  data(connId: number, bytes: Uint8Array): ServerOutput[] {
    const c = this.clients.get(connId);
    if (c === undefined) throw new RedisServerError('UNKNOWN_CONNECTION', `data: connection ${connId} is not connected`);
    if (c.closeAfterReply || c.closeAsap) return [];
    this.stats.totalNetInputBytes += bytes.length;
    this.stats.totalReadsProcessed++;
    c.lastInteractionMs = this.now();
    const { error, qbuf } = readQueryFromClient(c, bytes);
    this.stats.recentMaxInputBuffer = Math.max(this.stats.recentMaxInputBuffer, qbuf);
    if (qbuf > this.config.number('client-query-buffer-limit')) {
      this.stats.queryLimitDisconnections++;
      this.killClient(c, false);
      return beforeSleep(this);
    }
    this.processPendingCommands(c);
    if (error !== undefined && !closing(c)) {
      // Commands still waiting behind a blocking pop are dropped with the connection.
      dropPendingCommands(c);
      this.append(connId, encode(err(`ERR ${error.redisText}`)));
      c.closeAfterReply = true;
      this.toClose.add(c);
    }
    return beforeSleep(this);
  }

  /**
   * networking.c processInputBuffer: run a client's waiting commands until it blocks (a blocking
   * pop, a pause, WAIT: CLIENT_BLOCKED), asks to be closed, or has none left.
   */
  processPendingCommands(c: Client): void {
    processInputBuffer(this, c);
  }

  /** addReply, minding CLIENT REPLY OFF|SKIP (prepareClientToWrite drops the reply). */
  addReply(c: Client, r: RespValue): void {
    if (r.type === 'error') this.stats.commands.afterErrorReply(r.value);
    if (c.replyMode !== 'on' && c.replyMode !== 'skipnext') return;
    if (this.capture?.id === c.connId || c.closeAsap) this.append(c.connId, encodeReply(r, c.resp));
    else {
      c.outboxBytes += this.outbox.reply(c.connId, r, c.resp);
      checkOutputBufferLimits(this, c);
    }
  }

  /** blocked.ts unblockClientWithReply (cluster.c clusterRedirectBlockedClientIfNeeded). */
  unblockWithReply(c: Client, reply: RespValue): boolean {
    return unblockClientWithReply(this, c, reply);
  }

  /**
   * The earliest blocking-pop deadline (ms). The node:net adapter does not wake for it (7.0 does
   * not: the deadline is seen by the next beforeSleep); a host that wants exact deadlines may.
   */
  nextTimeoutMs(): number | undefined {
    return this.blocking.nextDeadlineMs();
  }

  /** server.c serverCron (the slow expire cycle, dynamic-hz); returns ms until the next call. */
  tick(): { periodMs: number; outputs: ServerOutput[] } {
    checkClientPauseTimeoutAndReturnIfPaused(this); // serverCron: "Clear the paused clients state if needed"
    const r = this.keyspace.serverCron(undefined, Math.max(1, listLengthClients(this)));
    trackOps(this.stats, this.now());
    for (const hook of this.cronHooks) hook();
    this.flagTouched();
    return { periodMs: r.periodMs, outputs: beforeSleep(this) };
  }

  /**
   * server.c processCommand and call() (call.ts): a command of one client, refused, queued,
   * blocked or run. `undefined` when the command wrote its replies itself.
   */
  processCommand(c: Client, argv: Uint8Array[]): RespValue | undefined {
    return processCommand(this, c, argv);
  }

  /** Unix time in µs (the injected ustime). */
  nowUs(): number {
    return this.ustime();
  }

  /** Whether `c`'s command runs inside its EXEC (CLIENT_DENY_BLOCKING). */
  inExec(c: Client): boolean {
    return this.capture?.id === c.connId;
  }

  /** multi.c discardTransaction */
  discard(c: Client): void {
    c.inMulti = false;
    c.queue = [];
    c.dirtyExec = false;
    this.watchedKeys.unwatchAll(c);
  }

  /**
   * Run a keyspace command as client `c` (its db swapped in), then flag watchers of what it wrote.
   * `name`: argv[0] lower-cased, when the caller has it (the command is looked up once, here).
   */
  runOnKeyspace(c: Client, argv: readonly Uint8Array[], name?: string): RespValue {
    const ks = this.keyspace;
    if (ks.selectedDb !== c.db) ks.execute(['SELECT', String(c.db)]);
    const preTouched = !this.watchedKeys.empty && touchBeforeFlush(this, c.db, argv);
    const spec = COMMANDS.get(name ?? keyOf(argv[0] ?? new Uint8Array()).toLowerCase());
    const r = ks.executeParsed(argv, spec, c.resp);
    c.db = ks.selectedDb;
    this.flagTouched(preTouched);
    return r;
  }

  /** signalModifiedKey → touchWatchedKey for each key the last command(s) propagated. */
  flagTouched(preTouched = false): void {
    if (this.touched.length === 0) return;
    const ops = this.touched;
    this.touched = [];
    if (this.watchedKeys.empty && this.blocking.blocked.size === 0) return;
    for (const op of ops) touchOp(this, op.db, op.argv, preTouched);
  }
}
