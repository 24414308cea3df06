/**
 * Real-clock adapter: the same Keyspace and activeExpireCycle on the process's clock, for programs
 * that want a Redis-like TTL store. `Date.now` is "now", the cycle's ustime() is the monotonic
 * clock (so its time limit is real CPU+wall time, as in Redis), serverCron runs on a timer every
 * 1000/hz ms (rescheduled after each tick, like ae.c), and `beforeSleep` runs after every command
 * issued through the adapter.
 */
import { Keyspace } from '../keyspace.js';
import type { KeyspaceOptions } from '../keyspace.js';
import type { CycleClock, CycleResult } from '../expire-cycle.js';
import type { RespValue } from '@protolab/resp';
import { KeyspaceError } from '../types.js';

/** ustime() from performance.now(); charges are ignored (the real clock measures real work). */
export class RealCycleClock implements CycleClock {
  private readonly originUs = Date.now() * 1000 - performance.now() * 1000;
  ustime(): number {
    return this.originUs + performance.now() * 1000;
  }
  charge(): void {
    /* real time passes by itself */
  }
}

/**
 * "now" for a program: Date.now() read once and then reused for at most `maxReads` calls in
 * the same synchronous run of the caller's code; any yield (await, callback, timer) resets it
 * through a microtask, so the next call reads the clock again.
 *
 * redis-server reads the clock once per command (call() → updateCachedTime), so a key is never
 * served after its deadline. With `maxReads` n > 1, a key can be served for at most the time
 * n - 1 further commands take inside one synchronous loop (microseconds); n = 1 is Redis's rule.
 * The reason to batch: on a VM a clock read costs 50+ ns and stalls the CPU's overlapping of
 * cache misses, which measured as half of GET's time on 1e6 keys (bench/ttl-cache.ts).
 */
export function batchedClock(maxReads = 64, read: () => number = () => Date.now()): () => number {
  if (!Number.isInteger(maxReads) || maxReads < 1) {
    throw new KeyspaceError('BAD_OPTION', `maxReads must be an integer >= 1, found ${String(maxReads)}`);
  }
  if (maxReads === 1) return read;
  let cached = 0;
  let left = 0;
  let armed = false;
  const reset = (): void => {
    left = 0;
    armed = false;
  };
  return () => {
    if (left > 0) {
      left--;
      return cached;
    }
    cached = read();
    left = maxReads - 1;
    if (!armed) {
      armed = true;
      queueMicrotask(reset);
    }
    return cached;
  };
}

export interface RealClockOptions extends Omit<KeyspaceOptions, 'now'> {
  /** Override the clock (tests); default Date.now. */
  now?: () => number;
  /**
   * Commands that may share one clock read inside one synchronous run (default 64; 1 reads the
   * clock for every command, exactly as redis-server does). See batchedClock.
   */
  commandsPerClockRead?: number;
  /** Let the timer keep the process alive (default false: unref'd). */
  keepAlive?: boolean;
}

export class RealClockKeyspace {
  readonly keyspace: Keyspace;
  private readonly clock = new RealCycleClock();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly keepAlive: boolean;
  /** The last slow cycle's result (for monitoring). */
  lastCycle: CycleResult | undefined;

  constructor(options: RealClockOptions = {}) {
    const { now, keepAlive, commandsPerClockRead, ...rest } = options;
    this.keyspace = new Keyspace({ ...rest, now: batchedClock(commandsPerClockRead ?? 64, now ?? (() => Date.now())) });
    this.keepAlive = keepAlive ?? false;
    this.schedule(Math.floor(1000 / this.keyspace.config.hz));
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      const r = this.keyspace.serverCron(this.clock);
      this.lastCycle = r.cycle;
      this.keyspace.beforeSleep(this.clock);
      this.schedule(r.periodMs);
    }, ms);
    if (!this.keepAlive) this.timer.unref();
  }

  /** Run a command, then beforeSleep (the fast cycle), as one event-loop turn of redis-server. */
  execute(argv: readonly (string | Uint8Array)[]): RespValue {
    const r = this.keyspace.execute(argv);
    this.keyspace.beforeSleep(this.clock);
    return r;
  }

  /** Stop the serverCron timer. */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
