/**
 * The types of `RedisServer`'s interface (server.ts): what it is given (options), what it hands
 * back (outputs), and the procs other units register on it.
 */
import type { RespValue } from '@protolab/resp';
import type { KeyspaceOptions, PropagateFn } from '@protolab/redis-keyspace';
import type { Client } from './client.js';
import type { RedisServer } from './server.js';
import type { ProcessInfo } from './stats.js';

/**
 * What the caller does for the server: write bytes to a connection, or close it — after the
 * bytes already written (QUIT, a protocol error), or at once dropping them (`abort`: CLIENT KILL,
 * an output buffer limit; what is pending to a client that does not read must be freed).
 */
export type ServerOutput = { readonly type: 'write'; readonly id: number; readonly bytes: Uint8Array } | { readonly type: 'close'; readonly id: number; readonly abort?: boolean };

export interface RedisServerOptions {
  /** Current Unix time in ms (a virtual clock, or Date.now in an adapter). */
  readonly now: () => number;
  /**
   * Current Unix time in µs (server.c ustime): command durations (SLOWLOG) and MONITOR's
   * timestamps. Default: `now() * 1000`. The adapter gives a µs-resolution clock.
   */
  readonly ustime?: () => number;
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
  /** Other CONFIG parameters at start (name → value, as in redis.conf); Redis's error text if bad. */
  readonly config?: ReadonlyMap<string, string>;
  /** INFO server run_id and replication master_replid (40 hex chars; the adapter draws them). */
  readonly runId?: string;
  readonly replId?: string;
  /** Process figures for INFO (the adapter's process.memoryUsage / cpuUsage). */
  readonly processInfo?: () => ProcessInfo;
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
