/**
 * CLIENT UNBLOCK client-id [TIMEOUT|ERROR] (redis/redis src/networking.c clientCommand's "unblock"
 * branch, 7.0; src/blocked.c replyToBlockedClientTimedOut, unblockClient). The reason is checked
 * before the id ("CLIENT UNBLOCK reason should be TIMEOUT or ERROR"), the id is read by
 * getLongLongFromObjectOrReply ("value is not an integer or out of range"); an unknown id or a
 * client that is not blocked answers :0.
 *
 * A client blocked in a blocking pop gets what its timeout would have given (a null array) or
 * `-UNBLOCKED client unblocked via CLIENT UNBLOCK`, then its waiting commands run at the next
 * beforeSleep (queueClientForReprocessing → processUnblockedClients), after the caller's.
 *
 * A client blocked in WAIT (BLOCKED_WAIT) is kept by the replication unit, which registers itself
 * here (setWaitUnblocker): it leaves that unit's list and gets the count of replicas that acked its
 * offset (replyToBlockedClientTimedOut: replicationCountAcksByOffset) or the -UNBLOCKED error.
 *
 * A client postponed by CLIENT PAUSE (BLOCKED_POSTPONE): with ERROR, as 7.0.15 does, it gets the
 * -UNBLOCKED error, and its command stays to run again (it is postponed again while the pause
 * lasts: unblockClient keeps c->argv of a postponed client); with TIMEOUT, redis-server 7.0.15
 * crashes ("Unknown btype in replyToBlockedClientTimedOut()", observed here), so this server answers :0
 * and leaves the client postponed (documented in the README).
 */
import type { RespValue } from '@protolab/resp';
import { encode } from '@protolab/resp';
import type { Client } from './client.js';
import { keyOf } from './client.js';
import type { RedisServer } from './server.js';
import { string2ll } from '@protolab/redis-common';
// The text CLIENT UNBLOCK <id> ERROR gives (networking.c clientCommand, 7.0): one constant, the replication unit's (WAIT clients get it from there)
import { UNBLOCKED_ERROR } from '@protolab/redis-replication';

const err = (text: string): RespValue => ({ type: 'error', value: text });
const ZERO: RespValue = { type: 'integer', value: 0n };
const ONE: RespValue = { type: 'integer', value: 1n };

/**
 * Unblocks `c` if it is blocked in WAIT (blocked.c unblockClient → replication.c
 * unblockClientWaitingReplicas) and gives the reply it gets; undefined when it is not waiting.
 */
export type WaitUnblocker = (c: Client, unblockError: boolean) => RespValue | undefined;

/** The replication unit of each server, if installed (the WAIT list lives there, not in srv.blocking). */
const waitUnblockers = new WeakMap<RedisServer, WaitUnblocker>();

/** Called by the replication unit when it is installed (replication/replication.ts). */
export function setWaitUnblocker(srv: RedisServer, unblock: WaitUnblocker): void {
  waitUnblockers.set(srv, unblock);
}

/** networking.c lookupClientByID */
function lookupClientByID(srv: RedisServer, id: bigint): Client | undefined {
  for (const c of srv.allClients()) if (BigInt(c.id) === id) return c;
  return undefined;
}

/** networking.c clientCommand, CLIENT UNBLOCK */
export function clientUnblockCommand(srv: RedisServer, argv: readonly Uint8Array[]): RespValue {
  if (argv.length < 3) return err("ERR wrong number of arguments for 'client|unblock' command");
  if (argv.length !== 3 && argv.length !== 4) return err(`ERR unknown subcommand or wrong number of arguments for '${keyOf(argv[1] ?? new Uint8Array()).slice(0, 128)}'. Try CLIENT HELP.`);
  let unblockError = false;
  if (argv[3] !== undefined) {
    const reason = keyOf(argv[3]).toLowerCase();
    if (reason === 'error') unblockError = true;
    else if (reason !== 'timeout') return err('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
  }
  const id = string2ll(keyOf(argv[2] ?? new Uint8Array()));
  if (id === undefined) return err('ERR value is not an integer or out of range');
  const target = lookupClientByID(srv, id);
  if (target === undefined) return ZERO;
  const waitReply = waitUnblockers.get(srv)?.(target, unblockError);
  if (waitReply !== undefined) {
    // BLOCKED_WAIT: replyToBlockedClientTimedOut (or the error), then unblockClient.
    srv.writeRaw(target, encode(waitReply, { protocol: target.resp }));
    if (unblockError) srv.stats.commands.afterErrorReply(UNBLOCKED_ERROR);
    srv.pause.unblockedClients.add(target);
    return ONE;
  }
  const reply: RespValue = unblockError ? err(UNBLOCKED_ERROR) : { type: 'null', resp2: 'array' };
  if (srv.blocking.blocked.has(target)) {
    // replyToBlockedClientTimedOut (or the error), then unblockClient → queueClientForReprocessing.
    srv.blocking.unblock(target);
    srv.writeRaw(target, encode(reply, { protocol: target.resp }));
    if (unblockError) srv.stats.commands.afterErrorReply(UNBLOCKED_ERROR);
    srv.pause.unblockedClients.add(target);
    return ONE;
  }
  if (srv.pause.postponedClients.has(target) && unblockError) {
    srv.pause.postponedClients.delete(target);
    srv.writeRaw(target, encode(reply, { protocol: target.resp }));
    srv.stats.commands.afterErrorReply(UNBLOCKED_ERROR);
    srv.pause.unblockedClients.add(target);
    return ONE;
  }
  return ZERO;
}
