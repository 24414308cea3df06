/**
 * `timeout` (config.c maxidletime) as networking.c clientsCronHandleTimeout (7.0) applies it from
 * the server's cron: a client idle for more than `timeout` seconds (server.unixtime minus
 * c->lastinteraction, both in whole seconds) is freed at once, with nothing written — except
 * monitors and replicas (CLIENT_SLAVE), clients blocked in a command (CLIENT_BLOCKED: a blocking
 * pop, a command postponed by CLIENT PAUSE, WAIT; their own timeout is blocked.c's) and Pub/Sub
 * subscribers (CLIENT_PUBSUB). The link to our master is not a core client here (the replication
 * adapter owns that socket; Redis skips CLIENT_MASTER too), so it never times out.
 *
 * Difference: Redis's clientsCron visits a slice of the clients per call (all within about a
 * second); we visit every client on each cron tick.
 */
import type { RedisServer } from './server.js';
import { isClientBlocked } from './client-command.js';
import { isReplicaClient } from './networking.js';

/** networking.c clientsCronHandleTimeout for every client, on the injected clock. */
export function clientsCronHandleTimeout(srv: RedisServer): void {
  const maxidletime = srv.config.number('timeout');
  if (maxidletime === 0) return;
  const now = Math.floor(srv.nowMs() / 1000);
  for (const c of srv.allClients()) {
    // A client released from a block (CLIENT_UNBLOCKED) runs its commands at the next beforeSleep,
    // before Redis's next clientsCron could see it idle.
    if (srv.monitors.has(c) || isReplicaClient(srv, c) || isClientBlocked(srv, c) || srv.pause.unblockedClients.has(c) || srv.pubsub.count(c) > 0) continue;
    if (now - Math.floor(c.lastInteractionMs / 1000) > maxidletime) srv.killClient(c, false);
  }
}
