/**
 * @protolab/lvs — Linux IPVS schedulers decision-exact with net/netfilter/ipvs, LVS forwarding
 * modes as packet rewrites, and keepalived's TCP_CHECK, VRRP election and configuration parser.
 * (nginx's balancers are @protolab/nginx.)
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
export { ConnTable, bindDest, unbindDest, IPVS_TIMEOUTS_MS, type Conn, type ConnState } from './conntable.js';
export { DirectorCore, type WorkloadOptions, type WorkloadResult, type DirectorInput, type DirectorTimer } from './workload/director.js';
export { TrafficCore, HANDSHAKE_MS, pareto, type TrafficOptions, type TrafficRandom, type Arrival } from './workload/traffic.js';
export { runWorkload, driveOnSim, type WorkloadDirector } from './adapters/sim-workload.js';
export { forward, natInbound, natOutbound, drInbound, tunInbound, describeFrame, IPIP_OVERHEAD, type ForwardingMethod, type Frame, type Director, type RealServer, type Host, type Hop, type ForwardingResult } from './forwarding.js';
export { tcpEpilog, initialTcpCheck, attemptDurationMs, TCP_CHECK_DEFAULTS, type TcpCheckConfig, type TcpCheckState, type TcpCheckStep, type ServerBehaviour } from './keepalived/tcp-check.js';
export { masterShouldYield, backupOnAdvert, skewTimeMs, masterDownIntervalMs, VrrpCore, type VrrpPeer, type BackupAction, type VrrpInput, type VrrpOutput, type VrrpCoreConfig } from './keepalived/vrrp.js';
export { keepalivedChecker, vrrpNode, type CheckedServer, type HealthEvent, type VrrpAdvert, type VrrpNodeConfig, type VrrpHandlers } from './adapters/keepalived-sim.js';
export { parseKeepalivedConf, parseTree, type ParseCounter, type KeepalivedConfig, type VrrpInstanceConf, type VirtualServerConf, type RealServerConf, type ConfNode } from './keepalived/config.js';
export { parseIpvsadmSave, type IpvsadmService, type IpvsadmDest } from './lb/ipvsadm.js';
export { loadConfig, parseBalancer, balancerName, type Balancer, type LbConfig, type LbServer, type ConfigFormat } from './lb/config.js';
export { replayClients, type ReplayResult } from './lb/replay.js';
export { formatReplay } from './lb/format.js';
export { NginxDirector } from './lb/nginx-director.js';
export { replayWorkload } from './adapters/lb-workload.js';
