/**
 * One Redis Cluster node's bus, for the fail-over story (cluster.c, Redis 7.0), sans-I/O:
 * `tick(now)` is clusterCron (every 100 ms), `onMessage(from, msg, now)` is clusterProcessPacket;
 * both return the messages to send. Randomness is injected (`random(n)` draws in [0, n)).
 *
 * Here: PING / PONG with gossip sections, PFAIL after node-timeout without a pong or data, failure
 * reports from masters and PFAIL → FAIL once a majority of the masters serving slots agree
 * (markNodeAsFailingIfNeeded), FAIL broadcasts and their undo (clearNodeFailureIfNeeded),
 * currentEpoch / configEpoch propagation, slot ownership by configEpoch
 * (clusterUpdateSlotsConfigWith), UPDATE messages, the configEpoch collision rule. The replica's
 * side (elections, votes, promotion, CLUSTER FAILOVER) is in slave-failover.ts.
 */
import { ClusterError } from '../errors.js';
import { CLUSTER_FAIL_REPORT_VALIDITY_MULT, CLUSTER_FAIL_UNDO_TIME_MULT, type BusEvent, type BusHeader, type BusMsg, type BusOutput, type ClusterNodeView, type GossipEntry, type SlotRanges } from './bus-types.js';
import { clusterHandleConfigEpochCollision, neededQuorum, type VoterState } from './election.js';
import { rangesKey, slotsIn, SlotView } from './slot-view.js';
import { clusterHandleManualFailover, clusterHandleSlaveFailover, clusterSendFailoverAuthIfNeeded, manualFailoverCheckTimeout, onFailoverAuthAck, onMfStart, type FailoverState, freshFailoverState } from './slave-failover.js';

export interface ClusterBusConfig {
  /** cluster-node-timeout (ms). */
  readonly nodeTimeoutMs: number;
  /** cluster-replica-validity-factor (default 10; 0 = a replica always tries). */
  readonly replicaValidityFactor?: number;
  /** repl-ping-replica-period (default 10 000 ms), for the data-age limit. */
  readonly replPingReplicaPeriodMs?: number;
  /** Deliberately wrong variants kept for the tests that must catch them. */
  readonly planted?: 'two-votes-per-epoch' | 'pfail-is-fail';
}

export class ClusterBusNode {
  readonly nodes = new Map<string, ClusterNodeView>();
  readonly slots = new SlotView();
  readonly events: BusEvent[] = [];
  readonly voter: VoterState = { currentEpoch: 0, lastVoteEpoch: 0, votedTime: new Map() };
  /** The replica's election and the manual fail-over (server.cluster->failover_auth_*, mf_*). */
  readonly fo: FailoverState = freshFailoverState();
  /** This node's replication offset (master_repl_offset, or what a replica has processed). */
  replOffset = 0;
  /** When a replica last heard from its master's replication link (for the data age). */
  lastMasterData = 0;
  private cronCalls = 0;
  private mastersCache = { version: -1, count: 0 };

  constructor(
    readonly myid: string,
    readonly config: ClusterBusConfig,
    /** @internal */ readonly random: (n: number) => number,
  ) {
    if (!(config.nodeTimeoutMs > 0)) throw new ClusterError('BAD_CONFIG', `nodeTimeoutMs must be > 0, found ${config.nodeTimeoutMs}`);
    this.addNode(myid, 'master', undefined, 0);
  }

  get currentEpoch(): number {
    return this.voter.currentEpoch;
  }

  set currentEpoch(e: number) {
    this.voter.currentEpoch = e;
  }

  get myself(): ClusterNodeView {
    return this.view(this.myid);
  }

  view(id: string): ClusterNodeView {
    const n = this.nodes.get(id);
    if (n === undefined) throw new ClusterError('BAD_CONFIG', `unknown node ${id}`);
    return n;
  }

  /** What `redis-cli --cluster create` sets up: the nodes met, roles, slots. */
  addNode(id: string, role: 'master' | 'replica', slaveof: string | undefined, configEpoch: number): void {
    this.nodes.set(id, { id, role, slaveof, configEpoch, pfail: false, fail: false, fail_time: 0, ping_sent: 0, ping_resent: 0, pong_received: 0, data_received: 0, repl_offset: 0, fail_reports: new Map(), voted_time: 0 });
  }

  assignSlots(id: string, ranges: SlotRanges): void {
    for (const s of slotsIn(ranges)) this.slots.assign(s, id);
  }

  /** @internal */
  event(e: BusEvent): void {
    this.events.push(e);
  }

  /** Masters serving at least one slot, in this node's view (the size of the cluster). */
  mastersWithSlots(): number {
    if (this.mastersCache.version !== this.slots.version) this.mastersCache = { version: this.slots.version, count: this.slots.owners().size };
    return this.mastersCache.count;
  }

  /** The master this node is, or replicates (curmaster). */
  curMaster(): string | undefined {
    return this.myself.role === 'master' ? this.myid : this.myself.slaveof;
  }

  /** clusterBuildMessageHdr: a replica advertises its master's slots and configEpoch. */
  header(extra: { paused?: boolean; forceAck?: boolean } = {}): BusHeader {
    const me = this.myself;
    const master = me.role === 'replica' && me.slaveof !== undefined ? this.nodes.get(me.slaveof) : me;
    return {
      sender: this.myid,
      currentEpoch: this.currentEpoch,
      configEpoch: master?.configEpoch ?? 0,
      role: me.role,
      slaveof: me.slaveof,
      slots: master === undefined ? [] : this.slots.rangesOf(master.id),
      offset: this.replOffset,
      paused: extra.paused ?? false,
      forceAck: extra.forceAck ?? false,
    };
  }

  /** clusterSetGossipEntry choices: max(3, N/10) random nodes, plus every node we flag PFAIL. */
  private gossip(): GossipEntry[] {
    const others = [...this.nodes.values()].filter((n) => n.id !== this.myid);
    const wanted = Math.min(others.length, Math.max(3, Math.floor(this.nodes.size / 10)));
    const picked = new Set<ClusterNodeView>();
    for (let tries = 0; picked.size < wanted && tries < wanted * 3; tries++) picked.add(others[this.random(others.length)] as ClusterNodeView);
    for (const n of others) if (n.pfail) picked.add(n);
    return [...picked].map((n) => ({ id: n.id, pfail: n.pfail, fail: n.fail }));
  }

  /** @internal clusterSendPing */
  ping(to: string, type: 'PING' | 'PONG', now: number, out: BusOutput[], paused = false): void {
    const n = this.nodes.get(to);
    if (type === 'PING' && n !== undefined) {
      if (n.ping_sent === 0) n.ping_sent = now;
      n.ping_resent = now;
    }
    out.push({ to, msg: { type, hdr: this.header({ paused }), gossip: this.gossip() } });
  }

  /** @internal clusterBroadcastMessage */
  broadcast(msg: BusMsg, out: BusOutput[]): void {
    for (const id of this.nodes.keys()) if (id !== this.myid) out.push({ to: id, msg });
  }

  /** clusterCron */
  tick(now: number): BusOutput[] {
    const out: BusOutput[] = [];
    const timeout = this.config.nodeTimeoutMs;
    // Every second, ping the node with the oldest pong among 5 random ones.
    if (this.cronCalls++ % 10 === 0) {
      const others = [...this.nodes.values()].filter((n) => n.id !== this.myid && n.ping_sent === 0);
      let oldest: ClusterNodeView | undefined;
      for (let i = 0; i < 5 && others.length > 0; i++) {
        const n = others[this.random(others.length)] as ClusterNodeView;
        if (oldest === undefined || n.pong_received < oldest.pong_received) oldest = n;
      }
      if (oldest !== undefined) this.ping(oldest.id, 'PING', now, out);
    }
    for (const n of this.nodes.values()) {
      if (n.id === this.myid) continue;
      // A node with no ping in flight whose pong is older than node-timeout / 2 is pinged now.
      if (n.ping_sent === 0 && now - n.pong_received > timeout / 2) {
        this.ping(n.id, 'PING', now, out);
        continue;
      }
      // clusterCron frees a link whose ping waited node-timeout / 2 and reconnects (a new PING).
      if (n.ping_sent !== 0 && now - n.ping_resent > timeout / 2) this.ping(n.id, 'PING', now, out);
      // node_delay: the smaller of the ping's age and the time since any data from the node.
      if (n.ping_sent !== 0 && Math.min(now - n.ping_sent, now - n.data_received) > timeout && !n.pfail && !n.fail) {
        n.pfail = true;
        this.event({ type: 'pfail', node: n.id });
        if (this.config.planted === 'pfail-is-fail') this.markNodeAsFailingIfNeeded(n, now, out);
      }
    }
    manualFailoverCheckTimeout(this, now);
    if (this.myself.role === 'replica') {
      clusterHandleManualFailover(this);
      clusterHandleSlaveFailover(this, now, out);
    }
    return out;
  }

  /** clusterProcessPacket */
  onMessage(from: string, msg: BusMsg, now: number): BusOutput[] {
    const out: BusOutput[] = [];
    const sender = this.nodes.get(msg.hdr.sender);
    if (sender === undefined || sender.id === this.myid || from !== sender.id) return out;
    const h = msg.hdr;
    if (h.currentEpoch > this.currentEpoch) this.currentEpoch = h.currentEpoch;
    if (h.role === 'master' && h.configEpoch > sender.configEpoch) sender.configEpoch = h.configEpoch;
    sender.repl_offset = h.offset;
    sender.data_received = now;
    switch (msg.type) {
      case 'PING':
      case 'MEET':
      case 'PONG':
        this.processPingPong(sender, msg.type, h, msg.gossip, now, out);
        return out;
      case 'FAIL':
        this.processFail(msg.failing, now);
        return out;
      case 'UPDATE':
        this.processUpdate(msg.node, msg.nodeConfigEpoch, msg.nodeSlots, now, out);
        return out;
      case 'FAILOVER_AUTH_REQUEST':
        clusterSendFailoverAuthIfNeeded(this, sender, h, now, out);
        return out;
      case 'FAILOVER_AUTH_ACK':
        onFailoverAuthAck(this, sender, h);
        return out;
      case 'MFSTART':
        onMfStart(this, sender, now, out);
        return out;
      default:
        return out;
    }
  }

  private processPingPong(sender: ClusterNodeView, type: 'PING' | 'PONG' | 'MEET', h: BusHeader, gossip: readonly GossipEntry[], now: number, out: BusOutput[]): void {
    if (type !== 'PONG') this.ping(sender.id, 'PONG', now, out, this.fo.mfEnd > 0 && this.fo.mfSlave === sender.id);
    if (type === 'PONG') {
      sender.pong_received = now;
      sender.ping_sent = 0;
      if (sender.pfail) sender.pfail = false;
      else if (sender.fail) this.clearNodeFailureIfNeeded(sender, now);
    }
    // Role changes announced in the header (clusterSetNodeAsMaster / a node turned replica).
    if (h.role === 'master' && sender.role === 'replica') {
      sender.role = 'master';
      sender.slaveof = undefined;
    } else if (h.role === 'replica') {
      sender.role = 'replica';
      sender.slaveof = h.slaveof;
    }
    if (this.myself.role === 'replica' && sender.id === this.myself.slaveof) {
      this.lastMasterData = now;
      if (h.paused && this.fo.mfEnd > 0 && this.fo.mfMasterOffset < 0) this.fo.mfMasterOffset = h.offset;
    }
    const senderMaster = h.role === 'master' ? sender : h.slaveof === undefined ? undefined : this.nodes.get(h.slaveof);
    if (senderMaster !== undefined && rangesKey(h.slots) !== rangesKey(this.slots.rangesOf(senderMaster.id))) {
      if (h.role === 'master') this.clusterUpdateSlotsConfigWith(sender, h.configEpoch, h.slots, now, out);
      this.sendUpdateIfStale(sender.id, senderMaster.id, h, out);
    }
    if (h.role === 'master' && this.myself.role === 'master') {
      const me = this.myself;
      if (clusterHandleConfigEpochCollision(me, { id: sender.id, configEpoch: h.configEpoch }, this.voter)) {
        this.event({ type: 'epoch-collision', configEpoch: me.configEpoch });
      }
    }
    if (sender.role === 'master') this.processGossip(sender, gossip, now, out);
  }

  /** A sender claiming slots that our view gives to a node with a greater configEpoch gets an UPDATE. */
  private sendUpdateIfStale(to: string, claimedBy: string, h: BusHeader, out: BusOutput[]): void {
    for (const s of slotsIn(h.slots)) {
      const owner = this.slots.ownerOf(s);
      if (owner === undefined || owner === claimedBy) continue;
      const o = this.nodes.get(owner);
      if (o === undefined || o.configEpoch <= h.configEpoch) continue;
      out.push({ to, msg: { type: 'UPDATE', hdr: this.header(), node: owner, nodeConfigEpoch: o.configEpoch, nodeSlots: this.slots.rangesOf(owner) } });
      return;
    }
  }

  /** clusterProcessGossipSection: failure reports come from masters only. */
  private processGossip(sender: ClusterNodeView, gossip: readonly GossipEntry[], now: number, out: BusOutput[]): void {
    for (const g of gossip) {
      const n = this.nodes.get(g.id);
      if (n === undefined || n.id === this.myid) continue;
      if (g.pfail || g.fail) {
        n.fail_reports.set(sender.id, now);
        this.markNodeAsFailingIfNeeded(n, now, out);
      } else {
        n.fail_reports.delete(sender.id);
      }
    }
  }

  /** markNodeAsFailingIfNeeded: our PFAIL plus valid reports from a majority of the masters serving slots. */
  private markNodeAsFailingIfNeeded(n: ClusterNodeView, now: number, out: BusOutput[]): void {
    const needed = neededQuorum(this.mastersWithSlots());
    if (!n.pfail || n.fail) return;
    for (const [reporter, t] of n.fail_reports) if (now - t > this.config.nodeTimeoutMs * CLUSTER_FAIL_REPORT_VALIDITY_MULT) n.fail_reports.delete(reporter);
    const reports = n.fail_reports.size + (this.myself.role === 'master' ? 1 : 0);
    if (reports < needed && this.config.planted !== 'pfail-is-fail') return;
    n.pfail = false;
    n.fail = true;
    n.fail_time = now;
    this.event({ type: 'fail', node: n.id, reports, needed, by: 'quorum' });
    this.broadcast({ type: 'FAIL', hdr: this.header(), failing: n.id }, out);
  }

  /** A FAIL message: flag the node failing unless it is us. */
  private processFail(id: string, now: number): void {
    const n = this.nodes.get(id);
    if (n === undefined || n.id === this.myid || n.fail) return;
    n.fail = true;
    n.pfail = false;
    n.fail_time = now;
    this.event({ type: 'fail', node: id, reports: 0, needed: 0, by: 'message' });
  }

  /** clearNodeFailureIfNeeded: replicas and slot-less masters at once; masters with slots after the undo time. */
  private clearNodeFailureIfNeeded(n: ClusterNodeView, now: number): void {
    const undo = n.role === 'replica' || this.slots.numSlots(n.id) === 0 || now - n.fail_time > this.config.nodeTimeoutMs * CLUSTER_FAIL_UNDO_TIME_MULT;
    if (!undo) return;
    n.fail = false;
    this.event({ type: 'fail-cleared', node: n.id });
  }

  /** CLUSTERMSG_TYPE_UPDATE: adopt a newer configuration of a node's slots. */
  private processUpdate(id: string, configEpoch: number, slots: SlotRanges, now: number, out: BusOutput[]): void {
    const n = this.nodes.get(id);
    if (n === undefined || n.configEpoch >= configEpoch) return;
    if (n.role === 'replica') {
      n.role = 'master';
      n.slaveof = undefined;
    }
    n.configEpoch = configEpoch;
    this.clusterUpdateSlotsConfigWith(n, configEpoch, slots, now, out);
  }

  /**
   * clusterUpdateSlotsConfigWith: a slot goes to the sender when it is unowned or its owner's
   * configEpoch is older. If our (or our master's) last slot went, follow the sender.
   */
  clusterUpdateSlotsConfigWith(sender: ClusterNodeView, senderConfigEpoch: number, slots: SlotRanges, now: number, out: BusOutput[]): void {
    if (sender.id === this.myid) return;
    const cur = this.curMaster();
    let newMaster: string | undefined;
    for (const s of slotsIn(slots)) {
      const owner = this.slots.ownerOf(s);
      if (owner === sender.id) continue;
      const o = owner === undefined ? undefined : this.nodes.get(owner);
      if (o !== undefined && o.configEpoch >= senderConfigEpoch) continue;
      if (owner !== undefined && owner === cur) newMaster = sender.id;
      this.slots.assign(s, sender.id);
    }
    if (newMaster === undefined || cur === undefined || this.slots.numSlots(cur) > 0) return;
    this.event({ type: 'lost-slots', to: newMaster });
    this.clusterSetMaster(newMaster, now, out);
  }

  /** clusterSetMaster: become (or stay) a replica of `id`. */
  clusterSetMaster(id: string, now: number, out: BusOutput[]): void {
    const me = this.myself;
    me.role = 'replica';
    me.slaveof = id;
    this.lastMasterData = now;
    Object.assign(this.fo, freshFailoverState());
    this.event({ type: 'set-master', master: id });
    this.ping(id, 'PING', now, out);
  }
}
