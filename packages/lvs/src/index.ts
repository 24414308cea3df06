/**
 * @protolab/lvs — Linux IPVS schedulers decision-exact with net/netfilter/ipvs, nginx 1.22's
 * upstream balancers, LVS forwarding modes as packet rewrites, and keepalived's TCP_CHECK, VRRP
 * election and configuration parser.
 */
export { LvsError, KeepalivedConfigError, type LvsErrorCode } from './errors.js';
export { parseIPv4, formatIPv4, toAddr, hash32 } from './addr.js';
export { Dest, connOverhead, mulGt } from './dest.js';
export {
  VirtualService,
  type Packet,
  type SchedPacket,
  type ServiceFlag,
  type ServiceView,
  type Scheduler,
  type SchedulerOptions,
  type VirtualServiceOptions,
  type DestSpec,
  type DestEdit,
  type RandomSource,
} from './service.js';
export { SCHEDULER_NAMES, createScheduler, type SchedulerName } from './schedulers/index.js';
export { RoundRobin } from './schedulers/rr.js';
export { WeightedRoundRobin, gcdWeight } from './schedulers/wrr.js';
export { lcPick, wlcPick, sedPick, nqPick, foPick, ovfPick, weightedLeastPick } from './schedulers/conn.js';
export { twosPick } from './schedulers/twos.js';
export { SourceHashing, DestinationHashing, tableBucket, TAB_SIZE } from './schedulers/sh.js';
export { MaglevHashing, MH_PRIMES } from './schedulers/mh.js';
export { hsiphash32 } from './schedulers/siphash.js';
export { Lblc, Lblcr, lblcOverloaded, destSetMin, destSetMax, CHECK_EXPIRE_INTERVAL_MS } from './schedulers/lblc.js';
export { IndexedLeastConn, type IndexedKind } from './schedulers/indexed.js';
