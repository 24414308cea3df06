/**
 * The rest of Redis 7.0.15's CONFIG table: every standardConfig row of config.c (static_configs,
 * 7.0) that no other unit of this package registers with its own apply logic — names, aliases,
 * types, bounds, defaults, flags and enum values as redis-server 7.0.15 answers CONFIG GET / SET
 * (checked by test/config-params.peer.test.ts). The rows are `fallback` rows: a unit that owns a
 * parameter (slowlog.ts, replication/config.ts, persistence) registers it again and replaces ours.
 *
 * Rows with `noEffect` are accepted, shown and rewritten but change nothing here (the README's
 * "Parameters accepted without effect" says why, grouped). The others are applied by
 * config-params-apply.ts or by the adapters / bin (timeout, tcp-keepalive, loglevel, logfile,
 * pidfile, daemonize, rdbcompression, rdbchecksum).
 */
import type { ConfigTable } from './config.js';
import { stringParam } from './config.js';
import { REPLICATION_ROWS } from './replication/config.js';
import type { ConfigRow } from './config-params-types.js';
import { boolRow, enumRow, INT_MAX, INT_MIN, LLONG_MAX, LONG_MAX, numRow, stringRow, UINT_MAX, ULLONG_MAX } from './config-params-types.js';
import { bindRow, hostnameValid, oomScoreAdjValuesRow, procTitleTemplateValid, shutdownOnSignalRow, tlsRows } from './config-params-special.js';

const OS = 'operating-system tuning protolab does not do (a Node.js process)';
const LAZY = 'protolab frees values synchronously (no background thread)';
const DEFRAG = 'no allocator to defragment (JavaScript heap)';
const CLUSTER = 'cluster mode is set up by protolab\'s cluster adapter, not by these directives';
const FSYNC = 'protolab\'s file adapters write and fsync whole files';
const NET = 'the socket adapter binds its one address; no unix socket';
const LOG = 'no syslog, crash log or process title in a Node.js process';
const ACL = 'protolab has the default user only (no ACL files or rules)';
const REPL_EXTRA = 'the replication core has no setting for it';
const AOF_EXTRA = 'the persistence unit has no setting for it';
const STREAM = 'protolab\'s streams do not model node sizes';
const DEBUGGING = 'a test hook of redis-server\'s own test suite';
const PROTECT = 'DEBUG and MODULE are always allowed / absent in protolab';

/** config.c pathIsBaseName: no '/' and no '..' components (a bare file name). */
function baseName(v: string): boolean {
  return !v.includes('/') && v !== '..' && v !== '.';
}

const LOOSE_ALIASES = new Map([['oom-score-adj', [['no', 'no'], ['yes', 'yes'], ['relative', 'yes'], ['absolute', 'absolute']] as const]]);

/** The rows, in config.c's order (bool, string, sds, enum, int, uint, ulong, long long, …, special). */
export const CONFIG_ROWS: readonly ConfigRow[] = [
  boolRow('rdbchecksum', true, { immutable: true }), // persistence.ts rdbOptions → encodeRdb checksum
  boolRow('daemonize', false, { immutable: true }), // bin: runs in the foreground with a warning
  boolRow('io-threads-do-reads', false, { immutable: true, debug: true, noEffect: OS }),
  boolRow('always-show-logo', false, { immutable: true, noEffect: LOG }),
  boolRow('protected-mode', true, { noEffect: 'protolab listens on 127.0.0.1 unless told otherwise and does not refuse outside clients' }),
  boolRow('rdbcompression', true), // persistence.ts rdbOptions → encodeRdb compression
  boolRow('rdb-del-sync-files', false, { noEffect: AOF_EXTRA }),
  boolRow('activerehashing', true, { noEffect: 'JavaScript Maps rehash by themselves' }),
  boolRow('stop-writes-on-bgsave-error', true, { noEffect: 'the persistence unit always refuses writes with MISCONF after a failed BGSAVE (the default)' }),
  boolRow('set-proc-title', true, { immutable: true, noEffect: LOG }),
  ...['eviction', 'expire', 'server-del', 'user-del', 'user-flush'].map((k) => boolRow(`lazyfree-lazy-${k}`, false, { debug: true, noEffect: LAZY })),
  boolRow('repl-disable-tcp-nodelay', false, { noEffect: REPL_EXTRA }),
  boolRow('aof-rewrite-incremental-fsync', true, { noEffect: FSYNC }),
  boolRow('no-appendfsync-on-rewrite', false, { noEffect: AOF_EXTRA }),
  boolRow('cluster-require-full-coverage', true, { noEffect: CLUSTER }),
  boolRow('rdb-save-incremental-fsync', true, { noEffect: FSYNC }),
  boolRow('aof-load-truncated', true, { noEffect: 'redis-aof has the option; the persistence unit always loads a truncated tail (the default)' }),
  boolRow('aof-use-rdb-preamble', true, { noEffect: 'redis-aof has the option; the persistence unit always writes the RDB preamble (the default)' }),
  boolRow('aof-timestamp-enabled', false, { noEffect: AOF_EXTRA }),
  boolRow('cluster-replica-no-failover', false, { alias: 'cluster-slave-no-failover', noEffect: CLUSTER }),
  boolRow('replica-lazy-flush', false, { alias: 'slave-lazy-flush', noEffect: LAZY }),
  boolRow('replica-ignore-maxmemory', true, { alias: 'slave-ignore-maxmemory', noEffect: REPL_EXTRA }),
  boolRow('jemalloc-bg-thread', true, { noEffect: DEFRAG }),
  // isValidActiveDefrag: the installed 7.0.15 is built without HAVE_DEFRAG, so `yes` is refused.
  boolRow('activedefrag', false, { debug: true }, (yes) => (yes ? 'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution' : undefined)),
  boolRow('syslog-enabled', false, { immutable: true, noEffect: LOG }),
  boolRow('cluster-enabled', false, { immutable: true, noEffect: CLUSTER }),
  boolRow('cluster-allow-reads-when-down', false, { noEffect: CLUSTER }),
  boolRow('cluster-allow-pubsubshard-when-down', true, { noEffect: CLUSTER }),
  boolRow('crash-log-enabled', true, { noEffect: LOG }),
  boolRow('crash-memcheck-enabled', true, { noEffect: LOG }),
  boolRow('use-exit-on-panic', false, { hidden: true, noEffect: DEBUGGING }),
  boolRow('disable-thp', true, { immutable: true, noEffect: OS }),
  boolRow('cluster-allow-replica-migration', true, { noEffect: CLUSTER }),
  boolRow('aof-disable-auto-gc', false, { noEffect: AOF_EXTRA }),
  boolRow('replica-ignore-disk-write-errors', false, { noEffect: REPL_EXTRA }),

  stringRow('aclfile', '', { immutable: true, noEffect: ACL }),
  stringRow('unixsocket', '', { immutable: true, noEffect: NET }),
  stringRow('pidfile', '', { immutable: true }), // bin: written at start, removed at exit
  stringRow('replica-announce-ip', '', { alias: 'slave-announce-ip', noEffect: REPL_EXTRA }),
  stringRow('cluster-announce-ip', '', { noEffect: CLUSTER }),
  stringRow('cluster-config-file', 'nodes.conf', { immutable: true, noEffect: CLUSTER }),
  stringRow('cluster-announce-hostname', '', { noEffect: CLUSTER }, hostnameValid),
  stringRow('syslog-ident', 'redis', { immutable: true, noEffect: LOG }),
  stringRow('appenddirname', 'appendonlydir', { immutable: true }, (v) => (v === '' ? "appenddirname can't be empty" : baseName(v) ? undefined : "appenddirname can't be a path, just a dirname")),
  ...['server_cpulist', 'bio_cpulist', 'aof_rewrite_cpulist', 'bgsave_cpulist'].map((n) => stringRow(n, '', { immutable: true, noEffect: OS })),
  stringRow('ignore-warnings', '', { noEffect: OS }),
  stringRow('proc-title-template', '{title} {listen-addr} {server-mode}', { noEffect: LOG }, procTitleTemplateValid),
  stringRow('bind-source-addr', '', { noEffect: REPL_EXTRA }),
  stringRow('logfile', '', { immutable: true }), // bin: log lines appended to it

  enumRow('supervised', ['upstart', 'systemd', 'auto', 'no'], 'no', { immutable: true, noEffect: OS }),
  enumRow('syslog-facility', ['user', ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `local${i}`)], 'local0', { immutable: true, noEffect: LOG }),
  enumRow('repl-diskless-load', ['disabled', 'on-empty-db', 'swapdb'], 'disabled', { debug: true, denyLoading: true, noEffect: REPL_EXTRA }),
  enumRow('loglevel', ['debug', 'verbose', 'notice', 'warning'], 'notice'), // bin: filters its log lines
  enumRow('oom-score-adj', LOOSE_ALIASES.get('oom-score-adj') ?? [], 'no', { noEffect: OS }),
  enumRow('acl-pubsub-default', ['allchannels', 'resetchannels'], 'resetchannels', { noEffect: ACL }),
  enumRow('sanitize-dump-payload', ['no', 'yes', 'clients'], 'no', { debug: true, noEffect: 'RESTORE payloads are always checked in full by redis-rdb' }),
  enumRow('enable-protected-configs', ['no', 'yes', 'local'], 'no', { immutable: true }), // config.ts setPairs reads it
  enumRow('enable-debug-command', ['no', 'yes', 'local'], 'no', { immutable: true, noEffect: PROTECT }),
  enumRow('enable-module-command', ['no', 'yes', 'local'], 'no', { immutable: true, noEffect: PROTECT }),
  enumRow('cluster-preferred-endpoint-type', ['ip', 'hostname', 'unknown-endpoint'], 'ip', { noEffect: CLUSTER }),
  enumRow('propagation-error-behavior', ['ignore', 'panic', 'panic-on-replicas'], 'ignore', { noEffect: REPL_EXTRA }),

  numRow('io-threads', 'int', 1n, 128n, 1n, { immutable: true, debug: true, noEffect: OS }),
  numRow('auto-aof-rewrite-percentage', 'int', 0n, INT_MAX, 100n, { noEffect: AOF_EXTRA }),
  numRow('cluster-replica-validity-factor', 'int', 0n, INT_MAX, 10n, { alias: 'cluster-slave-validity-factor', noEffect: CLUSTER }),
  // Applied in server-config.ts: a list takes the fill current when it is created (createQuicklistObject).
  numRow('list-max-listpack-size', 'int', INT_MIN, INT_MAX, -2n, { alias: 'list-max-ziplist-size' }),
  numRow('tcp-keepalive', 'int', 0n, INT_MAX, 300n), // adapters/net.ts socket.setKeepAlive
  numRow('cluster-migration-barrier', 'int', 0n, INT_MAX, 1n, { noEffect: CLUSTER }),
  numRow('active-defrag-cycle-min', 'int', 1n, 99n, 1n, { noEffect: DEFRAG }),
  numRow('active-defrag-cycle-max', 'int', 1n, 99n, 25n, { noEffect: DEFRAG }),
  numRow('active-defrag-threshold-lower', 'int', 0n, 1000n, 10n, { noEffect: DEFRAG }),
  numRow('active-defrag-threshold-upper', 'int', 0n, 1000n, 100n, { noEffect: DEFRAG }),
  numRow('maxmemory-eviction-tenacity', 'int', 0n, 100n, 10n, { noEffect: 'protolab evicts until under the limit in one go (no time-boxed eviction)' }),
  numRow('timeout', 'int', 0n, INT_MAX, 0n), // networking.ts clientsCronHandleTimeout
  numRow('replica-announce-port', 'int', 0n, 65535n, 0n, { alias: 'slave-announce-port', noEffect: REPL_EXTRA }),
  numRow('tcp-backlog', 'int', 0n, INT_MAX, 511n, { immutable: true, noEffect: OS }),
  numRow('cluster-port', 'int', 0n, 65535n, 0n, { immutable: true, noEffect: CLUSTER }),
  numRow('cluster-announce-bus-port', 'int', 0n, 65535n, 0n, { noEffect: CLUSTER }),
  numRow('cluster-announce-port', 'int', 0n, 65535n, 0n, { noEffect: CLUSTER }),
  numRow('cluster-announce-tls-port', 'int', 0n, 65535n, 0n, { noEffect: CLUSTER }),
  numRow('list-compress-depth', 'int', 0n, INT_MAX, 0n, { debug: true, noEffect: 'redis-keyspace\'s quicklist does not LZF-compress inner nodes' }),
  numRow('rdb-key-save-delay', 'int', INT_MIN, INT_MAX, 0n, { hidden: true, noEffect: DEBUGGING }),
  numRow('key-load-delay', 'int', INT_MIN, INT_MAX, 0n, { hidden: true, noEffect: DEBUGGING }),
  numRow('watchdog-period', 'int', 0n, INT_MAX, 0n, { hidden: true, noEffect: DEBUGGING }),
  numRow('shutdown-timeout', 'int', 0n, INT_MAX, 10n, { noEffect: 'SHUTDOWN does not wait for replicas to catch up' }),
  numRow('unixsocketperm', 'uint', 0n, 0o777n, 0n, { immutable: true, octal: true, noEffect: NET }),
  numRow('socket-mark-id', 'uint', 0n, UINT_MAX, 0n, { immutable: true, noEffect: OS }),
  numRow('active-defrag-max-scan-fields', 'ulong', 1n, LONG_MAX, 1000n, { noEffect: DEFRAG }),
  numRow('acllog-max-len', 'ulong', 0n, LONG_MAX, 128n, { noEffect: ACL }),
  numRow('busy-reply-threshold', 'longlong', 0n, LONG_MAX, 5000n, { alias: 'lua-time-limit', noEffect: 'no scripting in protolab' }),
  numRow('cluster-node-timeout', 'longlong', 0n, LLONG_MAX, 15000n, { noEffect: CLUSTER }),
  numRow('stream-node-max-entries', 'longlong', 0n, LLONG_MAX, 100n, { noEffect: STREAM }),
  numRow('cluster-link-sendbuf-limit', 'ulonglong', 0n, ULLONG_MAX, 0n, { memory: true, noEffect: CLUSTER }),
  numRow('active-defrag-ignore-bytes', 'size_t', 1n, LLONG_MAX, 100n << 20n, { memory: true, noEffect: DEFRAG }),
  numRow('stream-node-max-bytes', 'size_t', 0n, LONG_MAX, 4096n, { memory: true, noEffect: STREAM }),
  numRow('tracking-table-max-keys', 'size_t', 0n, LONG_MAX, 1000000n, { noEffect: 'no client-side caching (CLIENT TRACKING) in protolab' }),
  numRow('maxmemory-clients', 'ssize_t', -100n, LLONG_MAX, 0n, { memory: true, percent: true, noEffect: 'client eviction is not modelled (only output-buffer limits)' }),
  numRow('auto-aof-rewrite-min-size', 'off_t', 0n, LLONG_MAX, 64n * 1024n * 1024n, { memory: true, noEffect: AOF_EXTRA }),
  numRow('loading-process-events-interval-bytes', 'off_t', 1024n, INT_MAX, 2n * 1024n * 1024n, { hidden: true, noEffect: DEBUGGING }),

  ...tlsRows(),
  bindRow(),
  oomScoreAdjValuesRow(),
  shutdownOnSignalRow('shutdown-on-sigint'),
  shutdownOnSignalRow('shutdown-on-sigterm'),
];

/**
 * Register every row another unit has not registered yet (and its alias). Later registrations of
 * the same name by the owning unit replace the row (ConfigParam.fallback).
 */
export function registerConfigParams(table: ConfigTable): void {
  // The replication rows too, so a server without the replication unit lists them; the unit
  // (replication/config.ts registerReplicationConfig) replaces them when it is enabled.
  const repl: ConfigRow[] = [
    ...REPLICATION_ROWS.map((r) => ({ param: { ...r.param, fallback: true }, ...(r.alias !== undefined ? { alias: r.alias } : {}) })),
    { param: { ...stringParam('replicaof', '', { immutable: true }), fallback: true }, alias: 'slaveof' },
  ];
  for (const r of [...CONFIG_ROWS, ...repl]) {
    if (table.has(r.param.name)) continue;
    table.register(r.param);
    if (r.alias !== undefined) table.alias(r.alias, r.param.name);
  }
}
