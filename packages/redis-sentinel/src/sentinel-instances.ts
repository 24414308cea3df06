/**
 * The three kinds of sentinelRedisInstance (redis/redis src/sentinel.c 7.0, `struct
 * sentinelRedisInstance` with its SRI_MASTER / SRI_SLAVE / SRI_SENTINEL flags) as SentinelNode
 * keeps them: one record shape per kind, with the fields of the C struct each kind uses.
 */
import type { FailoverState } from './types.js';

/** A replica as a sentinel tracks it (the SRI_SLAVE sentinelRedisInstance). */
export interface SlaveInstance {
  runid: string | undefined;
  slave_priority: number;
  slave_repl_offset: number;
  last_avail_time: number;
  /** SRI_S_DOWN: since when it has answered no valid PING for down-after-milliseconds. */
  s_down_since_time: number | undefined;
  info_refresh: number;
  master_link_down_time: number;
  master_host: string | undefined;
  role: 'master' | 'slave';
  /** When INFO first showed the current role (role_reported_time). */
  role_reported_time: number;
  /** SRI_RECONF_SENT / SRI_RECONF_INPROG / SRI_RECONF_DONE during a fail-over's RECONF_SLAVES. */
  reconf: 'none' | 'sent' | 'inprog' | 'done';
  slave_reconf_sent_time: number;
}

/** Another sentinel (SRI_SENTINEL) and what it answered to is-master-down-by-addr. */
export interface OtherSentinel {
  runid: string;
  last_hello_time: number;
  /** Its last valid PING reply (sentinels PING each other, sentinelSendPeriodicCommands). */
  last_avail_time: number;
  /** SRI_S_DOWN, as for any instance (sentinelCheckSubjectivelyDown). */
  s_down_since_time: number | undefined;
  master_down: boolean;
  master_down_reply_time: number;
  leader: string | undefined;
  leader_epoch: number;
}

/** The monitored master (SRI_MASTER sentinelRedisInstance). */
export interface MasterInstance {
  addr: string;
  /** The run id its INFO last reported (undefined before the first INFO). */
  runid: string | undefined;
  config_epoch: number;
  last_avail_time: number;
  s_down_since_time: number | undefined;
  o_down: boolean;
  /** o_down_since_time (0 while not ODOWN). */
  o_down_since_time: number;
  failover_state: FailoverState;
  failover_epoch: number;
  failover_start_time: number;
  failover_state_change_time: number;
  promoted_slave: string | undefined;
  role_reported: 'master' | 'slave';
  role_reported_time: number;
  /** When the master last answered INFO. */
  info_refresh: number;
  /** SRI_FORCE_FAILOVER: SENTINEL FAILOVER, no election needed. */
  force_failover: boolean;
}
