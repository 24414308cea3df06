/**
 * The replica's side of Redis Cluster fail-over (cluster.c, Redis 7.0): clusterHandleSlaveFailover
 * (election delay by rank, FAILOVER_AUTH_REQUEST, counting acks against the majority of masters
 * serving slots, clusterFailoverReplaceYourMaster), the master's vote
 * (clusterSendFailoverAuthIfNeeded, one per epoch) and CLUSTER FAILOVER [FORCE|TAKEOVER]
 * (MFSTART, the paused master's offset, clusterBumpConfigEpochWithoutConsensus).
 * Functions over a ClusterBusNode, as cluster.c's functions work on server.cluster.
 */
import type { BusHeader, BusOutput, ClusterNodeView } from './bus-types.js';
import { CLUSTER_MF_PAUSE_MULT, CLUSTER_MF_TIMEOUT } from './bus-types.js';
import type { ClusterBusNode } from './cluster-bus.js';
import { clusterGetSlaveRank, clusterSendFailoverAuthIfNeeded as decideVote, failoverAuthDelayMs, neededQuorum } from './election.js';
import { slotsIn } from './slot-view.js';

/** server.cluster->failover_auth_* and mf_* */
export interface FailoverState {
  authTime: number;
  authCount: number;
  authSent: boolean;
  authRank: number;
  authEpoch: number;
  /** Masters whose ack we counted in authEpoch (TCP never duplicates; the simulated net may). */
  readonly voters: Set<string>;
  /** Manual fail-over: deadline (0 = none), the replica a master serves it for, the master's paused offset. */
  mfEnd: number;
  mfSlave: string | undefined;
  mfMasterOffset: number;
  mfCanStart: boolean;
  /** A master in a manual fail-over pauses its clients until this time. */
  clientsPausedUntil: number;
  /** Why the replica cannot fail over now (clusterLogCantFailover), for observers. */
  cantFailover: string | undefined;
}

export function freshFailoverState(): FailoverState {
  return { authTime: Number.NEGATIVE_INFINITY, authCount: 0, authSent: false, authRank: 0, authEpoch: 0, voters: new Set(), mfEnd: 0, mfSlave: undefined, mfMasterOffset: -1, mfCanStart: false, clientsPausedUntil: 0, cantFailover: undefined };
}

/** The sibling replicas of our master, with what they advertised. */
function siblings(n: ClusterBusNode): ClusterNodeView[] {
  const master = n.myself.slaveof;
  return [...n.nodes.values()].filter((v) => v.id !== n.myid && v.role === 'replica' && v.slaveof === master);
}

function rank(n: ClusterBusNode): number {
  return clusterGetSlaveRank(n.replOffset, siblings(n).map((s) => ({ repl_offset: s.repl_offset, cantFailover: s.pfail || s.fail })));
}

/** clusterHandleSlaveFailover, run by clusterCron on a replica. */
export function clusterHandleSlaveFailover(n: ClusterBusNode, now: number, out: BusOutput[]): void {
  const me = n.myself;
  const fo = n.fo;
  const master = me.slaveof === undefined ? undefined : n.nodes.get(me.slaveof);
  const manual = fo.mfEnd > 0 && fo.mfCanStart;
  const timeout = n.config.nodeTimeoutMs;
  const authTimeout = Math.max(timeout * 2, 2000);
  const authRetryTime = authTimeout * 2;
  if (master === undefined || (!master.fail && !manual) || n.slots.numSlots(master.id) === 0) {
    fo.cantFailover = master === undefined ? 'no-master' : 'master-not-failed-or-no-slots';
    return;
  }
  let dataAge = now - n.lastMasterData;
  if (dataAge > timeout) dataAge -= timeout;
  const factor = n.config.replicaValidityFactor ?? 10;
  if (factor > 0 && !manual && dataAge > ((n.config.replPingReplicaPeriodMs ?? 10_000) + timeout) * factor) {
    fo.cantFailover = 'data-age';
    return;
  }
  if (now - fo.authTime > authRetryTime) {
    // A new election: wait 500 ms + random(500) + 1 s per better-placed sibling (none if manual).
    fo.authRank = manual ? 0 : rank(n);
    fo.authTime = manual ? now : now + failoverAuthDelayMs(fo.authRank, n.random(500));
    fo.authCount = 0;
    fo.authSent = false;
    fo.voters.clear();
    // clusterBroadcastPong(CLUSTER_BROADCAST_LOCAL_SLAVES): let the siblings see our offset.
    for (const s of siblings(n)) n.ping(s.id, 'PONG', now, out);
    return;
  }
  if (!fo.authSent && !manual) {
    const newRank = rank(n);
    if (newRank > fo.authRank) fo.authTime += (newRank - fo.authRank) * 1000;
    fo.authRank = newRank;
  }
  if (now < fo.authTime) return;
  if (now - fo.authTime > authTimeout) {
    fo.cantFailover = 'election-expired';
    return;
  }
  if (!fo.authSent) {
    n.currentEpoch++;
    fo.authEpoch = n.currentEpoch;
    fo.authSent = true;
    n.event({ type: 'auth-request', epoch: fo.authEpoch, rank: fo.authRank, manual });
    n.broadcast({ type: 'FAILOVER_AUTH_REQUEST', hdr: n.header({ forceAck: manual }) }, out);
    return;
  }
  const needed = neededQuorum(n.mastersWithSlots());
  if (fo.authCount < needed) {
    fo.cantFailover = 'waiting-votes';
    return;
  }
  if (me.configEpoch < fo.authEpoch) me.configEpoch = fo.authEpoch;
  clusterFailoverReplaceYourMaster(n, now, out, false);
}

/**
 * clusterFailoverReplaceYourMaster: become a master, take every slot of the old master, tell
 * everybody (a PONG to all nodes), end any manual fail-over.
 */
export function clusterFailoverReplaceYourMaster(n: ClusterBusNode, now: number, out: BusOutput[], takeover: boolean): void {
  const me = n.myself;
  const old = me.slaveof;
  if (old === undefined) return;
  const slots = n.slots.rangesOf(old);
  me.role = 'master';
  me.slaveof = undefined;
  for (const s of slotsIn(slots)) n.slots.assign(s, n.myid);
  n.event({ type: 'promoted', epoch: n.fo.authEpoch, configEpoch: me.configEpoch, replaced: old, votes: n.fo.authCount, takeover });
  Object.assign(n.fo, freshFailoverState());
  for (const id of n.nodes.keys()) if (id !== n.myid) n.ping(id, 'PONG', now, out);
}

/** clusterSendFailoverAuthIfNeeded: a master serving slots votes at most once per epoch. */
export function clusterSendFailoverAuthIfNeeded(n: ClusterBusNode, requester: ClusterNodeView, h: BusHeader, now: number, out: BusOutput[]): void {
  const me = n.myself;
  if (me.role !== 'master' || n.slots.numSlots(n.myid) === 0) return;
  // The requester must be a replica, of a master we know.
  if (h.role !== 'replica' || h.slaveof === undefined) return;
  const master = n.nodes.get(h.slaveof);
  if (master === undefined) return;
  let maxOwnerConfigEpoch = 0;
  for (const s of slotsIn(h.slots)) {
    const owner = n.slots.ownerOf(s);
    const e = owner === undefined ? 0 : (n.nodes.get(owner)?.configEpoch ?? 0);
    if (e > maxOwnerConfigEpoch) maxOwnerConfigEpoch = e;
  }
  const voted = new Map<string, number>();
  if (master.voted_time > 0) voted.set(master.id, master.voted_time);
  const state = { currentEpoch: n.currentEpoch, lastVoteEpoch: n.voter.lastVoteEpoch, votedTime: voted };
  const d = decideVote(state, { currentEpoch: h.currentEpoch, masterId: master.id, masterFailed: master.fail, forceAck: h.forceAck, configEpoch: h.configEpoch, maxOwnerConfigEpoch }, now, n.config.nodeTimeoutMs, n.config.planted === 'two-votes-per-epoch');
  if (!d.vote) return;
  n.voter.lastVoteEpoch = state.lastVoteEpoch;
  master.voted_time = now;
  n.event({ type: 'vote', for: requester.id, epoch: n.currentEpoch });
  out.push({ to: requester.id, msg: { type: 'FAILOVER_AUTH_ACK', hdr: n.header() } });
}

/** An ack counts when it comes from a master serving slots, in our election's epoch or later. */
export function onFailoverAuthAck(n: ClusterBusNode, sender: ClusterNodeView, h: BusHeader): void {
  const fo = n.fo;
  if (sender.role !== 'master' || n.slots.numSlots(sender.id) === 0 || h.currentEpoch < fo.authEpoch || fo.voters.has(sender.id)) return;
  fo.voters.add(sender.id);
  fo.authCount++;
}

/** CLUSTERMSG_TYPE_MFSTART at a master: pause clients, then ping the replica with the paused offset. */
export function onMfStart(n: ClusterBusNode, sender: ClusterNodeView, now: number, out: BusOutput[]): void {
  if (n.myself.role !== 'master' || sender.slaveof !== n.myid) return;
  Object.assign(n.fo, freshFailoverState());
  n.fo.mfEnd = now + CLUSTER_MF_TIMEOUT;
  n.fo.mfSlave = sender.id;
  n.fo.clientsPausedUntil = now + CLUSTER_MF_TIMEOUT * CLUSTER_MF_PAUSE_MULT;
  n.ping(sender.id, 'PING', now, out, true);
}

/** manualFailoverCheckTimeout */
export function manualFailoverCheckTimeout(n: ClusterBusNode, now: number): void {
  if (n.fo.mfEnd > 0 && n.fo.mfEnd < now) {
    const paused = n.fo.clientsPausedUntil;
    Object.assign(n.fo, freshFailoverState());
    n.fo.clientsPausedUntil = Math.min(paused, now);
  }
}

/** clusterHandleManualFailover: the election may start once our offset reached the paused master's. */
export function clusterHandleManualFailover(n: ClusterBusNode): void {
  const fo = n.fo;
  if (fo.mfEnd === 0 || fo.mfCanStart || fo.mfMasterOffset < 0) return;
  if (fo.mfMasterOffset === n.replOffset) fo.mfCanStart = true;
}

/** CLUSTER FAILOVER [FORCE|TAKEOVER] (clusterCommand "failover"): Redis's reply text. */
export function clusterFailoverCommand(n: ClusterBusNode, mode: 'default' | 'force' | 'takeover', now: number, out: BusOutput[]): string {
  const me = n.myself;
  if (me.role === 'master') return '-ERR You should send CLUSTER FAILOVER to a replica';
  const master = me.slaveof === undefined ? undefined : n.nodes.get(me.slaveof);
  if (master === undefined) return "-ERR I'm a replica but my master is unknown to me";
  if (mode === 'default' && (master.fail || master.pfail)) return '-ERR Master is down or failed, please use CLUSTER FAILOVER FORCE';
  Object.assign(n.fo, freshFailoverState());
  n.fo.mfEnd = now + CLUSTER_MF_TIMEOUT;
  if (mode === 'takeover') {
    // clusterBumpConfigEpochWithoutConsensus, then take the slots with no election.
    let maxEpoch = 0;
    for (const v of n.nodes.values()) maxEpoch = Math.max(maxEpoch, v.configEpoch);
    if (me.configEpoch === 0 || me.configEpoch !== maxEpoch) {
      n.currentEpoch = Math.max(n.currentEpoch, maxEpoch) + 1;
      me.configEpoch = n.currentEpoch;
    }
    clusterFailoverReplaceYourMaster(n, now, out, true);
  } else if (mode === 'force') {
    n.fo.mfCanStart = true;
  } else {
    out.push({ to: master.id, msg: { type: 'MFSTART', hdr: n.header() } });
  }
  return '+OK';
}
