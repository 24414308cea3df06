/**
 * Safety properties of Zab checked as the run goes, from the events the servers emit (the
 * names follow the Zab paper and zookeeper-specifications/system-spec ZkV3_7_0.tla).
 * A violation is recorded with the virtual time, the server and what was wrong.
 */
import type { Ensemble, EnsembleEvent } from './ensemble.js';
import type { Txn } from './messages.js';
import { zxidToHex, type Zxid } from './zxid.js';

export interface Violation {
  property: string;
  t: number;
  sid: number;
  detail: string;
}

/** The newest two txns of a history are in zxid order (the cheap check before a full scan). */
function lastTwoAscend(h: readonly Txn[]): boolean {
  const a = h[h.length - 2];
  const b = h[h.length - 1];
  return a === undefined || b === undefined || a.zxid < b.zxid;
}

export class SafetyMonitor {
  readonly violations: Violation[] = [];
  /** Every transaction known to be committed (by a quorum), zxid -> payload. */
  readonly committed = new Map<Zxid, string>();
  /** epoch -> leaders that reached SYNCHRONIZATION / BROADCAST in it. */
  readonly syncLeaders = new Map<number, Set<number>>();
  readonly establishedLeaders = new Map<number, Set<number>>();
  readonly syncModesSeen = new Map<string, number>();
  /** Times a TRUNC removed a txn that was committed by the time the learner applied it. */
  truncatedLaterCommitted = 0;
  private readonly epochsSeen = new Map<number, { accepted: number; current: number }>();

  constructor(private readonly ensemble: Ensemble) {
    ensemble.listeners.push((e) => { this.onEvent(e); });
  }

  get ok(): boolean {
    return this.violations.length === 0;
  }

  /** For runWithInvariants: true, or the first violation as text. */
  check = (): true | string => {
    const v = this.violations[0];
    return v === undefined ? true : `${v.property} (t=${v.t} s${v.sid}): ${v.detail}`;
  };

  private fail(property: string, e: EnsembleEvent, detail: string): void {
    if (this.violations.length < 20) this.violations.push({ property, t: e.t, sid: e.sid, detail });
  }

  private addLeader(map: Map<number, Set<number>>, epoch: number, sid: number): Set<number> {
    let s = map.get(epoch);
    if (s === undefined) map.set(epoch, (s = new Set()));
    s.add(sid);
    return s;
  }

  private checkAgainstCommitted(property: string, e: EnsembleEvent, txns: readonly Txn[]): void {
    for (const t of txns) {
      const c = this.committed.get(t.zxid);
      if (c !== undefined && c !== t.data) {
        this.fail(property, e, `txn ${zxidToHex(t.zxid)} is ${JSON.stringify(t.data)} here but ${JSON.stringify(c)} was committed`);
        return;
      }
    }
  }

  private checkAscending(e: EnsembleEvent, txns: readonly Txn[]): void {
    let prev: Txn | undefined;
    for (const t of txns) {
      if (prev !== undefined && t.zxid <= prev.zxid) {
        this.fail('zxids of a server only grow (GlobalPrimaryOrder)', e, `history has ${zxidToHex(t.zxid)} after ${zxidToHex(prev.zxid)}`);
        return;
      }
      prev = t;
    }
  }

  /** Epoch monotonicity: acceptedEpoch and currentEpoch never decrease; current <= accepted. */
  private checkEpochs(e: EnsembleEvent): void {
    const d = e.peer.durable;
    const prev = this.epochsSeen.get(e.sid);
    if (prev !== undefined && (d.acceptedEpoch < prev.accepted || d.currentEpoch < prev.current)) {
      this.fail('acceptedEpoch and currentEpoch never decrease', e, `from ${prev.accepted}/${prev.current} to ${d.acceptedEpoch}/${d.currentEpoch}`);
    }
    if (d.currentEpoch > d.acceptedEpoch) this.fail('currentEpoch <= acceptedEpoch', e, `${d.currentEpoch} > ${d.acceptedEpoch}`);
    if (prev === undefined) this.epochsSeen.set(e.sid, { accepted: d.acceptedEpoch, current: d.currentEpoch });
    else {
      // Updated in place: this runs on every event of the run.
      prev.accepted = d.acceptedEpoch;
      prev.current = d.currentEpoch;
    }
  }

  /** A follower that finished syncing with `leaderSid` for `epoch` (Learner.syncWithLeader, UPTODATE). */
  private checkSynced(e: EnsembleEvent, leaderSid: number, epoch: number): void {
    const mine = e.peer.db.history;
    this.checkAscending(e, mine);
    const leader = this.ensemble.peer(leaderSid);
    if (leader !== undefined && leader.isEstablishedLeader() && leader.leaderEpoch() === epoch) {
      const theirs = leader.db.history;
      for (const [i, a] of mine.entries()) {
        const b = theirs[i];
        if (b?.zxid !== a.zxid || b.data !== a.data) {
          this.fail("after sync a follower's history is a prefix of the leader's (PrefixConsistency)", e, `position ${i}: follower has ${zxidToHex(a.zxid)}, leader ${b === undefined ? 'nothing' : zxidToHex(b.zxid)}`);
          return;
        }
      }
    } else {
      for (const t of mine) {
        if (this.committed.get(t.zxid) !== t.data) {
          this.fail("after sync a follower's history holds only committed txns (PrefixConsistency)", e, `${zxidToHex(t.zxid)} not committed`);
          return;
        }
      }
    }
  }

  private onEvent(e: EnsembleEvent): void {
    const ev = e.event;
    const peer = e.peer;
    this.checkEpochs(e);

    switch (ev.type) {
      case 'synchronizing': {
        const s = this.addLeader(this.syncLeaders, ev.epoch, e.sid);
        if (s.size > 1) this.fail('at most one leader per epoch reaches SYNCHRONIZATION (Leadership)', e, `epoch ${ev.epoch}: leaders ${[...s].join(',')}`);
        return;
      }
      case 'established': {
        const s = this.addLeader(this.establishedLeaders, ev.epoch, e.sid);
        if (s.size > 1) this.fail('at most one established leader per epoch (Leadership)', e, `epoch ${ev.epoch}: leaders ${[...s].join(',')}`);
        const history = peer.db.history;
        const have = new Map<Zxid, string>();
        for (const t of history) have.set(t.zxid, t.data);
        for (const [z, data] of this.committed) {
          if (have.get(z) !== data) {
            this.fail("an established leader's history holds every committed txn (PrimaryIntegrity)", e, `epoch ${ev.epoch} leader lacks committed ${zxidToHex(z)}`);
            return;
          }
        }
        this.checkAscending(e, history);
        // A quorum acked NEWLEADER: the leader's initial history is now committed.
        for (const t of history) this.committed.set(t.zxid, t.data);
        return;
      }
      case 'committed': {
        const c = this.committed.get(ev.zxid);
        if (c !== undefined && c !== ev.data) this.fail('a zxid names one txn (Agreement)', e, `${zxidToHex(ev.zxid)} committed as ${JSON.stringify(ev.data)} and ${JSON.stringify(c)}`);
        this.committed.set(ev.zxid, ev.data);
        const h = peer.db.history;
        if (!lastTwoAscend(h)) this.checkAscending(e, h);
        return;
      }
      case 'applied': {
        // Delivery in Zab's sense starts at UPTODATE; before it a learner only rebuilds state.
        if (peer.zabPhase() !== 'BROADCAST') return;
        const h = peer.db.history;
        const t = h[h.length - 1];
        if (t === undefined) return;
        if (this.committed.get(t.zxid) !== t.data) {
          this.fail('a server only delivers committed txns (Integrity)', e, `applied ${zxidToHex(t.zxid)} ${JSON.stringify(t.data)}, committed: ${String(this.committed.get(t.zxid))}`);
        }
        if (!lastTwoAscend(h)) this.checkAscending(e, h);
        return;
      }
      case 'syncSent': {
        this.syncModesSeen.set(ev.mode, (this.syncModesSeen.get(ev.mode) ?? 0) + 1);
        if (ev.mode !== 'TRUNC') return;
        // TRUNC only removes txns the leader's committed history does not hold (reference §3.3).
        const learner = this.ensemble.peer(ev.learner);
        const to = ev.opZxid;
        const have = new Set(peer.db.history.map((t) => t.zxid));
        const cut = (learner?.durable.log ?? []).filter((t) => t.zxid > to && have.has(t.zxid));
        if (cut.length > 0) this.fail("TRUNC only removes txns missing from the leader's committed history", e, `s${ev.learner} would lose ${cut.map((t) => zxidToHex(t.zxid)).join(',')}`);
        return;
      }
      case 'synced':
        this.checkSynced(e, ev.leader, ev.epoch);
        return;
      case 'truncated': {
        // Not a violation in ZooKeeper: a case-3 TRUNC (peer above maxCommittedLog) can cut a
        // proposal the leader still had outstanding and commits a moment later, counting this
        // learner's ACK from its previous connection; startForwarding sends it right back.
        if (ev.removed.some((z) => this.committed.has(z))) this.truncatedLaterCommitted++;
        return;
      }
      case 'fatal':
        this.fail('no server hits a fatal Zab error', e, ev.reason);
        return;
      case 'protocolError':
        // ZkV3_7_0.tla: e.g. no DIFF/TRUNC/SNAP/NEWLEADER reaches a follower outside SYNCHRONIZATION.
        this.fail('every Zab packet arrives in a stage with a transition for it', e, `${ev.error.message}${ev.dropped ? ' (connection dropped)' : ''}`);
        return;
      default:
        return;
    }
  }

  /** End-of-run check: every committed txn is in the durable log of a quorum... and the leader's. */
  finalCheck(): void {
    const l = this.ensemble.leader();
    if (l === undefined) return;
    const peer = this.ensemble.peer(l);
    if (peer === undefined) return;
    const have = new Map<Zxid, string>();
    for (const t of peer.db.history) have.set(t.zxid, t.data);
    for (const [z, data] of this.committed) {
      if (have.get(z) !== data) {
        this.violations.push({ property: 'a committed txn is never lost', t: this.ensemble.sim.now(), sid: l, detail: `leader s${l} lacks ${zxidToHex(z)}` });
        return;
      }
    }
  }
}
