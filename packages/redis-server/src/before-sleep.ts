/**
 * server.c beforeSleep for RedisServer (server.ts), split from server.ts: what runs after each
 * event before the server waits again — blocked-client timeouts, the fast expire cycle, the keys
 * made ready, the hooks of other units (flushAppendOnlyFile) — then the replies written out
 * (handleClientsWithPendingWrites → writeToClient) and the clients to close closed.
 */
import type { ServerOutput } from './server-types.js';
import type { RedisServer } from './server.js';
import { handleBlockedClientsTimeout, handleClientsBlockedOnKeys } from './blocked.js';
import { closing } from './networking.js';
import { checkClientPauseTimeoutAndReturnIfPaused, processUnblockedClients } from './pause.js';

/** The writes waiting in every output buffer, one per connection (writeToClient). */
function flush(srv: RedisServer): ServerOutput[] {
  const out: ServerOutput[] = [];
  for (const [id, bytes] of srv.outbox.take()) {
    srv.stats.totalNetOutputBytes += bytes.length;
    srv.stats.totalWritesProcessed++;
    out.push({ type: 'write', id, bytes });
    const c = srv.clients.get(id);
    if (c !== undefined) c.outboxBytes = 0;
  }
  return out;
}

/** server.c beforeSleep: blocked-client timeouts, the fast expire cycle, then the writes and closes. */
export function beforeSleep(srv: RedisServer): ServerOutput[] {
  handleBlockedClientsTimeout(srv);
  // Clients released by CLIENT UNPAUSE / UNBLOCK since the last beforeSleep run now, in order.
  if (srv.pause.unblockedClients.size > 0) processUnblockedClients(srv);
  // expire.c activeExpireCycle asks first whether the pause is over (those it releases run next time).
  if (srv.pause.type !== 0) checkClientPauseTimeoutAndReturnIfPaused(srv);
  srv.keyspace.beforeSleep();
  srv.flagTouched();
  handleClientsBlockedOnKeys(srv);
  for (const hook of srv.beforeSleepHooks) hook();
  const out = flush(srv);
  if (srv.toClose.size === 0) return out;
  const toClose = [...srv.toClose];
  srv.toClose.clear();
  for (const c of toClose) {
    if (srv.clients.get(c.connId) !== c || (!closing(c) && !c.closeAsap)) continue;
    srv.close(c.connId);
    out.push(c.closeAsap ? { type: 'close', id: c.connId, abort: true } : { type: 'close', id: c.connId });
  }
  return out;
}
