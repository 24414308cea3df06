/**
 * Scenario: load balancing. One seeded stream of client connections (@protolab/lvs's
 * TrafficCore: Poisson arrivals, exponential or Pareto lifetimes, a pool of client addresses) goes
 * to two balancers at once, over the simulated network:
 *   - an IPVS director (@protolab/lvs's DirectorCore: a VirtualService with the chosen scheduler
 *     and the kernel's connection table, SYN_RECV → ESTABLISHED → TIME_WAIT);
 *   - one nginx worker's upstream (@protolab/nginx's NginxUpstream with the chosen method; a
 *     request holds its peer from the SYN until the FIN).
 * Servers can be added, removed, re-weighted and overloaded while it runs. For the hashing
 * balancers (sh, dh, mh, ip_hash, hash consistent) the page counts how many returning clients
 * moved to another server after the last change.
 */
import { Sim } from '@protolab/sim';
import { DirectorCore, TrafficCore, SCHEDULER_NAMES, type DirectorInput, type SchedulerName } from '@protolab/lvs';
import { NginxUpstream, NGINX_METHODS, type NginxMethod, type NginxPeer, type NginxServerSpec } from '@protolab/nginx';
import type { ScenarioRun } from '../timeline.js';
import { applyFault, decodeFault, encodeFault, isFault, type FaultAction } from './faults.js';

export interface BalancingParams {
  readonly scheduler: SchedulerName;
  readonly method: NginxMethod;
  readonly servers: number;
  readonly arrivalsPerSec: number;
  readonly meanConnMs: number;
  readonly sources: number;
}

export type BalancingAction =
  | { readonly type: 'add'; readonly name: string; readonly weight: number }
  | { readonly type: 'remove'; readonly name: string }
  | { readonly type: 'weight'; readonly name: string; readonly weight: number }
  | { readonly type: 'overload'; readonly name: string; readonly on: boolean }
  | FaultAction;

type Msg = Extract<DirectorInput, { type: 'syn' | 'ack' | 'fin' }>;

interface Moves { seen: number; moved: number }

export interface BalancerView {
  readonly active: ReadonlyMap<string, number>;
  readonly picks: ReadonlyMap<string, number>;
  readonly moves: Moves;
}

const ipOf = (src: number): string => `${String((src >>> 24) & 255)}.${String((src >>> 16) & 255)}.${String((src >>> 8) & 255)}.${String(src & 255)}`;

export class BalancingRun implements ScenarioRun<BalancingAction> {
  readonly sim: Sim;
  readonly director: DirectorCore;
  private upstream: NginxUpstream;
  private readonly specs = new Map<string, NginxServerSpec>();
  private readonly held = new Map<number, NginxPeer>();
  private readonly picks = { ipvs: new Map<string, number>(), nginx: new Map<string, number>() };
  /** Per balancer: where each source went, since the last topology change and before it. */
  private readonly where = { ipvs: new Map<number, string>(), nginx: new Map<number, string>() };
  private readonly before = { ipvs: new Map<number, string>(), nginx: new Map<number, string>() };
  private readonly moves = { ipvs: { seen: 0, moved: 0 }, nginx: { seen: 0, moved: 0 } };
  readonly series: { t: number; ipvs: Map<string, number>; nginx: Map<string, number> }[] = [];

  constructor(readonly params: BalancingParams, readonly seed: number) {
    const sim = new Sim<Msg>({ seed, trace: false, link: { minDelayMs: 1, maxExtraDelayMs: 2 } });
    this.sim = sim as unknown as Sim;
    const servers = Array.from({ length: params.servers }, (_, i) => ({ name: `rs${String(i + 1)}`, weight: 1 }));
    for (const [i, s] of servers.entries()) this.specs.set(s.name, { name: s.name, address: `10.0.0.${String(i + 1)}:80`, weight: s.weight });
    this.director = new DirectorCore({
      seed, scheduler: params.scheduler, servers, durationMs: 3_600_000, arrivalsPerSec: params.arrivalsPerSec,
      meanConnMs: params.meanConnMs, sources: params.sources, sampleMs: 250,
    }, sim.random('twos'));
    this.upstream = this.newUpstream();
    const traffic = { durationMs: 3_600_000, arrivalsPerSec: params.arrivalsPerSec, meanConnMs: params.meanConnMs, sources: params.sources };
    sim.addNode('clients', (ctx) => {
      const core = new TrafficCore(traffic, ctx.random);
      const arrive = (): void => {
        const a = core.arrive(ctx.now());
        if (a === null) return;
        const syn: Msg = { type: 'syn', cid: a.cid, src: a.src, sport: a.sport };
        ctx.send('ipvs', syn);
        ctx.send('nginx', syn);
        ctx.setTimer(a.ackAfterMs, 'ack', a.cid);
        ctx.setTimer(a.finAfterMs, 'fin', a.cid);
        ctx.setTimer(a.nextArrivalMs, 'arrive');
      };
      ctx.setTimer(0, 'arrive');
      return {
        onTimer(name, data) {
          if (name === 'arrive') { arrive(); return; }
          const m: Msg = { type: name === 'ack' ? 'ack' : 'fin', cid: Number(data) };
          ctx.send('ipvs', m);
          ctx.send('nginx', m);
        },
      };
    });
    sim.addNode('ipvs', (ctx) => {
      const arm = (timers: { afterMs: number; input: DirectorInput }[]): void => {
        for (const t of timers) ctx.setTimer(t.afterMs, 'input', t.input);
      };
      arm(this.director.start());
      return {
        onMessage: (_from, m) => {
          if (m.type === 'syn') {
            // The scheduled destination is the one whose connection count the SYN raised.
            const dests = this.director.svc.dests;
            const before = dests.map((d) => d.activeConns + d.inactConns);
            arm(this.director.step(ctx.now(), m));
            const chosen = dests.find((d, i) => d.activeConns + d.inactConns > (before[i] ?? 0));
            if (chosen !== undefined) this.record('ipvs', m.src, chosen.name);
            return;
          }
          arm(this.director.step(ctx.now(), m));
        },
        onTimer: (_name, data) => {
          const input = data as DirectorInput;
          arm(this.director.step(ctx.now(), input));
          if (input.type === 'sample') this.sample(ctx.now());
        },
      };
    });
    sim.addNode('nginx', () => ({
      onMessage: (_from, m) => {
        if (m.type === 'syn') {
          const peer = this.upstream.pick({ clientAddr: ipOf(m.src), key: ipOf(m.src) });
          if (peer !== null) { this.held.set(m.cid, peer); this.record('nginx', m.src, peer.name); }
        } else if (m.type === 'fin') {
          const peer = this.held.get(m.cid);
          if (peer !== undefined) { this.held.delete(m.cid); this.upstream.free(peer); }
        }
      },
    }));
  }

  private newUpstream(): NginxUpstream {
    return new NginxUpstream({ method: this.params.method, servers: [...this.specs.values()], now: () => this.sim.now(), random: this.sim.random('nginx') });
  }

  private record(who: 'ipvs' | 'nginx', src: number, server: string): void {
    const picks = this.picks[who];
    picks.set(server, (picks.get(server) ?? 0) + 1);
    const prev = this.before[who].get(src);
    if (prev !== undefined && !this.where[who].has(src)) {
      this.moves[who].seen++;
      if (prev !== server) this.moves[who].moved++;
    }
    this.where[who].set(src, server);
  }

  private sample(t: number): void {
    const ipvs = new Map<string, number>();
    for (const d of this.director.svc.dests) ipvs.set(d.name, d.activeConns);
    const nginx = new Map<string, number>();
    for (const p of this.upstream.peers()) nginx.set(p.name, p.conns);
    this.series.push({ t, ipvs, nginx });
    if (this.series.length > 2400) this.series.splice(0, this.series.length - 2400);
  }

  /** A topology change: remember where every source went so far, count moves from now on. */
  private changed(): void {
    for (const who of ['ipvs', 'nginx'] as const) {
      for (const [src, s] of this.where[who]) this.before[who].set(src, s);
      this.where[who].clear();
      this.moves[who] = { seen: 0, moved: 0 };
    }
  }

  apply(a: BalancingAction): void {
    if (isFault(a)) {
      applyFault(this.sim, a);
      return;
    }
    const svc = this.director.svc;
    switch (a.type) {
      case 'add':
        svc.addDest({ name: a.name, weight: a.weight });
        this.specs.set(a.name, { name: a.name, address: `10.0.0.${String(this.specs.size + 1)}:80`, weight: a.weight });
        break;
      case 'remove':
        svc.delDest(a.name);
        this.specs.delete(a.name);
        break;
      case 'weight':
        svc.editDest(a.name, { weight: a.weight });
        this.specs.set(a.name, { ...(this.specs.get(a.name) ?? { name: a.name, address: '10.0.0.99:80' }), weight: Math.max(1, a.weight) });
        break;
      case 'overload':
        // IPVS: an upper connection threshold of 1 marks the server overloaded (IP_VS_DEST_F_OVERLOAD);
        // nginx: `down` takes it out of the upstream.
        svc.editDest(a.name, { uThreshold: a.on ? 1 : 0, lThreshold: 0 });
        this.specs.set(a.name, { ...(this.specs.get(a.name) ?? { name: a.name, address: '10.0.0.99:80' }), down: a.on });
        break;
    }
    // nginx applies a new upstream configuration on reload: new workers, counters from zero.
    this.held.clear();
    this.upstream = this.newUpstream();
    this.changed();
  }

  view(): { ipvs: BalancerView; nginx: BalancerView; servers: string[] } {
    const active = (who: 'ipvs' | 'nginx'): Map<string, number> => this.series.at(-1)?.[who] ?? new Map<string, number>();
    return {
      servers: this.director.svc.dests.map((d) => d.name).sort(),
      ipvs: { active: active('ipvs'), picks: this.picks.ipvs, moves: { ...this.moves.ipvs } },
      nginx: { active: active('nginx'), picks: this.picks.nginx, moves: { ...this.moves.nginx } },
    };
  }
}

export function encodeBalancingAction(a: BalancingAction): string {
  if (isFault(a)) return encodeFault(a);
  switch (a.type) {
    case 'add': return `add.${a.name}.${String(a.weight)}`;
    case 'remove': return `remove.${a.name}`;
    case 'weight': return `weight.${a.name}.${String(a.weight)}`;
    case 'overload': return `overload.${a.name}.${a.on ? '1' : '0'}`;
  }
}

export function decodeBalancingAction(s: string): BalancingAction {
  const fault = decodeFault(s);
  if (fault !== undefined) return fault;
  const [t, name = '', n = ''] = s.split('.');
  if (!/^[a-z0-9-]{1,16}$/.test(name)) throw new RangeError(`bad server name in '${s}'`);
  const num = Number(n);
  switch (t) {
    case 'add': case 'weight':
      if (!Number.isInteger(num) || num < 0 || num > 65535) throw new RangeError(`bad weight in '${s}'`);
      return { type: t, name, weight: num };
    case 'remove': return { type: 'remove', name };
    case 'overload': return { type: 'overload', name, on: n === '1' };
    default: throw new RangeError(`unknown balancing action '${s}'`);
  }
}

export const IPVS_SCHEDULERS: readonly SchedulerName[] = SCHEDULER_NAMES;
export const NGINX_BALANCERS: readonly NginxMethod[] = NGINX_METHODS;

export const BALANCING_REAL = [
  ['IPVS', 'net/netfilter/ipvs/ip_vs_core.c ip_vs_schedule: a new connection asks the service\'s scheduler (ip_vs_wlc.c, ip_vs_sh.c, ip_vs_mh.c, …) for a destination; the connection table then keeps it there until it expires.'],
  ['Connection counts', 'ip_vs_conn.c: activeconns counts ESTABLISHED connections, inactconns the others (SYN_RECV, TIME_WAIT); the lc family weighs them as active × 256 + inactive.'],
  ['nginx', 'ngx_http_upstream_round_robin.c / _least_conn / _ip_hash / _hash: each worker picks a peer per request; a configuration change takes a reload, which starts new workers with fresh counters.'],
  ['Moves', 'sh and dh hash into a 256-bucket table, mh into a Maglev table, nginx\'s hash consistent onto a ketama ring: removing a server moves only its clients (mh, consistent hashing) or reshuffles others too (sh with its table rebuilt).'],
] as const;
