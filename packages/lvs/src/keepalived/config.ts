import { parseIPv4 } from '../addr.js';
import { KeepalivedConfigError } from '../errors.js';
import { SCHEDULER_NAMES, type SchedulerName } from '../schedulers/index.js';
import { TCP_CHECK_DEFAULTS, type TcpCheckConfig } from './tcp-check.js';

/**
 * A parser for the keepalived.conf subset LVS set-ups use: `global_defs`, `vrrp_instance`,
 * `virtual_server` with `real_server` and `TCP_CHECK`. keepalived's format is line oriented:
 * `keyword args…`, blocks in `{ }`, comments from `#` or `!` to the end of the line.
 * Malformed input throws KeepalivedConfigError with the 1-based line and column; keywords we do
 * not model are kept in `unknown` (keepalived itself warns and carries on).
 */
export interface ConfNode {
  keyword: string;
  args: string[];
  children: ConfNode[] | undefined;
  line: number;
  col: number;
}

export interface KeepalivedConfig {
  globalDefs: { routerId?: string; notificationEmail: string[]; other: Record<string, string[]> };
  vrrpInstances: VrrpInstanceConf[];
  virtualServers: VirtualServerConf[];
  unknown: { keyword: string; line: number }[];
}
export interface VrrpInstanceConf {
  name: string;
  state: 'MASTER' | 'BACKUP';
  interface?: string;
  virtualRouterId: number;
  priority: number;
  advertIntSec: number;
  nopreempt: boolean;
  authentication?: { type: string; pass?: string };
  virtualIpaddress: string[];
  line: number;
}
export interface VirtualServerConf {
  address: string;
  port: number;
  delayLoopSec: number;
  lbAlgo: SchedulerName;
  lbKind: 'NAT' | 'DR' | 'TUN';
  protocol: 'TCP' | 'UDP';
  persistenceTimeoutSec?: number;
  realServers: RealServerConf[];
  line: number;
}
export interface RealServerConf {
  address: string;
  port: number;
  weight: number;
  inhibitOnFailure: boolean;
  tcpCheck?: TcpCheckConfig & { connectPort?: number };
  line: number;
}

interface Token {
  text: string;
  line: number;
  col: number;
}

function tokenize(text: string): Token[][] {
  const lines: Token[][] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const toks: Token[] = [];
    const re = /"([^"]*)"|([{}])|([^\s{}"#!]+)|([#!])/g;
    for (let m = re.exec(raw); m !== null; m = re.exec(raw)) {
      if (m[4] !== undefined) break; // comment to end of line
      toks.push({ text: m[1] ?? m[2] ?? m[3]!, line: i + 1, col: m.index + 1 });
    }
    if (raw.includes('"') && (raw.split('"').length - 1) % 2 === 1) {
      throw new KeepalivedConfigError('CONFIG_SYNTAX', 'unterminated quoted string', i + 1, raw.indexOf('"') + 1);
    }
    lines.push(toks);
  });
  return lines;
}

/** Parse into a generic block tree (statements with optional `{ … }` children). */
export function parseTree(text: string): ConfNode[] {
  const flat = tokenize(text).flatMap((l) => (l.length > 0 ? [l] : []));
  const root: ConfNode[] = [];
  const stack: ConfNode[][] = [root];
  const open: Token[] = [];
  for (const lineToks of flat) {
    let i = 0;
    while (i < lineToks.length) {
      const t = lineToks[i]!;
      if (t.text === '}') {
        if (stack.length === 1) throw new KeepalivedConfigError('CONFIG_SYNTAX', "unexpected '}' with no open block", t.line, t.col);
        stack.pop();
        open.pop();
        i++;
        continue;
      }
      if (t.text === '{') throw new KeepalivedConfigError('CONFIG_SYNTAX', "'{' must follow a keyword", t.line, t.col);
      // a statement: keyword, args up to end of line or a brace
      const node: ConfNode = { keyword: t.text, args: [], children: undefined, line: t.line, col: t.col };
      i++;
      while (i < lineToks.length && lineToks[i]!.text !== '{' && lineToks[i]!.text !== '}') node.args.push(lineToks[i++]!.text);
      stack[stack.length - 1]!.push(node);
      if (i < lineToks.length && lineToks[i]!.text === '{') {
        node.children = [];
        stack.push(node.children);
        open.push(lineToks[i]!);
        i++;
      }
    }
  }
  if (open.length > 0) {
    const t = open[open.length - 1]!;
    throw new KeepalivedConfigError('CONFIG_SYNTAX', "block opened here is never closed (missing '}')", t.line, t.col);
  }
  return root;
}

function err(n: ConfNode, msg: string): KeepalivedConfigError {
  return new KeepalivedConfigError('CONFIG_VALUE', `${n.keyword}: ${msg}`, n.line, n.col);
}
function arg(n: ConfNode, i: number, what: string): string {
  const a = n.args[i];
  if (a === undefined) throw err(n, `expected ${what}, found end of line`);
  return a;
}
function int(n: ConfNode, i: number, what: string, lo: number, hi: number): number {
  const a = arg(n, i, what);
  if (!/^\d+$/.test(a) || Number(a) < lo || Number(a) > hi) throw err(n, `expected ${what} (an integer in [${lo}, ${hi}]), found "${a}"`);
  return Number(a);
}
function seconds(n: ConfNode, what: string): number {
  const a = arg(n, 0, what);
  if (!/^\d+(\.\d+)?$/.test(a)) throw err(n, `expected ${what} in seconds, found "${a}"`);
  return Number(a);
}
function ip(n: ConfNode, i: number): string {
  const a = arg(n, i, 'an IPv4 address');
  const bare = a.split('/')[0]!;
  try {
    parseIPv4(bare);
  } catch {
    throw err(n, `expected an IPv4 address, found "${a}"`);
  }
  return a;
}
function block(n: ConfNode): ConfNode[] {
  if (n.children === undefined) throw err(n, "expected a block '{ … }'");
  return n.children;
}

const LB_ALGOS: readonly string[] = SCHEDULER_NAMES;

function tcpCheck(n: ConfNode, delayLoopSec: number, unknown: KeepalivedConfig['unknown']): NonNullable<RealServerConf['tcpCheck']> {
  const c: NonNullable<RealServerConf['tcpCheck']> = { ...TCP_CHECK_DEFAULTS, delayLoopMs: delayLoopSec * 1000 };
  for (const k of block(n)) {
    switch (k.keyword) {
      case 'connect_timeout':
        c.connectTimeoutMs = seconds(k, 'a timeout') * 1000;
        break;
      case 'retry':
      case 'nb_get_retry':
        c.retry = int(k, 0, 'a retry count', 0, 1_000_000);
        break;
      case 'delay_before_retry':
        c.delayBeforeRetryMs = seconds(k, 'a delay') * 1000;
        break;
      case 'delay_loop':
        c.delayLoopMs = seconds(k, 'a delay') * 1000;
        break;
      case 'connect_port':
        c.connectPort = int(k, 0, 'a port', 1, 65535);
        break;
      case 'alpha':
        c.alpha = true;
        break;
      default:
        unknown.push({ keyword: k.keyword, line: k.line });
    }
  }
  return c;
}

/** Parse keepalived.conf text. */
export function parseKeepalivedConf(text: string): KeepalivedConfig {
  const cfg: KeepalivedConfig = { globalDefs: { notificationEmail: [], other: {} }, vrrpInstances: [], virtualServers: [], unknown: [] };
  for (const top of parseTree(text)) {
    switch (top.keyword) {
      case 'global_defs':
        for (const k of block(top)) {
          if (k.keyword === 'router_id') cfg.globalDefs.routerId = arg(k, 0, 'a router id');
          else if (k.keyword === 'notification_email') cfg.globalDefs.notificationEmail = block(k).map((e) => e.keyword);
          else cfg.globalDefs.other[k.keyword] = k.children ? k.children.map((c) => c.keyword) : k.args;
        }
        break;
      case 'vrrp_instance': {
        const v: VrrpInstanceConf = { name: arg(top, 0, 'an instance name'), state: 'BACKUP', virtualRouterId: 0, priority: 100, advertIntSec: 1, nopreempt: false, virtualIpaddress: [], line: top.line };
        let sawId = false;
        for (const k of block(top)) {
          switch (k.keyword) {
            case 'state': {
              const s = arg(k, 0, 'MASTER or BACKUP');
              if (s !== 'MASTER' && s !== 'BACKUP') throw err(k, `expected MASTER or BACKUP, found "${s}"`);
              v.state = s;
              break;
            }
            case 'interface':
              v.interface = arg(k, 0, 'an interface name');
              break;
            case 'virtual_router_id':
              v.virtualRouterId = int(k, 0, 'a router id', 1, 255);
              sawId = true;
              break;
            case 'priority':
              v.priority = int(k, 0, 'a priority', 1, 255);
              break;
            case 'advert_int':
              v.advertIntSec = seconds(k, 'an interval');
              break;
            case 'nopreempt':
              v.nopreempt = true;
              break;
            case 'authentication': {
              const auth: { type: string; pass?: string } = { type: 'PASS' };
              for (const a of block(k)) {
                if (a.keyword === 'auth_type') auth.type = arg(a, 0, 'PASS or AH');
                else if (a.keyword === 'auth_pass') auth.pass = arg(a, 0, 'a password');
                else cfg.unknown.push({ keyword: a.keyword, line: a.line });
              }
              v.authentication = auth;
              break;
            }
            case 'virtual_ipaddress':
              for (const a of block(k)) ip({ ...a, args: [a.keyword] }, 0);
              v.virtualIpaddress = block(k).map((a) => a.keyword);
              break;
            default:
              cfg.unknown.push({ keyword: k.keyword, line: k.line });
          }
        }
        if (!sawId) throw err(top, 'missing virtual_router_id');
        cfg.vrrpInstances.push(v);
        break;
      }
      case 'virtual_server': {
        const vs: VirtualServerConf = { address: ip(top, 0), port: int(top, 1, 'a port', 0, 65535), delayLoopSec: 60, lbAlgo: 'wlc', lbKind: 'NAT', protocol: 'TCP', realServers: [], line: top.line };
        const rsNodes: ConfNode[] = [];
        for (const k of block(top)) {
          switch (k.keyword) {
            case 'delay_loop':
              vs.delayLoopSec = seconds(k, 'a delay');
              break;
            case 'lb_algo': {
              const a = arg(k, 0, 'a scheduler name');
              if (!LB_ALGOS.includes(a)) throw err(k, `expected one of ${LB_ALGOS.join(', ')}, found "${a}"`);
              vs.lbAlgo = a as SchedulerName;
              break;
            }
            case 'lb_kind': {
              const a = arg(k, 0, 'NAT, DR or TUN');
              if (a !== 'NAT' && a !== 'DR' && a !== 'TUN') throw err(k, `expected NAT, DR or TUN, found "${a}"`);
              vs.lbKind = a;
              break;
            }
            case 'protocol': {
              const a = arg(k, 0, 'TCP or UDP');
              if (a !== 'TCP' && a !== 'UDP') throw err(k, `expected TCP or UDP, found "${a}"`);
              vs.protocol = a;
              break;
            }
            case 'persistence_timeout':
              vs.persistenceTimeoutSec = int(k, 0, 'a timeout', 0, 0x7fffffff);
              break;
            case 'real_server':
              rsNodes.push(k);
              break;
            default:
              cfg.unknown.push({ keyword: k.keyword, line: k.line });
          }
        }
        // real servers after the whole block, so delay_loop applies wherever it was written
        for (const k of rsNodes) {
          const rs: RealServerConf = { address: ip(k, 0), port: int(k, 1, 'a port', 0, 65535), weight: 1, inhibitOnFailure: false, line: k.line };
          for (const r of block(k)) {
            if (r.keyword === 'weight') rs.weight = int(r, 0, 'a weight', 0, 65535);
            else if (r.keyword === 'inhibit_on_failure') rs.inhibitOnFailure = true;
            else if (r.keyword === 'TCP_CHECK') rs.tcpCheck = tcpCheck(r, vs.delayLoopSec, cfg.unknown);
            else cfg.unknown.push({ keyword: r.keyword, line: r.line });
          }
          vs.realServers.push(rs);
        }
        cfg.virtualServers.push(vs);
        break;
      }
      default:
        cfg.unknown.push({ keyword: top.keyword, line: top.line });
    }
  }
  return cfg;
}
