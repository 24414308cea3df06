/**
 * Quorum verifiers (org.apache.zookeeper.server.quorum.flexible.QuorumMaj / QuorumHierarchical)
 * and the vote tracker (SyncedLearnerTracker).
 */
import { ZkError } from './errors.js';

export interface QuorumVerifier {
  /** Voting members (participants). Observers are not in this set. */
  readonly votingMembers: ReadonlySet<number>;
  /** QuorumVerifier.getWeight: 0 means "can never be elected and never helps a quorum". */
  getWeight(sid: number): number;
  /** QuorumVerifier.containsQuorum(ackSet). */
  containsQuorum(ackSet: ReadonlySet<number>): boolean;
}

/**
 * QuorumMaj: a quorum is more than half of the voting members. Like the Java code it only
 * looks at the size of the set (`ackSet.size() > half`); SyncedLearnerTracker filters
 * non-voters before asking.
 */
export class QuorumMaj implements QuorumVerifier {
  readonly votingMembers: ReadonlySet<number>;
  readonly half: number;
  constructor(voters: Iterable<number>) {
    this.votingMembers = new Set(voters);
    if (this.votingMembers.size === 0) throw new ZkError('BAD_CONFIG', 'expected at least one voting member, found none');
    this.half = Math.floor(this.votingMembers.size / 2);
  }
  getWeight(sid: number): number {
    return this.votingMembers.has(sid) ? 1 : 0;
  }
  containsQuorum(ackSet: ReadonlySet<number>): boolean {
    return ackSet.size > this.half;
  }
}

/**
 * Planted bug for the property tests: "a quorum is n/2" (`>=` instead of `>`), which lets two
 * disjoint halves of an even ensemble both elect a leader.
 */
export class BuggyHalfQuorum extends QuorumMaj {
  override containsQuorum(ackSet: ReadonlySet<number>): boolean {
    return ackSet.size >= this.half;
  }
}

export interface HierarchicalConfig {
  /** group id -> member sids (`group.1=1:2:3`). */
  groups: ReadonlyMap<number, readonly number[]>;
  /** sid -> weight (`weight.1=1`); servers missing here weigh 1, like QuorumHierarchical. */
  weights?: ReadonlyMap<number, number>;
}

/**
 * QuorumHierarchical: a set is a quorum if, in more than half of the groups with non-zero
 * weight, it holds more than half of that group's weight (integer halves, as in Java).
 */
export class QuorumHierarchical implements QuorumVerifier {
  readonly votingMembers: ReadonlySet<number>;
  private readonly groupOf = new Map<number, number>();
  private readonly weight = new Map<number, number>();
  private readonly groupWeight = new Map<number, number>();
  readonly numGroups: number;

  constructor(config: HierarchicalConfig) {
    const members = new Set<number>();
    for (const [gid, sids] of config.groups) {
      for (const sid of sids) {
        if (this.groupOf.has(sid)) throw new ZkError('BAD_CONFIG', `expected server ${sid} in one group, found it in two`);
        this.groupOf.set(sid, gid);
        members.add(sid);
        const w = config.weights?.get(sid) ?? 1;
        if (!Number.isInteger(w) || w < 0) throw new ZkError('BAD_CONFIG', `expected a weight >= 0 for server ${sid}, found ${w}`);
        this.weight.set(sid, w);
        this.groupWeight.set(gid, (this.groupWeight.get(gid) ?? 0) + w);
      }
    }
    if (members.size === 0) throw new ZkError('BAD_CONFIG', 'expected at least one group member, found none');
    this.votingMembers = members;
    // QuorumHierarchical.computeGroupWeight: only groups with weight count.
    let n = 0;
    for (const w of this.groupWeight.values()) if (w > 0) n++;
    this.numGroups = n;
  }

  getWeight(sid: number): number {
    return this.weight.get(sid) ?? 0;
  }

  containsQuorum(ackSet: ReadonlySet<number>): boolean {
    if (ackSet.size === 0) return false;
    const expansion = new Map<number, number>();
    for (const sid of ackSet) {
      const gid = this.groupOf.get(sid);
      if (gid === undefined) continue;
      expansion.set(gid, (expansion.get(gid) ?? 0) + (this.weight.get(sid) ?? 0));
    }
    let majGroups = 0;
    for (const [gid, w] of expansion) {
      if (w > Math.floor((this.groupWeight.get(gid) ?? 0) / 2)) majGroups++;
    }
    return majGroups > Math.floor(this.numGroups / 2);
  }
}

/**
 * SyncedLearnerTracker: acks counted once per verifier (the current config and, during a
 * reconfig, the next one); `hasAllQuorums` only when every verifier sees a quorum. A sid is
 * only recorded for a verifier that has it as a voting member.
 */
export class SyncedLearnerTracker {
  private readonly pairs: { qv: QuorumVerifier; ackset: Set<number> }[] = [];

  constructor(...verifiers: QuorumVerifier[]) {
    for (const qv of verifiers) this.addQuorumVerifier(qv);
  }

  addQuorumVerifier(qv: QuorumVerifier): void {
    this.pairs.push({ qv, ackset: new Set() });
  }

  addAck(sid: number): boolean {
    let change = false;
    for (const p of this.pairs) {
      if (p.qv.votingMembers.has(sid)) {
        p.ackset.add(sid);
        change = true;
      }
    }
    return change;
  }

  hasSid(sid: number): boolean {
    return this.pairs.every((p) => !p.qv.votingMembers.has(sid) || p.ackset.has(sid));
  }

  hasAllQuorums(): boolean {
    if (this.pairs.length === 0) return false;
    return this.pairs.every((p) => p.qv.containsQuorum(p.ackset));
  }

  /** The acks of the first verifier, sorted (for logs and introspection). */
  ackSids(): number[] {
    return [...(this.pairs[0]?.ackset ?? [])].sort((a, b) => a - b);
  }
}
