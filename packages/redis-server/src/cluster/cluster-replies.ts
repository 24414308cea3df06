/**
 * The introspection replies of CLUSTER (redis/src/cluster.c 7.0): CLUSTER NODES
 * (clusterGenNodesDescription / clusterGenNodeDescription), CLUSTER INFO (clusterCommand "info"),
 * CLUSTER SLOTS (clusterReplyMultiBulkSlots) and CLUSTER SHARDS (clusterReplyShards). The slot
 * runs and the node fields come from @protolab/redis-cluster's topology code; this file only puts
 * them in RespValues (maps stay maps: a RESP2 client sees them as flat arrays, as Redis sends).
 */
import type { RespValue } from '@protolab/resp';
import { reply } from '@protolab/resp';
import type { ClusterNodeInfo, Topology } from '@protolab/redis-cluster';
import { clusterShardsReply, clusterSlotsReply } from '@protolab/redis-cluster';
import type { ClusterNodeRecord, ClusterNodeState } from './state.js';

/** The cluster bus port Redis derives from the client port (CLUSTER_PORT_INCR). */
export const CLUSTER_PORT_INCR = 10000;

function topology(node: ClusterNodeState): Topology {
  const nodes: ClusterNodeInfo[] = [...node.bus.nodes.values()].map((n) => ({ id: n.id, ip: n.ip, port: n.port, role: 'master', replicationOffset: 0, health: 'online' }));
  return { nodes, slots: node.slotMap() };
}

function slotRuns(runs: readonly [number, number][]): string {
  return runs.map(([a, b]) => (a === b ? ` ${a}` : ` ${a}-${b}`)).join('');
}

/** One CLUSTER NODES line (clusterGenNodeDescription), without the newline. */
function nodeLine(node: ClusterNodeState, n: ClusterNodeRecord): string {
  const me = n.id === node.myself.id;
  // ping_sent 0 (no ping in flight), pong_received: the last pong's ms time (0 for myself).
  const pong = me ? 0 : node.now();
  let line = `${n.id} ${n.ip}:${n.port}@${n.port + CLUSTER_PORT_INCR} ${me ? 'myself,master' : 'master'} - 0 ${pong} ${n.configEpoch} connected`;
  line += slotRuns(node.rangesOf(n.id));
  if (me) {
    // Open slots are shown only in the node's own line.
    for (const [slot, to] of [...node.migratingTo].sort((a, b) => a[0] - b[0])) line += ` [${slot}->-${to}]`;
    for (const [slot, from] of [...node.importingFrom].sort((a, b) => a[0] - b[0])) line += ` [${slot}-<-${from}]`;
  }
  return line;
}

/** CLUSTER NODES: one line per known node, each ending in a newline. */
export function clusterNodes(node: ClusterNodeState): RespValue {
  const lines = [...node.bus.nodes.values()].map((n) => nodeLine(node, n) + '\n');
  return reply.bulk(lines.join(''));
}

/** CLUSTER INFO (no failure detection and no bus traffic: pfail/fail and message counts are 0). */
export function clusterInfo(node: ClusterNodeState): RespValue {
  const assigned = node.slotsAssigned;
  const size = new Set(node.slotMap().ranges().map((r) => r.node)).size;
  const lines = [
    `cluster_state:${node.stateOk ? 'ok' : 'fail'}`,
    `cluster_slots_assigned:${assigned}`,
    `cluster_slots_ok:${assigned}`,
    'cluster_slots_pfail:0',
    'cluster_slots_fail:0',
    `cluster_known_nodes:${node.bus.nodes.size}`,
    `cluster_size:${size}`,
    `cluster_current_epoch:${node.bus.currentEpoch}`,
    `cluster_my_epoch:${node.myself.configEpoch}`,
    'cluster_stats_messages_sent:0',
    'cluster_stats_messages_received:0',
    'total_cluster_links_buffer_limit_exceeded:0',
  ];
  return reply.bulk(lines.join('\r\n') + '\r\n');
}

/** CLUSTER SLOTS: [start, end, [ip, port, id, {}]] per run of slots with one owner. */
export function clusterSlots(node: ClusterNodeState): RespValue {
  return reply.array(
    clusterSlotsReply(topology(node)).map(([start, end, ...nodes]) =>
      reply.array([reply.integer(start), reply.integer(end), ...nodes.map(([ip, port, id]) => reply.array([ip === null ? reply.null : reply.bulk(ip), reply.integer(port), reply.bulk(id), reply.map([])]))]),
    ),
  );
}

/** CLUSTER SHARDS: a map {slots, nodes} per master. */
export function clusterShards(node: ClusterNodeState): RespValue {
  const b = reply.bulk;
  return reply.array(
    clusterShardsReply(topology(node)).map((shard) =>
      reply.map([
        [b('slots'), reply.array(shard.slots.map((s) => reply.integer(s)))],
        [
          b('nodes'),
          reply.array(
            shard.nodes.map((n) =>
              reply.map([
                [b('id'), b(n.id)],
                [b('port'), reply.integer(n.port)],
                [b('ip'), b(n.ip)],
                [b('endpoint'), b(n.endpoint)],
                [b('role'), b(n.role)],
                [b('replication-offset'), reply.integer(n['replication-offset'])],
                [b('health'), b(n.health)],
              ]),
            ),
          ),
        ],
      ]),
    ),
  );
}
