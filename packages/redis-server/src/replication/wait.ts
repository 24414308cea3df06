/**
 * The answer of a blocked WAIT, delivered as Redis delivers it (redis/redis 7.0): replication.c
 * processClientsWaitingReplicas (the acks arrived) and blocked.c replyToBlockedClientTimedOut
 * (its timeout) add the reply to the client's output like any reply (addReplyLongLong; the
 * -UNBLOCKED error of replication.c replicationSetMaster → disconnectAllBlockedClients through
 * addReplyError), then blocked.c unblockClient → queueClientForReprocessing puts the client on
 * server.unblocked_clients. Until then networking.c processInputBuffer ran nothing of what it
 * pipelined behind WAIT (CLIENT_BLOCKED); blocked.c processUnblockedClients, in the same
 * beforeSleep, runs it right after the reply (processPendingCommandAndInputBuffer).
 *
 * @protolab/redis-replication's core says "answer connection n with v" as a `reply` ReplIo; these
 * functions turn those into the server's replies and leave the rest (writes to replicas, the link
 * to our master) for the adapter.
 */
import type { ReplIo } from '@protolab/redis-replication';
import type { ServerOutput } from '../server-types.js';
import type { RedisServer } from '../server.js';
import { beforeSleep } from '../before-sleep.js';

/**
 * The `reply` outputs of the replication core become replies of the server's clients, each
 * client queued for processUnblockedClients; returns the other outputs and how many were answered.
 * Inside a command (an ACK from a replica, REPLICAOF) the beforeSleep that follows the event runs
 * the released commands.
 */
export function replyToWaiters(srv: RedisServer, outs: readonly ReplIo[]): { rest: ReplIo[]; answered: number } {
  const rest: ReplIo[] = [];
  let answered = 0;
  for (const o of outs) {
    if (o.type !== 'reply') {
      rest.push(o);
      continue;
    }
    const c = srv.clients.get(o.connId);
    if (c === undefined) continue; // gone: freeClient dropped it from the WAIT list and its commands with it
    srv.addReply(c, o.value);
    srv.pause.unblockedClients.add(c); // unblockClient → queueClientForReprocessing
    answered++;
  }
  return { rest, answered };
}

/**
 * The same for outputs of an event outside any client's command (bytes or a close on the link to
 * our master; the in-memory tests' replication tick): a WAIT answered there is followed by
 * beforeSleep (the released commands run, the replies are written), whose outputs the adapter
 * applies. The deadlines and replicationCron come through beforeSleep and serverCron instead.
 */
export function replyToWaitersAndSleep(srv: RedisServer, outs: readonly ReplIo[]): { io: ReplIo[]; outputs: ServerOutput[] } {
  const { rest, answered } = replyToWaiters(srv, outs);
  return { io: rest, outputs: answered > 0 ? beforeSleep(srv) : [] };
}
