/**
 * Where the core hands events to the user scripts (redis/redis src/sentinel.c, 7.0):
 * sentinelEvent schedules the master's notification script for a WARNING-level event about one of
 * its instances, and sentinelCallClientReconfScript runs the client reconfiguration script when
 * the master's address changes — `leader` when this sentinel promoted the replica
 * (+failover-state-reconf-slaves), `observer` when it learnt the change from a hello.
 */
import type { SentinelNode } from './sentinel.js';
import { sentinelEventMessage, splitHostPort } from './sentinel-reply.js';
import { runsNotificationScript } from './scripts.js';

/** The notification-script part of sentinelEvent. */
export function sentinelNotifyScript(n: SentinelNode, text: string): void {
  const path = n.config.notificationScript;
  if (path === undefined) return;
  const type = text.split(' ', 1)[0] ?? '';
  if (!runsNotificationScript(type)) return;
  const { channel, message } = sentinelEventMessage(n, text);
  n.scripts.schedule(path, [channel, message]);
}

/** sentinelCallClientReconfScript: `<master-name> <role> start <from-ip> <from-port> <to-ip> <to-port>`. */
export function sentinelCallClientReconfScript(n: SentinelNode, role: 'leader' | 'observer', from: string, to: string): void {
  const path = n.config.clientReconfigScript;
  if (path === undefined) return;
  n.scripts.schedule(path, [n.config.masterName, role, 'start', ...splitHostPort(from).map(String), ...splitHostPort(to).map(String)]);
}
