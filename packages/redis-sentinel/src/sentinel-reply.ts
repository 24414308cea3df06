/**
 * What a SENTINEL command server says about the core's state, as sentinel.c (Redis 7.0) writes
 * it: the instance rows of `SENTINEL masters / master / replicas / sentinels`
 * (addReplySentinelRedisInstance), the `# Sentinel` INFO section (sentinelInfoCommand), and the
 * Pub/Sub form of an event (sentinelEvent). Pure functions of the core and the time `nowMs`.
 *
 * Not modelled, and written as a constant: link-pending-commands (0), link-refcount (1),
 * last-ping-sent (0: the core does not track an unanswered PING), replica-announced (1);
 * last-ping-reply is the last valid reply (the core keeps no separate last_pong_time), for every
 * instance type (sentinels PING each other too).
 */
import { reply, type RespValue } from '@protolab/resp';
import type { SentinelNode, SlaveInstance, OtherSentinel } from './sentinel.js';
import type { Sentinel } from './sentinel-state.js';
import type { FailoverState } from './types.js';
import { tiltSinceSeconds } from './tilt.js';

/** Facts the core does not hold: which instance links are down right now (SRI_DISCONNECTED). */
export interface LinkView {
  readonly disconnected: (addr: string) => boolean;
}

const NO_LINKS: LinkView = { disconnected: () => false };

/** `host:port` → [host, port] (the core's addresses). */
export function splitHostPort(addr: string): [string, number] {
  const at = addr.lastIndexOf(':');
  return [addr.slice(0, at), Number(addr.slice(at + 1))];
}

/** sentinel.c sentinelFailoverStateStr. */
export function sentinelFailoverStateStr(state: FailoverState): string {
  return state.replace('SENTINEL_FAILOVER_STATE_', '').toLowerCase();
}

type Field = readonly [string, string];

function row(fields: readonly Field[]): RespValue {
  // addReplySentinelRedisInstance: a map (a flat array in RESP2) of bulk strings, numbers too.
  return reply.map(fields.map(([k, v]) => [reply.bulk(k), reply.bulk(v)] as const));
}

const LINK_FIELDS: readonly Field[] = [
  ['link-pending-commands', '0'],
  ['link-refcount', '1'],
];

/** The row of the monitored master (SRI_MASTER). */
export function masterRow(n: SentinelNode, nowMs: number, links: LinkView = NO_LINKS): RespValue {
  const m = n.master;
  const [ip, port] = splitHostPort(m.addr);
  const flags: string[] = [];
  if (m.s_down_since_time !== undefined) flags.push('s_down');
  if (m.o_down) flags.push('o_down');
  flags.push('master');
  if (links.disconnected(m.addr)) flags.push('disconnected');
  const failing = m.failover_state !== 'SENTINEL_FAILOVER_STATE_NONE';
  if (failing) flags.push('failover_in_progress');
  if (m.force_failover && failing) flags.push('force_failover');
  const f: Field[] = [['name', n.config.masterName], ['ip', ip], ['port', String(port)], ['runid', m.runid ?? ''], ['flags', flags.join(',')]];
  f.push(...LINK_FIELDS);
  if (failing) f.push(['failover-state', sentinelFailoverStateStr(m.failover_state)]);
  f.push(...pingFields(m.last_avail_time, nowMs));
  if (m.s_down_since_time !== undefined) f.push(['s-down-time', String(nowMs - m.s_down_since_time)]);
  if (m.o_down) f.push(['o-down-time', String(nowMs - m.o_down_since_time)]);
  f.push(['down-after-milliseconds', String(n.config.downAfterMs)]);
  f.push(['info-refresh', String(m.info_refresh ? nowMs - m.info_refresh : 0)]);
  f.push(['role-reported', m.role_reported], ['role-reported-time', String(nowMs - m.role_reported_time)]);
  f.push(['config-epoch', String(m.config_epoch)], ['num-slaves', String(n.slaves.size)], ['num-other-sentinels', String(n.sentinels.size)]);
  f.push(['quorum', String(n.config.quorum)], ['failover-timeout', String(n.config.failoverTimeoutMs)], ['parallel-syncs', String(n.config.parallelSyncs ?? 1)]);
  return row(f);
}

function pingFields(lastOkMs: number, nowMs: number): Field[] {
  return [
    ['last-ping-sent', '0'],
    ['last-ok-ping-reply', String(nowMs - lastOkMs)],
    ['last-ping-reply', String(nowMs - lastOkMs)],
  ];
}

/** `s-down-time`, present while the instance is SRI_S_DOWN (any instance type). */
function sDownField(since: number | undefined, nowMs: number): Field[] {
  return since === undefined ? [] : [['s-down-time', String(nowMs - since)]];
}

/** A replica's row (SRI_SLAVE); its name is its address. */
export function slaveRow(n: SentinelNode, addr: string, s: SlaveInstance, nowMs: number, links: LinkView = NO_LINKS): RespValue {
  const [ip, port] = splitHostPort(addr);
  const flags: string[] = s.s_down_since_time === undefined ? ['slave'] : ['s_down', 'slave'];
  if (links.disconnected(addr)) flags.push('disconnected');
  if (n.master.promoted_slave === addr && n.master.failover_state !== 'SENTINEL_FAILOVER_STATE_NONE') flags.push('promoted');
  if (s.reconf !== 'none') flags.push(`reconf_${s.reconf}`);
  const [mhost, mport] = s.master_host === undefined ? ['?', 0] : splitHostPort(s.master_host);
  const f: Field[] = [['name', addr], ['ip', ip], ['port', String(port)], ['runid', s.runid ?? ''], ['flags', flags.join(',')]];
  f.push(...LINK_FIELDS, ...pingFields(s.last_avail_time, nowMs), ...sDownField(s.s_down_since_time, nowMs));
  f.push(['down-after-milliseconds', String(n.config.downAfterMs)]);
  f.push(['info-refresh', String(s.info_refresh ? nowMs - s.info_refresh : 0)]);
  f.push(['role-reported', s.role], ['role-reported-time', String(nowMs - s.role_reported_time)]);
  f.push(['master-link-down-time', String(s.master_link_down_time)], ['master-link-status', s.master_link_down_time === 0 ? 'ok' : 'err']);
  f.push(['master-host', mhost], ['master-port', String(mport)]);
  f.push(['slave-priority', String(s.slave_priority)], ['slave-repl-offset', String(s.slave_repl_offset)], ['replica-announced', '1']);
  return row(f);
}

/** Another sentinel's row (SRI_SENTINEL); sentinel.c names it by its run id. */
export function sentinelRow(n: SentinelNode, addr: string, s: OtherSentinel, nowMs: number): RespValue {
  const [ip, port] = splitHostPort(addr);
  const flags = s.s_down_since_time === undefined ? 'sentinel' : 's_down,sentinel';
  const f: Field[] = [['name', s.runid], ['ip', ip], ['port', String(port)], ['runid', s.runid], ['flags', flags]];
  f.push(...LINK_FIELDS, ...pingFields(s.last_avail_time, nowMs), ...sDownField(s.s_down_since_time, nowMs));
  f.push(['down-after-milliseconds', String(n.config.downAfterMs)]);
  f.push(['last-hello-message', String(nowMs - s.last_hello_time)], ['voted-leader', s.leader ?? '?'], ['voted-leader-epoch', String(s.leader_epoch)]);
  return row(f);
}

/** SENTINEL replicas: one row per replica. */
export function slaveRows(n: SentinelNode, nowMs: number, links: LinkView = NO_LINKS): RespValue {
  return reply.array([...n.slaves].map(([addr, s]) => slaveRow(n, addr, s, nowMs, links)));
}

/** SENTINEL sentinels: one row per other sentinel. */
export function sentinelRows(n: SentinelNode, nowMs: number): RespValue {
  return reply.array([...n.sentinels].map(([addr, s]) => sentinelRow(n, addr, s, nowMs)));
}

/** sentinelInfoCommand's `# Sentinel` section (TILT: tilt.ts; scripts: scripts.ts): one `masterN:` line per master. */
export function sentinelInfoSection(core: SentinelNode | Sentinel, nowMs: number): string {
  const masters = 'masters' in core ? [...core.masters.values()] : [core];
  return [
    '# Sentinel',
    `sentinel_masters:${masters.length}`,
    `sentinel_tilt:${core.tilt.tilt ? 1 : 0}`,
    `sentinel_tilt_since_seconds:${tiltSinceSeconds(core.tilt, nowMs)}`,
    `sentinel_running_scripts:${core.scripts.running_scripts}`,
    `sentinel_scripts_queue_length:${core.scripts.queue.length}`,
    'sentinel_simulate_failure_flags:0',
    ...masters.map((n, i) => {
      const m = n.master;
      const status = m.o_down ? 'odown' : m.s_down_since_time !== undefined ? 'sdown' : 'ok';
      return `master${i}:name=${n.config.masterName},status=${status},address=${m.addr},slaves=${n.slaves.size},sentinels=${n.sentinels.size + 1}`;
    }),
    '',
  ].join('\r\n');
}

/**
 * sentinelEvent's Pub/Sub message for one of the core's events: the channel is the event type,
 * and `%@` becomes `<type> <name> <ip> <port>`, followed for a replica or a sentinel by
 * `@ <master-name> <master-ip> <master-port>`. Called while the core still holds the master the
 * event is about (SentinelNode.onEvent).
 */
export function sentinelEventMessage(n: SentinelNode, text: string): { channel: string; message: string } {
  const words = text.split(' ');
  const channel = words[0] ?? '';
  const kind = words[1];
  const rest = words.slice(2);
  const master = `${n.config.masterName} ${splitHostPort(n.master.addr).join(' ')}`;
  if (channel === '+switch-master' && rest.length === 2) {
    const [from, to] = rest as [string, string];
    return { channel, message: `${kind ?? ''} ${splitHostPort(from).join(' ')} ${splitHostPort(to).join(' ')}` };
  }
  if (kind === 'master' && rest.length >= 2) {
    const [name, addr, ...extra] = rest as [string, string, ...string[]];
    return { channel, message: [`master ${name} ${splitHostPort(addr).join(' ')}`, ...extra].join(' ') };
  }
  if ((kind === 'slave' || kind === 'sentinel') && rest.length >= 1) {
    const [addr, ...extra] = rest as [string, ...string[]];
    const name = kind === 'sentinel' ? (n.sentinels.get(addr)?.runid ?? addr) : addr;
    return { channel, message: [`${kind} ${name} ${splitHostPort(addr).join(' ')} @ ${master}`, ...extra].join(' ') };
  }
  return { channel, message: words.slice(1).join(' ') };
}
