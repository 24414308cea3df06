/**
 * A whole Redis Cluster on one @protolab/sim: n masters with the slots split as
 * `redis-cli --cluster create` does, smart clients, and a resharder named `admin`.
 */
import { type LinkOptions, type NodeRef, Sim } from '@protolab/sim';
import type { ClusterClient, ClusterClientOptions } from '../client.js';
import type { Arg } from '../commands.js';
import { ClusterError } from '../errors.js';
import { type ClusterMsg, describeClusterMsg } from '../messages.js';
import { ClusterNode, type ClusterNodeOptions } from '../node.js';
import type { ReshardMove } from '../reshard.js';
import { type ClusterNodeInfo, SlotMap } from '../topology.js';
import { type ClientActor, clusterClientActor } from './sim-client.js';
import { clusterNodeActor } from './sim-node.js';
import { type ReshardActor, reshardActor } from './sim-reshard.js';

/** What the simulated cluster's nodes take as input: a client command, or a slot move for admin. */
export type ClusterInput = Arg[] | ReshardMove;

export interface SimClusterOptions {
  seed: number | string;
  /** Number of masters (named n1, n2, …; ports 30001, 30002, …). Default 3. */
  masters?: number;
  /** Number of clients (named c1, c2, …). Default 1. */
  clients?: number;
  link?: Partial<LinkOptions>;
  attemptTimeoutMs?: number;
  migrateTimeoutMs?: number;
  /** Keys per MIGRATE (redis-cli --cluster-pipeline; default 10). */
  pipeline?: number;
  /** Build each node's core (tests plant bugs by subclassing ClusterNode). */
  makeNode?: (opts: ClusterNodeOptions) => ClusterNode;
  /** Build each client's core (tests plant bugs by subclassing ClusterClient). */
  makeClient?: (opts: ClusterClientOptions) => ClusterClient;
}

export interface SimCluster {
  sim: Sim<ClusterMsg, ClusterInput>;
  masters: string[];
  clients: string[];
  /** The resharder's sim name ('admin'). */
  admin: string;
  core(name: string): ClusterNode;
  client(name: string): ClientActor;
  resharder(): ReshardActor;
  addrOf(name: string): { host: string; port: number };
  /** Run a command on a client: `cluster.command('c1', 'SET', 'k', 'v')`. */
  command(client: string, ...argv: Arg[]): void;
  /** Move a slot with the resharder. */
  moveSlot(slot: number, to: string): void;
}

/** Build n masters with the slots split as `redis-cli --cluster create` does, clients and a resharder. */
export function simCluster(opts: SimClusterOptions): SimCluster {
  const m = opts.masters ?? 3;
  const masters = Array.from({ length: m }, (_, i) => `n${i + 1}`);
  const clients = Array.from({ length: opts.clients ?? 1 }, (_, i) => `c${i + 1}`);
  const infos: ClusterNodeInfo[] = masters.map((name, i) => ({ id: name, ip: '127.0.0.1', port: 30001 + i, role: 'master', replicationOffset: 1, health: 'online' }));
  const slots = SlotMap.evenly(masters);
  const sim = new Sim<ClusterMsg, ClusterInput>({ seed: opts.seed, describe: describeClusterMsg, ...(opts.link !== undefined ? { link: opts.link } : {}) });
  const addrOf = (name: string): { host: string; port: number } => {
    const i = masters.indexOf(name);
    if (i === -1) throw new ClusterError('REPLY_SHAPE', `simCluster: expected a master name, found ${name}`);
    return { host: '127.0.0.1', port: 30001 + i };
  };
  const nameOfAddr = (addr: string): string => {
    const port = Number(addr.slice(addr.lastIndexOf(':') + 1));
    return masters[port - 30001] ?? addr;
  };
  const cores = new Map<string, ClusterNode>();
  for (const name of masters) {
    const nodeOpts: ClusterNodeOptions = { id: name, nodes: infos, slots, now: () => sim.now() };
    const core = opts.makeNode !== undefined ? opts.makeNode(nodeOpts) : new ClusterNode(nodeOpts);
    cores.set(name, core);
    sim.addNode(name, clusterNodeActor(core, (id) => id));
  }
  const startupNodes = masters.map((n) => `127.0.0.1:${addrOf(n).port}`);
  const clientRefs = new Map<string, NodeRef<ClientActor>>();
  for (const c of clients) {
    clientRefs.set(c, sim.addNode(c, clusterClientActor({ startupNodes, nameOfAddr, ...(opts.makeClient !== undefined ? { makeClient: opts.makeClient } : {}), ...(opts.attemptTimeoutMs !== undefined ? { attemptTimeoutMs: opts.attemptTimeoutMs } : {}) })));
  }
  const ownerAt = (s: number): string => {
    const o = slots.owner(s);
    if (o === undefined) throw new ClusterError('SLOT_GAP', `simCluster: slot ${s} has no owner`);
    return o;
  };
  const admin = sim.addNode('admin', reshardActor({ masters, idOf: (n) => n, addrOf, ownerAt, ...(opts.pipeline !== undefined ? { pipeline: opts.pipeline } : {}), ...(opts.migrateTimeoutMs !== undefined ? { migrateTimeoutMs: opts.migrateTimeoutMs } : {}) }));
  const known = <T>(map: ReadonlyMap<string, T>, name: string, what: string): T => {
    const v = map.get(name);
    if (v === undefined) throw new ClusterError('REPLY_SHAPE', `simCluster: expected a ${what} name (${[...map.keys()].join(', ')}), found ${name}`);
    return v;
  };
  return {
    sim,
    masters,
    clients,
    admin: 'admin',
    core: (name) => known(cores, name, 'master'),
    client: (name) => known(clientRefs, name, 'client').handlers(),
    resharder: () => admin.handlers(),
    addrOf,
    command: (client, ...argv) => {
      sim.inject(client, argv);
    },
    moveSlot: (slot, to) => {
      sim.inject('admin', { slot, to });
    },
  };
}
