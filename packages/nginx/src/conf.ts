import { NginxError, UpstreamConfigError } from './errors.js';
import type { NginxServerSpec } from './peer.js';
import type { NginxMethod } from './upstream.js';

/**
 * A reader for one nginx `upstream name { … }` block (or just its body): the balancing directive
 * (`least_conn;`, `ip_hash;`, `hash $key [consistent];`, `random [two [least_conn]];`) and the
 * `server address [weight=n] [max_fails=n] [fail_timeout=time] [max_conns=n] [down] [backup];`
 * lines, as ngx_http_upstream_server (ngx_http_upstream.c) reads them. Other directives
 * (`keepalive`, `zone`, …) are kept in `unknown`. Tokens follow ngx_conf_file.c: whitespace
 * separated words, `"…"`/`'…'` quoting with `\` escapes, `#` comments to the end of the line,
 * statements ending in `;`. Bad input throws UpstreamConfigError with the line and column.
 */
export interface UpstreamConf {
  name: string | undefined;
  method: NginxMethod;
  /** `hash` / `hash consistent`: the key expression as written (e.g. `$request_uri`). */
  hashKey: string | undefined;
  servers: NginxServerSpec[];
  unknown: { directive: string; line: number }[];
}

interface Tok {
  text: string;
  line: number;
  col: number;
  /** `;`, `{` or `}` outside quotes. */
  punct: boolean;
}

/** ngx_conf_read_token, reduced: one linear pass. */
function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charAt(i);
    if (c === '\n') {
      line++;
      lineStart = ++i;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < n && text.charAt(i) !== '\n') i++;
    } else if (c === ';' || c === '{' || c === '}') {
      toks.push({ text: c, line, col: i - lineStart + 1, punct: true });
      i++;
    } else if (c === '"' || c === "'") {
      const startLine = line;
      const col = i - lineStart + 1;
      let s = '';
      i++;
      while (i < n && text.charAt(i) !== c) {
        if (text.charAt(i) === '\\' && i + 1 < n) i++;
        if (text.charAt(i) === '\n') {
          line++;
          lineStart = i + 1;
        }
        s += text.charAt(i++);
      }
      if (i >= n) throw new UpstreamConfigError('CONFIG_SYNTAX', `unterminated ${c === '"' ? 'double' : 'single'} quote`, startLine, col);
      i++;
      toks.push({ text: s, line: startLine, col, punct: false });
    } else {
      const start = i;
      while (i < n && !/[\s;{}"'#]/.test(text.charAt(i))) i++;
      toks.push({ text: text.slice(start, i), line, col: start - lineStart + 1, punct: false });
    }
  }
  return toks;
}

/** Split into statements `words… ;`, handling one optional `upstream name {` … `}` wrapper. */
function statements(toks: readonly Tok[]): { name: string | undefined; stmts: Tok[][] } {
  let body = toks;
  let name: string | undefined;
  const first = toks[0];
  if (first !== undefined && !first.punct && first.text === 'upstream') {
    const nm = toks[1];
    const open = toks[2];
    if (nm === undefined || nm.punct || open === undefined || open.text !== '{') {
      throw new UpstreamConfigError('CONFIG_SYNTAX', 'expected "upstream <name> {"', first.line, first.col);
    }
    const close = toks[toks.length - 1];
    if (close === undefined || toks.length < 4 || close.text !== '}' || !close.punct) {
      throw new UpstreamConfigError('CONFIG_SYNTAX', "upstream block is never closed (missing '}')", open.line, open.col);
    }
    name = nm.text;
    body = toks.slice(3, -1);
  }
  const stmts: Tok[][] = [];
  let cur: Tok[] = [];
  for (const t of body) {
    if (t.punct && t.text === ';') {
      if (cur.length === 0) throw new UpstreamConfigError('CONFIG_SYNTAX', "unexpected ';'", t.line, t.col);
      stmts.push(cur);
      cur = [];
    } else if (t.punct) {
      throw new UpstreamConfigError('CONFIG_SYNTAX', `unexpected '${t.text}' inside an upstream block`, t.line, t.col);
    } else {
      cur.push(t);
    }
  }
  const last = cur[0];
  if (last !== undefined) throw new UpstreamConfigError('CONFIG_SYNTAX', `directive "${last.text}" is not terminated by ';'`, last.line, last.col);
  return { name, stmts };
}

/** ngx_parse_time for fail_timeout: seconds, with an optional s/m/h/d unit. */
function failTimeout(t: Tok, v: string): number {
  const m = /^(\d{1,9})(s|m|h|d)?$/.exec(v);
  if (m === null) throw new UpstreamConfigError('CONFIG_VALUE', `fail_timeout: expected a time such as 10s, found "${v}"`, t.line, t.col);
  const mult = m[2] === 'm' ? 60 : m[2] === 'h' ? 3600 : m[2] === 'd' ? 86400 : 1;
  return Number(m[1]) * mult;
}

function intParam(t: Tok, key: string, v: string, lo: number): number {
  if (!/^\d{1,10}$/.test(v) || Number(v) < lo || Number(v) > 0x7fffffff) {
    throw new UpstreamConfigError('CONFIG_VALUE', `${key}: expected an integer ≥ ${String(lo)}, found "${v}"`, t.line, t.col);
  }
  return Number(v);
}

function server(words: readonly Tok[]): NginxServerSpec {
  const addr = words[1];
  if (addr === undefined) throw new UpstreamConfigError('CONFIG_VALUE', 'server: expected an address', words[0]?.line ?? 1, words[0]?.col ?? 1);
  const s: NginxServerSpec = { name: addr.text, address: addr.text };
  for (const t of words.slice(2)) {
    const eq = t.text.indexOf('=');
    const key = eq < 0 ? t.text : t.text.slice(0, eq);
    const v = t.text.slice(eq + 1);
    if (t.text === 'down') s.down = true;
    else if (t.text === 'backup') s.backup = true;
    else if (eq > 0 && key === 'weight') s.weight = intParam(t, key, v, 1);
    else if (eq > 0 && key === 'max_fails') s.maxFails = intParam(t, key, v, 0);
    else if (eq > 0 && key === 'max_conns') s.maxConns = intParam(t, key, v, 0);
    else if (eq > 0 && key === 'fail_timeout') s.failTimeoutSec = failTimeout(t, v);
    else throw new UpstreamConfigError('CONFIG_VALUE', `server: invalid parameter "${t.text}"`, t.line, t.col);
  }
  return s;
}

function method(words: readonly Tok[]): { method: NginxMethod; hashKey: string | undefined } {
  const [d, a1, a2, a3] = words;
  const bad = (t: Tok | undefined): never => {
    const at = t ?? d;
    throw new UpstreamConfigError('CONFIG_VALUE', `${d?.text ?? ''}: invalid parameter "${t?.text ?? ''}"`, at?.line ?? 1, at?.col ?? 1);
  };
  switch (d?.text) {
    case 'least_conn':
    case 'ip_hash':
      if (a1 !== undefined) bad(a1);
      return { method: d.text, hashKey: undefined };
    case 'hash':
      if (a1 === undefined) bad(undefined);
      if (a3 !== undefined || (a2 !== undefined && a2.text !== 'consistent')) bad(a3 ?? a2);
      return { method: a2 === undefined ? 'hash' : 'hash_consistent', hashKey: a1?.text };
    case 'random':
      if (a1 !== undefined && a1.text !== 'two') bad(a1);
      if (a2 !== undefined && a2.text !== 'least_conn') bad(a2);
      if (a3 !== undefined) bad(a3);
      return { method: a1 === undefined ? 'random' : 'random_two', hashKey: undefined };
    default:
      throw new NginxError('INVARIANT', `not a balancing directive: ${d?.text ?? ''}`);
  }
}

const METHOD_DIRECTIVES: ReadonlySet<string> = new Set(['least_conn', 'ip_hash', 'hash', 'random']);

/** Parse an `upstream` block (or its body) into the options NginxUpstream takes. */
export function parseUpstreamBlock(text: string): UpstreamConf {
  if (typeof text !== 'string') throw new NginxError('BAD_OPTION', 'parseUpstreamBlock: expected the block as a string');
  const { name, stmts } = statements(tokenize(text));
  const conf: UpstreamConf = { name, method: 'round_robin', hashKey: undefined, servers: [], unknown: [] };
  for (const words of stmts) {
    const d = words[0];
    if (d === undefined) continue;
    if (d.text === 'server') conf.servers.push(server(words));
    else if (METHOD_DIRECTIVES.has(d.text)) Object.assign(conf, method(words)); // a later one wins ("load balancing method redefined")
    else conf.unknown.push({ directive: d.text, line: d.line });
  }
  if (conf.servers.length === 0) throw new UpstreamConfigError('CONFIG_VALUE', 'no servers in upstream', 1, 1);
  return conf;
}
