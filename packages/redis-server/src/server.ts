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
 */
import type { RespValue } from '@protolab/resp';
import { encode } from '@protolab/resp';
import { Keyspace } from '@protolab/redis-keyspace';
import type { PropagateFn, KeyspaceOptions } from '@protolab/redis-keyspace';
import type { Client } from './client.js';
import { createClient, keyOf } from './client.js';
import { WatchedKeys } from './multi.js';
import { RedisServerError } from './errors.js';
import { authCommand, clientCommand, helloCommand, resetClient } from './connection.js';
import { runExec, queueCommand } from './exec.js';
import { PubSub, SUBSCRIBED_MODE_ALLOWED } from './pubsub.js';
import { BLOCKING_COMMANDS, BlockingKeys, parseBlocking, tryServe } from './blocked.js';
import type { BlockingKind } from './blocked.js';

export type ServerOutput = { readonly type: 'write'; readonly id: number; readonly bytes: Uint8Array } | { readonly type: 'close'; readonly id: number };

export interface RedisServerOptions {
  /** Current Unix time in ms (a virtual clock, or Date.now in an adapter). */
  readonly now: () => number;
  /** `maxclients` (default 10000). */
  readonly maxclients?: number | undefined;
  /** `proto-max-bulk-len` (default 512 MiB). */
  readonly protoMaxBulkLen?: number | undefined;
  /** `hz` (default 10). */
  readonly hz?: number | undefined;
  /** Every write as propagated to the AOF / replicas (server.c propagate). */
  readonly onPropagate?: PropagateFn;
  /** DUMP/RESTORE payloads (e.g. `rdbPayloadCodec` of `@protolab/redis-rdb`). */
  readonly payloadCodec?: KeyspaceOptions['payloadCodec'];
}

/**
 * A server command registered from outside this file (persistence, cluster, replication…):
 * `undefined` when it wrote its replies itself. See `RedisServer.serverCommands`.
 */
export type ServerCommandProc = (srv: RedisServer, c: Client, argv: Uint8Array[]) => RespValue | undefined;
/**
 * A check processCommand runs before queueing or running a command (server.c processCommand:
 * cluster redirection, min-replicas, read-only replica…): a reply refuses the command.
 */
export type CommandFilter = (srv: RedisServer, c: Client, name: string, argv: Uint8Array[]) => RespValue | undefined;

const err = (text: string): RespValue => ({ type: 'error', value: text });
const OK: RespValue = { type: 'simple', value: 'OK' };
/** Commands MULTI does not queue (server.c processCommand). */
const NOT_QUEUED = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

export class RedisServer {
  readonly keyspace: Keyspace;
  private readonly clients = new Map<number, Client>();
  readonly watchedKeys = new WatchedKeys();
  private nextClientId = 1;
  private readonly maxclients: number;
  private readonly protoMaxBulkLen: number;
  private readonly now: () => number;
  private readonly onPropagate: PropagateFn | undefined;
  /** Writes propagated by the command running now (for WATCH: touched keys). */
  private touched: { db: number; argv: Uint8Array[] }[] = [];
  readonly blocking = new BlockingKeys();
  /** server.ready_keys: (db, key) written while clients were blocked on it. */
  private readyKeys: { db: number; key: Uint8Array }[] = [];
  /** Bytes waiting for each connection (c->buf / c->reply), flushed at the end of each event. */
  private readonly outbox = new Map<number, Uint8Array[]>();
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
    this.maxclients = options.maxclients ?? 10000;
    if (!Number.isInteger(this.maxclients) || this.maxclients < 1) throw new RedisServerError('BAD_OPTION', `maxclients must be an integer >= 1, found ${String(options.maxclients)}`);
    this.protoMaxBulkLen = options.protoMaxBulkLen ?? 512 * 1024 * 1024;
    this.onPropagate = options.onPropagate;
    this.keyspace = new Keyspace({
      now: options.now,
      hz: options.hz ?? 10,
      ...(options.payloadCodec !== undefined ? { payloadCodec: options.payloadCodec } : {}),
      onPropagate: (db, argv) => {
        this.touched.push({ db, argv });
        this.onPropagate?.(db, argv);
      },
    });
  }

  /** Connected clients (INFO clients: connected_clients). */
  get connectedClients(): number {
    return this.clients.size;
  }

  /** All clients, in connection order (CLIENT LIST). */
  allClients(): IterableIterator<Client> {
    return this.clients.values();
  }

  /** networking.c acceptCommonHandler: over maxclients the connection gets an error and is closed. */
  connect(connId: number): ServerOutput[] {
    if (this.clients.has(connId)) throw new RedisServerError('DUPLICATE_CONNECTION', `connect: connection ${connId} is already connected`);
    if (this.clients.size >= this.maxclients) {
      return [{ type: 'write', id: connId, bytes: encode(err('ERR max number of clients reached')) }, { type: 'close', id: connId }];
    }
    this.clients.set(connId, createClient(connId, this.nextClientId++, this.now(), this.protoMaxBulkLen));
    return [];
  }

  /** networking.c freeClient: forget the client and its WATCHed keys. */
  close(connId: number): void {
    const c = this.clients.get(connId);
    if (c === undefined) return;
    this.watchedKeys.unwatchAll(c);
    this.pubsub.unsubscribe(c, [], false);
    this.blocking.unblock(c);
    this.clients.delete(connId);
    this.outbox.delete(connId);
  }

  private append(connId: number, bytes: Uint8Array): void {
    const q = this.outbox.get(connId);
    if (q === undefined) this.outbox.set(connId, [bytes]);
    else q.push(bytes);
  }

  /** The writes waiting in every output buffer, one per connection (writeToClient). */
  private flush(): ServerOutput[] {
    const out: ServerOutput[] = [];
    for (const [id, chunks] of this.outbox) out.push({ type: 'write', id, bytes: concat(chunks) });
    this.outbox.clear();
    return out;
  }

  /**
   * networking.c readQueryFromClient → processInputBuffer: run every complete command in the
   * bytes, in order; a protocol error answers Redis's text after the commands before it, then
   * closes (CLIENT_CLOSE_AFTER_REPLY). Then beforeSleep (the fast expire cycle).
   */
  data(connId: number, bytes: Uint8Array): ServerOutput[] {
    const c = this.clients.get(connId);
    if (c === undefined) throw new RedisServerError('UNKNOWN_CONNECTION', `data: connection ${connId} is not connected`);
    if (c.closeAfterReply) return [];
    const { commands, error } = c.parser.feed(bytes);
    for (const item of commands) if (item.kind === 'command') c.pending.push(item.argv);
    this.runPending(c);
    if (error !== undefined && !closing(c)) {
      // Commands still waiting behind a blocking pop are dropped with the connection.
      c.pending = [];
      this.append(connId, encode(err(`ERR ${error.redisText}`)));
      c.closeAfterReply = true;
    }
    return this.beforeSleep();
  }

  /** Run a client's waiting commands until it blocks, asks to be closed, or has none left. */
  private runPending(c: Client): void {
    while (c.pending.length > 0 && !closing(c) && !this.blocking.blocked.has(c)) {
      const argv = c.pending.shift();
      if (argv === undefined) break;
      const r = this.processCommand(c, argv);
      if (r !== undefined) this.append(c.connId, encode(r, { protocol: c.resp }));
      this.handleClientsBlockedOnKeys();
    }
  }

  /** server.c beforeSleep: blocked-client timeouts, the fast expire cycle, then the writes and closes. */
  private beforeSleep(): ServerOutput[] {
    this.handleBlockedClientsTimeout();
    this.keyspace.beforeSleep();
    this.flagTouched();
    this.handleClientsBlockedOnKeys();
    for (const hook of this.beforeSleepHooks) hook();
    const out = this.flush();
    for (const c of [...this.clients.values()]) {
      if (!closing(c)) continue;
      this.close(c.connId);
      out.push({ type: 'close', id: c.connId });
    }
    return out;
  }

  /** blocked.c handleBlockedClientsTimeout: a null array, then the client's waiting commands. */
  private handleBlockedClientsTimeout(): void {
    const now = this.now();
    for (const [c, b] of [...this.blocking.blocked]) {
      if (b.deadlineMs > now) continue;
      this.blocking.unblock(c);
      this.append(c.connId, encode({ type: 'null', resp2: 'array' }, { protocol: c.resp }));
      this.runPending(c);
    }
  }

  /**
   * blocked.c handleClientsBlockedOnKeys: for each key made ready, serve its blocked clients
   * oldest first while the key has something; a served client then runs its waiting commands.
   */
  private handleClientsBlockedOnKeys(): void {
    while (this.readyKeys.length > 0) {
      const ready = this.readyKeys;
      this.readyKeys = [];
      const served: Client[] = [];
      for (const { db, key } of ready) {
        for (const c of this.blocking.waiting(db, keyOf(key))) {
          const b = this.blocking.blocked.get(c);
          if (b === undefined) continue;
          const r = tryServe(b, key, (argv) => this.runInDb(b.db, argv));
          if (r === 'empty' || r.type === 'error') break;
          this.blocking.unblock(c);
          this.append(c.connId, encode(r, { protocol: c.resp }));
          served.push(c);
        }
      }
      for (const c of served) this.runPending(c);
    }
  }

  /** Run one command on the keyspace in `db` (for serving blocked clients). */
  private runInDb(db: number, argv: Uint8Array[]): RespValue {
    const ks = this.keyspace;
    if (ks.selectedDb !== db) ks.execute(['SELECT', String(db)]);
    const r = ks.execute(argv);
    this.flagTouched();
    return r;
  }

  /** The earliest blocked-client deadline (ms), so an adapter can call tick() then. */
  nextTimeoutMs(): number | undefined {
    return this.blocking.nextDeadlineMs();
  }

  /** server.c serverCron (the slow expire cycle, dynamic-hz); returns ms until the next call. */
  tick(): { periodMs: number; outputs: ServerOutput[] } {
    const r = this.keyspace.serverCron(undefined, Math.max(1, this.clients.size));
    for (const hook of this.cronHooks) hook();
    this.flagTouched();
    return { periodMs: r.periodMs, outputs: this.beforeSleep() };
  }

  /**
   * server.c processCommand for one client: connection commands here, the rest on the keyspace.
   * `undefined` when the command wrote its replies itself (SUBSCRIBE: one per channel).
   */
  processCommand(c: Client, argv: Uint8Array[]): RespValue | undefined {
    const name = keyOf(argv[0] ?? new Uint8Array()).toLowerCase();
    c.lastCmd = name;
    if (c.resp === 2 && this.pubsub.count(c) > 0 && !SUBSCRIBED_MODE_ALLOWED.has(name)) {
      return err(`ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
    }
    for (const filter of this.commandFilters) {
      const refused = filter(this, c, name, argv);
      if (refused !== undefined) return refused;
    }
    if (c.inMulti && !NOT_QUEUED.has(name)) return queueCommand(this, c, argv);
    if (BLOCKING_COMMANDS.has(name)) return this.blockingPop(c, name as BlockingKind, argv);
    return this.call(c, name, argv);
  }

  /** server.c call(): run one command now (also for each command EXEC runs). */
  call(c: Client, name: string, argv: Uint8Array[]): RespValue | undefined {
    switch (name) {
      case 'subscribe':
        if (argv.length < 2) return err("ERR wrong number of arguments for 'subscribe' command");
        this.pubsub.subscribe(c, argv.slice(1));
        return undefined;
      case 'unsubscribe':
        this.pubsub.unsubscribe(c, argv.slice(1));
        return undefined;
      case 'publish': {
        const [, channel, message] = argv;
        if (argv.length !== 3 || channel === undefined || message === undefined) return err("ERR wrong number of arguments for 'publish' command");
        return { type: 'integer', value: BigInt(this.pubsub.publish(channel, message)) };
      }
      case 'pubsub':
        return this.pubsub.pubsubCommand(argv);
      case 'ping':
        // pingCommand: a RESP2 subscriber gets ["pong", message] instead of +PONG.
        if (c.resp === 2 && this.pubsub.count(c) > 0 && argv.length <= 2) return { type: 'array', value: [{ type: 'bulk', value: new TextEncoder().encode('pong') }, { type: 'bulk', value: argv[1] ?? new Uint8Array() }] };
        return this.runOnKeyspace(c, argv);
      case 'quit':
        c.closeAfterReply = true;
        return OK;
      case 'reset':
        resetClient(this, c);
        return { type: 'simple', value: 'RESET' };
      case 'hello':
        return helloCommand(c, argv);
      case 'auth':
        return authCommand(argv);
      case 'client':
        return clientCommand(c, argv);
      case 'multi':
        if (c.inMulti) return err('ERR MULTI calls can not be nested');
        c.inMulti = true;
        return OK;
      case 'discard':
        if (!c.inMulti) return err('ERR DISCARD without MULTI');
        this.discard(c);
        return OK;
      case 'exec':
        return runExec(this, c);
      case 'watch':
        return this.watch(c, argv);
      case 'unwatch':
        if (argv.length !== 1) return err("ERR wrong number of arguments for 'unwatch' command");
        this.watchedKeys.unwatchAll(c);
        return OK;
      default: {
        const proc = this.serverCommands.get(name);
        return proc !== undefined ? proc(this, c, argv) : this.runOnKeyspace(c, argv);
      }
    }
  }

  /** t_list.c blockingPopGenericCommand: serve from the first non-empty key, or block. */
  private blockingPop(c: Client, kind: BlockingKind, argv: Uint8Array[]): RespValue | undefined {
    const b = parseBlocking(kind, argv, this.now(), c.db);
    if (!('kind' in b)) return b;
    for (const key of b.keys) {
      const r = tryServe(b, key, (a) => this.runOnKeyspace(c, a));
      if (r !== 'empty') return r;
    }
    this.blocking.block(c, b);
    return undefined;
  }

  /** multi.c discardTransaction */
  discard(c: Client): void {
    c.inMulti = false;
    c.queue = [];
    c.dirtyExec = false;
    this.watchedKeys.unwatchAll(c);
  }

  /** Run a keyspace command as client `c` (its db swapped in), then flag watchers of what it wrote. */
  runOnKeyspace(c: Client, argv: readonly Uint8Array[]): RespValue {
    const ks = this.keyspace;
    if (ks.selectedDb !== c.db) ks.execute(['SELECT', String(c.db)]);
    const r = ks.execute(argv);
    c.db = ks.selectedDb;
    this.flagTouched();
    return r;
  }

  /** signalModifiedKey → touchWatchedKey for each key the last command(s) propagated. */
  private flagTouched(): void {
    if (this.touched.length === 0) return;
    const ops = this.touched;
    this.touched = [];
    if (this.watchedKeys.empty && this.blocking.blocked.size === 0) return;
    for (const op of ops) this.touchOp(op.db, op.argv);
  }

  private touchOp(db: number, argv: Uint8Array[]): void {
    const name = keyOf(argv[0] ?? new Uint8Array()).toLowerCase();
    if (name === 'multi' || name === 'exec' || name === 'select') return;
    if (name === 'flushall' || name === 'flushdb' || name === 'swapdb') {
      // FLUSHALL empties every db; SWAPDB's dbs are its arguments; FLUSHDB its own db.
      const dbs = name === 'flushdb' ? [db] : name === 'swapdb' ? argv.slice(1).map((a) => Number(keyOf(a))) : [...Array(16).keys()];
      for (const d of dbs) this.watchedKeys.touchAllInDb(d);
      return;
    }
    const keys = this.keyspace.execute(['COMMAND', 'GETKEYS', ...argv]);
    if (keys.type !== 'array') return;
    for (const k of keys.value) {
      if (k.type !== 'bulk') continue;
      const key = keyOf(k.value);
      this.watchedKeys.touch(db, key);
      if (this.blocking.has(db, key)) this.readyKeys.push({ db, key: k.value });
    }
    // MOVE and COPY … DB n also write the key in another db.
    if (name === 'move' && argv[1] !== undefined && argv[2] !== undefined) this.watchedKeys.touch(Number(keyOf(argv[2])), keyOf(argv[1]));
  }

  /** multi.c watchCommand */
  private watch(c: Client, argv: Uint8Array[]): RespValue {
    if (argv.length < 2) return err("ERR wrong number of arguments for 'watch' command");
    if (c.inMulti) return err('ERR WATCH inside MULTI is not allowed');
    for (const k of argv.slice(1)) this.watchedKeys.watch(c, c.db, keyOf(k));
    return OK;
  }
}

/** CLIENT_CLOSE_AFTER_REPLY (a function: commands set it, which flow analysis cannot see). */
function closing(c: Client): boolean {
  return c.closeAfterReply;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  let n = 0;
  for (const ch of chunks) n += ch.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const ch of chunks) {
    out.set(ch, at);
    at += ch.length;
  }
  return out;
}
