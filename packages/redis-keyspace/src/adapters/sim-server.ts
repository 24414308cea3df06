/**
 * A redis-server event loop for @protolab/sim (server.c serverCron + beforeSleep, ae.c timers):
 *   - a `serverCron` timer every 1000/hz ms runs databasesCron → activeExpireCycle(SLOW);
 *   - every event-loop turn (after the cron tick and after each client command) runs beforeSleep →
 *     activeExpireCycle(FAST);
 *   - the cycle spends virtual CPU by the cost model; as in ae.c processTimeEvents, the next cron
 *     tick is scheduled 1000/hz ms after the handler *finished*, so a tick that used 25 ms of CPU
 *     delays the next one by that much.
 * Approximation: a command injected while a cycle is "running" is executed at its arrival time,
 * not after the cycle (the cycle is applied atomically at the tick instant).
 */
import type { NodeContext, NodeFactory, NodeHandlers } from '@protolab/sim';
import type { RespValue } from '@protolab/resp';
import { Keyspace } from '../keyspace.js';
import type { KeyspaceOptions } from '../keyspace.js';
import { CostModelClock } from '../expire-cycle.js';
import type { CycleResult } from '../expire-cycle.js';

export type RedisSimInput = { type: 'command'; argv: string[] } | { type: 'clients'; count: number };

export interface CycleRecord {
  type: 'slow' | 'fast';
  atMs: number;
  result: CycleResult;
}

export interface RedisSimNode extends NodeHandlers<never> {
  readonly keyspace: Keyspace;
  /** Replies to injected commands, in order. */
  readonly replies: RespValue[];
  /** Every cycle that ran (when `recordCycles` is on). */
  readonly cycles: CycleRecord[];
}

export interface RedisSimOptions extends Omit<KeyspaceOptions, 'now'> {
  /** Keep a CycleRecord per cycle that ran (default true). */
  recordCycles?: boolean;
  /** Initial number of connected clients (dynamic-hz input; default 1). */
  clients?: number;
  /**
   * When the first serverCron fires, in ms after the node starts (default 1000/hz). Sets the
   * phase of the ticks against the workload: a real server's phase is wherever its start put it.
   */
  firstCronDelayMs?: number;
}

export function redisSimNode(options: RedisSimOptions = {}): NodeFactory<never> {
  return (ctx: NodeContext<never>): RedisSimNode => {
    const keyspace = new Keyspace({ ...options, now: () => ctx.now() });
    const replies: RespValue[] = [];
    const cycles: CycleRecord[] = [];
    const record = options.recordCycles ?? true;
    let clients = options.clients ?? 1;

    const beforeSleep = (atMs: number): number => {
      const clock = new CostModelClock(atMs, keyspace.config.costModel);
      const result = keyspace.beforeSleep(clock);
      if (result.ran && record) cycles.push({ type: 'fast', atMs, result });
      return result.elapsedUs;
    };

    const cron = (): void => {
      const start = ctx.now();
      const clock = new CostModelClock(start, keyspace.config.costModel);
      const r = keyspace.serverCron(clock, clients);
      if (r.cycle.ran && record) cycles.push({ type: 'slow', atMs: start, result: r.cycle });
      const slowMs = r.cycle.elapsedUs / 1000;
      const fastMs = beforeSleep(start + slowMs) / 1000;
      ctx.setTimer(r.periodMs + slowMs + fastMs, 'serverCron');
    };

    ctx.setTimer(options.firstCronDelayMs ?? Math.floor(1000 / keyspace.config.hz), 'serverCron');

    return {
      keyspace,
      replies,
      cycles,
      onTimer(name: string): void {
        if (name === 'serverCron') cron();
      },
      onInput(input: unknown): void {
        const i = input as RedisSimInput;
        if (i.type === 'clients') clients = i.count;
        else replies.push(keyspace.execute(i.argv));
        beforeSleep(ctx.now());
      },
    };
  };
}
