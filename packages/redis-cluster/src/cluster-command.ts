/**
 * CLUSTER subcommands of the node (cluster.c clusterCommand, Redis 7.0): KEYSLOT,
 * COUNTKEYSINSLOT, GETKEYSINSLOT, MYID, SLOTS, SHARDS, INFO, and SETSLOT
 * (IMPORTING / MIGRATING / STABLE / NODE).
 */
import { NOT_INTEGER_ERR, SYNTAX_ERR, string2ll } from '@protolab/redis-common';
import type { RespValue } from '@protolab/resp';
import { type Arg, argToString } from './commands.js';
import type { ClusterNode } from './node.js';
import { argAt, bytes, R, toResp } from './reply.js';
import { CLUSTER_SLOTS, keyHashSlot } from './slot.js';
import { type ClusterNodeInfo, clusterShardsReply, clusterSlotsReply } from './topology.js';

/** CLUSTER <subcommand> …: the reply (errors as error replies, Redis's texts). */
export function clusterCommand(node: ClusterNode, argv: readonly Arg[]): RespValue {
  const sub = argToString(argAt(argv, 1)).toLowerCase();
  const n = argv.length;
  switch (sub) {
    case 'keyslot':
      if (n !== 3) return R.err("ERR wrong number of arguments for 'cluster|keyslot' command");
      return R.int(keyHashSlot(bytes(argAt(argv, 2))));
    case 'countkeysinslot': {
      if (n !== 3) return R.err("ERR wrong number of arguments for 'cluster|countkeysinslot' command");
      const slot = string2ll(argToString(argAt(argv, 2)));
      if (slot === undefined) return R.err(NOT_INTEGER_ERR);
      if (slot < 0n || slot >= BigInt(CLUSTER_SLOTS)) return R.err('ERR Invalid slot');
      return R.int(node.countKeysInSlot(Number(slot)));
    }
    case 'getkeysinslot': {
      if (n !== 4) return R.err("ERR wrong number of arguments for 'cluster|getkeysinslot' command");
      const slot = string2ll(argToString(argAt(argv, 2)));
      const max = string2ll(argToString(argAt(argv, 3)));
      if (slot === undefined || max === undefined) return R.err(NOT_INTEGER_ERR);
      if (slot < 0n || slot >= BigInt(CLUSTER_SLOTS) || max < 0n) return R.err('ERR Invalid slot or number of keys');
      return R.arr(node.getKeysInSlot(Number(slot), Number(max)).map((k) => R.bulk(k)));
    }
    case 'myid':
      return R.bulk(node.id);
    case 'setslot':
      return setslotCommand(node, argv);
    case 'slots':
      return toResp(clusterSlotsReply({ nodes: [...node.nodes.values()], slots: node.slots }));
    case 'shards':
      return toResp(clusterShardsReply({ nodes: [...node.nodes.values()], slots: node.slots }));
    case 'info':
      return clusterInfo(node);
    default:
      return R.err(`ERR unknown subcommand '${argToString(argAt(argv, 1)).slice(0, 128)}'. Try CLUSTER HELP.`);
  }
}

/** CLUSTER INFO: the fields this model knows (no failure detection: pfail/fail are 0). */
function clusterInfo(node: ClusterNode): RespValue {
  const assigned = node.slots.ranges().reduce((acc, r) => acc + r.end - r.start + 1, 0);
  const masters = new Set(node.slots.ranges().map((r) => r.node)).size;
  const lines = [
    `cluster_state:${assigned === CLUSTER_SLOTS ? 'ok' : 'fail'}`,
    `cluster_slots_assigned:${assigned}`,
    `cluster_slots_ok:${assigned}`,
    'cluster_slots_pfail:0',
    'cluster_slots_fail:0',
    `cluster_known_nodes:${node.nodes.size}`,
    `cluster_size:${masters}`,
  ];
  return R.bulk(lines.join('\r\n') + '\r\n');
}

/** CLUSTER SETSLOT <slot> IMPORTING|MIGRATING <node> | STABLE | NODE <node> (cluster.c, 7.0). */
function setslotCommand(node: ClusterNode, argv: readonly Arg[]): RespValue {
  if (argv.length < 4) return R.err("ERR wrong number of arguments for 'cluster|setslot' command");
  const slotN = string2ll(argToString(argAt(argv, 2)));
  if (slotN === undefined || slotN < 0n || slotN >= BigInt(CLUSTER_SLOTS)) return R.err('ERR Invalid or out of range slot');
  const slot = Number(slotN);
  const action = argToString(argAt(argv, 3)).toLowerCase();
  const nodeArg = argv.length > 4 ? argToString(argAt(argv, 4)) : undefined;
  /** The named node if it is a known master, else the error reply. */
  const target = (): ClusterNodeInfo | RespValue => {
    const n = nodeArg === undefined ? undefined : node.nodes.get(nodeArg);
    if (n === undefined) return R.err(`ERR I don't know about node ${nodeArg ?? ''}`);
    return n.role === 'master' ? n : R.err('ERR Target node is not a master');
  };
  switch (action) {
    case 'migrating': {
      if (argv.length !== 5) return R.err(SYNTAX_ERR);
      if (node.slots.owner(slot) !== node.id) return R.err(`ERR I'm not the owner of hash slot ${slot}`);
      const n = target();
      if ('type' in n) return n;
      node.migrating.set(slot, n.id);
      return R.ok;
    }
    case 'importing': {
      if (argv.length !== 5) return R.err(SYNTAX_ERR);
      if (node.slots.owner(slot) === node.id) return R.err(`ERR I'm already the owner of hash slot ${slot}`);
      const n = target();
      if ('type' in n) return n;
      node.importing.set(slot, n.id);
      return R.ok;
    }
    case 'stable':
      if (argv.length !== 4) return R.err(SYNTAX_ERR);
      node.migrating.delete(slot);
      node.importing.delete(slot);
      return R.ok;
    case 'node':
      return setslotNode(node, argv, slot, target);
    default:
      return R.err('ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP');
  }
}

/** CLUSTER SETSLOT <slot> NODE <node>: assign the slot, closing MIGRATING / IMPORTING as 7.0 does. */
function setslotNode(node: ClusterNode, argv: readonly Arg[], slot: number, target: () => ClusterNodeInfo | RespValue): RespValue {
  if (argv.length !== 5) return R.err(SYNTAX_ERR);
  const n = target();
  if ('type' in n) return n;
  if (node.slots.owner(slot) === node.id && n.id !== node.id && node.countKeysInSlot(slot) !== 0) {
    return R.err(`ERR Can't assign hashslot ${slot} to a different node while I still hold keys for this hash slot.`);
  }
  // A migrating slot with no keys left stops migrating once it is assigned away.
  if (node.countKeysInSlot(slot) === 0 && node.migrating.has(slot)) node.migrating.delete(slot);
  // Taking ownership of a slot we were importing closes the import (7.0 also bumps the
  // config epoch here; this model has no epochs, see README).
  if (n.id === node.id) node.importing.delete(slot);
  node.slots.assign(slot, n.id);
  return R.ok;
}
