// Slot map and the CLUSTER SLOTS / CLUSTER SHARDS replies (redis/src/cluster.c
// clusterReplyMultiBulkSlots, clusterReplyShards; docs/redis-cluster.md §4).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ClusterError,
  type ClusterNodeInfo,
  clusterShardsReply,
  clusterSlotsReply,
  parseClusterSlots,
  SlotMap,
  slotMapFromDiscovery,
} from '@protolab/redis-cluster';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const nodes: ClusterNodeInfo[] = [
  { id: A, ip: '127.0.0.1', port: 7000, role: 'master', replicationOffset: 100, health: 'online' },
  { id: B, ip: '127.0.0.1', port: 7001, role: 'master', replicationOffset: 100, health: 'online' },
  { id: C, ip: '127.0.0.1', port: 7002, role: 'master', replicationOffset: 100, health: 'online' },
];

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof ClusterError) return e.code;
    throw e;
  }
  return undefined;
}

describe('SlotMap', () => {
  it('redis-cli --cluster create splits 3 masters as 0-5460, 5461-10922, 10923-16383', () => {
    expect(SlotMap.evenly([A, B, C]).ranges()).toEqual([
      { start: 0, end: 5460, node: A },
      { start: 5461, end: 10922, node: B },
      { start: 10923, end: 16383, node: C },
    ]);
  });

  it('an overlap is a typed SLOT_OVERLAP error naming the slot', () => {
    expect(() => SlotMap.fromRanges([{ start: 0, end: 100, node: A }, { start: 100, end: 16383, node: B }])).toThrow(/slot 100 is claimed twice/);
    expect(codeOf(() => SlotMap.fromRanges([{ start: 0, end: 100, node: A }, { start: 50, end: 16383, node: B }]))).toBe('SLOT_OVERLAP');
  });

  it('a gap is a typed SLOT_GAP error naming the unassigned range, unless full coverage is not required', () => {
    const ranges = [{ start: 0, end: 99, node: A }, { start: 200, end: 16383, node: B }];
    expect(() => SlotMap.fromRanges(ranges)).toThrow(/unassigned 100-199/);
    expect(codeOf(() => SlotMap.fromRanges(ranges))).toBe('SLOT_GAP');
    expect(SlotMap.fromRanges(ranges, { requireFullCoverage: false }).owner(150)).toBeUndefined();
  });

  it('bad ranges get SLOT_RANGE errors', () => {
    expect(codeOf(() => SlotMap.fromRanges([{ start: 0, end: 16384, node: A }]))).toBe('SLOT_RANGE');
    expect(codeOf(() => SlotMap.fromRanges([{ start: 5, end: 4, node: A }]))).toBe('SLOT_RANGE');
    expect(codeOf(() => SlotMap.fromRanges([{ start: 1.5, end: 4, node: A }]))).toBe('SLOT_RANGE');
  });

  it('ranges() is the maximal-run decomposition: rebuilding from it gives the same map', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 16383 }), fc.constantFrom(A, B, C)), { maxLength: 50 }), (moves) => {
        const m = SlotMap.evenly([A, B, C]);
        for (const [s, n] of moves) m.assign(s, n);
        const rs = m.ranges();
        for (let i = 1; i < rs.length; i++) expect(rs[i]!.node === rs[i - 1]!.node && rs[i]!.start === rs[i - 1]!.end + 1).toBe(false);
        expect(SlotMap.fromRanges(rs).equals(m)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});

describe('CLUSTER SLOTS reply', () => {
  it('moving slot 13513 out of the middle of a range splits it, as captured from a real cluster', () => {
    const m = SlotMap.fromRanges([
      { start: 0, end: 5460, node: A },
      { start: 5461, end: 10922, node: B },
      { start: 10923, end: 16383, node: C },
    ]);
    m.assign(13513, B);
    const reply = clusterSlotsReply({ nodes, slots: m });
    expect(reply.map((e) => [e[0], e[1]])).toEqual([[0, 5460], [5461, 10922], [10923, 13512], [13513, 13513], [13514, 16383]]);
    expect(reply[3]).toEqual([13513, 13513, ['127.0.0.1', 7001, B, {}]]);
  });

  it('lists a replica only when available (not failed, replication offset > 0)', () => {
    const withReplicas: ClusterNodeInfo[] = [
      ...nodes,
      { id: 'd'.repeat(40), ip: '127.0.0.1', port: 7003, role: 'replica', masterId: A, replicationOffset: 0, health: 'online' },
      { id: 'e'.repeat(40), ip: '127.0.0.1', port: 7004, role: 'replica', masterId: B, replicationOffset: 42, health: 'online' },
    ];
    const reply = clusterSlotsReply({ nodes: withReplicas, slots: SlotMap.evenly([A, B, C]) });
    expect(reply[0]!.length).toBe(3); // A's replica is still syncing
    expect(reply[1]![3]).toEqual(['127.0.0.1', 7004, 'e'.repeat(40), {}]);
    const shards = clusterShardsReply({ nodes: withReplicas, slots: SlotMap.evenly([A, B, C]) });
    // SHARDS lists the loading replica, with health "loading".
    expect(shards[0]!.nodes[1]).toEqual({ id: 'd'.repeat(40), port: 7003, ip: '127.0.0.1', endpoint: '127.0.0.1', role: 'replica', 'replication-offset': 0, health: 'loading' });
  });

  it('parseClusterSlots round-trips clusterSlotsReply for any assignment', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 16383 }), fc.constantFrom(A, B, C, undefined)), { maxLength: 30 }), (moves) => {
        const m = SlotMap.evenly([A, B, C]);
        for (const [s, n] of moves) m.assign(s, n);
        const parsed = parseClusterSlots(clusterSlotsReply({ nodes, slots: m }));
        const back = slotMapFromDiscovery(parsed);
        for (let s = 0; s < 16384; s += 7) {
          const o = m.owner(s);
          expect(back.owner(s)).toBe(o === undefined ? undefined : `127.0.0.1:${nodes.find((n) => n.id === o)!.port}`);
        }
      }),
      { numRuns: 15 },
    );
  });

  it('a malformed reply gets a typed error that names the entry', () => {
    expect(codeOf(() => parseClusterSlots('nope'))).toBe('REPLY_SHAPE');
    expect(() => parseClusterSlots([[0, 10]])).toThrow(/entry 0: expected \[start, end, master/);
    expect(codeOf(() => parseClusterSlots([[0, 10, ['h', 'x']]]))).toBe('REPLY_SHAPE');
    expect(codeOf(() => parseClusterSlots([[0, 10, ['h', 1]], [10, 20, ['h', 2]]]))).toBe('SLOT_OVERLAP');
    expect(codeOf(() => parseClusterSlots([[0, 99999, ['h', 1]]]))).toBe('SLOT_RANGE');
  });
});

describe('CLUSTER SHARDS reply', () => {
  it('one shard per master, slots as a flat ascending [start, end, …] list, node map keys in Redis order', () => {
    const m = SlotMap.evenly([A, B, C]);
    m.assign(0, B);
    const shards = clusterShardsReply({ nodes, slots: m });
    expect(shards.map((s) => s.slots)).toEqual([[1, 5460], [0, 0, 5461, 10922], [10923, 16383]]);
    expect(Object.keys(shards[0]!.nodes[0]!)).toEqual(['id', 'port', 'ip', 'endpoint', 'role', 'replication-offset', 'health']);
  });
});
