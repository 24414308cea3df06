import { NginxUpstream, type NginxServerSpec } from '@protolab/nginx';
import { Prng } from '@protolab/sim';
import { LvsError } from '../errors.js';
import { VirtualService } from '../service.js';
import type { LbConfig } from './config.js';

/** Where every client went, and what moved when a server was taken out. */
export interface ReplayResult {
  balancer: string;
  source: string;
  clients: number;
  /** Per server, in configuration order. */
  servers: { name: string; weight: number; picks: number }[];
  /** Clients that got no server (IPVS "no destination", nginx 502). */
  none: number;
  removal?: { server: string; seen: number; moved: number; fromRemoved: number; collateral: number };
}

/** Destination-keyed IPVS schedulers: each client line is taken as the destination address. */
const BY_DESTINATION: ReadonlySet<string> = new Set(['dh', 'lblc', 'lblcr']);

/** One balancer built from the config; `assign` places one client and keeps its connection open. */
function balancerFor(cfg: LbConfig, seed: number, without?: string): (client: string) => string | null {
  const servers = cfg.servers.filter((s) => s.name !== without);
  const random = new Prng(seed);
  const b = cfg.balancer;
  if (b.kind === 'ipvs') {
    // servers added back to front (ipvsadm -a links at the front), so the list reads as configured
    const svc = new VirtualService({ scheduler: b.scheduler, flags: b.flags, random });
    for (let i = servers.length - 1; i >= 0; i--) {
      const s = servers[i];
      if (s !== undefined) svc.addDest({ name: s.name, weight: s.down ? 0 : s.weight, addr: s.name.split(':')[0] ?? s.name, port: Number(s.name.split(':')[1] ?? 80) });
    }
    const byDst = BY_DESTINATION.has(b.scheduler);
    return (client) => {
      const d = svc.schedule(byDst ? { srcAddr: '192.0.2.1', dstAddr: client } : { srcAddr: client, dstAddr: '198.51.100.1' });
      if (d !== null) d.activeConns++;
      return d?.name ?? null;
    };
  }
  if (servers.length === 0) return () => null;
  const specs: NginxServerSpec[] = servers.map((s) => ({ name: s.name, address: s.name, weight: s.weight, down: s.down, backup: s.backup }));
  const up = new NginxUpstream({ method: b.method, servers: specs, random });
  return (client) => up.pick(b.method === 'ip_hash' ? { clientAddr: client } : { key: client })?.name ?? null;
}

/**
 * Replays a list of clients (IPv4 addresses, or any keys for nginx `hash`) through the
 * balancer: each client opens one connection and keeps it (so least-connection balancers
 * spread them). With `remove`, the same clients are replayed on the same configuration without
 * that server, and every client whose server changed is counted.
 */
export function replayClients(cfg: LbConfig, clients: readonly string[], opts: { seed?: number; remove?: string } = {}): ReplayResult {
  if (clients.length === 0) throw new LvsError('BAD_OPTION', 'clients: expected at least one client');
  if (opts.remove !== undefined && !cfg.servers.some((s) => s.name === opts.remove)) {
    throw new LvsError('NO_SUCH_DEST', `remove: no server ${opts.remove} (servers: ${cfg.servers.map((s) => s.name).join(', ')})`);
  }
  const seed = opts.seed ?? 1;
  const assign = balancerFor(cfg, seed);
  const first = clients.map((c) => assign(c));
  const picks = new Map(cfg.servers.map((s) => [s.name, 0]));
  let none = 0;
  for (const p of first) {
    if (p === null) none++;
    else picks.set(p, (picks.get(p) ?? 0) + 1);
  }
  const result: ReplayResult = {
    balancer: cfg.balancer.kind === 'ipvs' ? `ipvs ${cfg.balancer.scheduler}` : `nginx ${cfg.balancer.method}`,
    source: cfg.source,
    clients: clients.length,
    servers: cfg.servers.map((s) => ({ name: s.name, weight: s.weight, picks: picks.get(s.name) ?? 0 })),
    none,
  };
  if (opts.remove !== undefined) {
    const again = balancerFor(cfg, seed, opts.remove);
    let moved = 0;
    let fromRemoved = 0;
    clients.forEach((c, i) => {
      const was = first[i] ?? null;
      const now = again(c);
      if (was === now) return;
      moved++;
      if (was === opts.remove) fromRemoved++;
    });
    result.removal = { server: opts.remove, seen: clients.length, moved, fromRemoved, collateral: moved - fromRemoved };
  }
  return result;
}
