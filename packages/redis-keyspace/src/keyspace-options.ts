/**
 * Keyspace's construction options and the server.h limits they are checked against.
 */
import type { Prng } from '@protolab/sim';
import type { CostModel } from './expire-cycle.js';
import type { MaxmemoryOptions } from './maxmemory.js';
import type { PayloadCodec, PropagateFn } from './types.js';
import type { Thresholds } from './values.js';
import type { RespVersion } from './replies.js';
import type { KeyspaceEventSink } from './notify.js';
import { KeyspaceError } from './types.js';

export interface KeyspaceOptions extends MaxmemoryOptions {
  /** Current Unix time in ms (the sim clock, or Date.now in an adapter). */
  now: () => number;
  /** `databases` (default 16). */
  databases?: number;
  /** Redis's propagate(): every write in order, in the form 7.0 writes to the AOF. */
  onPropagate?: PropagateFn;
  /** `hz` (1..500, default 10). */
  hz?: number;
  /** `dynamic-hz` (default true). */
  dynamicHz?: boolean;
  /** `active-expire-effort` (1..10, default 1). */
  activeExpireEffort?: number;
  /** Cost model for the simulated CPU of activeExpireCycle (default DEFAULT_COST_MODEL). */
  costModel?: CostModel;
  /** Encoding thresholds (defaults: Redis 7.0's). */
  thresholds?: Partial<Thresholds>;
  /** Randomness for RANDOMKEY, HRANDFIELD, … (default: `new Prng(0)`, so runs replay). */
  prng?: Prng;
  /** DUMP/RESTORE's payload format (@protolab/redis-rdb has the RDB encoding); without it they answer an error. */
  payloadCodec?: PayloadCodec;
  /**
   * `notify-keyspace-events` as its NOTIFY_* bits (notify.ts keyspaceEventsStringToFlags; default
   * 0, off): the classes whose events reach `onKeyspaceEvent`.
   */
  notifyKeyspaceEvents?: number;
  /** The sink of keyspace events (notify.c notifyKeyspaceEvent's publishing is the owner's). */
  onKeyspaceEvent?: KeyspaceEventSink;
}

/** server.h CONFIG_MIN_HZ / CONFIG_MAX_HZ / MAX_CLIENTS_PER_CLOCK_TICK */
export const CONFIG_MIN_HZ = 1;
export const CONFIG_MAX_HZ = 500;
export const MAX_CLIENTS_PER_CLOCK_TICK = 200;

/** How `execute` answers: `resp: 3` shapes replies as Redis 7.0 does for a client after HELLO 3. */
export interface ExecuteOptions {
  /** The connection's protocol version (client.resp; default 2, the shapes of a new connection). */
  resp?: RespVersion;
}

/** The protocol `execute` was asked for (a typed error for anything but 2 or 3). */
export function respOption(options: ExecuteOptions | undefined): RespVersion {
  const resp: unknown = options?.resp ?? 2;
  if (resp === 2 || resp === 3) return resp;
  throw new KeyspaceError('BAD_OPTION', `execute: resp must be 2 or 3, found ${String(resp)}`);
}

function checkIntRange(name: string, v: number, lo: number, hi: number): void {
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new KeyspaceError('BAD_OPTION', `${name} must be an integer in ${lo}..${hi}, found ${String(v)}`);
  }
}

/** `hz` and `activeExpireEffort` with their defaults, checked against config.c's bounds (KeyspaceError BAD_OPTION). */
export function timingOptions(options: KeyspaceOptions): { hz: number; effort: number } {
  const hz = options.hz ?? 10;
  const effort = options.activeExpireEffort ?? 1;
  checkIntRange('hz', hz, CONFIG_MIN_HZ, CONFIG_MAX_HZ);
  checkIntRange('activeExpireEffort', effort, 1, 10);
  return { hz, effort };
}
