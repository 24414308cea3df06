/**
 * server.c genRedisInfoString / infoCommand: INFO [section …]. Each section is a function in
 * `srv.infoSections` (lower-case name → text with its `# Title` line), so other units add or
 * replace one: the persistence unit replaces `persistence`, the cluster unit `cluster`:
 *
 *   srv.infoSections.set('persistence', (srv) => infoSection('Persistence', [['loading', 0], …]));
 *
 * A section's text is `# Title\r\n` then `field:value\r\n` lines; sections are joined by a blank
 * line, as Redis does. `INFO` (default) gives the DEFAULT_SECTIONS that exist, `all` every
 * registered section, `everything` the same (no modules here); an unknown name gives nothing.
 */
import type { RedisServer } from './server.js';
import { REDIS_VERSION } from './version.js';
import { commandstatsSection, errorstatsSection, latencystatsSection } from './commandstats.js';
import { kbps } from './stats.js';
import { waitBlockedOf } from './client-command.js';

export type InfoSection = (srv: RedisServer) => string;
export type InfoField = readonly [string, string | number];

/** server.c's default sections, in Redis's order (the ones registered are shown). */
export const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace'];

/** `# Title` then one `field:value` line per field. */
export function infoSection(title: string, fields: readonly InfoField[]): string {
  let s = `# ${title}\r\n`;
  for (const [k, v] of fields) s += `${k}:${String(v)}\r\n`;
  return s;
}

/** util.c bytesToHuman: 989.48K, 11.76M … */
export function bytesToHuman(n: number): string {
  const units: [number, string][] = [[1024 ** 5, 'P'], [1024 ** 4, 'T'], [1024 ** 3, 'G'], [1024 ** 2, 'M'], [1024, 'K']];
  for (const [size, unit] of units) if (n >= size) return `${(n / size).toFixed(2)}${unit}`;
  return `${n}B`;
}

/** infoCommand: the sections asked for, in the order of the registry. */
export function infoCommand(srv: RedisServer, args: readonly string[]): string {
  const asked = new Set(args.map((a) => a.toLowerCase()));
  let names: string[];
  if (asked.size === 0 || asked.has('default')) names = DEFAULT_SECTIONS.filter((n) => srv.infoSections.has(n));
  else if (asked.has('all') || asked.has('everything')) names = [...srv.infoSections.keys()];
  else names = [];
  for (const n of srv.infoSections.keys()) if (asked.has(n) && !names.includes(n)) names.push(n);
  const order = [...srv.infoSections.keys()];
  names.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const parts: string[] = [];
  for (const n of names) {
    const fn = srv.infoSections.get(n);
    if (fn !== undefined) parts.push(fn(srv));
  }
  return parts.join('\r\n');
}

/** The sections this unit provides, in Redis's order (others are added by their units). */
export function registerDefaultSections(srv: RedisServer): void {
  srv.infoSections.set('server', serverSection);
  srv.infoSections.set('clients', clientsSection);
  srv.infoSections.set('memory', memorySection);
  srv.infoSections.set('persistence', () => infoSection('Persistence', PERSISTENCE_DEFAULTS));
  srv.infoSections.set('stats', statsSection);
  srv.infoSections.set('replication', replicationSection);
  srv.infoSections.set('cpu', cpuSection);
  // genRedisInfoString's "modules" (the module list: none here), then commandstats, errorstats, latencystats.
  srv.infoSections.set('modules', () => infoSection('Modules', []));
  srv.infoSections.set('commandstats', (s) => commandstatsSection(s.stats.commands));
  srv.infoSections.set('errorstats', (s) => errorstatsSection(s.stats.commands));
  srv.infoSections.set('latencystats', (s) => latencystatsSection(s.stats.commands));
  srv.infoSections.set('cluster', () => infoSection('Cluster', [['cluster_enabled', 0]]));
  srv.infoSections.set('keyspace', keyspaceSection);
}

/** What the persistence section shows until the persistence unit replaces it (nothing saved). */
export const PERSISTENCE_DEFAULTS: readonly InfoField[] = [
  ['loading', 0], ['async_loading', 0], ['rdb_changes_since_last_save', 0], ['rdb_bgsave_in_progress', 0],
  ['rdb_last_save_time', 0], ['rdb_last_bgsave_status', 'ok'], ['rdb_last_bgsave_time_sec', -1],
  ['rdb_current_bgsave_time_sec', -1], ['rdb_saves', 0], ['aof_enabled', 0], ['aof_rewrite_in_progress', 0],
  ['aof_rewrite_scheduled', 0], ['aof_last_rewrite_time_sec', -1], ['aof_current_rewrite_time_sec', -1],
  ['aof_last_bgrewrite_status', 'ok'], ['aof_rewrites', 0], ['aof_last_write_status', 'ok'],
];

function serverSection(srv: RedisServer): string {
  const now = srv.nowMs();
  const uptimeS = Math.floor((now - srv.stats.startMs) / 1000);
  return infoSection('Server', [
    ['redis_version', REDIS_VERSION], ['redis_git_sha1', '00000000'], ['redis_git_dirty', 0], ['redis_mode', 'standalone'],
    ['os', 'protolab (Node.js)'], ['arch_bits', 64], ['multiplexing_api', 'node'], ['process_id', srv.processInfo().pid],
    ['run_id', srv.runId], ['tcp_port', srv.config.get('port')], ['server_time_usec', now * 1000],
    ['uptime_in_seconds', uptimeS], ['uptime_in_days', Math.floor(uptimeS / 86400)], ['hz', srv.keyspace.hz],
    ['configured_hz', srv.config.get('hz')], ['lru_clock', Math.floor(now / 1000) & 0xffffff], ['executable', ''], ['config_file', ''],
  ]);
}

function clientsSection(srv: RedisServer): string {
  return infoSection('Clients', [
    ['connected_clients', srv.connectedClients], ['cluster_connections', 0], ['maxclients', srv.config.get('maxclients')],
    ['client_recent_max_input_buffer', srv.stats.recentMaxInputBuffer], ['client_recent_max_output_buffer', srv.stats.recentMaxOutputBuffer],
    ['blocked_clients', blockedClients(srv)], ['tracking_clients', 0], ['clients_in_timeout_table', clientsInTimeoutTable(srv)],
  ]);
}

/**
 * server.blocked_clients (blocked.c blockClient / unblockClient, 7.0): blocking pops, commands
 * postponed by CLIENT PAUSE (BLOCKED_POSTPONE) and clients blocked in WAIT (BLOCKED_WAIT).
 */
function blockedClients(srv: RedisServer): number {
  return srv.blocking.blocked.size + srv.pause.postponedClients.size + (waitBlockedOf(srv)?.counts().blocked ?? 0);
}

/**
 * raxSize(server.clients_timeout_table) (timeout.c addClientToTimeoutTable, 7.0): blocked clients
 * with a timeout only. A pop or WAIT with timeout 0 and a postponed command (blockPostponeClient
 * sets no timeout) are not in it.
 */
function clientsInTimeoutTable(srv: RedisServer): number {
  let n = waitBlockedOf(srv)?.counts().withTimeout ?? 0;
  for (const b of srv.blocking.blocked.values()) if (Number.isFinite(b.deadlineMs)) n++;
  return n;
}

/**
 * Memory as an estimate: used_memory is a fixed startup size (Redis 7.0.15's used_memory_startup
 * on x86-64) plus the keyspace's documented per-key estimate (redis-keyspace maxmemory.ts) plus
 * the bytes in output buffers; used_memory_rss is the Node process's RSS (the adapter's).
 */
function memorySection(srv: RedisServer): string {
  const used = srv.usedMemory();
  const p = srv.processInfo();
  srv.stats.peakMemory = Math.max(srv.stats.peakMemory, used);
  const maxmemory = srv.config.number('maxmemory');
  return infoSection('Memory', [
    ['used_memory', used], ['used_memory_human', bytesToHuman(used)], ['used_memory_rss', p.rssBytes], ['used_memory_rss_human', bytesToHuman(p.rssBytes)],
    ['used_memory_peak', srv.stats.peakMemory], ['used_memory_peak_human', bytesToHuman(srv.stats.peakMemory)],
    ['used_memory_startup', STARTUP_MEMORY], ['used_memory_dataset', used - STARTUP_MEMORY], ['node_heap_used', p.heapUsedBytes],
    ['maxmemory', maxmemory], ['maxmemory_human', bytesToHuman(maxmemory)], ['maxmemory_policy', srv.config.get('maxmemory-policy')],
    ['mem_fragmentation_ratio', used > 0 ? (p.rssBytes / used).toFixed(2) : '0.00'], ['mem_allocator', 'v8'],
  ]);
}

/** redis-server 7.0.15's used_memory right after start (INFO memory used_memory_startup). */
export const STARTUP_MEMORY = 875976;

/**
 * genRedisInfoString "stats", every field of 7.0 in its order. Real counts where this server has
 * them; fields of features it does not have are 0 (io threads, active defrag, client tracking,
 * MIGRATE's socket cache, client eviction, writable-replica expires, the reply buffer resizing of
 * networking.c, DUMP payload sanitization) — see the README. Counts another unit keeps (the
 * replication unit's syncs, …) come from `srv.stats.provided` when it registered them.
 */
function statsSection(srv: RedisServer): string {
  const s = srv.stats;
  const ks = srv.keyspace.info();
  const cs = s.commands;
  const provided = (name: string): number | string => s.provided.get(name)?.() ?? 0;
  return infoSection('Stats', [
    ['total_connections_received', s.totalConnectionsReceived], ['total_commands_processed', s.totalCommandsProcessed],
    ['instantaneous_ops_per_sec', srv.instantaneousOpsPerSec()], ['total_net_input_bytes', s.totalNetInputBytes],
    ['total_net_output_bytes', s.totalNetOutputBytes], ['total_net_repl_input_bytes', provided('total_net_repl_input_bytes')],
    ['total_net_repl_output_bytes', provided('total_net_repl_output_bytes')],
    ['instantaneous_input_kbps', kbps(s.netInputSamples)], ['instantaneous_output_kbps', kbps(s.netOutputSamples)],
    ['instantaneous_input_repl_kbps', provided('instantaneous_input_repl_kbps') === 0 ? '0.00' : provided('instantaneous_input_repl_kbps')],
    ['instantaneous_output_repl_kbps', provided('instantaneous_output_repl_kbps') === 0 ? '0.00' : provided('instantaneous_output_repl_kbps')],
    ['rejected_connections', s.rejectedConnections],
    ['sync_full', provided('sync_full')], ['sync_partial_ok', provided('sync_partial_ok')], ['sync_partial_err', provided('sync_partial_err')],
    ['expired_keys', ks.expiredKeys - s.base.expiredKeys], ['expired_stale_perc', ks.expiredStalePerc.toFixed(2)],
    ['expired_time_cap_reached_count', ks.expiredTimeCapReachedCount - s.base.expiredTimeCapReachedCount],
    ['expire_cycle_cpu_milliseconds', ks.expireCycleCpuMilliseconds - s.base.expireCycleCpuMilliseconds],
    ['evicted_keys', srv.evictedKeys() - s.base.evictedKeys], ['evicted_clients', 0],
    ['total_eviction_exceeded_time', provided('total_eviction_exceeded_time')], ['current_eviction_exceeded_time', provided('current_eviction_exceeded_time')],
    ['keyspace_hits', srv.keyspace.stats.keyspaceHits], ['keyspace_misses', srv.keyspace.stats.keyspaceMisses],
    ['pubsub_channels', srv.pubsub.numChannels()], ['pubsub_patterns', srv.pubsub.numPatterns()], ['pubsubshard_channels', 0],
    ['latest_fork_usec', provided('latest_fork_usec')], ['total_forks', provided('total_forks')],
    ['migrate_cached_sockets', 0], ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0], ['active_defrag_misses', 0], ['active_defrag_key_hits', 0], ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0], ['current_active_defrag_time', 0],
    ['tracking_total_keys', 0], ['tracking_total_items', 0], ['tracking_total_prefixes', 0],
    ['unexpected_error_replies', 0], ['total_error_replies', cs.totalErrorReplies], ['dump_payload_sanitizations', 0],
    ['total_reads_processed', s.totalReadsProcessed], ['total_writes_processed', s.totalWritesProcessed],
    ['io_threaded_reads_processed', 0], ['io_threaded_writes_processed', 0], ['reply_buffer_shrinks', 0], ['reply_buffer_expands', 0],
    // Not 7.0 fields: 7.2's names for disconnections 7.0 only logs (after 7.0's fields, so a reader of 7.0's finds them all in place).
    ['client_output_buffer_limit_disconnections', s.outputLimitDisconnections], ['client_query_buffer_limit_disconnections', s.queryLimitDisconnections],
  ]);
}

function replicationSection(srv: RedisServer): string {
  return infoSection('Replication', [
    ['role', 'master'], ['connected_slaves', 0], ['master_failover_state', 'no-failover'], ['master_replid', srv.replId],
    ['master_replid2', '0'.repeat(40)], ['master_repl_offset', 0], ['second_repl_offset', -1], ['repl_backlog_active', 0],
    ['repl_backlog_size', 1048576], ['repl_backlog_first_byte_offset', 0], ['repl_backlog_histlen', 0],
  ]);
}

function cpuSection(srv: RedisServer): string {
  const p = srv.processInfo();
  return infoSection('CPU', [
    ['used_cpu_sys', p.cpuSysSeconds.toFixed(6)], ['used_cpu_user', p.cpuUserSeconds.toFixed(6)],
    ['used_cpu_sys_children', '0.000000'], ['used_cpu_user_children', '0.000000'],
  ]);
}

function keyspaceSection(srv: RedisServer): string {
  const fields: InfoField[] = srv.keyspace.info().keyspace.map((d) => [`db${d.db}`, `keys=${d.keys},expires=${d.expires},avg_ttl=${Math.trunc(d.avgTtl)}`]);
  return infoSection('Keyspace', fields);
}
