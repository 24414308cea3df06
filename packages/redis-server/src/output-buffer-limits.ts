/**
 * networking.c closeClientOnOutputBufferLimitReached for RedisServer (server.ts), split from
 * server.ts: checked on every reply added to a client and on the adapter's socket reports.
 */
import type { Client } from './client.js';
import type { RedisServer } from './server.js';
import { checkClientOutputBufferLimits } from './networking.js';

/** networking.c closeClientOnOutputBufferLimitReached: over a limit, closed asynchronously (nothing more is written). */
export function checkOutputBufferLimits(srv: RedisServer, c: Client): void {
  const limits = srv.obufLimits.get(!srv.pubsub.empty && srv.pubsub.count(c) > 0 ? 'pubsub' : 'normal');
  if (limits === undefined || (limits.hard === 0 && limits.soft === 0)) return;
  if (!checkClientOutputBufferLimits(limits, c, srv.now())) return;
  srv.stats.outputLimitDisconnections++;
  srv.killClient(c, false);
}
