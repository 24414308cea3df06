/**
 * Scenario: a ZooKeeper 3.8 ensemble (@protolab/zookeeper's Ensemble on @protolab/sim).
 * Pure: no DOM. The page renders `zkView(run)`; the browser tests compare it with a library run.
 */
import type { Sim } from '@protolab/sim';
import { Ensemble, type EnsembleEvent } from '@protolab/zookeeper';
import type { ScenarioRun } from '../timeline.js';

export interface ZkParams {
  /** Voting servers, sids 1..n (3–7). */
  readonly n: number;
}

export type ZkAction =
  | { readonly type: 'start'; readonly sid: number }
  | { readonly type: 'stop'; readonly sid: number }
  | { readonly type: 'crash'; readonly sid: number }
  | { readonly type: 'restart'; readonly sid: number }
  | { readonly type: 'partition'; readonly a: readonly number[]; readonly b: readonly number[] }
  | { readonly type: 'heal' }
  | { readonly type: 'write'; readonly data: string }
  | { readonly type: 'drop'; readonly id: number }
  | { readonly type: 'link'; readonly lossPct: number; readonly dupPct: number; readonly delayMs: number };

export interface ZkServerView {
  readonly sid: number;
  readonly state: 'LOOKING' | 'FOLLOWING' | 'LEADING' | 'OBSERVING' | 'DOWN';
  /** The current vote as `vote(leader, zxid, eN)`, the notation of docs/zookeeper-worked-examples.md. */
  readonly vote: string;
  /** FastLeaderElection.logicalclock: the election round. */
  readonly round: number;
  readonly zabPhase: string;
  readonly lastZxid: string;
  readonly epochs: string;
  /** How this server was last synced by a leader, and `syncFollower`'s reason. */
  readonly sync: string;
}

export interface ZkView {
  readonly t: number;
  readonly leader: number | undefined;
  readonly servers: readonly ZkServerView[];
  readonly inFlight: readonly { id: number; from: string; to: string; at: number; label: string }[];
  readonly notes: readonly string[];
}

const hex = (z: bigint): string => `0x${BigInt.asUintN(64, z).toString(16)}`;

export const ZK_LIMITS = { minN: 3, maxN: 7 } as const;

export class ZkRun implements ScenarioRun<ZkAction> {
  readonly ensemble: Ensemble;
  readonly sim: Sim;
  /** Derived from events: the last sync each learner got (leader side: mode and reason). */
  private syncs = new Map<number, string>();
  private notes: string[] = [];
  private writes = 0;

  constructor(readonly params: ZkParams, readonly seed: number) {
    if (!Number.isInteger(params.n) || params.n < ZK_LIMITS.minN || params.n > ZK_LIMITS.maxN) {
      throw new RangeError(`n must be ${String(ZK_LIMITS.minN)}..${String(ZK_LIMITS.maxN)}, got ${String(params.n)}`);
    }
    this.ensemble = new Ensemble({ n: params.n, seed, trace: true });
    this.sim = this.ensemble.sim as unknown as Sim;
    this.ensemble.listeners.push((e) => { this.onEvent(e); });
  }

  apply(a: ZkAction): void {
    const e = this.ensemble;
    switch (a.type) {
      case 'start': e.start(a.sid); return;
      case 'stop': e.stop(a.sid); return;
      case 'crash': e.crash(a.sid); return;
      case 'restart': e.restart(a.sid); return;
      case 'partition': e.partition(a.a, a.b); return;
      case 'heal': e.heal(); return;
      case 'write': this.writes++; e.write(a.data); return;
      case 'drop': this.sim.drop(a.id); return;
      case 'link':
        this.sim.setDefaultLink({ lossRate: a.lossPct / 100, dupRate: a.dupPct / 100, minDelayMs: Math.max(0, a.delayMs), maxExtraDelayMs: 4 });
        return;
    }
  }


  private onEvent(ev: EnsembleEvent): void {
    const e = ev.event;
    switch (e.type) {
      case 'syncSent':
        this.syncs.set(e.learner, `${e.mode} from s${String(ev.sid)} (${e.reason}; peerLastZxid ${hex(e.peerLastZxid)})`);
        this.note(ev.t, `s${String(ev.sid)} → s${String(e.learner)}: ${e.mode} — ${e.reason}`);
        return;
      case 'decided':
        this.note(ev.t, `s${String(ev.sid)} decided ${e.state} for leader ${String(e.vote.leader)} (round ${String(e.round)}, ${e.via})`);
        return;
      case 'established':
        this.note(ev.t, `s${String(ev.sid)} established epoch ${String(e.epoch)} (NEWLEADER acked by ${e.ackers.join(',')})`);
        return;
      case 'lookingAgain':
        this.note(ev.t, `s${String(ev.sid)} LOOKING again: ${e.reason}`);
        return;
      case 'truncated':
        this.note(ev.t, `s${String(ev.sid)} TRUNC ${hex(e.from)} → ${hex(e.to)}`);
        return;
      case 'protocolError':
        this.note(ev.t, `s${String(ev.sid)} protocol error from s${String(e.peer)} in ${e.stage}: ${e.packet}`);
        return;
      case 'fatal':
        this.note(ev.t, `s${String(ev.sid)} halted: ${e.reason}`);
        return;
      default:
        return;
    }
  }

  private note(t: number, text: string): void {
    this.notes.push(`t=${String(t)} ${text}`);
    if (this.notes.length > 200) this.notes.splice(0, this.notes.length - 200);
  }

  view(): ZkView {
    const e = this.ensemble;
    const servers: ZkServerView[] = e.servers.map((sid) => {
      const p = e.peer(sid);
      const ep = e.epochs(sid);
      if (p === undefined) {
        return { sid, state: 'DOWN', vote: '—', round: 0, zabPhase: '—', lastZxid: '—', epochs: `accepted ${String(ep.acceptedEpoch)}, current ${String(ep.currentEpoch)}`, sync: this.syncs.get(sid) ?? '—' };
      }
      const v = p.getCurrentVote();
      return {
        sid,
        state: p.getPeerState(),
        vote: `vote(${String(v.leader)}, ${hex(v.zxid)}, e${String(v.peerEpoch)})`,
        round: p.fle.logicalclock,
        zabPhase: p.zabPhase(),
        lastZxid: hex(p.getLastLoggedZxid()),
        epochs: `accepted ${String(ep.acceptedEpoch)}, current ${String(ep.currentEpoch)}`,
        sync: this.syncs.get(sid) ?? '—',
      };
    });
    const inFlight = this.sim.pending().filter((p) => p.kind === 'deliver').slice(0, 40)
      .map((p) => ({ id: p.id, from: p.from ?? '?', to: p.node, at: p.at, label: p.label }));
    return { t: this.sim.now(), leader: e.leader(), servers, inFlight, notes: this.notes.slice(-30) };
  }
}

export function encodeZkAction(a: ZkAction): string {
  switch (a.type) {
    case 'start': case 'stop': case 'crash': case 'restart': return `${a.type}.${String(a.sid)}`;
    case 'partition': return `part.${a.a.join('-')}.${a.b.join('-')}`;
    case 'heal': return 'heal';
    case 'write': return `write.${encodeURIComponent(a.data)}`;
    case 'drop': return `drop.${String(a.id)}`;
    case 'link': return `link.${String(a.lossPct)}.${String(a.dupPct)}.${String(a.delayMs)}`;
  }
}

export function decodeZkAction(s: string): ZkAction {
  const [kind = '', ...rest] = s.split('.');
  const int = (x: string | undefined): number => {
    const v = Number(x);
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`bad number '${String(x)}' in action '${s}'`);
    return v;
  };
  const sids = (x: string | undefined): number[] => (x ?? '').split('-').filter((y) => y !== '').map(int);
  switch (kind) {
    case 'start': case 'stop': case 'crash': case 'restart': return { type: kind, sid: int(rest[0]) };
    case 'part': return { type: 'partition', a: sids(rest[0]), b: sids(rest[1]) };
    case 'heal': return { type: 'heal' };
    case 'write': return { type: 'write', data: decodeURIComponent(rest.join('.')) };
    case 'drop': return { type: 'drop', id: int(rest[0]) };
    case 'link': return { type: 'link', lossPct: int(rest[0]), dupPct: int(rest[1]), delayMs: int(rest[2]) };
    default: throw new RangeError(`unknown ZooKeeper action '${s}'`);
  }
}

/** What the real system does here, for the side panel (function names in ZooKeeper 3.8). */
export const ZK_REAL = [
  ['Election', 'FastLeaderElection.lookForLeader: broadcast your vote; adopt a better one (totalOrderPredicate: epoch, then zxid, then sid); decide when a quorum of the round agrees and nothing better arrives within finalizeWait (200 ms).'],
  ['A late joiner', 'FastLeaderElection.lookForLeader, the FOLLOWING/LEADING branch: a server that hears a quorum following an established leader follows it, even with a larger sid.'],
  ['Discovery', 'Leader.getEpochToPropose / LearnerHandler: followers send FOLLOWERINFO, the leader proposes max(acceptedEpoch)+1, followers answer ACKEPOCH with their last zxid.'],
  ['Sync', 'LearnerHandler.syncFollower: DIFF when the follower is inside the committedLog (or txnlog), TRUNC when it is ahead of the leader, SNAP when it is too far behind or the log is too big.'],
  ['Broadcast', 'Leader.propose / processAck: a write is committed once a quorum ACKed the PROPOSAL; COMMIT follows in zxid order.'],
] as const;
