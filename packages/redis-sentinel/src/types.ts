/** A hello message on `__sentinel__:hello` (sentinelSendHello), with addresses as node names. */
export interface Hello {
  readonly sentinel: string;
  readonly runid: string;
  readonly current_epoch: number;
  readonly master_name: string;
  readonly master_addr: string;
  readonly master_config_epoch: number;
}

/** What an instance's INFO replication section tells a sentinel. */
export interface InfoReply {
  readonly runid: string;
  readonly role: 'master' | 'slave';
  /** master_host for a replica. */
  readonly master_host: string | undefined;
  readonly slave_repl_offset: number;
  readonly slave_priority: number;
  /** The replicas a master lists (slave0:ip=…). */
  readonly slaves: readonly string[];
  /** master_link_down_since_seconds × 1000 (0 when up). */
  readonly master_link_down_time: number;
}

export type SentinelMsg =
  | { readonly type: 'PING' }
  | { readonly type: 'PONG' }
  | { readonly type: 'INFO' }
  | { readonly type: 'INFO_REPLY'; readonly info: InfoReply }
  | { readonly type: 'REPLICAOF'; readonly host: string | null }
  | { readonly type: 'SUBSCRIBE' }
  | { readonly type: 'PUBLISH'; readonly hello: Hello }
  | { readonly type: 'HELLO'; readonly hello: Hello }
  /**
   * SENTINEL is-master-down-by-addr <addr> <current-epoch> <runid or *>. `master_name` is not on the
   * wire: it is the asking sentinel's own name for the master, what sentinel.c keeps with the pending
   * command (sentinelAskMasterStateToOtherSentinels passes the other sentinel's instance, an entry
   * of that master's `sentinels` dict, as the reply callback's privdata). The answering side never
   * reads it (it looks the master up by `addr`); it only hands it back in the reply.
   */
  | { readonly type: 'IS_MASTER_DOWN'; readonly addr: string; readonly current_epoch: number; readonly runid: string; readonly master_name: string }
  /**
   * The reply to IS_MASTER_DOWN (`*3 :down $leader :epoch` on the wire). `master_name` is the
   * question's, handed back: the asking sentinel records the reply for that master whatever its
   * address is now (sentinelReceiveIsMasterDownReply writes into the instance it was given, and
   * sentinelResetMasterAndChangeAddress keeps the master's `sentinels`).
   */
  | { readonly type: 'IS_MASTER_DOWN_REPLY'; readonly down: boolean; readonly leader: string; readonly leader_epoch: number; readonly master_name: string };

export interface SentinelConfig {
  /** sentinel monitor <name> <addr> <quorum>. */
  readonly masterName: string;
  readonly masterAddr: string;
  readonly quorum: number;
  /** down-after-milliseconds (default 30 000). */
  readonly downAfterMs: number;
  /** failover-timeout (default 180 000). */
  readonly failoverTimeoutMs: number;
  /** parallel-syncs: replicas reconfigured at a time after a promotion (default 1). */
  readonly parallelSyncs?: number;
  /** sentinel notification-script: run on every WARNING event about the master or its instances (scripts.ts). */
  readonly notificationScript?: string;
  /** sentinel client-reconfig-script: run when the master's address changes (scripts.ts). */
  readonly clientReconfigScript?: string;
  /**
   * sentinel auth-pass / auth-user: the AUTH a sentinel sends first on every new link to the
   * master and to its replicas (sentinel.c sentinelSendAuthIfNeeded, 7.0). SENTINEL SET changes the
   * live values (SentinelNode.auth_pass / auth_user).
   */
  readonly authPass?: string;
  readonly authUser?: string;
  /** What sentinel.conf remembered from a previous run (sentinelFlushConfig's lines), loaded at start. */
  readonly saved?: SentinelSavedState;
  /** Deliberately wrong variants kept for the tests that must catch them. */
  readonly planted?: 'two-votes-per-epoch' | 'select-ignores-offset';
}

/** sentinel.c failover_state. */
export type FailoverState =
  | 'SENTINEL_FAILOVER_STATE_NONE'
  | 'SENTINEL_FAILOVER_STATE_WAIT_START'
  | 'SENTINEL_FAILOVER_STATE_SELECT_SLAVE'
  | 'SENTINEL_FAILOVER_STATE_SEND_SLAVEOF_NOONE'
  | 'SENTINEL_FAILOVER_STATE_WAIT_PROMOTION'
  | 'SENTINEL_FAILOVER_STATE_RECONF_SLAVES'
  | 'SENTINEL_FAILOVER_STATE_UPDATE_CONFIG';

export interface SentinelOutput {
  readonly to: string;
  readonly msg: SentinelMsg;
}

/**
 * The state a sentinel writes into its config file (sentinel.c sentinelFlushConfig →
 * rewriteConfigSentinelOption) and reads back at start (sentinelHandleConfiguration): the epochs,
 * and the replicas and sentinels it knew, so a restarted sentinel keeps following a promoted master.
 */
export interface SentinelSavedState {
  /** sentinel current-epoch */
  readonly currentEpoch: number;
  /** sentinel config-epoch <master> */
  readonly configEpoch: number;
  /** sentinel leader-epoch <master> */
  readonly leaderEpoch: number;
  /** sentinel known-replica <master> <ip> <port>, as `ip:port` */
  readonly knownReplicas: readonly string[];
  /** sentinel known-sentinel <master> <ip> <port> <runid> */
  readonly knownSentinels: readonly { readonly addr: string; readonly runid: string }[];
}
