import { Sim } from '@protolab/sim';
import { LvsError } from '../errors.js';
import { DirectorCore, type DirectorInput, type WorkloadOptions, type WorkloadResult } from '../workload/director.js';
import { TrafficCore, type TrafficOptions } from '../workload/traffic.js';

/** A balancer core a workload can drive: `start` and `step` return the timers it wants. */
export interface WorkloadDirector {
  start(): { afterMs: number; input: DirectorInput }[];
  step(now: number, input: DirectorInput): { afterMs: number; input: DirectorInput }[];
}

type Msg = Extract<DirectorInput, { type: 'syn' | 'ack' | 'fin' }>;

/**
 * The thin sim adapter: a `clients` node runs the TrafficCore on its own PRNG stream and sends
 * SYN / ACK / FIN over the sim network (1–3 ms); a `director` node feeds every message and timer
 * to the director core and arms the timers it returns. Nothing here decides anything.
 */
export function driveOnSim(seed: number, traffic: TrafficOptions, makeDirector: (sim: Sim<Msg>) => WorkloadDirector): void {
  const sim = new Sim<Msg>({ seed, trace: false, link: { minDelayMs: 1, maxExtraDelayMs: 2 } });
  const director = makeDirector(sim);
  sim.addNode('clients', (ctx) => {
    const core = new TrafficCore(traffic, ctx.random);
    const arrive = (): void => {
      const a = core.arrive(ctx.now());
      if (a === null) return;
      ctx.send('director', { type: 'syn', cid: a.cid, src: a.src, sport: a.sport });
      ctx.setTimer(a.ackAfterMs, 'ack', a.cid);
      ctx.setTimer(a.finAfterMs, 'fin', a.cid);
      ctx.setTimer(a.nextArrivalMs, 'arrive');
    };
    ctx.setTimer(0, 'arrive');
    return {
      onTimer(name, data) {
        if (name === 'arrive') arrive();
        else ctx.send('director', { type: name === 'ack' ? 'ack' : 'fin', cid: Number(data) });
      },
    };
  });
  sim.addNode('director', (ctx) => {
    const arm = (timers: { afterMs: number; input: DirectorInput }[]): void => {
      for (const t of timers) ctx.setTimer(t.afterMs, 'input', t.input);
    };
    arm(director.start());
    return {
      onMessage(_from, m) {
        arm(director.step(ctx.now(), m));
      },
      onTimer(_name, data) {
        arm(director.step(ctx.now(), data as DirectorInput));
      },
    };
  });
  sim.runUntil(traffic.durationMs + 1);
}

/**
 * Runs one seeded workload through an LVS director on @protolab/sim (the clients' draws come
 * from their own stream, so the traffic is identical whichever scheduler runs).
 */
export function runWorkload(opts: WorkloadOptions): WorkloadResult {
  let core: DirectorCore | undefined;
  driveOnSim(opts.seed, opts, (sim) => (core = new DirectorCore(opts, sim.random('twos'))));
  if (core === undefined) throw new LvsError('INVARIANT', 'the director core was not built');
  return core.result();
}
