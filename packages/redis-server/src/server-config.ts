/**
 * The parameters protolab models (config.c's standardConfig rows with Redis 7.0's defaults,
 * bounds and error texts), what a change does to the server (the apply functions: updateHZ,
 * updateMaxmemory, …), and the CONFIG command (configGetCommand / configSetCommand /
 * configResetStatCommand).
 */
import { CONFIG_HELP, helpReply } from './help.js';
import type { RespValue } from '@protolab/resp';
import { MAXMEMORY_POLICIES } from '@protolab/redis-keyspace';
import type { ConfigParam, ConfigTable } from './config.js';
import { boolParam, enumParam, intParam, memoryParam, memtoull, stringParam } from './config.js';
import { keyOf } from './client.js';
import { rewriteConfig } from './replication/config-rewrite.js';
import type { RedisServer } from './server.js';
import { registerStatsConfig } from './stats.js';
import { registerNotifyConfig } from './notify.js';
import { registerConfigParams } from './config-params.js';
import { clientsCronHandleTimeout } from './client-timeout.js';

const INT_MAX = 2147483647;
const LONG_MAX = Number.MAX_SAFE_INTEGER; // printed as 9223372036854775807 (intParam)

/** One client class's output buffer limits (server.h clientBufferLimitsConfig), bytes and seconds. */
export interface OutputBufferLimit {
  readonly hard: number;
  readonly soft: number;
  readonly softSeconds: number;
}
export const OBUF_CLASSES = ['normal', 'slave', 'pubsub'] as const;
export type ObufClass = (typeof OBUF_CLASSES)[number];

/**
 * config.c setConfigClientOutputBufferLimitOption: `class hard soft seconds` groups; the classes
 * not named keep their limits. Canonical form: all three classes, in bytes.
 */
function obufParam(table: ConfigTable): ConfigParam {
  return {
    name: 'client-output-buffer-limit',
    defaultValue: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
    parse(v) {
      const words = v.split(' ').filter((w) => w !== '');
      if (words.length % 4 !== 0) return { error: 'Wrong number of arguments in buffer limit configuration.' };
      const limits = parseObufLimits(table.has('client-output-buffer-limit') ? table.get('client-output-buffer-limit') : this.defaultValue);
      for (let i = 0; i < words.length; i += 4) {
        const cls = (words[i] ?? '').toLowerCase();
        const name = cls === 'replica' ? 'slave' : cls;
        if (name !== 'normal' && name !== 'slave' && name !== 'pubsub') return { error: 'Invalid client class specified in buffer limit configuration.' };
        const [hard, soft, secs] = [memtoull(words[i + 1] ?? ''), memtoull(words[i + 2] ?? ''), /^[0-9]+$/.test(words[i + 3] ?? '') ? Number(words[i + 3]) : undefined];
        if (hard === undefined || soft === undefined || secs === undefined) return { error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' };
        limits.set(name, { hard, soft, softSeconds: secs });
      }
      return { value: OBUF_CLASSES.map((k) => { const l = limits.get(k); return `${k} ${l?.hard ?? 0} ${l?.soft ?? 0} ${l?.softSeconds ?? 0}`; }).join(' ') };
    },
  };
}

/** The canonical client-output-buffer-limit value as a Map class → limit. */
export function parseObufLimits(value: string): Map<ObufClass, OutputBufferLimit> {
  const w = value.split(' ');
  const out = new Map<ObufClass, OutputBufferLimit>();
  for (let i = 0; i + 3 < w.length; i += 4) {
    const cls = OBUF_CLASSES.find((k) => k === w[i]);
    if (cls !== undefined) out.set(cls, { hard: Number(w[i + 1]), soft: Number(w[i + 2]), softSeconds: Number(w[i + 3]) });
  }
  return out;
}

/** config.c setConfigSaveOption: `seconds changes` pairs of integers, or "" (no snapshots). */
function saveParam(): ConfigParam {
  return {
    name: 'save',
    defaultValue: '3600 1 300 100 60 10000',
    parse(v) {
      // MULTI_ARG_CONFIG splits the value into words (sdssplitargs); each is strtoll'd to its
      // end (a sign), seconds >= 1 and changes >= 0; no words is no save point.
      const w = v.split(/[ \t\n\v\f\r]+/).filter((x) => x !== '');
      const n = w.map((x) => (/^[+-]?[0-9]*$/.test(x) ? Number(/^[+-]?$/.test(x) ? 0 : x) : NaN));
      if (w.length % 2 !== 0 || n.some((x, i) => Number.isNaN(x) || x < (i % 2 === 0 ? 1 : 0))) return { error: 'Invalid save parameters' };
      return { value: n.map((x) => String(x)).join(' ') };
    },
  };
}

/** The parameters of the table, with Redis 7.0.15's defaults and bounds. */
export function registerServerConfig(srv: RedisServer, table: ConfigTable): void {
  const params: ConfigParam[] = [
    intParam('hz', 0, INT_MAX, 10, { clamp: [1, 500] }),
    boolParam('dynamic-hz', true),
    intParam('active-expire-effort', 1, 10, 1),
    intParam('maxclients', 1, 4294967295, 10000),
    intParam('proto-max-bulk-len', 1024 * 1024, LONG_MAX, 512 * 1024 * 1024, { memory: true }),
    intParam('client-query-buffer-limit', 1024 * 1024, LONG_MAX, 1024 * 1024 * 1024, { memory: true }),
    obufParam(table),
    memoryParam('maxmemory', 0),
    enumParam('maxmemory-policy', ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'], 'noeviction'),
    intParam('maxmemory-samples', 1, INT_MAX, 5),
    intParam('lfu-log-factor', 0, INT_MAX, 10),
    intParam('lfu-decay-time', 0, INT_MAX, 1),
    intParam('hll-sparse-max-bytes', 0, LONG_MAX, 3000, { memory: true }),
    boolParam('appendonly', false),
    enumParam('appendfsync', ['everysec', 'always', 'no'], 'everysec'),
    saveParam(),
    stringParam('dir', '.', { protected: true }),
    stringParam('dbfilename', 'dump.rdb', { protected: true }),
    stringParam('appendfilename', 'appendonly.aof', { immutable: true }),
    // MODIFIABLE in 7.0 (updatePort: the adapter listens on the new port); bind: config-params-special.ts.
    intParam('port', 0, 65535, 6379),
    intParam('databases', 1, INT_MAX, 16, { immutable: true }),
    // config.c: the default user's password (ACLUpdateDefaultUserPassword); "" = nopass.
    stringParam('requirepass', ''),
    // config.c createSizeTConfig rows of the encoding thresholds (t_hash.c, t_zset.c, t_set.c read them per command).
    intParam('hash-max-listpack-entries', 0, LONG_MAX, 512),
    intParam('hash-max-listpack-value', 0, LONG_MAX, 64, { memory: true }),
    intParam('zset-max-listpack-entries', 0, LONG_MAX, 128),
    intParam('zset-max-listpack-value', 0, LONG_MAX, 64, { memory: true }),
    intParam('set-max-intset-entries', 0, LONG_MAX, 512),
  ];
  for (const p of params) table.register(p);
  // config.c's alias column: the 6.2 names of the listpack thresholds.
  for (const t of ['hash-max', 'zset-max']) for (const k of ['entries', 'value']) table.alias(`${t}-ziplist-${k}`, `${t}-listpack-${k}`);
  registerStatsConfig(table, srv.stats);
  registerNotifyConfig(srv, table);
  registerConfigParams(table); // the rest of 7.0.15's table (config-params.ts)
  srv.cronHooks.push(() => { clientsCronHandleTimeout(srv); }); // `timeout`
  applyToKeyspace(srv, table);
}

/** The apply functions: the keyspace's expiry and eviction settings follow the table. */
function applyToKeyspace(srv: RedisServer, table: ConfigTable): void {
  const ks = srv.keyspace;
  table.onChange('hz', (v) => void (ks.config.hz = Number(v)));
  table.onChange('dynamic-hz', (v) => void (ks.config.dynamicHz = v === 'yes'));
  table.onChange('active-expire-effort', (v) => void (ks.config.activeExpireEffort = Number(v)));
  const th = ks.core.thresholds;
  table.onChange('hash-max-listpack-entries', (v) => void (th.hashMaxListpackEntries = Number(v)));
  table.onChange('hash-max-listpack-value', (v) => void (th.hashMaxListpackValue = Number(v)));
  table.onChange('zset-max-listpack-entries', (v) => void (th.zsetMaxListpackEntries = Number(v)));
  table.onChange('zset-max-listpack-value', (v) => void (th.zsetMaxListpackValue = Number(v)));
  table.onChange('set-max-intset-entries', (v) => void (th.setMaxIntsetEntries = Number(v)));
  table.onChange('list-max-listpack-size', (v) => void (th.listMaxListpackSize = Number(v)));
  table.onChange('hll-sparse-max-bytes', (v) => void (ks.core.thresholds.hllSparseMaxBytes = Number(v)));
  const evict = (): NonNullable<typeof ks.core.maxmemory>['cfg'] | undefined => ks.core.maxmemory?.cfg;
  table.onChange('maxmemory', (v) => void (evictOrFail(evict()).maxmemory = Number(v)));
  table.onChange('maxmemory-policy', (v) => {
    const policy = MAXMEMORY_POLICIES.find((p) => p === v);
    if (policy !== undefined) evictOrFail(evict()).policy = policy;
    return undefined;
  });
  table.onChange('maxmemory-samples', (v) => void (evictOrFail(evict()).samples = Number(v)));
  table.onChange('lfu-log-factor', (v) => void (evictOrFail(evict()).lfuLogFactor = Number(v)));
  table.onChange('lfu-decay-time', (v) => void (evictOrFail(evict()).lfuDecayTime = Number(v)));
}

function evictOrFail<T>(cfg: T | undefined): T {
  // The server always builds its keyspace with a maxmemory policy, so the tracker exists.
  if (cfg === undefined) throw new Error('redis-server: the keyspace has no maxmemory tracker');
  return cfg;
}

/** config.c configCommand: GET / SET / RESETSTAT, and REWRITE answered as without a config file. */
export function configCommand(srv: RedisServer, resp: 2 | 3, argv: readonly Uint8Array[], addr = ''): RespValue {
  const args = argv.map((a) => keyOf(a));
  const sub = (args[1] ?? '').toLowerCase();
  if (argv.length < 2) return { type: 'error', value: "ERR wrong number of arguments for 'config' command" };
  if (sub === 'get') {
    if (args.length < 3) return { type: 'error', value: "ERR wrong number of arguments for 'config|get' command" };
    const pairs = srv.config.configGet(args.slice(2));
    const b = (s: string): RespValue => ({ type: 'bulk', value: Uint8Array.from(s, (ch) => ch.charCodeAt(0)) });
    if (resp === 3) return { type: 'map', value: pairs.map(([k, v]) => [b(k), b(v)]) };
    return { type: 'array', value: pairs.flatMap(([k, v]) => [b(k), b(v)]) };
  }
  if (sub === 'set') {
    if (args.length < 4 || args.length % 2 !== 0) return { type: 'error', value: "ERR wrong number of arguments for 'config|set' command" };
    // networking.c islocalClient (for enable-protected-configs local): a loopback peer address.
    return srv.config.configSet(args.slice(2), /^(127\.|\[?::1\]?:)/.test(addr));
  }
  if (sub === 'resetstat') {
    if (args.length !== 2) return { type: 'error', value: "ERR wrong number of arguments for 'config|resetstat' command" };
    srv.resetStats();
    srv.keyspace.resetLookupStats(); // stat_keyspace_hits / misses live in the keyspace
    return { type: 'simple', value: 'OK' };
  }
  if (sub === 'rewrite') {
    // config.c configRewriteCommand: rewrite the file the server was started with (replication/config-rewrite.ts
    // rules); without one, the error (Sentinel's fail-over MULTI sends it and goes on).
    if (args.length !== 2) return { type: 'error', value: "ERR wrong number of arguments for 'config|rewrite' command" };
    return configRewrite(srv);
  }
  if (sub === 'help') return args.length === 2 ? helpReply('CONFIG', CONFIG_HELP) : { type: 'error', value: "ERR wrong number of arguments for 'config|help' command" };
  return { type: 'error', value: `ERR unknown subcommand '${(args[1] ?? '').slice(0, 128)}'. Try CONFIG HELP.` };
}

/** Reading and writing the config file the server was started with (the adapter does the I/O). */
export interface ConfigFileIo {
  /** The file's text, or undefined when it does not exist (rewriteConfigReadOldFile: ENOENT is an empty file). */
  read(): string | undefined;
  /** Replace the file's text; throws with the reason (strerror) when it cannot. */
  write(text: string): void;
}

const configFiles = new WeakMap<RedisServer, ConfigFileIo>();

/** The server was started with a config file: CONFIG REWRITE rewrites it (configRewriteCommand). */
export function installConfigFile(srv: RedisServer, io: ConfigFileIo): void {
  configFiles.set(srv, io);
}

function configRewrite(srv: RedisServer): RespValue {
  const io = configFiles.get(srv);
  if (io === undefined) return { type: 'error', value: 'ERR The server is running without a config file' };
  try {
    io.write(rewriteConfig(io.read() ?? '', srv.config));
    return { type: 'simple', value: 'OK' };
  } catch (e) {
    return { type: 'error', value: `ERR Rewriting config file: ${e instanceof Error ? e.message : String(e)}` };
  }
}
