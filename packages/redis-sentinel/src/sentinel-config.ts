/**
 * sentinel.conf as redis-sentinel 7.0 reads it (config.c loadServerConfigFromString for the
 * server directives, sentinel.c sentinelHandleConfiguration for the `sentinel …` lines), for the
 * directives protolab's sentinel models: `port`, `bind`, `sentinel monitor`,
 * `sentinel down-after-milliseconds`, `sentinel failover-timeout`, `sentinel parallel-syncs`,
 * `sentinel myid`, `sentinel notification-script`, `sentinel client-reconfig-script`,
 * `sentinel auth-pass` / `auth-user` (per master), `sentinel sentinel-pass` / `sentinel-user`, for any
 * number of masters (one `sentinel monitor` line each; the per-master lines name theirs). Lines are split like sdssplitargs; errors are config.c's FATAL CONFIG FILE
 * ERROR with the line number, the line and Redis's reason (the texts read from 7.0.15).
 * Pure: text in, a config or a typed error out.
 */
import { splitArgs } from '@protolab/resp';
import { SentinelError } from './errors.js';
import type { SentinelConfig, SentinelSavedState } from './types.js';

/** One `sentinel monitor` line and the per-master lines that name it. */
export interface SentinelMasterFileConfig {
  readonly masterName: string;
  readonly masterIp: string;
  readonly masterPort: number;
  readonly quorum: number;
  readonly downAfterMs: number;
  readonly failoverTimeoutMs: number;
  readonly parallelSyncs: number;
  readonly notificationScript: string | undefined;
  readonly clientReconfigScript: string | undefined;
  /** `sentinel auth-pass <master> <password>` / `sentinel auth-user <master> <username>` (taken as written, "" too, as sdsnew does). */
  readonly authPass: string | undefined;
  readonly authUser: string | undefined;
  /** This master's state lines; `currentEpoch` is the sentinel's one `current-epoch`. */
  readonly saved: SentinelSavedState;
}

/**
 * The whole file: `masters` in the order of their monitor lines (sentinel.masters); the master
 * fields at the top level are the first master's (the single-master shape older callers read).
 */
export interface SentinelFileConfig extends SentinelMasterFileConfig {
  readonly port: number;
  readonly bind: readonly string[];
  readonly masters: readonly SentinelMasterFileConfig[];
  /** `sentinel myid` (40 hex characters), if the file has one. */
  readonly myid: string | undefined;
  /** `sentinel sentinel-pass` / `sentinel-user` (an empty value is ignored, as sentinel.c does). */
  readonly sentinelPass: string | undefined;
  readonly sentinelUser: string | undefined;
}

/** A bad line: `line` is 1-based, `text` the line as written, `reason` Redis's message. */
export class SentinelConfigError extends SentinelError {
  override readonly name = 'SentinelConfigError';
  constructor(
    readonly line: number,
    readonly text: string,
    readonly reason: string,
  ) {
    super('BAD_CONFIG_FILE', `line ${line}: ${reason} (${JSON.stringify(text)})`);
  }

  /** The report config.c prints before exiting with status 1. */
  fatalText(version = '7.0.15'): string {
    return `\n*** FATAL CONFIG FILE ERROR (Redis ${version}) ***\nReading the configuration file, at line ${this.line}\n>>> '${this.text}'\n${this.reason}\n`;
  }
}

/** Directives a sentinel.conf commonly holds that protolab accepts and ignores (logging, files, state a real sentinel rewrites). */
const IGNORED = new Set(['dir', 'logfile', 'daemonize', 'pidfile', 'protected-mode', 'loglevel', 'supervised', 'user', 'latency-tracking-info-percentiles']);
const IGNORED_SENTINEL = new Set(['resolve-hostnames', 'announce-hostnames', 'deny-scripts-reconfig']);

/** sentinel.c preMonitorCfgName: the `sentinel` lines applied before any monitor line. */
const PRE_MONITOR = new Set(['announce-ip', 'announce-port', 'deny-scripts-reconfig', 'sentinel-user', 'sentinel-pass', 'current-epoch', 'myid', 'resolve-hostnames', 'announce-hostnames']);

interface MasterDraft {
  name: string;
  ip: string;
  port: number;
  quorum: number;
  downAfterMs: number;
  failoverTimeoutMs: number;
  parallelSyncs: number;
  notificationScript: string | undefined;
  clientReconfigScript: string | undefined;
  authPass: string | undefined;
  authUser: string | undefined;
  saved: { configEpoch: number; leaderEpoch: number; knownReplicas: string[]; knownSentinels: { addr: string; runid: string }[] };
}

interface Draft {
  port: number;
  bind: string[];
  /** sentinel.masters: createSentinelRedisInstance per monitor line, looked up by name (sentinelGetMasterByName). */
  masters: Map<string, MasterDraft>;
  myid: string | undefined;
  currentEpoch: number;
  sentinelPass: string | undefined;
  sentinelUser: string | undefined;
}

/** C atoi: leading blanks, a sign, digits; anything else stops it (so "x" is 0). */
function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m?.[1] === undefined ? 0 : Number.parseInt(m[1], 10);
}

/**
 * `isExecutable(path)`: the caller's access(path, X_OK) (the bin passes the file system's answer;
 * the default accepts any path, keeping the parser pure).
 */
export function parseSentinelConfig(text: string, isExecutable: (path: string) => boolean = () => true): SentinelFileConfig {
  const d: Draft = { port: 26379, bind: [], masters: new Map(), myid: undefined, currentEpoch: 0, sentinelPass: undefined, sentinelUser: undefined };
  const queued: Record<'pre' | 'monitor' | 'post', { line: number; raw: string; args: string[] }[]> = { pre: [], monitor: [], post: [] };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? '').trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const bytes = new TextEncoder().encode(raw);
    const words = splitArgs(bytes, 0, bytes.length)?.map((w) => new TextDecoder().decode(w));
    const fail = (reason: string): never => {
      throw new SentinelConfigError(i + 1, raw, reason);
    };
    if (words === undefined) return fail('Unbalanced quotes in configuration line');
    // config.c queues `sentinel …` lines (queueSentinelConfig) and applies them after the file is read.
    // A bare `sentinel` line is the mode switch main() looks for, accepted and otherwise ignored.
    if ((words[0] ?? '').toLowerCase() === 'sentinel') {
      if (words.length === 1) continue;
      const kind = (words[1] ?? '').toLowerCase();
      (kind === 'monitor' ? queued.monitor : PRE_MONITOR.has(kind) ? queued.pre : queued.post).push({ line: i + 1, raw, args: words.slice(1) });
      continue;
    }
    const reason = applyLine(d, words, isExecutable);
    if (reason !== undefined) fail(reason);
  }
  // loadSentinelConfigFromQueue: the pre-monitor lines, then every monitor line, then the rest, so a
  // per-master line may come before its master's monitor line.
  for (const q of [queued.pre, queued.monitor, queued.post]) {
    for (const e of q) {
      const reason = sentinelLine(d, e.args, isExecutable);
      if (reason !== undefined) throw new SentinelConfigError(e.line, e.raw, reason);
    }
  }
  const masters = [...d.masters.values()].map((m): SentinelMasterFileConfig => ({
    masterName: m.name, masterIp: m.ip, masterPort: m.port, quorum: m.quorum, downAfterMs: m.downAfterMs, failoverTimeoutMs: m.failoverTimeoutMs, parallelSyncs: m.parallelSyncs,
    notificationScript: m.notificationScript, clientReconfigScript: m.clientReconfigScript, authPass: m.authPass, authUser: m.authUser, saved: { currentEpoch: d.currentEpoch, ...m.saved },
  }));
  const first = masters[0];
  if (first === undefined) throw new SentinelConfigError(lines.length, '', 'protolab-sentinel needs a `sentinel monitor <name> <ip> <port> <quorum>` line');
  return { port: d.port, bind: d.bind, masters, ...first, myid: d.myid, sentinelPass: d.sentinelPass, sentinelUser: d.sentinelUser };
}

/** One line's words into the draft; Redis's reason when refused. */
function applyLine(d: Draft, words: readonly string[], isExecutable: (path: string) => boolean): string | undefined {
  const [directive = '', ...args] = words;
  const name = directive.toLowerCase();
  if (name === 'sentinel') return sentinelLine(d, args, isExecutable);
  if (name === 'port') {
    if (args.length !== 1) return 'wrong number of arguments';
    if (!/^-?\d+$/.test(args[0] ?? '')) return "argument couldn't be parsed into an integer";
    const port = Number(args[0]);
    if (port < 0 || port > 65535) return 'argument must be between 0 and 65535 inclusive';
    d.port = port;
    return undefined;
  }
  if (name === 'bind') {
    d.bind = [...args];
    return undefined;
  }
  if (IGNORED.has(name)) return undefined;
  return 'Bad directive or wrong number of arguments';
}

/** sentinelHandleConfiguration for the statements protolab models. */
function sentinelLine(d: Draft, args: readonly string[], isExecutable: (path: string) => boolean): string | undefined {
  const [kind = '', ...rest] = args;
  const k = kind.toLowerCase();
  const unrecognized = 'Unrecognized sentinel configuration statement.';
  if ((k === 'notification-script' || k === 'client-reconfig-script') && rest.length === 2) {
    const m = d.masters.get(rest[0] ?? '');
    if (m === undefined) return 'No such master with specified name.';
    const path = rest[1] ?? '';
    if (!isExecutable(path)) return k === 'notification-script' ? 'Notification script seems non existing or non executable.' : 'Client reconfiguration script seems non existing or non executable.';
    if (k === 'notification-script') m.notificationScript = path;
    else m.clientReconfigScript = path;
    return undefined;
  }
  if ((k === 'auth-pass' || k === 'auth-user') && rest.length === 2) {
    // auth-pass <name> <password> / auth-user <name> <username>: kept as written.
    const m = d.masters.get(rest[0] ?? '');
    if (m === undefined) return 'No such master with specified name.';
    if (k === 'auth-pass') m.authPass = rest[1] ?? '';
    else m.authUser = rest[1] ?? '';
    return undefined;
  }
  if ((k === 'sentinel-pass' || k === 'sentinel-user') && rest.length === 1) {
    // sentinel-pass <password> / sentinel-user <user-name>: an empty value leaves it unset.
    const v = rest[0] ?? '';
    if (v !== '') {
      if (k === 'sentinel-pass') d.sentinelPass = v;
      else d.sentinelUser = v;
    }
    return undefined;
  }
  if (k === 'monitor') {
    if (rest.length !== 4) return unrecognized;
    const [mname = '', ip = '', port = '', quorumText = ''] = rest;
    const quorum = atoi(quorumText);
    if (quorum <= 0) return 'Quorum must be 1 or greater.';
    if (d.masters.has(mname)) return 'Duplicate master name.';
    d.masters.set(mname, { name: mname, ip, port: atoi(port), quorum, downAfterMs: 30_000, failoverTimeoutMs: 180_000, parallelSyncs: 1, notificationScript: undefined, clientReconfigScript: undefined, authPass: undefined, authUser: undefined, saved: { configEpoch: 0, leaderEpoch: 0, knownReplicas: [], knownSentinels: [] } });
    return undefined;
  }
  const saved = savedStateLine(d, k, rest);
  if (saved !== false) return saved;
  if (k === 'myid') {
    if (rest.length !== 1) return unrecognized;
    if ((rest[0] ?? '').length !== 40) return 'Malformed Sentinel id in myid option.';
    d.myid = rest[0];
    return undefined;
  }
  if (IGNORED_SENTINEL.has(k)) return undefined;
  const timing = k === 'down-after-milliseconds' || k === 'failover-timeout' || k === 'parallel-syncs';
  if (!timing || rest.length !== 2) return unrecognized;
  const m = d.masters.get(rest[0] ?? '');
  if (m === undefined) return 'No such master with specified name.';
  const v = atoi(rest[1] ?? '');
  if (k === 'parallel-syncs') {
    m.parallelSyncs = v;
    return undefined;
  }
  if (v <= 0) return 'negative or zero time parameter.';
  if (k === 'down-after-milliseconds') m.downAfterMs = v;
  else m.failoverTimeoutMs = v;
  return undefined;
}

/**
 * sentinelHandleConfiguration's state lines (written by sentinelFlushConfig): false when `k` is not
 * one, else undefined or Redis's reason. Epochs are read as strtoull reads them (digits, else 0).
 */
function savedStateLine(d: Draft, k: string, rest: readonly string[]): string | undefined | false {
  const epoch = (t: string | undefined): number => Number(/^\d+/.exec(t ?? '')?.[0] ?? '0');
  if (k === 'current-epoch') {
    if (rest.length !== 1) return 'Unrecognized sentinel configuration statement.';
    d.currentEpoch = epoch(rest[0]);
    return undefined;
  }
  const arity = new Map([['config-epoch', [2]], ['leader-epoch', [2]], ['known-replica', [3]], ['known-slave', [3]], ['known-sentinel', [3, 4]]]).get(k);
  if (arity === undefined) return false;
  if (!arity.includes(rest.length)) return 'Unrecognized sentinel configuration statement.';
  const m = d.masters.get(rest[0] ?? '');
  if (m === undefined) return 'No such master with specified name.';
  if (k === 'config-epoch') m.saved.configEpoch = epoch(rest[1]);
  else if (k === 'leader-epoch') m.saved.leaderEpoch = epoch(rest[1]);
  else if (k === 'known-sentinel') m.saved.knownSentinels.push({ addr: `${rest[1] ?? ''}:${atoi(rest[2] ?? '')}`, runid: rest[3] ?? '' });
  else m.saved.knownReplicas.push(`${rest[1] ?? ''}:${atoi(rest[2] ?? '')}`);
  return undefined;
}

/** One master of the file as the core's SentinelConfig (addresses as `ip:port`). */
export function sentinelConfigOf(m: SentinelMasterFileConfig): SentinelConfig {
  return {
    masterName: m.masterName, masterAddr: `${m.masterIp}:${m.masterPort}`, quorum: m.quorum, downAfterMs: m.downAfterMs, failoverTimeoutMs: m.failoverTimeoutMs, parallelSyncs: m.parallelSyncs,
    ...(m.notificationScript !== undefined ? { notificationScript: m.notificationScript } : {}),
    ...(m.clientReconfigScript !== undefined ? { clientReconfigScript: m.clientReconfigScript } : {}),
    ...(m.authPass !== undefined ? { authPass: m.authPass } : {}),
    ...(m.authUser !== undefined ? { authUser: m.authUser } : {}),
    saved: m.saved,
  };
}
