/**
 * What a sentinel sends first on a new link (redis/redis src/sentinel.c, 7.0:
 * sentinelReconnectInstance → sentinelSendAuthIfNeeded, then sentinelSetClientName), as pure
 * functions of the sentinel's state; the adapter (adapters/real-sentinel.ts) writes the commands.
 *
 * - A master's links AUTH with that master's `auth-pass` (and `auth-user`, the two-argument ACL
 *   form, when both are set); a replica's links use its master's pair. With no password, no AUTH
 *   (a user without a password sends nothing either).
 * - Another sentinel's link AUTHs with `sentinel sentinel-pass` / `sentinel-user`. sentinel.c falls
 *   back to the sentinel's own `requirepass` when no sentinel-pass is set; protolab's sentinel has
 *   no requirepass, so then nothing is sent.
 * - The replies to AUTH and CLIENT SETNAME are discarded (sentinelDiscardReplyCallback): a wrong
 *   password is seen only through what follows — PING answered `-NOAUTH`, which
 *   sentinelPingReplyCallback does not take as a valid reply (only PONG, LOADING, MASTERDOWN), so
 *   the instance goes +sdown after down-after-milliseconds.
 */
import type { Sentinel } from './sentinel-state.js';
import type { SentinelNode } from './sentinel.js';

/** The instance at `addr`, as the links see it: the first master (in sentinel.masters order) that knows it. */
export type LinkRole = { readonly kind: 'master' | 'slave'; readonly node: SentinelNode } | { readonly kind: 'sentinel' } | undefined;

export function linkRole(s: Sentinel, addr: string): LinkRole {
  for (const n of s.masters.values()) {
    if (n.master.addr === addr) return { kind: 'master', node: n };
    if (n.slaves.has(addr)) return { kind: 'slave', node: n };
  }
  for (const n of s.masters.values()) if (n.sentinels.has(addr)) return { kind: 'sentinel' };
  return undefined;
}

/** sentinelSendAuthIfNeeded: `AUTH <pass>`, `AUTH <user> <pass>`, or nothing. */
export function sentinelAuthArgv(s: Sentinel, addr: string): string[] | undefined {
  const role = linkRole(s, addr);
  if (role === undefined) return undefined;
  const [pass, user] = role.kind === 'sentinel' ? [s.sentinel_auth_pass, s.sentinel_auth_user] : [role.node.auth_pass, role.node.auth_user];
  if (pass === undefined) return undefined;
  return user === undefined ? ['AUTH', pass] : ['AUTH', user, pass];
}

/** sentinelSetClientName: `sentinel-<first 8 characters of myid>-<cmd|pubsub>`. */
export function sentinelClientName(myid: string, type: 'cmd' | 'pubsub'): string {
  return `sentinel-${myid.slice(0, 8)}-${type}`;
}
