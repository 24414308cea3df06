/**
 * The messages the simulated cluster exchanges (RESP-level: argv pipelines and reply lists, not
 * bytes) and how they are shown in traces. Pure: no I/O.
 */
import type { RespValue } from '@protolab/resp';
import { type Arg, argToString } from './commands.js';
import { ClusterError } from './errors.js';

/** A pipeline of commands, or the replies to one. */
export type ClusterMsg = { type: 'req'; id: number; cmds: Arg[][] } | { type: 'rep'; id: number; replies: RespValue[] };

/**
 * redis-cli's quoting of binary data (sds.c sdscatrepr): in quotes, `\n \r \t \a \b`, `\"`,
 * `\\`, other bytes outside printable ASCII as `\xNN`. Used for arguments that are not plain
 * text, such as the DUMP payloads MIGRATE sends.
 */
const ESCAPES = new Map([[0x0a, '\\n'], [0x0d, '\\r'], [0x09, '\\t'], [0x07, '\\a'], [0x08, '\\b'], [0x22, '\\"'], [0x5c, '\\\\']]);
function catrepr(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += ESCAPES.get(b) ?? (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`);
  return `"${out}"`;
}

function showArg(a: Arg): string {
  const bytes = typeof a === 'string' ? undefined : a;
  if (bytes !== undefined && bytes.some((b) => b < 0x20 || b >= 0x7f)) {
    const s = catrepr(bytes);
    return s.length > 40 ? `${s.slice(0, 40)}…` : s;
  }
  const s = argToString(a);
  return s === '' ? '""' : s.length > 24 ? `${s.slice(0, 24)}…` : s;
}
/** A short, human label for a reply: `+OK`, `-MOVED 3300 127.0.0.1:30002`, `"v1"`, `(nil)`, `5`. */
export function showReply(r: RespValue): string {
  switch (r.type) {
    case 'simple':
      return `+${r.value}`;
    case 'error':
      return `-${r.value}`;
    case 'integer':
      return String(r.value);
    case 'bulk':
      return JSON.stringify(showArg(r.value));
    case 'null':
      return '(nil)';
    case 'array':
      return r.value.length > 4 ? `[${r.value.length} items]` : `[${r.value.map(showReply).join(', ')}]`;
    default:
      return r.type;
  }
}
/** Trace label of a message: `GET k` / `ASKING; GET k` / `-ASK 3300 127.0.0.1:30002`. */
export function describeClusterMsg(m: ClusterMsg): string {
  if (m.type === 'req') return m.cmds.map((c) => (c.length > 8 ? [...c.slice(0, 8).map(showArg), '…'] : c.map(showArg)).join(' ')).join('; ');
  return m.replies.map(showReply).join('; ');
}

/** Turn a RESP reply into plain data (integers as numbers, bulk as UTF-8 strings). */
export function respToPlain(r: RespValue): unknown {
  switch (r.type) {
    case 'integer':
      return Number(r.value);
    case 'bulk':
      return Buffer.from(r.value).toString('utf8');
    case 'simple':
      return r.value;
    case 'null':
      return null;
    case 'array':
      return r.value.map(respToPlain);
    case 'error':
      return new ClusterError('REPLY_SHAPE', r.value);
    default:
      return undefined;
  }
}
