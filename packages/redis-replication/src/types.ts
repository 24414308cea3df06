/** Messages of the replication link, named as on the wire (replication.c). */
export type ReplMsg =
  | { readonly type: 'PING' }
  | { readonly type: 'PONG' }
  | { readonly type: 'REPLCONF'; readonly args: readonly string[] }
  | { readonly type: 'OK' }
  | { readonly type: 'PSYNC'; readonly replid: string; readonly offset: number }
  | { readonly type: 'FULLRESYNC'; readonly replid: string; readonly offset: number }
  | { readonly type: 'CONTINUE'; readonly replid: string }
  /** The RDB payload: `$<len>` (disk) or `$EOF:<40-byte mark>` … mark (diskless, repl-diskless-sync). */
  | { readonly type: 'RDB'; readonly form: 'disk' | 'diskless'; readonly header: string; readonly entries: readonly DatasetEntry[]; readonly trailer: string }
  /** The command stream: commands starting at offset `start`. */
  | { readonly type: 'STREAM'; readonly start: number; readonly cmds: readonly (readonly string[])[] };

/** A key of the dataset as the RDB transfer carries it. */
export interface DatasetEntry {
  readonly key: string;
  readonly value: string;
  /** Absolute unix ms, or undefined for no TTL. */
  readonly expireAtMs: number | undefined;
}

export interface ReplicationConfig {
  /** repl-backlog-size in bytes (Redis default 1 MB). */
  readonly replBacklogSize: number;
  /** min-replicas-to-write (default 0: off). */
  readonly minReplicasToWrite: number;
  /** min-replicas-max-lag in ms (Redis: seconds, default 10). */
  readonly minReplicasMaxLagMs: number;
  /** repl-timeout in ms (default 60 s). */
  readonly replTimeoutMs: number;
  /** repl-diskless-sync (default yes in 7.0). */
  readonly replDisklessSync: boolean;
  /** slave-announce / listening port sent with REPLCONF listening-port. */
  readonly listeningPort: number;
}

export const DEFAULT_REPLICATION_CONFIG: ReplicationConfig = {
  replBacklogSize: 1024 * 1024,
  minReplicasToWrite: 0,
  minReplicasMaxLagMs: 10_000,
  replTimeoutMs: 60_000,
  replDisklessSync: true,
  listeningPort: 6379,
};

/** A reply to a client command (values as Redis would encode them). */
export type ClientReply =
  | { readonly type: 'ok' }
  | { readonly type: 'bulk'; readonly value: string | null }
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'error'; readonly message: string };

/** What the core asks its caller to do. */
export type ReplOutput =
  | { readonly kind: 'send'; readonly to: string; readonly msg: ReplMsg }
  /** A WAIT that was blocked has its answer now. */
  | { readonly kind: 'waitReply'; readonly waitId: number; readonly replicas: number };

/** The replica's handshake states (replication.c `repl_state`). */
export type ReplState =
  | 'REPL_STATE_NONE'
  | 'REPL_STATE_CONNECT'
  | 'REPL_STATE_RECEIVE_PING_REPLY'
  | 'REPL_STATE_RECEIVE_PORT_REPLY'
  | 'REPL_STATE_RECEIVE_CAPA_REPLY'
  | 'REPL_STATE_RECEIVE_PSYNC_REPLY'
  | 'REPL_STATE_TRANSFER'
  | 'REPL_STATE_CONNECTED';
