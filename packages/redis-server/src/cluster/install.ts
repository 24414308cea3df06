/**
 * Cluster mode for one RedisServer (server.cluster_enabled): the CLUSTER, ASKING, READONLY,
 * READWRITE, MIGRATE and RESTORE-ASKING commands go into `srv.serverCommands`, SELECT is
 * wrapped, INFO's `cluster` section says cluster_enabled:1, and processCommand's redirection
 * check goes into `srv.commandFilters`.
 * DUMP/RESTORE payloads are @protolab/redis-rdb's (set here unless the server already has a codec).
 */
import { rdbPayloadCodec } from '@protolab/redis-rdb';
import type { RedisServer } from '../server.js';
import { redirectBlockedClients } from './blocked-redirect.js';
import { clusterCommand } from './cluster-command.js';
import { migrateCommand, restoreAskingCommand } from './migrate.js';
import { askingCommand, clusterRouteFilter, readonlyCommand, selectCommand } from './redirect.js';
import type { ClusterBus, ClusterNodeRecord } from './state.js';
import { ClusterNodeState } from './state.js';

export function installCluster(srv: RedisServer, bus: ClusterBus, myself: ClusterNodeRecord, now: () => number): ClusterNodeState {
  const node = new ClusterNodeState(bus, myself, srv, now);
  const core = srv.keyspace.core;
  core.payloadCodec ??= rdbPayloadCodec;
  srv.serverCommands.set('cluster', (_s, _c, argv) => clusterCommand(node, argv));
  srv.serverCommands.set('asking', askingCommand(node));
  srv.serverCommands.set('readonly', readonlyCommand(node, true));
  srv.serverCommands.set('readwrite', readonlyCommand(node, false));
  srv.serverCommands.set('migrate', migrateCommand(node));
  srv.serverCommands.set('restore-asking', restoreAskingCommand);
  srv.serverCommands.set('select', selectCommand);
  srv.infoSections.set('cluster', () => '# Cluster\r\ncluster_enabled:1\r\n');
  srv.commandFilters.push(clusterRouteFilter(node));
  srv.cronHooks.push(() => {
    redirectBlockedClients(node);
  });
  bus.join(node);
  return node;
}

/** A node id: 40 lower-case hex characters from 20 random bytes (clusterCreateNode → getRandomHexChars). */
export function nodeIdFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 20) throw new RangeError(`nodeIdFromBytes: expected 20 bytes, found ${bytes.length}`);
  return Buffer.from(bytes).toString('hex');
}
