import type { Scheduler, SchedulerOptions } from '../service.js';
import { fo, lc, nq, ovf, sed, wlc } from './conn.js';
import { IndexedLeastConn } from './indexed.js';
import { Lblc, Lblcr } from './lblc.js';
import { MaglevHashing } from './mh.js';
import { RoundRobin } from './rr.js';
import { DestinationHashing, SourceHashing } from './sh.js';
import { twos } from './twos.js';
import { WeightedRoundRobin } from './wrr.js';

/** Every scheduler of mainline IPVS (net/netfilter/ipvs/ip_vs_<name>.c). */
export const SCHEDULER_NAMES = ['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'sh', 'dh', 'mh', 'lblc', 'lblcr', 'fo', 'ovf', 'twos'] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

export function createScheduler(name: SchedulerName, opts: SchedulerOptions = {}): Scheduler {
  switch (name) {
    case 'rr':
      return new RoundRobin();
    case 'wrr':
      return new WeightedRoundRobin();
    case 'lc':
      return opts.indexed === true ? new IndexedLeastConn('lc') : lc();
    case 'wlc':
      return opts.indexed === true ? new IndexedLeastConn('wlc') : wlc();
    case 'sed':
      return opts.indexed === true ? new IndexedLeastConn('sed') : sed();
    case 'nq':
      return opts.indexed === true ? new IndexedLeastConn('nq') : nq();
    case 'sh':
      return new SourceHashing(opts);
    case 'dh':
      return new DestinationHashing(opts);
    case 'mh':
      return new MaglevHashing(opts);
    case 'lblc':
      return new Lblc(opts);
    case 'lblcr':
      return new Lblcr(opts);
    case 'fo':
      return fo();
    case 'ovf':
      return ovf();
    case 'twos':
      return twos();
  }
}

export { RoundRobin, WeightedRoundRobin, SourceHashing, DestinationHashing, MaglevHashing, Lblc, Lblcr, IndexedLeastConn };
