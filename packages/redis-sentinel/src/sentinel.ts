import { SentinelError } from './errors.js';
import { SENTINEL_PING_PERIOD, SENTINEL_INFO_PERIOD } from './select.js';
import { SENTINEL_MAX_DESYNC, sentinelFailoverStateMachine, sentinelRefreshReconfState, sentinelStartFailover, sentinelUserFailover } from './sentinel-failover.js';
import type { FailoverState, InfoReply, SentinelConfig, SentinelMsg, SentinelOutput } from './types.js';
import { sentinelProcessHelloMessage, sentinelSendHello } from './hello.js';
import { sentinelVoteLeader, sharedEpochVote, type VoteState } from './vote.js';
import type { SentinelShared } from './sentinel-state.js';
import { freshTiltState, sentinelCheckTiltCondition, sentinelMayAct, type TiltState } from './tilt.js';
import { SentinelScripts } from './scripts.js';
import { applySavedState } from './sentinel-flush.js';
import { sentinelCallClientReconfScript, sentinelNotifyScript } from './script-hooks.js';

/** sentinel.c timing constants (Redis 7.0). */
export const SENTINEL_PUBLISH_PERIOD = 2000;
export const SENTINEL_ASK_PERIOD = 1000;
/** SentinelNode.events keeps at least this many of the latest events (and at most twice as many). */
export const EVENTS_KEPT = 10_000;

export type { MasterInstance, OtherSentinel, SlaveInstance } from './sentinel-instances.js';
import type { MasterInstance, OtherSentinel, SlaveInstance } from './sentinel-instances.js';

/**
 * One sentinel monitoring one master, as a sans-I/O core. `tick(now)` is sentinelTimer /
 * sentinelHandleRedisInstance; `onMessage` handles replies, hellos and is-master-down requests.
 * `randomMs(n)` draws an integer in [0, n) from the caller's seeded stream.
 */
export class SentinelNode {
  /** current_epoch (sentinelState's, shared by every master when `shared` is given) and this master's leader / leader_epoch. */
  readonly vote: VoteState;
  /** TILT mode (tilt.ts): sentinelState's, shared by every master when `shared` is given. */
  readonly tilt: TiltState;
  /** sentinel.scripts_queue: notification and client reconfiguration scripts to run (scripts.ts). */
  readonly scripts: SentinelScripts;
  readonly master: MasterInstance;
  readonly slaves = new Map<string, SlaveInstance>();
  readonly sentinels = new Map<string, OtherSentinel>();
  /**
   * Events as Sentinel logs them ("+sdown master mymaster m"): the most recent EVENTS_KEPT to
   * 2 × EVENTS_KEPT of them, so a sentinel that runs for months holds a bounded log (Redis writes
   * its log to a file; subscribers get every event through onEvent).
   */
  readonly events: string[] = [];
  /** ri->auth_pass / ri->auth_user (sentinel auth-pass / auth-user; SENTINEL SET changes them). */
  auth_pass: string | undefined;
  auth_user: string | undefined;
  /** The replicas the last SELECT_SLAVE could choose from (for observers and tests). */
  lastSelectionCandidates: readonly string[] = [];
  private nextPingMs = 0;
  private nextInfoMs = 0;
  private lastInfoMs = -Infinity;
  private nextHelloMs = 0;
  private nextAskMs = 0;
  /** @internal */
  lastFailoverAttemptMs = -Infinity;
  private configChangeMs = 0;
  /** False until the first tick, which is when the core first learns the time. */
  private started = false;

  constructor(
    readonly name: string,
    readonly myid: string,
    /** Replaced (never mutated) by SENTINEL SET down-after-milliseconds / failover-timeout / parallel-syncs / quorum. */
    public config: SentinelConfig,
    /** @internal */
    readonly randomMs: (n: number) => number,
    /** The parts of sentinelState every master shares (sentinel-state.ts); a lone node owns its own. */
    shared?: SentinelShared,
  ) {
    this.vote = shared === undefined ? { current_epoch: 0, leader: undefined, leader_epoch: 0 } : sharedEpochVote(shared.epoch);
    this.tilt = shared?.tilt ?? freshTiltState();
    this.scripts = shared?.scripts ?? new SentinelScripts((e) => { this.event(e); });
    if (config.quorum < 1 || config.downAfterMs <= 0 || config.failoverTimeoutMs <= 0) {
      throw new SentinelError('BAD_CONFIG', `expected quorum ≥ 1 and positive timeouts, found ${JSON.stringify(config)}`);
    }
    this.master = this.freshMaster(config.masterAddr, 0, 0);
    this.auth_pass = config.authPass;
    this.auth_user = config.authUser;
    if (config.saved !== undefined) applySavedState(this, config.saved);
    // Sentinels desynchronise their timers (sentinel.c randomises its hz) so that they rarely
    // start a fail-over in the same instant and split the vote.
    this.nextPingMs = randomMs(SENTINEL_PING_PERIOD);
    this.nextInfoMs = this.nextPingMs;
    this.nextHelloMs = this.nextPingMs;
    this.nextAskMs = this.nextPingMs;
  }

  /** A period plus up to 10% jitter. */
  private jitter(periodMs: number): number {
    return periodMs + this.randomMs(Math.max(1, Math.floor(periodMs / 10)));
  }

  private freshMaster(addr: string, configEpoch: number, nowMs: number): MasterInstance {
    return {
      addr,
      runid: undefined,
      config_epoch: configEpoch,
      last_avail_time: nowMs,
      s_down_since_time: undefined,
      o_down: false,
      o_down_since_time: 0,
      failover_state: 'SENTINEL_FAILOVER_STATE_NONE',
      failover_epoch: 0,
      failover_start_time: 0,
      failover_state_change_time: nowMs,
      promoted_slave: undefined,
      role_reported: 'master',
      role_reported_time: nowMs,
      info_refresh: nowMs,
      force_failover: false,
    };
  }

  /**
   * Called with each event as it happens (sentinelEvent), while the instances still hold the
   * state the event describes: the SENTINEL server publishes them to its Pub/Sub clients.
   */
  onEvent: ((text: string) => void) | undefined = undefined;

  /** @internal */
  event(text: string): void {
    this.events.push(text);
    if (this.events.length > 2 * EVENTS_KEPT) this.events.splice(0, this.events.length - EVENTS_KEPT);
    this.onEvent?.(text);
    sentinelNotifyScript(this, text);
  }

  /** sentinelGenerateInitialMonitorEvents: `+monitor` for the master, when the sentinel starts running. */
  sentinelGenerateInitialMonitorEvents(): void {
    this.event(`+monitor master ${this.config.masterName} ${this.master.addr} quorum ${this.config.quorum}`);
  }

  /** SENTINEL get-master-addr-by-name. */
  getMasterAddrByName(name: string): string {
    if (name !== this.config.masterName) throw new SentinelError('UNKNOWN_MASTER', `expected master name ${this.config.masterName}, found ${name}`);
    return this.master.addr;
  }

  /** SENTINEL FAILOVER <master>: 'OK', or Redis's -INPROG / -NOGOODSLAVE error text. */
  failover(nowMs: number): string {
    return sentinelUserFailover(this, nowMs);
  }

  nextWakeup(): number {
    return Math.min(this.nextPingMs, this.nextInfoMs, this.nextHelloMs, this.nextAskMs);
  }

  tick(nowMs: number): SentinelOutput[] {
    const out: SentinelOutput[] = [];
    if (!this.started) {
      // createSentinelRedisInstance stamps last_avail_time etc. with the creation time; the core has no
      // clock at construction, so its first tick does (else a wall clock would flag +sdown at once).
      this.started = true;
      Object.assign(this.master, { last_avail_time: nowMs, role_reported_time: nowMs, failover_state_change_time: nowMs, info_refresh: nowMs });
      // Replicas and sentinels known from the config file (sentinel-flush.ts) are created now, too.
      for (const r of this.slaves.values()) Object.assign(r, { last_avail_time: nowMs, role_reported_time: nowMs });
      for (const r of this.sentinels.values()) Object.assign(r, { last_avail_time: nowMs, last_hello_time: nowMs });
    }
    sentinelCheckTiltCondition(this.tilt, nowMs, (e) => { this.event(e); });
    const instances = [this.master.addr, ...this.slaves.keys()];
    if (nowMs >= this.nextPingMs) {
      this.nextPingMs = nowMs + this.jitter(SENTINEL_PING_PERIOD);
      for (const to of [...instances, ...this.sentinels.keys()]) out.push({ to, msg: { type: 'PING' } });
    }
    if (nowMs >= this.nextHelloMs) {
      this.nextHelloMs = nowMs + SENTINEL_PUBLISH_PERIOD;
      sentinelSendHello(this, instances, out);
    }
    // The acting half: nothing of it in TILT, but INFO (monitoring) below still goes out.
    const act = sentinelMayAct(this.tilt, nowMs, (e) => { this.event(e); });
    if (act) this.actingHalf(nowMs, out);
    this.sendInfo(instances, nowMs, out);
    if (nowMs >= this.nextAskMs) {
      this.nextAskMs = nowMs + this.jitter(SENTINEL_ASK_PERIOD);
      if (act) this.sentinelAskMasterStateToOtherSentinels(out);
    }
    return out;
  }

  /** sentinelHandleRedisInstance's acting half, for the master and then its replicas and sentinels. */
  private actingHalf(nowMs: number, out: SentinelOutput[]): void {
    this.sentinelCheckSubjectivelyDown(nowMs);
    this.sentinelCheckObjectivelyDown(nowMs);
    if (this.master.o_down && this.master.failover_state === 'SENTINEL_FAILOVER_STATE_NONE' && nowMs - this.lastFailoverAttemptMs > this.config.failoverTimeoutMs * 2) {
      sentinelStartFailover(this, nowMs);
      // sentinelHandleRedisInstance: SENTINEL_ASK_FORCED — ask for votes now, not at the next period.
      this.sentinelAskMasterStateToOtherSentinels(out);
    }
    sentinelFailoverStateMachine(this, nowMs, out);
    // sentinelHandleDictOfRedisInstances: after the master, its replicas and its sentinels.
    for (const [addr, s] of this.slaves) this.sentinelCheckInstanceSubjectivelyDown('slave', addr, s, nowMs);
    for (const [addr, s] of this.sentinels) this.sentinelCheckInstanceSubjectivelyDown('sentinel', addr, s, nowMs);
  }

  private sendInfo(instances: readonly string[], nowMs: number, out: SentinelOutput[]): void {
    // sentinelSendPeriodicCommands: INFO every 10 s, every 1 s while the master is down or in a fail-over;
    // after the master's checks (a master before its replicas), so SELECT_SLAVE sees fresh replies.
    const fast = this.master.s_down_since_time !== undefined || this.master.failover_state !== 'SENTINEL_FAILOVER_STATE_NONE';
    if (nowMs >= this.nextInfoMs || (fast && nowMs >= this.lastInfoMs + SENTINEL_PING_PERIOD)) {
      this.lastInfoMs = nowMs;
      this.nextInfoMs = nowMs + (fast ? SENTINEL_PING_PERIOD : SENTINEL_INFO_PERIOD);
      for (const to of instances) out.push({ to, msg: { type: 'INFO' } });
    }
  }

  /**
   * sentinelGetCurrentMasterAddress: once the promoted replica is confirmed (RECONF_SLAVES), hellos
   * already announce it, with the new config epoch.
   */
  sentinelGetCurrentMasterAddress(): string {
    const m = this.master;
    if (m.failover_state === 'SENTINEL_FAILOVER_STATE_RECONF_SLAVES' && m.promoted_slave !== undefined) return m.promoted_slave;
    return m.addr;
  }

  private sentinelCheckSubjectivelyDown(nowMs: number): void {
    const m = this.master;
    // A master that reports itself as a replica for too long counts as down too, so that a
    // fail-over fixes it (sentinelCheckSubjectivelyDown, "master claims to be a slave").
    const claimsSlave = m.role_reported === 'slave' && nowMs - m.role_reported_time > this.config.downAfterMs + SENTINEL_INFO_PERIOD * 2;
    const down = nowMs - m.last_avail_time > this.config.downAfterMs || claimsSlave;
    if (down && m.s_down_since_time === undefined) {
      m.s_down_since_time = nowMs;
      this.event(`+sdown master ${this.config.masterName} ${m.addr}`);
    } else if (!down && m.s_down_since_time !== undefined) {
      m.s_down_since_time = undefined;
      this.event(`-sdown master ${this.config.masterName} ${m.addr}`);
    }
  }

  /**
   * sentinelCheckSubjectivelyDown for a replica or another sentinel: SRI_S_DOWN once it has given
   * no valid PING reply for down-after-milliseconds (`+sdown slave …` / `+sdown sentinel …`), and
   * `-sdown` at the first check after it answers again.
   */
  private sentinelCheckInstanceSubjectivelyDown(kind: 'slave' | 'sentinel', addr: string, ri: { last_avail_time: number; s_down_since_time: number | undefined }, nowMs: number): void {
    const down = nowMs - ri.last_avail_time > this.config.downAfterMs;
    if (down && ri.s_down_since_time === undefined) {
      ri.s_down_since_time = nowMs;
      this.event(`+sdown ${kind} ${addr}`);
    } else if (!down && ri.s_down_since_time !== undefined) {
      ri.s_down_since_time = undefined;
      this.event(`-sdown ${kind} ${addr}`);
    }
  }

  private sentinelCheckObjectivelyDown(nowMs: number): void {
    const m = this.master;
    let quorum = 0;
    if (m.s_down_since_time !== undefined) {
      quorum = 1;
      for (const s of this.sentinels.values()) if (s.master_down && nowMs - s.master_down_reply_time <= SENTINEL_ASK_PERIOD * 5) quorum++;
    }
    const odown = quorum >= this.config.quorum;
    if (odown && !m.o_down) m.o_down_since_time = nowMs;
    if (odown && !m.o_down) this.event(`+odown master ${this.config.masterName} ${m.addr} #quorum ${quorum}/${this.config.quorum}`);
    if (!odown && m.o_down) this.event(`-odown master ${this.config.masterName} ${m.addr}`);
    m.o_down = odown;
  }

  /** Failover bookkeeping shared with sentinel-failover.ts (sentinelFailover*). */
  setFailoverState(state: FailoverState, nowMs: number): void {
    this.master.failover_state = state;
    this.master.failover_state_change_time = nowMs;
  }

  private sentinelAskMasterStateToOtherSentinels(out: SentinelOutput[]): void {
    const m = this.master;
    if (m.s_down_since_time === undefined) return;
    const runid = m.failover_state === 'SENTINEL_FAILOVER_STATE_NONE' ? '*' : this.myid;
    for (const name of this.sentinels.keys()) {
      out.push({ to: name, msg: { type: 'IS_MASTER_DOWN', addr: m.addr, current_epoch: this.vote.current_epoch, runid, master_name: this.config.masterName } });
    }
  }

  /** @internal sentinelResetMasterAndChangeAddress */
  resetMasterAndChangeAddress(addr: string, configEpoch: number, nowMs: number): void {
    const old = this.master.addr;
    this.event(`+switch-master ${this.config.masterName} ${old} ${addr}`);
    const names = new Set([...this.slaves.keys(), old]);
    names.delete(addr);
    this.slaves.clear();
    for (const n of names) this.slaves.set(n, this.freshSlave(nowMs));
    Object.assign(this.master, this.freshMaster(addr, configEpoch, nowMs));
    this.configChangeMs = nowMs;
    for (const n of this.slaves.keys()) this.event(`+slave slave ${n}`);
  }

  /** A replica remembered by the config file (`sentinel known-replica`), created before the first tick. */
  addKnownReplica(addr: string): void {
    this.slaves.set(addr, this.freshSlave(0));
  }

  private freshSlave(nowMs: number): SlaveInstance {
    return { runid: undefined, slave_priority: 100, slave_repl_offset: 0, last_avail_time: nowMs, s_down_since_time: undefined, info_refresh: 0, master_link_down_time: 0, master_host: undefined, role: 'slave', role_reported_time: nowMs, reconf: 'none', slave_reconf_sent_time: 0 };
  }

  onMessage(from: string, msg: SentinelMsg, nowMs: number): SentinelOutput[] {
    const out: SentinelOutput[] = [];
    if (msg.type === 'PING') out.push({ to: from, msg: { type: 'PONG' } }); // a sentinel answers PING too
    else if (msg.type === 'PONG') this.onPong(from, nowMs);
    else if (msg.type === 'INFO_REPLY') this.sentinelRefreshInstanceInfo(from, msg.info, nowMs, out);
    else if (msg.type === 'HELLO') sentinelProcessHelloMessage(this, msg.hello, nowMs);
    else if (msg.type === 'IS_MASTER_DOWN') this.onIsMasterDown(from, msg, nowMs, out);
    else if (msg.type === 'IS_MASTER_DOWN_REPLY') this.onIsMasterDownReply(from, msg, nowMs);
    return out;
  }

  private onPong(from: string, nowMs: number): void {
    if (from === this.master.addr) this.master.last_avail_time = nowMs;
    const s = this.slaves.get(from);
    if (s !== undefined) s.last_avail_time = nowMs;
    const other = this.sentinels.get(from);
    if (other !== undefined) other.last_avail_time = nowMs;
  }

  /** sentinelRefreshInstanceInfo: learn replicas, notice a promotion, fix replicas that follow the wrong master. */
  private sentinelRefreshInstanceInfo(from: string, info: InfoReply, nowMs: number, out: SentinelOutput[]): void {
    const m = this.master;
    if (from === m.addr) {
      if (info.role !== m.role_reported) m.role_reported_time = nowMs;
      m.info_refresh = nowMs;
      m.runid = info.runid;
      m.role_reported = info.role;
      for (const s of info.slaves) if (s !== m.addr && !this.slaves.has(s)) {
        this.slaves.set(s, this.freshSlave(nowMs));
        this.event(`+slave slave ${s}`);
      }
      // A master that says it is a replica for long enough, with no fail-over of ours: nothing to
      // do here but wait (Redis leaves it to the other sentinels' newer config).
      return;
    }
    const s = this.slaves.get(from);
    if (s === undefined) return;
    if (info.role !== s.role) s.role_reported_time = nowMs;
    Object.assign(s, { runid: info.runid, slave_priority: info.slave_priority, slave_repl_offset: info.slave_repl_offset, info_refresh: nowMs, master_link_down_time: info.master_link_down_time, master_host: info.master_host, role: info.role });
    // "None of the following conditions are processed when in tilt mode" (sentinelRefreshInstanceInfo).
    if (this.tilt.tilt) return;
    sentinelRefreshReconfState(this, from);
    if (info.role === 'master' && m.failover_state === 'SENTINEL_FAILOVER_STATE_WAIT_PROMOTION' && m.promoted_slave === from) {
      m.config_epoch = m.failover_epoch;
      this.event(`+promoted-slave slave ${from}`);
      this.event(`+failover-state-reconf-slaves master ${this.config.masterName} ${m.addr}`);
      sentinelCallClientReconfScript(this, 'leader', m.addr, from);
      this.setFailoverState('SENTINEL_FAILOVER_STATE_RECONF_SLAVES', nowMs);
      this.nextHelloMs = nowMs; // sentinelForceHelloUpdateForMaster
      return;
    }
    // Only touch replicas while our master looks sane (sentinelMasterLooksSane): up, reporting
    // itself as master, with fresh INFO; otherwise our config may be the stale one.
    const sane = m.s_down_since_time === undefined && !m.o_down && m.role_reported === 'master' && nowMs - m.info_refresh < SENTINEL_INFO_PERIOD * 3;
    const settled = sane && m.failover_state === 'SENTINEL_FAILOVER_STATE_NONE' && nowMs - this.configChangeMs > SENTINEL_PUBLISH_PERIOD * 4;
    if (settled && info.role === 'master') {
      this.event(`+convert-to-slave slave ${from}`);
      out.push({ to: from, msg: { type: 'REPLICAOF', host: m.addr } });
    } else if (settled && info.master_host !== m.addr) {
      this.event(`+fix-slave-config slave ${from}`);
      out.push({ to: from, msg: { type: 'REPLICAOF', host: m.addr } });
    }
  }

  private onIsMasterDown(from: string, msg: Extract<SentinelMsg, { type: 'IS_MASTER_DOWN' }>, nowMs: number, out: SentinelOutput[]): void {
    out.push({ to: from, msg: { type: 'IS_MASTER_DOWN_REPLY', ...this.isMasterDownByAddr(msg.addr, msg.current_epoch, msg.runid, nowMs), master_name: msg.master_name } });
  }

  /**
   * sentinelCommand is-master-down-by-addr: our view of the master at `addr`, and our vote when a
   * run id (not `*`) is given; the reply's three fields (down, leader or `*`, leader epoch).
   */
  isMasterDownByAddr(addr: string, current_epoch: number, runid: string, nowMs: number): { down: boolean; leader: string; leader_epoch: number } {
    const down = !this.tilt.tilt && addr === this.master.addr && this.master.s_down_since_time !== undefined; // in TILT: always 0
    let leader = '*';
    let leader_epoch = 0;
    if (addr === this.master.addr && runid !== '*') {
      const v = sentinelVoteLeader(this.vote, current_epoch, runid, this.config.planted === 'two-votes-per-epoch');
      if (v.votedNow) {
        this.event(`+vote-for-leader ${runid} ${v.leader_epoch}`);
        // Having voted for another sentinel, don't start a fail-over of our own for a while.
        this.lastFailoverAttemptMs = nowMs + this.randomMs(SENTINEL_MAX_DESYNC);
      }
      leader = v.leader ?? '*';
      leader_epoch = v.leader_epoch;
    }
    return { down, leader, leader_epoch };
  }

  /** sentinelReceiveIsMasterDownReply: routed by our master's name (not its address, which may have changed); dropped once the sentinel is forgotten. */
  private onIsMasterDownReply(from: string, msg: Extract<SentinelMsg, { type: 'IS_MASTER_DOWN_REPLY' }>, nowMs: number): void {
    if (msg.master_name !== this.config.masterName) return;
    const s = this.sentinels.get(from);
    if (s === undefined) return;
    s.master_down = msg.down;
    s.master_down_reply_time = nowMs;
    if (msg.leader !== '*') {
      s.leader = msg.leader;
      s.leader_epoch = msg.leader_epoch;
    }
  }
}
