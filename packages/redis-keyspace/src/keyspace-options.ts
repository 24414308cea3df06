/**
 * Keyspace's construction options and the server.h limits they are checked against.
 */
import type { Prng } from '@protolab/sim';
import type { CostModel } from './expire-cycle.js';
import type { MaxmemoryOptions } from './maxmemory.js';
import type { PayloadCodec, PropagateFn } from './types.js';
import type { Thresholds } from './values.js';

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
}

/** server.h CONFIG_MIN_HZ / CONFIG_MAX_HZ / MAX_CLIENTS_PER_CLOCK_TICK */
export const CONFIG_MIN_HZ = 1;
export const CONFIG_MAX_HZ = 500;
export const MAX_CLIENTS_PER_CLOCK_TICK = 200;
