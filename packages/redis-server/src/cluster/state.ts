/**
 * One node's cluster state (cluster.h clusterState): who owns each slot (its own SlotMap, changed
 * only by ADDSLOTS / DELSLOTS / SETSLOT on this node, as in Redis without gossip), the
 * migrating_slots_to / importing_slots_from markers, and the per-client CLIENT_ASKING /
 * CLIENT_READONLY flags.
 *
 * What the cluster bus would spread by gossip is shared instead through a `ClusterBus`: the node
 * table (ids, addresses, config epochs), currentEpoch, and each node's server, which MIGRATE uses
 * as its in-process shortcut to the target. The bus does NOT spread slot ownership: a slot moves
 * on a node only when that node is told (redis-cli --cluster reshard tells every master).
 */
import type { NodeView } from '@protolab/redis-cluster';
import { SlotMap } from '@protolab/redis-cluster';
import type { Client } from '../client.js';
import type { RedisServer } from '../server.js';
import { SlotKeys } from './slot-keys.js';
import { RedisClusterError } from './errors.js';

/** A node as gossip knows it (a CLUSTER NODES line without the slots). */
export interface ClusterNodeRecord {
  /** 40 lower-case hex characters. */
  readonly id: string;
  readonly ip: string;
  readonly port: number;
  /** configEpoch (redis-cli --cluster create gives masters 1..N). */
  configEpoch: number;
}

/** The node table every node of one in-process cluster shares. */
export class ClusterBus {
  /** id → node, in the order the nodes met. */
  readonly nodes = new Map<string, ClusterNodeRecord>();
  /** "ip:port" → the node state serving there (MIGRATE's in-process target). */
  readonly byAddress = new Map<string, ClusterNodeState>();
  currentEpoch = 0;

  join(node: ClusterNodeState): void {
    this.nodes.set(node.myself.id, node.myself);
    this.byAddress.set(`${node.myself.ip}:${node.myself.port}`, node);
    this.currentEpoch = Math.max(this.currentEpoch, node.myself.configEpoch);
  }

  /** clusterBumpConfigEpochWithoutConsensus: a new epoch for `node` unless it already has the unique maximum. */
  bumpConfigEpoch(node: ClusterNodeRecord): boolean {
    const max = Math.max(...[...this.nodes.values()].map((n) => n.configEpoch));
    const unique = [...this.nodes.values()].filter((n) => n.configEpoch === max).length === 1;
    if (node.configEpoch === max && unique && max > 0) return false;
    this.currentEpoch++;
    node.configEpoch = this.currentEpoch;
    return true;
  }
}

/** A redirection this node answered (for traces; Redis keeps no such counter). */
export interface RedirectEvent {
  /** The error text sent, e.g. "MOVED 12182 127.0.0.1:7002". */
  readonly text: string;
  /** The command it answered (argv as latin1 text). */
  readonly argv: readonly string[];
}

/** CLIENT_ASKING and CLIENT_READONLY. */
export interface ClusterClientFlags {
  asking: boolean;
  readonly: boolean;
}

export class ClusterNodeState {
  private readonly slots = SlotMap.empty();
  private assigned = 0;
  readonly migratingTo = new Map<number, string>();
  readonly importingFrom = new Map<number, string>();
  readonly slotKeys: SlotKeys;
  private readonly flags = new WeakMap<Client, ClusterClientFlags>();
  /** Redirections answered so far, by kind (moved, ask, tryagain, crossslot, clusterdown). */
  readonly redirects = new Map<string, number>();
  /** Called for every redirection answered (the example prints them). */
  onRedirect: ((e: RedirectEvent) => void) | undefined;

  constructor(
    readonly bus: ClusterBus,
    readonly myself: ClusterNodeRecord,
    readonly server: RedisServer,
    readonly now: () => number,
  ) {
    this.slotKeys = new SlotKeys(server.keyspace, now);
  }

  clientFlags(c: Client): ClusterClientFlags {
    let f = this.flags.get(c);
    if (f === undefined) {
      f = { asking: false, readonly: false };
      this.flags.set(c, f);
    }
    return f;
  }

  /** The owner of a slot (undefined: unassigned). */
  owner(slot: number): string | undefined {
    return this.slots.owner(slot);
  }

  /** clusterAddSlot / clusterDelSlot (`undefined` unassigns). */
  assign(slot: number, node: string | undefined): void {
    const before = this.slots.owner(slot);
    this.slots.assign(slot, node);
    this.assigned += (node === undefined ? 0 : 1) - (before === undefined ? 0 : 1);
    if (this.assigned < 0 || this.assigned > 16384) throw new RedisClusterError('INVARIANT', `cluster state: ${this.assigned} slots assigned, outside 0..16384`);
    if (node !== undefined && !this.bus.nodes.has(node) && node !== this.myself.id) throw new RedisClusterError('INVARIANT', `cluster state: slot ${slot} assigned to ${node}, a node nobody knows`);
  }

  /** The slot table (a copy) for CLUSTER SLOTS / SHARDS. */
  slotMap(): SlotMap {
    return this.slots.clone();
  }

  /** cluster_slots_assigned */
  get slotsAssigned(): number {
    return this.assigned;
  }

  /** cluster_state: ok when every slot is assigned (cluster-require-full-coverage yes). */
  get stateOk(): boolean {
    return this.assigned === 16384;
  }

  /** What getNodeByQuery reads. */
  view(): NodeView {
    const ok = this.stateOk;
    return {
      myself: this.myself.id,
      owner: (slot) => this.owner(slot),
      migratingTo: (slot) => this.migratingTo.get(slot),
      importingFrom: (slot) => this.importingFrom.get(slot),
      keyExists: (key) => this.slotKeys.exists(key),
      clusterOk: ok,
    };
  }

  /** The node with this id, if gossip knows it (clusterLookupNode). */
  lookup(id: string): ClusterNodeRecord | undefined {
    return this.bus.nodes.get(id);
  }

  /** Slots owned by `id`, as [start, end] runs. */
  rangesOf(id: string): [number, number][] {
    return this.slots
      .ranges()
      .filter((r) => r.node === id)
      .map((r) => [r.start, r.end]);
  }
}
