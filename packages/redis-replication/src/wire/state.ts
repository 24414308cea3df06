/**
 * The replication fields of server.h's `struct redisServer` for the byte-level (wire) core, and
 * what the core asks its host to do. One object for both roles, because a promoted replica keeps
 * its replid, offset and backlog (psync2).
 */
import type { RespValue } from '@protolab/resp';
import type { ReplBacklogBlocks } from './backlog-bytes.js';
import type { ReplicaLink } from './replica-link.js';
import type { ReplRdbInfo } from './rdb.js';

export interface WireReplicationConfig {
  /** repl-backlog-size (bytes, default 1 MB). */
  readonly replBacklogSize: number;
  /** repl-diskless-sync (default yes in 7.0): `$EOF:` framing for replicas that said `capa eof`. */
  readonly replDisklessSync: boolean;
  /** min-replicas-to-write (0: off). */
  readonly minReplicasToWrite: number;
  /** min-replicas-max-lag (seconds, default 10). */
  readonly minReplicasMaxLagSec: number;
  /** repl-timeout (seconds, default 60). */
  readonly replTimeoutSec: number;
  /** repl-ping-replica-period (seconds, default 10). */
  readonly replPingReplicaPeriodSec: number;
  /** replica-priority (default 100), for INFO (slave_priority: Sentinel never promotes 0). */
  readonly replicaPriority: number;
  /** replica-read-only (default yes): a replica refuses writes of its own clients (INFO slave_read_only). */
  readonly replicaReadOnly: boolean;
  /** replica-serve-stale-data (default yes): no → a replica whose link is down answers -MASTERDOWN. */
  readonly replicaServeStaleData: boolean;
  /** replica-announced (default yes), for INFO (replica_announced). */
  readonly replicaAnnounced: boolean;
  /**
   * repl-diskless-sync-delay (seconds, default 5) and repl-diskless-sync-max-replicas (default 0):
   * kept for CONFIG, not acted upon — this core starts every transfer at once (no wait for more replicas).
   */
  readonly replDisklessSyncDelaySec: number;
  readonly replDisklessSyncMaxReplicas: number;
  /** masterauth / masteruser (undefined: not set): `AUTH [masteruser] masterauth` on the next connection to the master. */
  readonly masterauth?: string | undefined;
  readonly masteruser?: string | undefined;
  /** repl-backlog-ttl (seconds, default 3600; 0: never): a master without replicas frees its backlog after it. */
  readonly replBacklogTtlSec: number;
  /**
   * Deliberate bugs, for tests that prove the properties catch them (never set otherwise):
   * `select-reset-on-continue`: the replica forgets its master client's db on +CONTINUE;
   * `continue-past-backlog`: the master answers +CONTINUE for an offset its backlog no longer holds.
   * `reconnect-at-cron`: a replica whose link was up waits for replicationCron to dial again.
   */
  readonly plantedBug?: 'select-reset-on-continue' | 'continue-past-backlog' | 'reconnect-at-cron';
}

export const DEFAULT_WIRE_REPLICATION_CONFIG: WireReplicationConfig = {
  replBacklogSize: 1024 * 1024,
  replDisklessSync: true,
  minReplicasToWrite: 0,
  minReplicasMaxLagSec: 10,
  replTimeoutSec: 60,
  replPingReplicaPeriodSec: 10,
  replicaPriority: 100,
  replicaReadOnly: true,
  replicaServeStaleData: true,
  replicaAnnounced: true,
  replBacklogTtlSec: 3600,
  replDisklessSyncDelaySec: 5,
  replDisklessSyncMaxReplicas: 0,
};

/** What the host (a server around a keyspace) gives the core: clock, ids, the RDB, applying commands. */
export interface WireReplicationHost {
  now(): number;
  /** 40 random hex characters (getRandomHexChars). */
  newReplid(): string;
  /** The port we listen on (REPLCONF listening-port). */
  readonly listeningPort: number;
  /** The dataset as an RDB (rdbSaveRio with the replication AUX fields). */
  rdb(info: ReplRdbInfo): Uint8Array;
  /** Replace the dataset with an RDB payload from the master (throws on a bad payload). */
  loadRdb(payload: Uint8Array): number;
  /** Run a command of the master's stream in `db` (as the master client). */
  apply(db: number, argv: Uint8Array[]): void;
  /**
   * The master client's life (server.master, CLIENT_MASTER), for a host that lists it among its
   * clients: created after a full load (replicationCreateMasterClient), resurrected by +CONTINUE
   * (replicationResurrectCachedMaster: the same client, its id, age and db kept), freed when the
   * link drops (`cached`: replicationCacheMaster keeps it for a PSYNC; otherwise it is gone), and
   * each command of the master's stream it runs (PING, REPLCONF and SELECT included: c->lastcmd).
   */
  masterClient?(e: MasterClientEvent): void;
}

export type MasterClientEvent =
  | { readonly type: 'create' }
  | { readonly type: 'resurrect' }
  | { readonly type: 'free'; readonly cached: boolean }
  | { readonly type: 'command'; readonly argv: readonly Uint8Array[] };

/** What the core asks the host to do. */
export type ReplIo =
  /** Bytes for a client connection (a replica of ours). */
  | { readonly type: 'write'; readonly connId: number; readonly bytes: Uint8Array }
  /** A blocked client's reply is ready (WAIT). */
  | { readonly type: 'reply'; readonly connId: number; readonly value: RespValue }
  /** Close a client connection (a replica that timed out, or when our role changes). */
  | { readonly type: 'close'; readonly connId: number }
  /** Open a TCP connection to our master; report it with masterConnected / masterClosed. */
  | { readonly type: 'connectMaster'; readonly host: string; readonly port: number; readonly link: number }
  | { readonly type: 'writeMaster'; readonly link: number; readonly bytes: Uint8Array }
  | { readonly type: 'closeMaster'; readonly link: number };

/** A replica connected to us (a client with CLIENT_SLAVE: c->replstate and friends). */
export interface SlaveLink {
  readonly connId: number;
  ip: string;
  listeningPort: number;
  capaEof: boolean;
  capaPsync2: boolean;
  /** SLAVE_STATE_*: handshake (REPLCONF seen), wait_ack (repl_put_online_on_ack), online. */
  state: 'handshake' | 'wait_bgsave' | 'wait_ack' | 'online';
  ackOffset: number;
  ackTimeMs: number;
  /** The stream held back until the first ACK (diskless). */
  pending: Uint8Array[];
}

export interface BlockedWait {
  readonly connId: number;
  readonly numreplicas: number;
  readonly woff: number;
  readonly deadlineMs: number | undefined;
}

export interface ReplState {
  /** Replaced as a whole by WireReplication.configure (CONFIG SET). */
  config: WireReplicationConfig;
  readonly host: WireReplicationHost;
  replid: string;
  replid2: string;
  second_replid_offset: number;
  master_repl_offset: number;
  repl_backlog: ReplBacklogBlocks | undefined;
  /** server.slaveseldb: the db of the last SELECT in the stream (-1: emit one). */
  slaveseldb: number;
  readonly slaves: Map<number, SlaveLink>;
  /** Replicas between REPLCONF and PSYNC. */
  readonly handshakes: Map<number, SlaveLink>;
  /** server.clients_waiting_acks: clients blocked in WAIT, oldest first. */
  waiting: BlockedWait[];
  /**
   * The connection ids in `waiting`, for an O(1) "is this client blocked in WAIT" (CLIENT LIST
   * asks it of every client). Changed wherever `waiting` is (master.ts, replica.ts failWaits,
   * WireReplication.clientClosed); checkWaitingIndex asserts the two agree.
   */
  readonly waitingIds: Set<number>;
  readonly stats: { sync_full: number; sync_partial_ok: number; sync_partial_err: number };
  // Replica side
  masterhost: string | undefined;
  masterport: number;
  link: ReplicaLink | undefined;
  /** A counter naming the current connection to the master (stale socket events are ignored). */
  linkId: number;
  /** server.repl_state outside the link: none, connect (to dial), connecting (dialled). */
  repl_state: 'REPL_STATE_NONE' | 'REPL_STATE_CONNECT' | 'REPL_STATE_CONNECTING' | 'LINK';
  /** The db the master's stream is in (the master client's SELECT). */
  masterDb: number;
  master_link_down_since_ms: number;
  master_last_io_ms: number;
  /** server.cached_master's replid and offset, for PSYNC after the link breaks. */
  cached: { replid: string; offset: number } | undefined;
  /** For tests: each full load and each +CONTINUE the replica saw. */
  readonly replicaStats: { fullLoads: number; continues: number; linkErrors: string[] };
}
