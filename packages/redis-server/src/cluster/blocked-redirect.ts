/**
 * cluster.c clusterRedirectBlockedClientIfNeeded (7.0), run from serverCron as Redis runs it from
 * clientsCron: a client blocked on a key (BLPOP, BZPOPMIN, BLMOVE …) is unblocked with
 * `-CLUSTERDOWN The cluster is down` when the cluster state is fail, `-CLUSTERDOWN Hash slot not
 * served` when its key's slot is unassigned, or `-MOVED <slot> <ip>:<port>` when the slot is
 * now another node's and not being imported here. Texts by clusterRedirectClient.
 */
import { reply } from '@protolab/resp';
import { clusterRedirectClient, keyHashSlot } from '@protolab/redis-cluster';
import type { Route } from '@protolab/redis-cluster';
import type { ClusterNodeState } from './state.js';

function blockedRoute(node: ClusterNodeState, keys: readonly Uint8Array[]): Route | undefined {
  if (!node.stateOk) return { kind: 'down-state' };
  for (const key of keys) {
    const slot = keyHashSlot(key);
    const owner = node.owner(slot);
    if (owner === node.myself.id || node.importingFrom.has(slot)) continue;
    return owner === undefined ? { kind: 'down-unbound' } : { kind: 'moved', slot, node: owner };
  }
  return undefined;
}

export function redirectBlockedClients(node: ClusterNodeState): void {
  const srv = node.server;
  for (const [c, b] of [...srv.blocking.blocked]) {
    const route = blockedRoute(node, b.keys);
    if (route === undefined) continue;
    const text = clusterRedirectClient(route, (id) => {
      const n = node.lookup(id);
      return n === undefined ? undefined : { host: n.ip, port: n.port };
    });
    if (text !== undefined) srv.unblockWithReply(c, reply.error(text));
  }
}
