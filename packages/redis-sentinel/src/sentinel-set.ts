/**
 * SENTINEL SET <master> <option> <value> [<option> <value> …] (redis/redis src/sentinel.c
 * sentinelSetCommand, 7.0), for the options protolab's sentinel can change at run time:
 *
 * - `auth-pass <password>` / `auth-user <username>`: an empty value clears it; either one drops the
 *   links to the master and its replicas (dropInstanceConnections), so the next links AUTH with the
 *   new pair. The `+set` event redacts the password (`auth-pass ******`), not the user name.
 * - `down-after-milliseconds`, `failover-timeout`, `parallel-syncs`, `quorum` `<n>`: an integer
 *   greater than 0 (getLongLongFromObject), else `Invalid argument '<n>' for SENTINEL SET
 *   '<option>'`; parallel-syncs and quorum are C ints, so a larger value wraps as it does there.
 *   down-after-milliseconds applies to the replicas and sentinels of the master too
 *   (sentinelPropagateDownAfterPeriod: the core reads the master's value for all of them).
 *
 * Each change is a WARNING `+set` event `%@ <option as written> <value>`. Options are applied one
 * by one, as Redis does: an error stops at that option with the earlier ones kept (and flushed).
 * After the last one the config file is flushed and the reply is `+OK`, or `-ERR Failed to save
 * config file. Check server logs.` (sentinelFlushConfigAndReply). notification-script,
 * client-reconfig-script, rename-command and master-reboot-down-after-period answer that protolab
 * does not implement them; an unknown option gets Redis's own error.
 */
import { reply, type RespValue } from '@protolab/resp';
import { stringmatch } from './pubsub.js';
import { parseLongLong } from './sentinel-command.js';
import type { Sentinel } from './sentinel-state.js';
import type { SentinelNode } from './sentinel.js';

/** What SENTINEL SET needs from its surroundings (the adapter gives them; absent: nothing to drop, flush succeeds). */
export interface SentinelSetHooks {
  /** dropInstanceConnections: close the links to this master and its replicas. */
  readonly dropInstanceConnections?: (masterName: string) => void;
  /** sentinelDropConnections: close the links to every other sentinel (SENTINEL CONFIG SET sentinel-user / sentinel-pass). */
  readonly dropSentinelConnections?: () => void;
  /** sentinelFlushConfig: false when the file could not be written. */
  readonly flushConfig?: () => boolean;
}

/** sentinelSetCommand's options that protolab does not change at run time. */
const NOT_IMPLEMENTED = new Set(['notification-script', 'client-reconfig-script', 'rename-command', 'master-reboot-down-after-period']);

/** The numeric options and what each sets: mstime_t (long long) for the periods, int for the others. */
const NUMERIC = new Map<string, { readonly field: 'downAfterMs' | 'failoverTimeoutMs' | 'parallelSyncs' | 'quorum'; readonly int: boolean }>([
  ['down-after-milliseconds', { field: 'downAfterMs', int: false }], ['failover-timeout', { field: 'failoverTimeoutMs', int: false }],
  ['parallel-syncs', { field: 'parallelSyncs', int: true }], ['quorum', { field: 'quorum', int: true }],
]);

const err = (text: string): RespValue => reply.error(text.replace(/[\r\n]/g, ' '));

/** `n` is the master named by args[0] (undefined: no such master); `args` are the words after SET. */
export function sentinelSetCommand(n: SentinelNode | undefined, args: readonly string[], hooks: SentinelSetHooks): RespValue {
  if (n === undefined) return err('ERR No such master with that name');
  let changes = 0;
  const flush = (): boolean => hooks.flushConfig?.() ?? true;
  for (let j = 1; j < args.length; j++) {
    const option = args[j] ?? '';
    const opt = option.toLowerCase();
    const moreargs = args.length - 1 - j;
    if ((opt === 'auth-pass' || opt === 'auth-user') && moreargs > 0) {
      const value = args[++j] ?? '';
      const v = value === '' ? undefined : value;
      if (opt === 'auth-pass') n.auth_pass = v;
      else n.auth_user = v;
      hooks.dropInstanceConnections?.(n.config.masterName);
      changes++;
      // sentinelEvent(LL_WARNING, "+set", ri, "%@ %s %s"): the option as the client wrote it.
      n.event(`+set master ${n.config.masterName} ${n.master.addr} ${option} ${opt === 'auth-pass' ? '******' : value}`);
      continue;
    }
    const numeric = NUMERIC.get(opt);
    if (numeric !== undefined && moreargs > 0) {
      const value = args[++j] ?? '';
      const ll = parseLongLong(value);
      if (ll === undefined || ll <= 0) {
        if (changes > 0) flush();
        return err(`ERR Invalid argument '${value}' for SENTINEL SET '${option}'`);
      }
      n.config = { ...n.config, [numeric.field]: numeric.int ? Number(BigInt.asIntN(32, BigInt(value))) : ll };
      changes++;
      n.event(`+set master ${n.config.masterName} ${n.master.addr} ${option} ${value}`);
      continue;
    }
    const e = NOT_IMPLEMENTED.has(opt) && moreargs > (opt === 'rename-command' ? 1 : 0) ? `ERR protolab's sentinel does not implement 'sentinel|set ${opt}'` : `ERR Unknown option or number of arguments for SENTINEL SET '${option}'`;
    if (changes > 0) flush();
    return err(e);
  }
  return flush() ? reply.ok : err('ERR Failed to save config file. Check server logs.');
}

/**
 * SENTINEL CONFIG SET <param> <value> / CONFIG GET <pattern> (sentinelConfigSetCommand,
 * sentinelConfigGetCommand, 7.0); `args` are the words after CONFIG. SET changes `sentinel-user` /
 * `sentinel-pass` (an empty value clears it), flushes and answers, then drops the links to the other
 * sentinels so that they log in again; resolve-hostnames, announce-hostnames, announce-ip and
 * announce-port are answered as not implemented. GET matches the six parameters in sentinel.c's
 * order, case-insensitively, with the values protolab uses (it does not resolve or announce
 * hostnames and announces its bind address: `no`, `no`, "", 0 — the port as a bulk string, as
 * addReplyBulkLongLong writes it).
 */
export function sentinelConfigCommand(s: Sentinel, args: readonly string[], hooks: SentinelSetHooks): RespValue {
  const sub = (args[0] ?? '').toLowerCase();
  if (sub === 'set' && args.length === 3) {
    const param = args[1] ?? '';
    const value = args[2] ?? '';
    const p = param.toLowerCase();
    if (p === 'sentinel-user' || p === 'sentinel-pass') {
      const v = value === '' ? undefined : value;
      if (p === 'sentinel-user') s.sentinel_auth_user = v;
      else s.sentinel_auth_pass = v;
      const saved = hooks.flushConfig?.() ?? true;
      hooks.dropSentinelConnections?.();
      return saved ? reply.ok : err('ERR Failed to save config file. Check server logs.');
    }
    if (['resolve-hostnames', 'announce-hostnames', 'announce-ip', 'announce-port'].includes(p)) return err(`ERR protolab's sentinel does not implement 'sentinel|config set ${p}'`);
    return err(`ERR Invalid argument '${param}' to SENTINEL CONFIG SET`);
  }
  if (sub === 'get' && args.length === 2) {
    const pattern = (args[1] ?? '').toLowerCase();
    const params: [string, RespValue][] = [
      ['resolve-hostnames', reply.bulk('no')], ['announce-hostnames', reply.bulk('no')], ['announce-ip', reply.bulk('')], ['announce-port', reply.bulk('0')],
      ['sentinel-user', reply.bulk(s.sentinel_auth_user ?? '')], ['sentinel-pass', reply.bulk(s.sentinel_auth_pass ?? '')],
    ];
    return reply.map(params.filter(([name]) => stringmatch(pattern, name)).map(([name, v]) => [reply.bulk(name), v] as const));
  }
  return err('ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.');
}
