/**
 * Keyspace notifications (redis/redis src/notify.c, 7.0): the NOTIFY_* class bits of server.h,
 * keyspaceEventsStringToFlags / keyspaceEventsFlagsToString (the `notify-keyspace-events`
 * parameter's parsing and canonical form), and notifyKeyspaceEvent, which every command unit
 * calls where Redis does. This package does no Pub/Sub: an event whose class is enabled goes to
 * the sink the owner installed (`KeyspaceOptions.onKeyspaceEvent`); a server publishes it on
 * `__keyspace@<db>__:<key>` / `__keyevent@<db>__:<event>` as notify.c does.
 *
 * With notifications off (flags 0, the default) a call costs one bit test.
 */
import type { KeyspaceCore } from './core.js';

/** server.h NOTIFY_KEYSPACE: 'K', publish on __keyspace@<db>__:<key>. */
export const NOTIFY_KEYSPACE = 1 << 0;
/** server.h NOTIFY_KEYEVENT: 'E', publish on __keyevent@<db>__:<event>. */
export const NOTIFY_KEYEVENT = 1 << 1;
/** 'g': DEL, EXPIRE, RENAME, … */
export const NOTIFY_GENERIC = 1 << 2;
/** '$' */
export const NOTIFY_STRING = 1 << 3;
/** 'l' */
export const NOTIFY_LIST = 1 << 4;
/** 's' */
export const NOTIFY_SET = 1 << 5;
/** 'h' */
export const NOTIFY_HASH = 1 << 6;
/** 'z' */
export const NOTIFY_ZSET = 1 << 7;
/** 'x': a key removed because its TTL passed (lazy or active expiry). */
export const NOTIFY_EXPIRED = 1 << 8;
/** 'e': a key removed by maxmemory eviction. */
export const NOTIFY_EVICTED = 1 << 9;
/** 't' (streams; no command here raises it). */
export const NOTIFY_STREAM = 1 << 10;
/** 'm': a read lookup found no key (not part of 'A'). */
export const NOTIFY_KEY_MISS = 1 << 11;
/** server.h NOTIFY_LOADED: modules only, never published. */
export const NOTIFY_LOADED = 1 << 12;
/** 'd': module events (none here). */
export const NOTIFY_MODULE = 1 << 13;
/** 'n': dbAdd added a key (not part of 'A'). */
export const NOTIFY_NEW = 1 << 14;
/** 'A': every class but 'm' and 'n' (server.h NOTIFY_ALL, 7.0). */
export const NOTIFY_ALL =
  NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

/** The characters notify-keyspace-events accepts, each with its bits. */
const CLASS_CHARS = new Map<string, number>([
  ['A', NOTIFY_ALL],
  ['g', NOTIFY_GENERIC],
  ['$', NOTIFY_STRING],
  ['l', NOTIFY_LIST],
  ['s', NOTIFY_SET],
  ['h', NOTIFY_HASH],
  ['z', NOTIFY_ZSET],
  ['x', NOTIFY_EXPIRED],
  ['e', NOTIFY_EVICTED],
  ['K', NOTIFY_KEYSPACE],
  ['E', NOTIFY_KEYEVENT],
  ['t', NOTIFY_STREAM],
  ['m', NOTIFY_KEY_MISS],
  ['d', NOTIFY_MODULE],
  ['n', NOTIFY_NEW],
]);

/**
 * notify.c keyspaceEventsStringToFlags: the OR of every character's classes, or -1 when a
 * character names no class (case matters: 'a' is invalid). The empty string is 0 (off).
 */
export function keyspaceEventsStringToFlags(classes: string): number {
  let flags = 0;
  for (const ch of classes) {
    const bits = CLASS_CHARS.get(ch);
    if (bits === undefined) return -1;
    flags |= bits;
  }
  return flags;
}

/**
 * notify.c keyspaceEventsFlagsToString: 'A' when every class of NOTIFY_ALL is on, else each class
 * in the order g $ l s h z x e t d n; then K, E, m. With 'A', an 'n' is not written ("AKEn" reads
 * back as "AKE" on 7.0.15 although new-key events stay on).
 */
export function keyspaceEventsFlagsToString(flags: number): string {
  let res = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) res += 'A';
  else {
    const order: [number, string][] = [
      [NOTIFY_GENERIC, 'g'], [NOTIFY_STRING, '$'], [NOTIFY_LIST, 'l'], [NOTIFY_SET, 's'], [NOTIFY_HASH, 'h'], [NOTIFY_ZSET, 'z'],
      [NOTIFY_EXPIRED, 'x'], [NOTIFY_EVICTED, 'e'], [NOTIFY_STREAM, 't'], [NOTIFY_MODULE, 'd'], [NOTIFY_NEW, 'n'],
    ];
    for (const [bit, ch] of order) if ((flags & bit) !== 0) res += ch;
  }
  if ((flags & NOTIFY_KEYSPACE) !== 0) res += 'K';
  if ((flags & NOTIFY_KEYEVENT) !== 0) res += 'E';
  if ((flags & NOTIFY_KEY_MISS) !== 0) res += 'm';
  return res;
}

/** config.c's error text for a character keyspaceEventsStringToFlags refuses (7.0.15). */
export const INVALID_EVENT_CLASS = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

/**
 * Where an enabled event goes: `type` the class bit it was raised with, `event` its name ("set",
 * "expired", …), `key` the key as a binary string (one char per byte), `dbid` its db.
 */
export type KeyspaceEventSink = (type: number, event: string, key: string, dbid: number) => void;

/**
 * notify.c notifyKeyspaceEvent: hand the event to the sink when its class is enabled (the
 * K/E channel choice is the sink's, as notify.c publishes by NOTIFY_KEYSPACE / NOTIFY_KEYEVENT).
 */
export function notifyKeyspaceEvent(core: KeyspaceCore, type: number, event: string, key: string, dbid: number): void {
  if ((core.notifyKeyspaceEvents & type) === 0) return;
  const sink = core.onKeyspaceEvent;
  if (sink !== undefined) sink(type, event, key, dbid);
}
