/**
 * CLUSTER <subcommand> (redis/src/cluster.c clusterCommand, 7.0): MYID, KEYSLOT, COUNTKEYSINSLOT,
 * GETKEYSINSLOT, NODES, INFO, SLOTS, SHARDS, ADDSLOTS, ADDSLOTSRANGE, DELSLOTS, DELSLOTSRANGE,
 * SETSLOT IMPORTING|MIGRATING|STABLE|NODE, MEET (accepted: the nodes of one process already
 * know each other), REPLICAS/SLAVES (always empty: masters only), BUMPEPOCH, LINKS (empty), HELP.
 */
import type { RespValue } from '@protolab/resp';
import { reply } from '@protolab/resp';
import { string2ll } from '@protolab/redis-keyspace';
import { CLUSTER_SLOTS, keyHashSlot } from '@protolab/redis-cluster';
import type { ClusterNodeRecord, ClusterNodeState } from './state.js';
import { clusterInfo, clusterNodes, clusterShards, clusterSlots } from './cluster-replies.js';

const err = reply.error;
const NOT_INTEGER = 'ERR value is not an integer or out of range';
const text = (a: Uint8Array | undefined): string => (a === undefined ? '' : Buffer.from(a).toString('utf8'));
const arity = (sub: string): RespValue => err(`ERR wrong number of arguments for 'cluster|${sub}' command`);

/** Subcommand → exact argc (positive) or minimum argc (negative), as the 7.0 command table has them. */
const ARITY = new Map<string, number>([
  ['myid', 2], ['keyslot', 3], ['countkeysinslot', 3], ['getkeysinslot', 4], ['nodes', 2], ['info', 2], ['slots', 2], ['shards', 2],
  ['addslots', -3], ['delslots', -3], ['addslotsrange', -4], ['delslotsrange', -4], ['setslot', -4], ['meet', -4],
  ['replicas', 3], ['slaves', 3], ['bumpepoch', 2], ['links', 2], ['help', 2],
]);

const HELP = [
  'CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ADDSLOTS <slot> [<slot> ...]', 'ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]', 'BUMPEPOCH',
  'COUNTKEYSINSLOT <slot>', 'DELSLOTS <slot> [<slot> ...]', 'DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]',
  'GETKEYSINSLOT <slot> <count>', 'INFO', 'KEYSLOT <key>', 'LINKS', 'MEET <ip> <port> [<bus-port>]', 'MYID', 'NODES',
  'REPLICAS <node-id>', 'SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)', 'SHARDS', 'SLOTS', 'HELP',
];

/** getSlotOrReply */
function slotArg(a: Uint8Array | undefined): number | RespValue {
  const v = string2ll(text(a));
  if (v === undefined || v < 0n || v >= BigInt(CLUSTER_SLOTS)) return err('ERR Invalid or out of range slot');
  return Number(v);
}

export function clusterCommand(node: ClusterNodeState, argv: Uint8Array[]): RespValue {
  const sub = text(argv[1]).toLowerCase();
  const want = ARITY.get(sub);
  if (want === undefined) return err(`ERR unknown subcommand '${text(argv[1]).slice(0, 128)}'. Try CLUSTER HELP.`);
  if ((want > 0 && argv.length !== want) || argv.length < -want) return arity(sub);
  switch (sub) {
    case 'myid':
      return reply.bulk(node.myself.id);
    case 'keyslot':
      return reply.integer(keyHashSlot(argv[2] ?? new Uint8Array()));
    case 'countkeysinslot': {
      const slot = string2ll(text(argv[2]));
      if (slot === undefined) return err(NOT_INTEGER);
      if (slot < 0n || slot >= BigInt(CLUSTER_SLOTS)) return err('ERR Invalid slot');
      return reply.integer(node.slotKeys.count(Number(slot)));
    }
    case 'getkeysinslot': {
      const slot = string2ll(text(argv[2]));
      const max = string2ll(text(argv[3]));
      if (slot === undefined || max === undefined) return err(NOT_INTEGER);
      if (slot < 0n || slot >= BigInt(CLUSTER_SLOTS) || max < 0n) return err('ERR Invalid slot or number of keys');
      return reply.array(node.slotKeys.keys(Number(slot), Number(max)).map((k) => reply.bulk(k)));
    }
    case 'nodes':
      return clusterNodes(node);
    case 'info':
      return clusterInfo(node);
    case 'slots':
      return clusterSlots(node);
    case 'shards':
      return clusterShards(node);
    case 'addslots':
    case 'delslots':
      return addDelSlots(node, sub === 'addslots', argv.slice(2));
    case 'addslotsrange':
    case 'delslotsrange':
      return addDelSlotsRange(node, sub === 'addslotsrange', argv.slice(2));
    case 'setslot':
      return setslotCommand(node, argv);
    default:
      return otherSubcommand(node, sub, argv);
  }
}

function otherSubcommand(node: ClusterNodeState, sub: string, argv: Uint8Array[]): RespValue {
  switch (sub) {
    case 'meet': {
      const port = string2ll(text(argv[3]));
      if (port === undefined) return err(`ERR Invalid TCP base port specified: ${text(argv[3])}`);
      if (port < 0n || port > 65535n) return err(`ERR Invalid node address specified: ${text(argv[2])}:${text(argv[3])}`);
      return reply.ok;
    }
    case 'replicas':
    case 'slaves':
      if (node.lookup(text(argv[2])) === undefined) return err(`ERR Unknown node ${text(argv[2])}`);
      return reply.array([]);
    case 'bumpepoch': {
      const bumped = node.bus.bumpConfigEpoch(node.myself);
      return reply.simple(`${bumped ? 'BUMPED' : 'STILL'} ${node.myself.configEpoch}`);
    }
    case 'links':
      return reply.array([]);
    default:
      return reply.array(HELP.map((l) => reply.simple(l)));
  }
}

/** CLUSTER ADDSLOTS / DELSLOTS: every slot checked first, then all applied (clusterCommand). */
function addDelSlots(node: ClusterNodeState, add: boolean, args: Uint8Array[]): RespValue {
  const slots: number[] = [];
  for (const a of args) {
    const s = slotArg(a);
    if (typeof s !== 'number') return s;
    slots.push(s);
  }
  return applySlots(node, add, slots);
}

function applySlots(node: ClusterNodeState, add: boolean, slots: readonly number[]): RespValue {
  const seen = new Set<number>();
  for (const s of slots) {
    if (add && node.owner(s) !== undefined) return err(`ERR Slot ${s} is already busy`);
    if (!add && node.owner(s) === undefined) return err(`ERR Slot ${s} is already unassigned`);
    if (seen.has(s)) return err(`ERR Slot ${s} specified multiple times`);
    seen.add(s);
  }
  for (const s of slots) {
    // clusterAddSlot of a slot being imported finishes the import.
    if (add) node.importingFrom.delete(s);
    node.assign(s, add ? node.myself.id : undefined);
  }
  return reply.ok;
}

function addDelSlotsRange(node: ClusterNodeState, add: boolean, args: Uint8Array[]): RespValue {
  if (args.length % 2 !== 0) return arity(add ? 'addslotsrange' : 'delslotsrange');
  const slots: number[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const a = slotArg(args[i]);
    if (typeof a !== 'number') return a;
    const b = slotArg(args[i + 1]);
    if (typeof b !== 'number') return b;
    if (a > b) return err(`ERR start slot number ${a} is greater than end slot number ${b}`);
    for (let s = a; s <= b; s++) slots.push(s);
  }
  return applySlots(node, add, slots);
}

/** CLUSTER SETSLOT <slot> IMPORTING|MIGRATING <node-id> | STABLE | NODE <node-id> */
function setslotCommand(node: ClusterNodeState, argv: Uint8Array[]): RespValue {
  const slot = slotArg(argv[2]);
  if (typeof slot !== 'number') return slot;
  const action = text(argv[3]).toLowerCase();
  const id = text(argv[4]);
  if (action === 'migrating' && argv.length === 5) {
    if (node.owner(slot) !== node.myself.id) return err(`ERR I'm not the owner of hash slot ${slot}`);
    const n = node.lookup(id);
    if (n === undefined) return err(`ERR I don't know about node ${id}`);
    node.migratingTo.set(slot, n.id);
    return reply.ok;
  }
  if (action === 'importing' && argv.length === 5) {
    if (node.owner(slot) === node.myself.id) return err(`ERR I'm already the owner of hash slot ${slot}`);
    const n = node.lookup(id);
    if (n === undefined) return err(`ERR I don't know about node ${id}`);
    node.importingFrom.set(slot, n.id);
    return reply.ok;
  }
  if (action === 'stable' && argv.length === 4) {
    node.importingFrom.delete(slot);
    node.migratingTo.delete(slot);
    return reply.ok;
  }
  if (action === 'node' && argv.length === 5) {
    const n = node.lookup(id);
    if (n === undefined) return err(`ERR Unknown node ${id}`);
    return setslotNode(node, slot, n);
  }
  return err('ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP');
}

function setslotNode(node: ClusterNodeState, slot: number, n: ClusterNodeRecord): RespValue {
  const me = node.myself.id;
  const keys = node.slotKeys.count(slot);
  if (node.owner(slot) === me && n.id !== me && keys !== 0) {
    return err(`ERR Can't assign hashslot ${slot} to a different node while I still hold keys for this hash slot.`);
  }
  // A migrating slot left with no keys stops migrating once it is assigned.
  if (keys === 0) node.migratingTo.delete(slot);
  node.assign(slot, n.id);
  // Taking a slot we were importing closes the import and takes a new config epoch so that the
  // new ownership wins everywhere (clusterBumpConfigEpochWithoutConsensus).
  if (n.id === me && node.importingFrom.has(slot)) {
    node.bus.bumpConfigEpoch(node.myself);
    node.importingFrom.delete(slot);
  }
  return reply.ok;
}
