import { NginxUpstream, type NginxPeer } from '@protolab/nginx';
import { formatIPv4 } from '../addr.js';
import type { DirectorInput, DirectorTimer } from '../workload/director.js';
import type { WorkloadDirector } from '../adapters/sim-workload.js';
import type { LbConfig } from './config.js';

/**
 * An nginx worker as a workload director core (the counterpart of DirectorCore for IPVS): a
 * SYN picks a peer for the client (ip_hash keys on its address, hash on its address as text),
 * the FIN frees it. At `failAtMs` the removed server is marked down (a reload without it would
 * reset every counter; down keeps them). Counts picks and which clients moved.
 */
export class NginxDirector implements WorkloadDirector {
  readonly #up: NginxUpstream;
  readonly #byCid = new Map<number, NginxPeer>();
  readonly picks = new Map<string, number>();
  none = 0;
  readonly before = new Map<number, string>();
  readonly after = new Map<number, string>();
  readonly #fail: { name: string; atMs: number } | undefined;

  constructor(cfg: LbConfig, random: { nextU32(): number }, fail?: { name: string; atMs: number }) {
    const method = cfg.balancer.kind === 'nginx' ? cfg.balancer.method : 'round_robin';
    this.#up = new NginxUpstream({ method, random, servers: cfg.servers.map((s) => ({ name: s.name, address: s.name, weight: s.weight, down: s.down, backup: s.backup })) });
    for (const s of cfg.servers) this.picks.set(s.name, 0);
    this.#fail = fail;
  }

  start(): DirectorTimer[] {
    return this.#fail === undefined ? [] : [{ afterMs: this.#fail.atMs, input: { type: 'fail' } }];
  }

  step(now: number, input: DirectorInput): DirectorTimer[] {
    if (input.type === 'syn') {
      const client = formatIPv4(input.src);
      const p = this.#up.pick({ clientAddr: client, key: client });
      if (p === null) {
        this.none++;
        return [];
      }
      this.#byCid.set(input.cid, p);
      this.picks.set(p.name, (this.picks.get(p.name) ?? 0) + 1);
      const log = this.#fail !== undefined && now >= this.#fail.atMs ? this.after : this.before;
      if (log === this.before || !this.after.has(input.src)) log.set(input.src, p.name);
    } else if (input.type === 'fin') {
      const p = this.#byCid.get(input.cid);
      if (p !== undefined) this.#up.free(p);
      this.#byCid.delete(input.cid);
    } else if (input.type === 'fail' && this.#fail !== undefined) {
      this.#up.peer(this.#fail.name).down = true;
    }
    return [];
  }
}
