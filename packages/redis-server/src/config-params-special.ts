/**
 * The hand-written rows of config.c 7.0's table (createSpecialConfig and the validators of
 * string rows), as redis-server 7.0.15 answers them:
 *   - bind (setConfigBindOption: at most CONFIG_BINDADDR_MAX = 16 addresses; "" is none),
 *   - oom-score-adj-values (setConfigOOMScoreAdjValuesOption: three strtoll values in ±2000),
 *   - shutdown-on-sigint / shutdown-on-sigterm (a multi-value enum of SHUTDOWN flags, 7.0's
 *     createEnumConfig with MULTI_ARG_CONFIG: isValidShutdownOnSigFlags refuses SAVE with NOSAVE),
 *   - the TLS rows (#ifdef USE_OPENSSL; applyTlsCfg / applyTLSPort fail without certificates,
 *     which is what protolab, without TLS, answers for turning TLS on),
 *   - isValidAnnouncedHostname and isValidProcTitleTemplate (server.c validateProcTitleTemplate).
 */
import type { ParseResult } from './config.js';
import type { ConfigRow } from './config-params-types.js';
import { boolRow, enumRow, INT_MAX, numRow, specialRow, stringRow } from './config-params-types.js';

const TLS = 'protolab has no TLS: turning it on fails as on a server without certificates';
const TLS_FAIL = 'Unable to update TLS configuration. Check server logs.';

/** MULTI_ARG_CONFIG: CONFIG SET splits the value into words (sdssplitargs: runs of white space). */
export function words(v: string): string[] {
  return v.split(/[ \t\n\v\f\r]+/).filter((w) => w !== '');
}

/** config.c setConfigBindOption: at most 16 addresses; none is allowed. */
export function bindRow(): ConfigRow {
  return specialRow('bind', '* -::*', (v): ParseResult => {
    const args = words(v);
    if (args.length > 16) return { error: 'Too many bind addresses specified.' };
    return { value: args.join(' ') };
  });
}

/** C strtoll with *end == '\0': a sign and decimal digits ("" and a lone sign read 0). */
function strtollWhole(w: string): bigint | undefined {
  const m = /^([+-]?)([0-9]*)$/.exec(w);
  return m === null ? undefined : BigInt(m[2] === '' ? '0' : `${m[1] ?? ''}${m[2] ?? ''}`);
}

/** config.c setConfigOOMScoreAdjValuesOption: exactly three values in [-2000, 2000]. */
export function oomScoreAdjValuesRow(): ConfigRow {
  return specialRow('oom-score-adj-values', '0 200 800', (v): ParseResult => {
    const args = words(v);
    if (args.length !== 3) return { error: 'wrong number of arguments' };
    const out: string[] = [];
    for (const a of args) {
      const n = strtollWhole(a);
      if (n === undefined || n < -2000n || n > 2000n) return { error: 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.' };
      out.push(String(n));
    }
    return { value: out.join(' ') };
  }, { noEffect: 'no oom_score_adj in a Node.js process' });
}

const SHUTDOWN_FLAGS = ['save', 'nosave', 'now', 'force'] as const;

/** shutdown-on-sigint / -sigterm: flags `default` (none) / save / nosave / now / force. */
export function shutdownOnSignalRow(name: string): ConfigRow {
  return specialRow(name, 'default', (v): ParseResult => {
    const set = new Set<string>();
    const ws = words(v);
    if (ws.length === 0) return { error: 'argument(s) must be one of the following: default, save, nosave, now, force' };
    for (const w of ws) {
      const l = w.toLowerCase();
      if (l === 'default') continue;
      if (!(SHUTDOWN_FLAGS as readonly string[]).includes(l)) return { error: 'argument(s) must be one of the following: default, save, nosave, now, force' };
      set.add(l);
    }
    if (set.has('save') && set.has('nosave')) return { error: "shutdown options SAVE and NOSAVE can't be used simultaneously" };
    const shown = SHUTDOWN_FLAGS.filter((f) => set.has(f));
    return { value: shown.length === 0 ? 'default' : shown.join(' ') };
  }, { noEffect: 'SIGINT / SIGTERM run the default shutdown (prepareForShutdown) in protolab-redis' });
}

/** The USE_OPENSSL rows. Turning TLS on (a port, replication, cluster) is refused as applyTlsCfg does. */
export function tlsRows(): ConfigRow[] {
  const off = (yes: boolean): string | undefined => (yes ? TLS_FAIL : undefined);
  const port = numRow('tls-port', 'int', 0n, 65535n, 0n, { noEffect: TLS });
  return [
    { param: { ...port.param, parse: (v) => { const r = port.param.parse(v); return 'value' in r && r.value !== '0' ? { error: TLS_FAIL } : r; } } },
    numRow('tls-session-cache-size', 'int', 0n, INT_MAX, 20480n, { noEffect: TLS }),
    numRow('tls-session-cache-timeout', 'int', 0n, INT_MAX, 300n, { noEffect: TLS }),
    boolRow('tls-cluster', false, { noEffect: TLS }, off),
    boolRow('tls-replication', false, { noEffect: TLS }, off),
    enumRow('tls-auth-clients', ['no', 'yes', 'optional'], 'yes', { noEffect: TLS }),
    boolRow('tls-prefer-server-ciphers', false, { noEffect: TLS }),
    boolRow('tls-session-caching', true, { noEffect: TLS }),
    ...['cert-file', 'key-file', 'key-file-pass', 'client-cert-file', 'client-key-file', 'client-key-file-pass', 'dh-params-file', 'ca-cert-file', 'ca-cert-dir', 'protocols', 'ciphers', 'ciphersuites']
      .map((n) => stringRow(`tls-${n}`, '', { noEffect: TLS })),
  ];
}

/** config.c isValidAnnouncedHostname: shorter than NET_HOST_STR_LEN (256), [A-Za-z0-9.-] only. */
export function hostnameValid(v: string): string | undefined {
  if (Buffer.byteLength(v, 'latin1') >= 256) return 'Hostnames must be less than 256 characters';
  return /^[A-Za-z0-9.-]*$/.test(v) ? undefined : 'Hostnames may only contain alphanumeric characters, hyphens or dots';
}

/** The variables of server.c expandProcTitleTemplate, with what each expands to while validating. */
const TITLE_VARS = new Map([['title', ''], ['listen-addr', '*:0'], ['server-mode', ''], ['port', '0'], ['tls-port', '0'], ['unixsocket', ''], ['config-file', '']]);

/**
 * server.c validateProcTitleTemplate: sdstemplate expansion ({{ and }} are braces, {name} a known
 * variable, an unclosed { an error) with an empty title, and the result, trimmed of spaces, not empty.
 */
export function procTitleTemplateValid(v: string): string | undefined {
  const bad = 'template format is invalid or contains unknown variables';
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i] ?? '';
    if (c === '{' && v[i + 1] === '{') { out += '{'; i++; continue; }
    if (c === '}' && v[i + 1] === '}') { out += '}'; i++; continue; }
    if (c !== '{') { out += c; continue; }
    const end = v.indexOf('}', i + 1);
    if (end < 0) return bad;
    const value = TITLE_VARS.get(v.slice(i + 1, end));
    if (value === undefined) return bad;
    out += value;
    i = end;
  }
  return out.replace(/^ +| +$/g, '') === '' ? bad : undefined;
}
