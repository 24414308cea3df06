/**
 * The fail-over half of sentinel.c (Redis 7.0): sentinelStartFailover, the
 * sentinelFailoverStateMachine states (WAIT_START → SELECT_SLAVE → SEND_SLAVEOF_NOONE →
 * WAIT_PROMOTION → RECONF_SLAVES → UPDATE_CONFIG), sentinelFailoverReconfNextSlave with
 * `parallel-syncs`, sentinelFailoverDetectEnd and the user-requested `SENTINEL FAILOVER`.
 * Functions over a SentinelNode, as sentinel.c's functions take a sentinelRedisInstance.
 */
import { compareSlavesForPromotion, eligibleSlaves, plantedCompareIgnoringOffset, sentinelSelectSlave, type SlaveCandidate } from './select.js';
import type { SentinelNode } from './sentinel.js';
import type { SentinelOutput } from './types.js';
import { sentinelGetLeader, sentinelVoteLeader } from './vote.js';

/** sentinel.c SENTINEL_MAX_DESYNC: the random delay added to a fail-over's start. */
export const SENTINEL_MAX_DESYNC = 1000;
/** sentinel.c SENTINEL_ELECTION_TIMEOUT. */
export const SENTINEL_ELECTION_TIMEOUT = 10_000;
/** sentinel.c SENTINEL_SLAVE_RECONF_TIMEOUT: a RECONF_SENT replica counts as done after this. */
export const SENTINEL_SLAVE_RECONF_TIMEOUT = 10_000;
/** sentinel.conf `parallel-syncs` default. */
export const SENTINEL_DEFAULT_PARALLEL_SYNCS = 1;

/** sentinelStartFailover: a new epoch, WAIT_START, and a desynchronised start time. */
export function sentinelStartFailover(n: SentinelNode, nowMs: number): void {
  const m = n.master;
  n.vote.current_epoch++;
  m.failover_epoch = n.vote.current_epoch;
  n.event(`+new-epoch ${m.failover_epoch}`);
  n.event(`+try-failover master ${n.config.masterName} ${m.addr}`);
  n.setFailoverState('SENTINEL_FAILOVER_STATE_WAIT_START', nowMs);
  m.failover_start_time = nowMs + n.randomMs(SENTINEL_MAX_DESYNC);
  n.lastFailoverAttemptMs = m.failover_start_time;
}

/**
 * sentinelCommand "failover": fail over now, without agreement (SRI_FORCE_FAILOVER skips the
 * election). Answers Redis's error texts when there is a fail-over already or no good replica.
 */
export function sentinelUserFailover(n: SentinelNode, nowMs: number): string {
  if (n.master.failover_state !== 'SENTINEL_FAILOVER_STATE_NONE') return '-INPROG Failover already in progress';
  if (selectPromotable(n, nowMs) === undefined) return '-NOGOODSLAVE No suitable replica to promote';
  sentinelStartFailover(n, nowMs);
  n.master.force_failover = true;
  return 'OK';
}

export function sentinelFailoverStateMachine(n: SentinelNode, nowMs: number, out: SentinelOutput[]): void {
  const m = n.master;
  switch (m.failover_state) {
    case 'SENTINEL_FAILOVER_STATE_WAIT_START':
      sentinelFailoverWaitStart(n, nowMs);
      return;
    case 'SENTINEL_FAILOVER_STATE_SELECT_SLAVE': {
      const chosen = selectPromotable(n, nowMs);
      if (chosen === undefined) {
        abortFailover(n, 'no-good-slave', nowMs);
        return;
      }
      n.event(`+selected-slave slave ${chosen.name}`);
      n.event(`+failover-state-send-slaveof-noone slave ${chosen.name}`);
      m.promoted_slave = chosen.name;
      n.setFailoverState('SENTINEL_FAILOVER_STATE_SEND_SLAVEOF_NOONE', nowMs);
      return;
    }
    case 'SENTINEL_FAILOVER_STATE_SEND_SLAVEOF_NOONE':
      if (m.promoted_slave === undefined) {
        abortFailover(n, 'no-good-slave', nowMs);
        return;
      }
      out.push({ to: m.promoted_slave, msg: { type: 'REPLICAOF', host: null } });
      n.event(`+failover-state-wait-promotion slave ${m.promoted_slave}`);
      n.setFailoverState('SENTINEL_FAILOVER_STATE_WAIT_PROMOTION', nowMs);
      return;
    case 'SENTINEL_FAILOVER_STATE_WAIT_PROMOTION':
      // sentinelFailoverWaitPromotion: only the timeout; the promotion itself is seen in INFO.
      if (nowMs - m.failover_state_change_time > n.config.failoverTimeoutMs) abortFailover(n, 'slave-timeout', nowMs);
      return;
    case 'SENTINEL_FAILOVER_STATE_RECONF_SLAVES':
      sentinelFailoverReconfNextSlave(n, nowMs, out);
      return;
    case 'SENTINEL_FAILOVER_STATE_UPDATE_CONFIG':
      // sentinelHandleDictOfRedisInstances: UPDATE_CONFIG → sentinelFailoverSwitchToPromotedSlave.
      sentinelFailoverSwitchToPromotedSlave(n, nowMs);
      return;
    default:
      return;
  }
}

/** sentinelFailoverWaitStart: go on only as the elected leader of our epoch (or when forced). */
function sentinelFailoverWaitStart(n: SentinelNode, nowMs: number): void {
  const m = n.master;
  if (electedLeader(n, m.failover_epoch) === n.myid || m.force_failover) {
    n.event(`+elected-leader master ${n.config.masterName} ${m.addr}`);
    n.event(`+failover-state-select-slave master ${n.config.masterName} ${m.addr}`);
    n.setFailoverState('SENTINEL_FAILOVER_STATE_SELECT_SLAVE', nowMs);
  } else if (nowMs - m.failover_start_time > Math.min(SENTINEL_ELECTION_TIMEOUT, n.config.failoverTimeoutMs)) {
    abortFailover(n, 'not-elected', nowMs);
  }
}

/** sentinelGetLeader for our fail-over epoch, casting our own vote as Redis does. */
function electedLeader(n: SentinelNode, epoch: number): string | undefined {
  const votes = new Map<string, string | undefined>();
  for (const [name, s] of n.sentinels) if (s.leader_epoch === epoch) votes.set(name, s.leader);
  const others = sentinelGetLeader(votes, 1, 1);
  const mine = sentinelVoteLeader(n.vote, epoch, others ?? n.myid, n.config.planted === 'two-votes-per-epoch');
  if (mine.votedNow) n.event(`+vote-for-leader ${mine.leader ?? ''} ${mine.leader_epoch}`);
  if (mine.leader_epoch === epoch) votes.set(n.name, mine.leader);
  return sentinelGetLeader(votes, n.sentinels.size + 1, n.config.quorum);
}

/** sentinelAbortFailover */
function abortFailover(n: SentinelNode, reason: string, nowMs: number): void {
  n.event(`-failover-abort-${reason} master ${n.config.masterName} ${n.master.addr}`);
  n.master.promoted_slave = undefined;
  n.master.force_failover = false;
  for (const s of n.slaves.values()) s.reconf = 'none';
  n.setFailoverState('SENTINEL_FAILOVER_STATE_NONE', nowMs);
}

/** sentinelSelectSlave over the replicas this sentinel knows. */
function selectPromotable(n: SentinelNode, nowMs: number): SlaveCandidate | undefined {
  const m = n.master;
  const candidates: SlaveCandidate[] = [];
  for (const [name, s] of n.slaves) {
    candidates.push({ name, ...s, down: s.s_down_since_time !== undefined, disconnected: false });
  }
  const ctx = { nowMs, masterSdown: m.s_down_since_time !== undefined, downAfterMs: n.config.downAfterMs, masterDownForMs: m.s_down_since_time === undefined ? 0 : nowMs - m.s_down_since_time };
  n.lastSelectionCandidates = eligibleSlaves(candidates, ctx).map((c) => c.name);
  return sentinelSelectSlave(candidates, ctx, n.config.planted === 'select-ignores-offset' ? plantedCompareIgnoringOffset : compareSlavesForPromotion);
}

/**
 * sentinelFailoverReconfNextSlave: at most `parallel-syncs` replicas in RECONF_SENT / RECONF_INPROG
 * at a time; one stuck in RECONF_SENT for SENTINEL_SLAVE_RECONF_TIMEOUT counts as done. Then
 * sentinelFailoverDetectEnd.
 */
export function sentinelFailoverReconfNextSlave(n: SentinelNode, nowMs: number, out: SentinelOutput[]): void {
  const promoted = n.master.promoted_slave;
  if (promoted === undefined) return;
  const parallel = n.config.parallelSyncs ?? SENTINEL_DEFAULT_PARALLEL_SYNCS;
  let inProgress = 0;
  for (const s of n.slaves.values()) if (s.reconf === 'sent' || s.reconf === 'inprog') inProgress++;
  for (const [name, s] of n.slaves) {
    if (inProgress >= parallel) break;
    if (name === promoted || s.reconf === 'done') continue;
    if (s.reconf === 'sent' && nowMs - s.slave_reconf_sent_time > SENTINEL_SLAVE_RECONF_TIMEOUT) {
      n.event(`-slave-reconf-sent-timeout slave ${name}`);
      s.reconf = 'done';
    }
    if (s.reconf !== 'none') continue;
    out.push({ to: name, msg: { type: 'REPLICAOF', host: promoted } });
    s.reconf = 'sent';
    s.slave_reconf_sent_time = nowMs;
    n.event(`+slave-reconf-sent slave ${name}`);
    inProgress++;
  }
  sentinelFailoverDetectEnd(n, nowMs, out);
}

/**
 * sentinelFailoverDetectEnd: the fail-over ends when every replica that is not down is
 * reconfigured, or on failover-timeout (then a best-effort REPLICAOF to the rest).
 */
function sentinelFailoverDetectEnd(n: SentinelNode, nowMs: number, out: SentinelOutput[]): void {
  const m = n.master;
  const promoted = m.promoted_slave;
  if (promoted === undefined) return;
  const p = n.slaves.get(promoted);
  if (p === undefined || p.s_down_since_time !== undefined) return;
  let notReconfigured = 0;
  for (const [name, s] of n.slaves) {
    if (name === promoted || s.reconf === 'done' || s.s_down_since_time !== undefined) continue;
    notReconfigured++;
  }
  const timeout = nowMs - m.failover_state_change_time > n.config.failoverTimeoutMs;
  if (timeout) {
    notReconfigured = 0;
    n.event(`+failover-end-for-timeout master ${n.config.masterName} ${m.addr}`);
  }
  if (notReconfigured === 0) {
    n.event(`+failover-end master ${n.config.masterName} ${m.addr}`);
    n.setFailoverState('SENTINEL_FAILOVER_STATE_UPDATE_CONFIG', nowMs);
  }
  if (!timeout) return;
  for (const [name, s] of n.slaves) {
    if (name === promoted || s.reconf === 'done' || s.reconf === 'sent') continue;
    out.push({ to: name, msg: { type: 'REPLICAOF', host: promoted } });
    n.event(`+slave-reconf-sent-be slave ${name}`);
    s.reconf = 'sent';
  }
}

/**
 * sentinelRefreshInstanceInfo, the part for a replica during our RECONF_SLAVES: RECONF_SENT →
 * RECONF_INPROG once it names the promoted replica as its master, → RECONF_DONE once its link is up.
 */
export function sentinelRefreshReconfState(n: SentinelNode, name: string): void {
  const m = n.master;
  const s = n.slaves.get(name);
  if (s === undefined || m.failover_state !== 'SENTINEL_FAILOVER_STATE_RECONF_SLAVES') return;
  if (s.role !== 'slave' || s.master_host !== m.promoted_slave) return;
  if (s.reconf === 'sent') {
    s.reconf = 'inprog';
    n.event(`+slave-reconf-inprog slave ${name}`);
  }
  if (s.reconf === 'inprog' && s.master_link_down_time === 0) {
    s.reconf = 'done';
    n.event(`+slave-reconf-done slave ${name}`);
  }
}

/** sentinelFailoverSwitchToPromotedSlave → sentinelResetMasterAndChangeAddress. */
function sentinelFailoverSwitchToPromotedSlave(n: SentinelNode, nowMs: number): void {
  const promoted = n.master.promoted_slave;
  if (promoted === undefined) return;
  n.resetMasterAndChangeAddress(promoted, n.master.config_epoch, nowMs);
}
