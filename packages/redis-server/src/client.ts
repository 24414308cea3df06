/**
 * Per-connection state: server.h `struct client`, reduced to what this server models. Redis keeps
 * one such struct per socket (createClient in networking.c); the keyspace underneath has a
 * single connection of its own, so the server swaps each client's db in before running its
 * command (see server.ts).
 */
import { RespRequestParser } from '@protolab/resp';
import type { RespProtocolVersion } from '@protolab/resp';

/** A command queued between MULTI and EXEC (multi.c queueMultiCommand). */
export type QueuedCommand = Uint8Array[];

export interface Client {
  /** The caller's connection id (what connect/data/close name). */
  readonly connId: number;
  /** CLIENT ID: server.next_client_id at creation, never reused. */
  readonly id: number;
  /** c->db->id: the SELECTed database. */
  db: number;
  /** c->resp: 2 until HELLO 3. */
  resp: RespProtocolVersion;
  /** CLIENT SETNAME; undefined until set (CLIENT GETNAME answers a null then). */
  name: Uint8Array | undefined;
  /** c->querybuf parsing state (networking.c processMultibulkBuffer / processInlineBuffer). */
  readonly parser: RespRequestParser;
  /** CLIENT_MULTI: inside MULTI. */
  inMulti: boolean;
  /** c->mstate.commands */
  queue: QueuedCommand[];
  /** CLIENT_DIRTY_EXEC: a command was refused while queueing; EXEC answers EXECABORT. */
  dirtyExec: boolean;
  /** CLIENT_DIRTY_CAS: a WATCHed key was touched; EXEC answers a null array. */
  dirtyCas: boolean;
  /** c->watched_keys: db → keys (as latin1 strings of the key bytes). */
  readonly watched: Map<number, Set<string>>;
  /** CLIENT_CLOSE_AFTER_REPLY (QUIT, protocol errors). */
  closeAfterReply: boolean;
  /** Connection time (ms) for CLIENT LIST age. */
  readonly ctimeMs: number;
  /** Last command name for CLIENT LIST cmd=. */
  lastCmd: string;
  /** Commands read while the client was blocked (CLIENT_BLOCKED): they run once it is served. */
  pending: Uint8Array[][];
  /** Index of the next command to run in `pending` (a shift() per command is O(n) on long pipelines). */
  pendingAt: number;
  /** Bytes of the argv in `pending` (they count toward client-query-buffer-limit, as c->querybuf). */
  pendingBytes: number;
  /** c->conn's peer and local addresses ("ip:port"), as the adapter gave them on connect. */
  readonly addr: string;
  readonly laddr: string;
  /** c->lastinteraction (ms) for CLIENT LIST idle. */
  lastInteractionMs: number;
  /** Bytes handed to the caller and not yet sent by it (the socket's pending bytes, from the adapter). */
  socketPendingBytes: number;
  /** Bytes waiting in this server's output buffer for the connection (c->reply_bytes). */
  outboxBytes: number;
  /** c->obuf_soft_limit_reached_time (ms), 0 when under the soft limit. */
  softLimitSinceMs: number;
  /** CLIENT_CLOSE_ASAP: killed or over an output limit; nothing more is written, it is closed. */
  closeAsap: boolean;
  /** CLIENT REPLY OFF|SKIP: replies are dropped (SKIP: only the next command's). */
  replyMode: 'on' | 'off' | 'skip' | 'skipnext';
  /** CLIENT NO-EVICT (recorded for CLIENT LIST flags; protolab never evicts clients). */
  noEvict: boolean;
  /**
   * The bytes and lower-case name of the last command name this client sent (a copy), so a
   * pipeline of one command converts its name once (networking.ts commandName).
   */
  cmdNameBytes: Uint8Array | undefined;
  cmdName: string;
  /**
   * The blocking pop this client is blocked in, as the slow log will show it once served
   * (blocked.c updateStatsOnUnblock: the call's time plus the serving time).
   */
  blockedCall: { readonly argv: readonly Uint8Array[]; readonly durationUs: number } | undefined;
  /**
   * c->authenticated: set at creation and by RESET while the default user has no password
   * (`requirepass` empty), and by a successful AUTH / HELLO AUTH; a failed AUTH leaves it as it was.
   */
  authenticated: boolean;
}

/** Where a connection comes from (the adapter's socket addresses); defaults for the core's tests. */
export interface ConnectInfo {
  readonly addr?: string;
  readonly laddr?: string;
}

export function createClient(connId: number, id: number, nowMs: number, maxBulkLen: number, info: ConnectInfo = {}, authenticated = true): Client {
  return {
    connId,
    id,
    db: 0,
    resp: 2,
    name: undefined,
    parser: new RespRequestParser({ maxBulkLen }),
    inMulti: false,
    queue: [],
    dirtyExec: false,
    dirtyCas: false,
    watched: new Map(),
    closeAfterReply: false,
    ctimeMs: nowMs,
    lastCmd: 'NULL',
    pending: [],
    pendingAt: 0,
    pendingBytes: 0,
    addr: info.addr ?? `127.0.0.1:${10000 + (connId % 50000)}`,
    laddr: info.laddr ?? '127.0.0.1:6379',
    lastInteractionMs: nowMs,
    socketPendingBytes: 0,
    outboxBytes: 0,
    softLimitSinceMs: 0,
    closeAsap: false,
    replyMode: 'on',
    noEvict: false,
    cmdNameBytes: undefined,
    cmdName: '',
    blockedCall: undefined,
    authenticated,
  };
}

/** Key bytes as a Map key (each byte one char, so distinct byte strings stay distinct). */
export function keyOf(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
