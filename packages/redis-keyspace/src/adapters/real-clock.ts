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

export interface RealClockOptions extends Omit<KeyspaceOptions, 'now'> {
  /** Override the clock (tests); default Date.now. */
  now?: () => number;
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
    const { now, keepAlive, ...rest } = options;
    this.keyspace = new Keyspace({ ...rest, now: now ?? (() => Date.now()) });
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
