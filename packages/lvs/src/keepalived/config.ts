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
  /** Other global_defs keywords with their arguments (a Map: keywords are user input). */
  globalDefs: { routerId?: string; notificationEmail: string[]; other: Map<string, string[]> };
  vrrpInstances: VrrpInstanceConf[];
  virtualServers: VirtualServerConf[];
  unknown: { keyword: string; line: number }[];
  /** What keepalived would report but carry on with. */
  warnings: { line: number; message: string }[];
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
  /** A `{` or `}` outside quotes (a quoted "{" is a plain word). */
  brace: boolean;
}

/** Counts the parser's elementary steps (characters read, tokens placed) — for the linear-time property. */
export interface ParseCounter {
  ops: number;
}

/**
 * One line as keepalived reads it (lib/parser.c: `decomment`, then `alloc_strvec`): a `#` or `!`
 * outside double quotes starts a comment wherever it is — and inside a comment a `"` is just text;
 * `\#` / `\!` outside quotes are a literal `#` / `!`; `"…"` is one word without its quotes; `{`
 * and `}` outside quotes stand alone. An unterminated quote is an error on that line.
 */
function tokenizeLine(raw: string, lineNo: number, counter: ParseCounter): Token[] {
  const toks: Token[] = [];
  let word = '';
  let wordCol = 0;
  const flush = (): void => {
    if (word !== '') toks.push({ text: word, line: lineNo, col: wordCol, brace: false });
    word = '';
  };
  for (let i = 0; i < raw.length; i++) {
    counter.ops++;
    const c = raw.charAt(i);
    if (c === '#' || c === '!') break;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      flush();
    } else if (c === '"') {
      flush();
      const close = raw.indexOf('"', i + 1);
      if (close < 0) throw new KeepalivedConfigError('CONFIG_SYNTAX', 'unterminated quoted string', lineNo, i + 1);
      counter.ops += close - i;
      toks.push({ text: raw.slice(i + 1, close), line: lineNo, col: i + 1, brace: false });
      i = close;
    } else if (c === '{' || c === '}') {
      flush();
      toks.push({ text: c, line: lineNo, col: i + 1, brace: true });
    } else {
      if (word === '') wordCol = i + 1;
      const next = raw.charAt(i + 1);
      if (c === '\\' && (next === '#' || next === '!')) {
        word += next;
        i++;
      } else {
        word += c;
      }
    }
  }
  flush();
  return toks;
}

function tokenize(text: string, counter: ParseCounter): Token[][] {
  return text.split(/\r?\n/).map((raw, i) => tokenizeLine(raw, i + 1, counter));
}

/** Parse into a generic block tree (statements with optional `{ … }` children). */
export function parseTree(text: string, counter: ParseCounter = { ops: 0 }): ConfNode[] {
  if (typeof text !== 'string') throw new KeepalivedConfigError('CONFIG_SYNTAX', 'expected the configuration as a string', 1, 1);
  const root: ConfNode[] = [];
  const stack: ConfNode[][] = [root];
  const open: Token[] = [];
  let level: ConfNode[] = root;
  for (const lineToks of tokenize(text, counter)) {
    let i = 0;
    while (i < lineToks.length) {
      counter.ops++;
      const t = lineToks[i] ?? { text: '', line: 0, col: 0, brace: false };
      i++;
      if (t.brace && t.text === '}') {
        if (stack.length === 1) throw new KeepalivedConfigError('CONFIG_SYNTAX', "unexpected '}' with no open block", t.line, t.col);
        stack.pop();
        open.pop();
        level = stack[stack.length - 1] ?? root;
        continue;
      }
      if (t.brace) {
        // keepalived accepts the block's '{' on the line after its keyword (process_stream's need_bob)
        const prev = level[level.length - 1];
        if (i !== 1 || prev === undefined || prev.children !== undefined) throw new KeepalivedConfigError('CONFIG_SYNTAX', "'{' must follow a keyword", t.line, t.col);
        prev.children = [];
        level = prev.children;
        stack.push(level);
        open.push(t);
        continue;
      }
      // a statement: keyword, args up to the end of the line or a brace
      const node: ConfNode = { keyword: t.text, args: [], children: undefined, line: t.line, col: t.col };
      for (let a = lineToks[i]; a !== undefined && !a.brace; a = lineToks[++i]) node.args.push(a.text);
      level.push(node);
      const b = lineToks[i];
      if (b !== undefined && b.text === '{' && b.brace) {
        node.children = [];
        level = node.children;
        stack.push(level);
        open.push(b);
        i++;
      }
    }
  }
  const t = open[open.length - 1];
  if (t !== undefined) throw new KeepalivedConfigError('CONFIG_SYNTAX', "block opened here is never closed (missing '}')", t.line, t.col);
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
  if (!/^\d{1,12}$/.test(a) || Number(a) < lo || Number(a) > hi) throw err(n, `expected ${what} (an integer in [${String(lo)}, ${String(hi)}]), found "${a}"`);
  return Number(a);
}
/** The longest timer we accept: keepalived's LVS_MAX_TIMEOUT (31 days, global_parser.c). */
const MAX_TIMER_SEC = 86400 * 31;
/**
 * A time in seconds with up to 6 decimals (keepalived's read_timer / read_decimal_unsigned_strvec
 * work in microseconds), in [minSec, MAX_TIMER_SEC]. A zero delay_loop, connect_timeout or
 * advert_int would make a timer fire forever at one instant, so those pass minSec > 0.
 */
function seconds(n: ConfNode, what: string, minSec = 0, maxSec = MAX_TIMER_SEC): number {
  const a = arg(n, 0, what);
  const v = Number(a);
  if (!/^\d{1,9}(\.\d{1,6})?$/.test(a) || v < minSec || v > maxSec) {
    throw err(n, `expected ${what} in seconds in [${String(minSec)}, ${String(maxSec)}], found "${a}"`);
  }
  return v;
}
function ip(n: ConfNode, i: number): string {
  const a = arg(n, i, 'an IPv4 address');
  const bare = a.split('/')[0] ?? a;
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
        c.connectTimeoutMs = seconds(k, 'a timeout', 0.000001) * 1000;
        break;
      case 'retry':
      case 'nb_get_retry':
        c.retry = int(k, 0, 'a retry count', 0, 1_000_000);
        break;
      case 'delay_before_retry':
        c.delayBeforeRetryMs = seconds(k, 'a delay') * 1000;
        break;
      case 'delay_loop':
        c.delayLoopMs = seconds(k, 'a delay', 0.000001) * 1000;
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

/** auth_type (keepalived/vrrp/vrrp_parser.c): PASS or AH. Anything else is reported as a config error, the type left as it was, and loading goes on (see docs/lvs.md). */
function authType(a: ConfNode, auth: { type: string }, cfg: KeepalivedConfig): void {
  const t = arg(a, 0, 'PASS or AH');
  if (t === 'PASS' || t === 'AH') auth.type = t;
  else cfg.warnings.push({ line: a.line, message: `auth_type: unknown authentication type "${t}" (keepalived reports it and keeps ${auth.type})` });
}

function globalDefs(top: ConfNode, cfg: KeepalivedConfig): void {
  for (const k of block(top)) {
    if (k.keyword === 'router_id') cfg.globalDefs.routerId = arg(k, 0, 'a router id');
    else if (k.keyword === 'notification_email') cfg.globalDefs.notificationEmail = block(k).map((e) => e.keyword);
    else cfg.globalDefs.other.set(k.keyword, k.children ? k.children.map((c) => c.keyword) : k.args);
  }
}

function vrrpInstance(top: ConfNode, cfg: KeepalivedConfig): VrrpInstanceConf {
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
        // vrrp_parser.c vrrp_adv_handler: 0.01 s to 255 s, anything else is "not valid"
        v.advertIntSec = seconds(k, 'an advert interval', 0.01, 255);
        break;
      case 'nopreempt':
        v.nopreempt = true;
        break;
      case 'authentication': {
        const auth: { type: string; pass?: string } = { type: 'PASS' };
        for (const a of block(k)) {
          if (a.keyword === 'auth_type') authType(a, auth, cfg);
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
  return v;
}

function virtualServer(top: ConfNode, cfg: KeepalivedConfig): VirtualServerConf {
  const vs: VirtualServerConf = { address: ip(top, 0), port: int(top, 1, 'a port', 0, 65535), delayLoopSec: 60, lbAlgo: 'wlc', lbKind: 'NAT', protocol: 'TCP', realServers: [], line: top.line };
  const rsNodes: ConfNode[] = [];
  for (const k of block(top)) {
    switch (k.keyword) {
      case 'delay_loop':
        vs.delayLoopSec = seconds(k, 'a delay', 0.000001);
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
  return vs;
}

/**
 * Parse keepalived.conf text. Values keepalived refuses are KeepalivedConfigErrors with the line;
 * the few it only reports and ignores (an unknown auth_type) are listed in `warnings`.
 * `counter.ops` counts the parser's steps (linear in the input).
 */
export function parseKeepalivedConf(text: string, counter: ParseCounter = { ops: 0 }): KeepalivedConfig {
  const cfg: KeepalivedConfig = { globalDefs: { notificationEmail: [], other: new Map() }, vrrpInstances: [], virtualServers: [], unknown: [], warnings: [] };
  for (const top of parseTree(text, counter)) {
    if (top.keyword === 'global_defs') globalDefs(top, cfg);
    else if (top.keyword === 'vrrp_instance') cfg.vrrpInstances.push(vrrpInstance(top, cfg));
    else if (top.keyword === 'virtual_server') cfg.virtualServers.push(virtualServer(top, cfg));
    else cfg.unknown.push({ keyword: top.keyword, line: top.line });
  }
  return cfg;
}
