/**
 * The slot map (slot → owning master) and the two replies that publish it, `CLUSTER SLOTS` and
 * `CLUSTER SHARDS`, as plain data in the shapes Redis 7.0 sends (redis/src/cluster.c:
 * `clusterReplyMultiBulkSlots` / `addNodeReplyForClusterSlot`, `clusterReplyShards` /
 * `addShardReplyForClusterShards` / `addNodeDetailsToShardReply`). docs/redis-cluster.md §4.
 */
import { ClusterError, defined, describeValue } from './errors.js';
import { assertSlot, CLUSTER_SLOTS } from './slot.js';

/** One node as the cluster bus knows it (a line of CLUSTER NODES, reduced). */
export interface ClusterNodeInfo {
  /** 40 hex characters in Redis; any non-empty string here. */
  id: string;
  ip: string;
  port: number;
  hostname?: string;
  role: 'master' | 'replica';
  /** The master's id, for a replica. */
  masterId?: string;
  /** 0 means "has not finished its initial sync" (such a replica is left out of CLUSTER SLOTS). */
  replicationOffset: number;
  health: 'online' | 'fail' | 'loading';
}

/** An inclusive slot range owned by one master. */
export interface SlotRange {
  start: number;
  end: number;
  node: string;
}

/**
 * Slot → owner (a node id), for all 16384 slots. `undefined` means unassigned (a node answers
 * "CLUSTERDOWN Hash slot not served" for keys there).
 */
export class SlotMap {
  private readonly owners: (string | undefined)[];

  private constructor(owners: (string | undefined)[]) {
    this.owners = owners;
  }

  /** A map where no slot is assigned. */
  static empty(): SlotMap {
    return new SlotMap(new Array<string | undefined>(CLUSTER_SLOTS).fill(undefined));
  }

  /**
   * Build from ranges. Overlapping ranges are always an error (SLOT_OVERLAP); with
   * `requireFullCoverage` (default true, like cluster-require-full-coverage yes) a slot left
   * unassigned is an error too (SLOT_GAP). Both messages name the slot.
   */
  static fromRanges(ranges: readonly SlotRange[], opts: { requireFullCoverage?: boolean } = {}): SlotMap {
    const map = SlotMap.empty();
    for (const r of ranges) {
      assertSlot(r.start, 'slot range start');
      assertSlot(r.end, 'slot range end');
      if (r.start > r.end) throw new ClusterError('SLOT_RANGE', `slot range: expected start <= end, found ${r.start}-${r.end}`);
      if (typeof r.node !== 'string' || r.node === '') throw new ClusterError('SLOT_RANGE', `slot range ${r.start}-${r.end}: expected a node id, found ${describeValue(r.node)}`);
      for (let s = r.start; s <= r.end; s++) {
        const prev = map.owners[s];
        if (prev !== undefined) {
          throw new ClusterError('SLOT_OVERLAP', `slot map: slot ${s} is claimed twice, by ${prev} and by ${r.node} (range ${r.start}-${r.end})`);
        }
        map.owners[s] = r.node;
      }
    }
    if (opts.requireFullCoverage ?? true) {
      const gaps = map.unassignedRanges();
      if (gaps.length > 0) {
        const shown = gaps.slice(0, 3).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ');
        throw new ClusterError('SLOT_GAP', `slot map: expected all ${CLUSTER_SLOTS} slots assigned, found unassigned ${shown}${gaps.length > 3 ? ', …' : ''}`);
      }
    }
    return map;
  }

  /**
   * Split the slots over masters the way `redis-cli --cluster create` does
   * (redis-cli.c clusterManagerCommandCreate: `last = lround(cursor + slots_per_node - 1)`), so
   * 3 masters get 0-5460, 5461-10922, 10923-16383.
   */
  static evenly(nodeIds: readonly string[]): SlotMap {
    if (nodeIds.length === 0) throw new ClusterError('SLOT_RANGE', 'SlotMap.evenly: expected at least one node, found none');
    const per = CLUSTER_SLOTS / nodeIds.length;
    const ranges: SlotRange[] = [];
    let first = 0;
    let cursor = 0;
    nodeIds.forEach((node, i) => {
      const last = i === nodeIds.length - 1 ? CLUSTER_SLOTS - 1 : Math.round(cursor + per - 1);
      ranges.push({ start: first, end: last, node });
      first = last + 1;
      cursor += per;
    });
    return SlotMap.fromRanges(ranges);
  }

  owner(slot: number): string | undefined {
    return this.owners[slot];
  }

  /** Assign (or with `undefined`, unassign) one slot. */
  assign(slot: number, node: string | undefined): void {
    assertSlot(slot);
    this.owners[slot] = node;
  }

  clone(): SlotMap {
    return new SlotMap(this.owners.slice());
  }

  /** Maximal runs of consecutive slots with the same owner, ascending; unassigned slots skipped. */
  ranges(): SlotRange[] {
    const out: SlotRange[] = [];
    let s = 0;
    while (s < CLUSTER_SLOTS) {
      const node = this.owners[s];
      let e = s;
      while (e + 1 < CLUSTER_SLOTS && this.owners[e + 1] === node) e++;
      if (node !== undefined) out.push({ start: s, end: e, node });
      s = e + 1;
    }
    return out;
  }

  unassignedRanges(): [number, number][] {
    const out: [number, number][] = [];
    for (let s = 0; s < CLUSTER_SLOTS; s++) {
      if (this.owners[s] !== undefined) continue;
      let e = s;
      while (e + 1 < CLUSTER_SLOTS && this.owners[e + 1] === undefined) e++;
      out.push([s, e]);
      s = e;
    }
    return out;
  }

  /** Number of slots each node owns. */
  counts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const o of this.owners) if (o !== undefined) m.set(o, (m.get(o) ?? 0) + 1);
    return m;
  }

  equals(other: SlotMap): boolean {
    for (let s = 0; s < CLUSTER_SLOTS; s++) if (this.owners[s] !== other.owners[s]) return false;
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// CLUSTER SLOTS

/** `[ip, port, id, metadata]`: metadata is empty with default settings (`*0` / `%0`). */
export type ClusterSlotsNode = [ip: string | null, port: number, id: string, metadata: Record<string, string>]; // map-ok: the reply's fixed metadata fields (ip, hostname), written by this code, never looked up by input
/** `[start, end, master, ...available replicas]`. */
export type ClusterSlotsEntry = [start: number, end: number, master: ClusterSlotsNode, ...replicas: ClusterSlotsNode[]];

export interface Topology {
  nodes: readonly ClusterNodeInfo[];
  slots: SlotMap;
}

/** Redis's isReplicaAvailable: not failed, and has a non-zero replication offset. */
function replicaAvailable(n: ClusterNodeInfo): boolean {
  return n.health !== 'fail' && n.replicationOffset !== 0;
}

function slotsNode(n: ClusterNodeInfo): ClusterSlotsNode {
  // Default cluster-preferred-endpoint-type is ip: the first element is the ip; the metadata
  // would carry `hostname` only when one is set.
  return [n.ip, n.port, n.id, n.hostname !== undefined ? { hostname: n.hostname } : {}];
}

/**
 * The CLUSTER SLOTS reply: one entry per maximal run of consecutive slots with the same owner,
 * walked 0..16383; unassigned slots skipped; replicas listed only when available.
 */
export function clusterSlotsReply(topology: Topology): ClusterSlotsEntry[] {
  const byId = new Map(topology.nodes.map((n) => [n.id, n]));
  return topology.slots.ranges().map((r) => {
    const master = byId.get(r.node);
    if (master === undefined) throw new ClusterError('REPLY_SHAPE', `CLUSTER SLOTS: slots ${r.start}-${r.end} are owned by ${r.node}, which is not in the node list`);
    const replicas = topology.nodes.filter((n) => n.role === 'replica' && n.masterId === master.id && replicaAvailable(n));
    return [r.start, r.end, slotsNode(master), ...replicas.map(slotsNode)];
  });
}

/** What a client learns from CLUSTER SLOTS: per range, the master's and replicas' addresses. */
export interface DiscoveredRange {
  start: number;
  end: number;
  master: { host: string; port: number; id?: string };
  replicas: { host: string; port: number; id?: string }[];
}

/**
 * Parse a CLUSTER SLOTS reply given as plain data (numbers/bigints for integers, strings or bytes
 * for bulk strings). Checks the shape and that no two ranges overlap; throws REPLY_SHAPE /
 * SLOT_OVERLAP / SLOT_RANGE with a message naming the entry.
 */
export function parseClusterSlots(reply: unknown): DiscoveredRange[] {
  if (!Array.isArray(reply)) throw new ClusterError('REPLY_SHAPE', `CLUSTER SLOTS: expected an array, found ${describeValue(reply)}`);
  const out: DiscoveredRange[] = [];
  const seen = SlotMap.empty();
  reply.forEach((entry: unknown, i) => {
    if (!Array.isArray(entry) || entry.length < 3) {
      throw new ClusterError('REPLY_SHAPE', `CLUSTER SLOTS entry ${i}: expected [start, end, master, ...replicas], found ${describeValue(entry)}`);
    }
    const start = toInt(entry[0], `entry ${i} start`);
    const end = toInt(entry[1], `entry ${i} end`);
    assertSlot(start, `CLUSTER SLOTS entry ${i} start`);
    assertSlot(end, `CLUSTER SLOTS entry ${i} end`);
    if (start > end) throw new ClusterError('SLOT_RANGE', `CLUSTER SLOTS entry ${i}: expected start <= end, found ${start}-${end}`);
    const nodes = (entry.slice(2) as unknown[]).map((n, k) => parseSlotsNode(n, `entry ${i} node ${k}`));
    for (let s = start; s <= end; s++) {
      const prev = seen.owner(s);
      if (prev !== undefined) throw new ClusterError('SLOT_OVERLAP', `CLUSTER SLOTS: slot ${s} appears in two entries (${prev} and entry ${i})`);
      seen.assign(s, `entry ${i}`);
    }
    const master = defined(nodes[0], 'parseClusterSlots: an entry has at least 3 elements');
    out.push({ start, end, master, replicas: nodes.slice(1) });
  });
  return out;
}

function parseSlotsNode(n: unknown, where: string): { host: string; port: number; id?: string } {
  if (!Array.isArray(n) || n.length < 2) throw new ClusterError('REPLY_SHAPE', `CLUSTER SLOTS ${where}: expected [ip, port, id, ...], found ${describeValue(n)}`);
  const host = n[0] === null ? '?' : toStr(n[0], `${where} ip`);
  const port = toInt(n[1], `${where} port`);
  const id = n.length > 2 ? toStr(n[2], `${where} id`) : undefined;
  return id === undefined ? { host, port } : { host, port, id };
}

function toInt(v: unknown, where: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  throw new ClusterError('REPLY_SHAPE', `CLUSTER SLOTS ${where}: expected an integer, found ${describeValue(v)}`);
}

function toStr(v: unknown, where: string): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  throw new ClusterError('REPLY_SHAPE', `CLUSTER SLOTS ${where}: expected a bulk string, found ${describeValue(v)}`);
}

/** Build a slot map from discovered ranges, keyed by "host:port" of each range's master. */
export function slotMapFromDiscovery(ranges: readonly DiscoveredRange[]): SlotMap {
  return SlotMap.fromRanges(
    ranges.map((r) => ({ start: r.start, end: r.end, node: `${r.master.host}:${r.master.port}` })),
    { requireFullCoverage: false },
  );
}

// ---------------------------------------------------------------------------------------------
// CLUSTER SHARDS

/** A node map of CLUSTER SHARDS, keys in the order Redis 7.0 writes them. */
export interface ClusterShardsNode {
  id: string;
  port: number;
  ip: string;
  endpoint: string;
  hostname?: string;
  role: 'master' | 'replica';
  'replication-offset': number;
  health: 'online' | 'fail' | 'loading';
}
export interface ClusterShard {
  /** Flat list of inclusive ranges, ascending: [s1, e1, s2, e2, …]; [] when the shard has none. */
  slots: number[];
  /** Master first, then each replica (listed even while loading, unlike CLUSTER SLOTS). */
  nodes: ClusterShardsNode[];
}

function shardsNode(n: ClusterNodeInfo): ClusterShardsNode {
  // addNodeDetailsToShardReply: a replica whose offset is 0 reports health "loading".
  const health = n.health === 'fail' ? 'fail' : n.role === 'replica' && n.replicationOffset === 0 ? 'loading' : n.health;
  const m: ClusterShardsNode = { id: n.id, port: n.port, ip: n.ip, endpoint: n.ip, role: n.role, 'replication-offset': n.replicationOffset, health };
  if (n.hostname !== undefined) {
    // Rebuild to keep Redis's key order (hostname comes after endpoint).
    return { id: n.id, port: n.port, ip: n.ip, endpoint: n.ip, hostname: n.hostname, role: n.role, 'replication-offset': n.replicationOffset, health };
  }
  return m;
}

/**
 * The CLUSTER SHARDS reply: one shard per master. Redis emits them in hash-table order; we emit
 * them in node-list order, and a caller must treat the order as meaningless either way.
 */
export function clusterShardsReply(topology: Topology): ClusterShard[] {
  const ranges = topology.slots.ranges();
  return topology.nodes
    .filter((n) => n.role === 'master')
    .map((m) => ({
      slots: ranges.filter((r) => r.node === m.id).flatMap((r) => [r.start, r.end]),
      nodes: [shardsNode(m), ...topology.nodes.filter((n) => n.role === 'replica' && n.masterId === m.id).map(shardsNode)],
    }));
}
