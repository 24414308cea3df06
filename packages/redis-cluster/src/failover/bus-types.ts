/**
 * The cluster bus as the fail-over story needs it (cluster.h / cluster.c, Redis 7.0): node flags,
 * message types and the header every message carries (clusterMsg: sender, currentEpoch,
 * configEpoch, the sender's master, its claimed slots, its replication offset, gossip sections).
 * Slots travel as sorted inclusive ranges instead of the 2 KiB bitmap; the meaning is the same.
 */

/** cluster.h CLUSTER_FAIL_REPORT_VALIDITY_MULT: a failure report is valid for node-timeout × 2. */
export const CLUSTER_FAIL_REPORT_VALIDITY_MULT = 2;
/** cluster.h CLUSTER_FAIL_UNDO_TIME_MULT: a FAIL master with slots is cleared after node-timeout × 2. */
export const CLUSTER_FAIL_UNDO_TIME_MULT = 2;
/** cluster.h CLUSTER_MF_TIMEOUT: a manual fail-over must finish within 5 s. */
export const CLUSTER_MF_TIMEOUT = 5000;
/** cluster.h CLUSTER_MF_PAUSE_MULT: the master pauses clients for CLUSTER_MF_TIMEOUT × 2. */
export const CLUSTER_MF_PAUSE_MULT = 2;
/** clusterCron runs every 100 ms (server.c serverCron, run_with_period(100)). */
export const CLUSTER_CRON_PERIOD_MS = 100;

export type SlotRanges = readonly (readonly [number, number])[];

/** What a node knows of another (clusterNode), seen from one node. */
export interface ClusterNodeView {
  readonly id: string;
  role: 'master' | 'replica';
  /** The master's id when `role` is replica (clusterNode.slaveof). */
  slaveof: string | undefined;
  configEpoch: number;
  /** CLUSTER_NODE_PFAIL / CLUSTER_NODE_FAIL */
  pfail: boolean;
  fail: boolean;
  fail_time: number;
  /** 0 when no ping is in flight. */
  ping_sent: number;
  pong_received: number;
  /**
   * When we last (re)sent the PING in flight. Redis drops a link whose ping is older than
   * node-timeout / 2 and reconnects, sending a new PING while keeping ping_sent; the simulated
   * network can lose a message, so the re-send stands for that reconnect.
   */
  ping_resent: number;
  /** Any message from it (data_received). */
  data_received: number;
  /** The replication offset it last advertised. */
  repl_offset: number;
  /** Failure reports: reporting master id → time of the report (clusterNodeFailReport). */
  readonly fail_reports: Map<string, number>;
  /** When this node (a master) last voted for one of this master's replicas (voted_time). */
  voted_time: number;
}

/** A gossip section (clusterMsgDataGossip): what the sender believes of a third node. */
export interface GossipEntry {
  readonly id: string;
  readonly pfail: boolean;
  readonly fail: boolean;
}

/** The header of every bus message (clusterMsg), as it matters to fail-over. */
export interface BusHeader {
  readonly sender: string;
  readonly currentEpoch: number;
  readonly configEpoch: number;
  readonly role: 'master' | 'replica';
  readonly slaveof: string | undefined;
  /** The slots the sender claims: its own if a master, its master's if a replica (clusterBuildMessageHdr). */
  readonly slots: SlotRanges;
  readonly offset: number;
  /** CLUSTERMSG_FLAG0_PAUSED: a master in a manual fail-over, with clients paused. */
  readonly paused: boolean;
  /** CLUSTERMSG_FLAG0_FORCEACK: an auth request of a manual fail-over. */
  readonly forceAck: boolean;
}

export type BusMsg =
  | { readonly type: 'PING' | 'PONG' | 'MEET'; readonly hdr: BusHeader; readonly gossip: readonly GossipEntry[] }
  | { readonly type: 'FAIL'; readonly hdr: BusHeader; readonly failing: string }
  | { readonly type: 'FAILOVER_AUTH_REQUEST'; readonly hdr: BusHeader }
  | { readonly type: 'FAILOVER_AUTH_ACK'; readonly hdr: BusHeader }
  /** CLUSTERMSG_TYPE_UPDATE: the owner of slots the receiver claims with an older configEpoch. */
  | { readonly type: 'UPDATE'; readonly hdr: BusHeader; readonly node: string; readonly nodeConfigEpoch: number; readonly nodeSlots: SlotRanges }
  /** CLUSTERMSG_TYPE_MFSTART: a replica asks its master to start a manual fail-over. */
  | { readonly type: 'MFSTART'; readonly hdr: BusHeader };

export interface BusOutput {
  readonly to: string;
  readonly msg: BusMsg;
}

/** Events as the cluster logs them, for observers and tests. */
export type BusEvent =
  | { readonly type: 'pfail'; readonly node: string }
  | { readonly type: 'fail'; readonly node: string; readonly reports: number; readonly needed: number; readonly by: 'quorum' | 'message' }
  | { readonly type: 'fail-cleared'; readonly node: string }
  | { readonly type: 'auth-request'; readonly epoch: number; readonly rank: number; readonly manual: boolean }
  | { readonly type: 'vote'; readonly for: string; readonly epoch: number }
  | { readonly type: 'promoted'; readonly epoch: number; readonly configEpoch: number; readonly replaced: string; readonly votes: number; readonly takeover: boolean }
  | { readonly type: 'epoch-collision'; readonly configEpoch: number }
  | { readonly type: 'lost-slots'; readonly to: string }
  | { readonly type: 'set-master'; readonly master: string };
