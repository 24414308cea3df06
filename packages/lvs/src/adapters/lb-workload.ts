import type { LbConfig } from '../lb/config.js';
import { NginxDirector } from '../lb/nginx-director.js';
import type { ReplayResult } from '../lb/replay.js';
import type { TrafficOptions } from '../workload/traffic.js';
import { driveOnSim, runWorkload } from './sim-workload.js';

/**
 * The seeded workload (Poisson arrivals, exponential lifetimes, a client pool) replayed on
 * @protolab/sim through the configured balancer; with `remove`, that server fails half-way
 * (IPVS: deleted as keepalived does; nginx: marked down) and clients seen before and after are
 * compared.
 */
export function replayWorkload(cfg: LbConfig, traffic: TrafficOptions & { seed: number }, remove?: string): ReplayResult {
  const fail = remove === undefined ? undefined : { name: remove, atMs: Math.floor(traffic.durationMs / 2) };
  const base = { balancer: '', source: cfg.source, clients: traffic.sources };
  const b = cfg.balancer;
  if (b.kind === 'ipvs') {
    const r = runWorkload({ ...traffic, scheduler: b.scheduler, flags: b.flags, servers: cfg.servers.map((s) => ({ name: s.name, weight: s.down ? 0 : s.weight })), ...(fail ? { fail } : {}) });
    return {
      ...base,
      balancer: `ipvs ${b.scheduler}`,
      servers: cfg.servers.map((s) => ({ name: s.name, weight: s.weight, picks: r.picks[s.name] ?? 0 })),
      none: r.none,
      ...(fail ? { removal: { server: fail.name, seen: r.movedSeen, moved: r.moved, fromRemoved: r.moved - r.movedCollateral, collateral: r.movedCollateral } } : {}),
    };
  }
  let director: NginxDirector | undefined;
  driveOnSim(traffic.seed, traffic, (sim) => (director = new NginxDirector(cfg, sim.random('random'), fail)));
  const d = director ?? new NginxDirector(cfg, { nextU32: () => 0 });
  let seen = 0;
  let moved = 0;
  let fromRemoved = 0;
  for (const [src, a] of d.after) {
    const was = d.before.get(src);
    if (was === undefined) continue;
    seen++;
    if (was !== a) {
      moved++;
      if (was === remove) fromRemoved++;
    }
  }
  return {
    ...base,
    balancer: `nginx ${b.method}`,
    servers: cfg.servers.map((s) => ({ name: s.name, weight: s.weight, picks: d.picks.get(s.name) ?? 0 })),
    none: d.none,
    ...(fail ? { removal: { server: fail.name, seen, moved, fromRemoved, collateral: moved - fromRemoved } } : {}),
  };
}
