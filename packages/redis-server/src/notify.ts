/**
 * Keyspace notifications (redis/redis src/notify.c notifyKeyspaceEvent, 7.0): the
 * `notify-keyspace-events` parameter (config.c's special config: keyspaceEventsStringToFlags on
 * set, keyspaceEventsFlagsToString on get) and the publishing of the keyspace's events:
 * `__keyspace@<db>__:<key>` with the event name as the message (when 'K' is on), then
 * `__keyevent@<db>__:<event>` with the key as the message (when 'E' is on), through the server's
 * Pub/Sub (pubsubPublishMessage). The keyspace raises the events (@protolab/redis-keyspace
 * notify.ts) and filters them by class.
 */
import {
  INVALID_EVENT_CLASS,
  NOTIFY_KEYEVENT,
  NOTIFY_KEYSPACE,
  keyspaceEventsFlagsToString,
  keyspaceEventsStringToFlags,
} from '@protolab/redis-keyspace';
import type { ConfigParam, ConfigTable } from './config.js';
import type { RedisServer } from './server.js';

/** A binary string (one char per byte) as its bytes. */
function bytesOfBin(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * Register `notify-keyspace-events` (default "", off) and install the publishing sink.
 *
 * The table keeps the canonical text CONFIG GET shows; the flags come from the text that was
 * set, because the canonical text can drop a class: "AKEn" reads back as "AKE" on 7.0.15 while
 * new-key events stay on (keyspaceEventsFlagsToString writes no 'n' after 'A').
 */
export function registerNotifyConfig(srv: RedisServer, table: ConfigTable): void {
  let parsed: { value: string; flags: number } | undefined;
  let applied = 0;
  let previous = 0;
  const param: ConfigParam = {
    name: 'notify-keyspace-events',
    defaultValue: '',
    parse(v) {
      const flags = keyspaceEventsStringToFlags(v);
      if (flags === -1) return { error: INVALID_EVENT_CLASS };
      const value = keyspaceEventsFlagsToString(flags);
      parsed = { value, flags };
      return { value };
    },
  };
  table.register(param);
  table.onChange('notify-keyspace-events', (value) => {
    const p = parsed;
    parsed = undefined;
    let flags: number;
    if (p !== undefined && p.value === value) flags = p.flags;
    else if (keyspaceEventsFlagsToString(previous) === value) flags = previous; // restoreBackupConfig
    else flags = keyspaceEventsStringToFlags(value);
    previous = applied;
    applied = flags;
    srv.keyspace.notifyKeyspaceEvents = flags;
    return undefined;
  });
  srv.keyspace.onKeyspaceEvent = (_type, event, key, dbid) => {
    const flags = srv.keyspace.notifyKeyspaceEvents;
    // pubsubPublishMessage with no subscriber delivers nothing: skip building the channels.
    if (srv.pubsub.empty) return;
    const eventBytes = bytesOfBin(event);
    if ((flags & NOTIFY_KEYSPACE) !== 0) srv.pubsub.publish(bytesOfBin(`__keyspace@${dbid}__:${key}`), eventBytes);
    if ((flags & NOTIFY_KEYEVENT) !== 0) srv.pubsub.publish(bytesOfBin(`__keyevent@${dbid}__:${event}`), bytesOfBin(key));
  };
}
