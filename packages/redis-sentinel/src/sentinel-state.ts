/**
 * One sentinel monitoring any number of masters (redis/redis src/sentinel.c, 7.0: `struct
 * sentinelState`, sentinelTimer, sentinelHandleDictOfRedisInstances, and the routing of replies).
 *
 * sentinelState holds what is the sentinel's own: `myid`, `current_epoch` (one for every master:
 * sentinelStartFailover increments it, sentinelVoteLeader and hello messages raise it), TILT
 * (`tilt`, `tilt_start_time`, `previous_time`) and the scripts queue. Each master
 * (sentinel.masters, a dict by name) is a SentinelNode with its own replicas, sentinels, quorum,
 * timings, vote (`leader`, `leader_epoch`), fail-over state and config epoch; the shared parts are
 * handed to it (SentinelShared), so `current_epoch` read or written through any master is the
 * sentinel's one value.
 *
 * `tick(now)` is sentinelTimer: sentinelCheckTiltCondition once, then every master in map order
 * (sentinelHandleDictOfRedisInstances), dropping a second PING to an address already PINGed in the
 * same run (Redis shares one link per address, and a link has one PING in flight).
 * `onMessage(from, msg, now)` routes what arrives: a hello to the master it names
 * (sentinelProcessHelloMessage looks the name up), is-master-down-by-addr to the master at that
 * address (none: `0 * 0`, as sentinelCommand answers), its reply to the master named by the
 * question it answers (whatever that master's address is now), a
 * PING answered once, PONG and INFO replies to every master that knows the sender.
 */
import { SentinelError } from './errors.js';
import { SentinelScripts } from './scripts.js';
import { SentinelNode } from './sentinel.js';
import { freshTiltState, sentinelCheckTiltCondition, sentinelMayAct, type TiltState } from './tilt.js';
import type { SentinelConfig, SentinelMsg, SentinelOutput } from './types.js';

/** sentinelState's fields shared by every master of one sentinel: current_epoch, TILT, the scripts queue. */
export interface SentinelShared {
  readonly epoch: { current_epoch: number };
  readonly tilt: TiltState;
  readonly scripts: SentinelScripts;
}

export class Sentinel implements SentinelShared {
  /** sentinel.current_epoch */
  readonly epoch = { current_epoch: 0 };
  /** sentinel.tilt / tilt_start_time / previous_time */
  readonly tilt = freshTiltState();
  /** sentinel.scripts_queue */
  readonly scripts: SentinelScripts;
  /** sentinel.masters, by name, in the order of the config file. */
  readonly masters = new Map<string, SentinelNode>();
  /** Events about no instance (sentinelEvent with a NULL instance: `+tilt`, `-tilt`, `-script-error`, …). */
  readonly events: string[] = [];
  /**
   * sentinel.sentinel_auth_pass / sentinel_auth_user (`sentinel sentinel-pass` / `sentinel-user`):
   * the AUTH sent on links to other sentinels (sentinel-auth.ts).
   */
  sentinel_auth_pass: string | undefined = undefined;
  sentinel_auth_user: string | undefined = undefined;
  /** Called with each event about no instance, as it happens. */
  onEvent: ((text: string) => void) | undefined = undefined;

  constructor(
    /** The address this sentinel announces in its hellos. */
    readonly name: string,
    readonly myid: string,
    configs: readonly SentinelConfig[],
    readonly randomMs: (n: number) => number,
  ) {
    this.scripts = new SentinelScripts((e) => { this.event(e); });
    for (const c of configs) this.monitor(c);
  }

  /** createSentinelRedisInstance for a master (`sentinel monitor`); a second master of one name is refused, as sentinel.c does. */
  monitor(config: SentinelConfig): SentinelNode {
    if (this.masters.has(config.masterName)) throw new SentinelError('BAD_CONFIG', 'Duplicate master name.');
    const node = new SentinelNode(this.name, this.myid, config, this.randomMs, this);
    this.masters.set(config.masterName, node);
    return node;
  }

  /** @internal sentinelEvent with no instance. */
  event(text: string): void {
    this.events.push(text);
    if (this.events.length > 2000) this.events.splice(0, this.events.length - 1000);
    this.onEvent?.(text);
  }

  get current_epoch(): number {
    return this.epoch.current_epoch;
  }

  /** sentinelGenerateInitialMonitorEvents: `+monitor` for each master. */
  sentinelGenerateInitialMonitorEvents(): void {
    for (const n of this.masters.values()) n.sentinelGenerateInitialMonitorEvents();
  }

  /** sentinelGetMasterByName. */
  master(name: string): SentinelNode | undefined {
    return this.masters.get(name);
  }

  /** The master whose current address is `addr` (getSentinelRedisInstanceByAddrAndRunID over sentinel.masters: the first one). */
  masterByAddr(addr: string | undefined): SentinelNode | undefined {
    for (const n of this.masters.values()) if (n.master.addr === addr) return n;
    return undefined;
  }

  nextWakeup(): number {
    let next = Infinity;
    for (const n of this.masters.values()) next = Math.min(next, n.nextWakeup());
    return next;
  }

  /** sentinelTimer. */
  tick(nowMs: number): SentinelOutput[] {
    sentinelCheckTiltCondition(this.tilt, nowMs, (e) => { this.event(e); });
    // The first instance handled leaves TILT once its period is over (sentinelHandleRedisInstance); a
    // master's own check in this run then finds it done, and its sentinelCheckTiltCondition sees no gap.
    if (this.masters.size > 0) sentinelMayAct(this.tilt, nowMs, (e) => { this.event(e); });
    const out: SentinelOutput[] = [];
    const pinged = new Set<string>();
    for (const n of this.masters.values()) {
      for (const o of n.tick(nowMs)) {
        if (o.msg.type === 'PING') {
          if (pinged.has(o.to)) continue;
          pinged.add(o.to);
        }
        out.push(o);
      }
    }
    return out;
  }

  /** Does this master know `addr` as its master, one of its replicas or one of its sentinels? */
  private static knows(n: SentinelNode, addr: string): boolean {
    return n.master.addr === addr || n.slaves.has(addr) || n.sentinels.has(addr);
  }

  onMessage(from: string, msg: SentinelMsg, nowMs: number): SentinelOutput[] {
    switch (msg.type) {
      case 'PING':
        return [{ to: from, msg: { type: 'PONG' } }];
      case 'PONG':
      case 'INFO_REPLY': {
        const out: SentinelOutput[] = [];
        for (const n of this.masters.values()) if (Sentinel.knows(n, from)) out.push(...n.onMessage(from, msg, nowMs));
        return out;
      }
      case 'HELLO':
        return this.masters.get(msg.hello.master_name)?.onMessage(from, msg, nowMs) ?? [];
      case 'IS_MASTER_DOWN': {
        const n = this.masterByAddr(msg.addr);
        if (n !== undefined) return n.onMessage(from, msg, nowMs);
        // No master at that address: not down, no vote (sentinelCommand is-master-down-by-addr).
        return [{ to: from, msg: { type: 'IS_MASTER_DOWN_REPLY', down: false, leader: '*', leader_epoch: 0, master_name: msg.master_name } }];
      }
      case 'IS_MASTER_DOWN_REPLY':
        // sentinelReceiveIsMasterDownReply's privdata is the other sentinel's instance in the asking
        // master's `sentinels` dict: the master's identity (its name here), not its address, which a
        // fail-over may have switched (sentinelResetMasterAndChangeAddress keeps that dict).
        return this.masters.get(msg.master_name)?.onMessage(from, msg, nowMs) ?? [];
      default:
        return [];
    }
  }
}
