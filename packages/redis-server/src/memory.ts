/**
 * MEMORY (redis/redis src/object.c memoryCommand, getMemoryOverheadData, getMemoryDoctorReport,
 * 7.0) as the server runs it:
 *
 * | subcommand | here |
 * |---|---|
 * | `USAGE key [SAMPLES n]` | redis-keyspace object-size.ts keyMemoryUsage: Redis 7.0's objectComputeSize over the keyspace's own encodings (jemalloc size classes, x86-64 struct sizes); exact for strings, lists, intsets and listpacks, approximate where the package README says |
 * | `STATS` | Redis's 27 + dbs fields, valued from the server's documented estimate (INFO memory used_memory): approximate |
 * | `DOCTOR` | getMemoryDoctorReport's checks that have a meaning here (empty instance, peak, client buffers) over the same estimate |
 * | `MALLOC-STATS` | "Stats not supported for the current allocator" (Redis's reply without jemalloc: there is no jemalloc here) |
 * | `PURGE` | OK (Redis's reply for an allocator other than jemalloc: nothing to purge) |
 * | `HELP` | Redis's text |
 *
 * Arity and error texts are those of redis-server 7.0.15 (the command table's memory|usage -3,
 * the other subcommands 2; SAMPLES parsing as memoryCommand).
 */
import type { RespValue } from '@protolab/resp';
import { keyMemoryUsage, OBJ_COMPUTE_SIZE_DEF_SAMPLES } from '@protolab/redis-keyspace';
import type { RedisServer } from './server.js';
import type { Client } from './client.js';
import { STARTUP_MEMORY } from './info.js';

const td = new TextDecoder();
const te = new TextEncoder();
const err = (value: string): RespValue => ({ type: 'error', value });
const bulk = (s: string): RespValue => ({ type: 'bulk', value: te.encode(s) });
const int = (n: number): RespValue => ({ type: 'integer', value: BigInt(Math.trunc(n)) });
const dbl = (n: number): RespValue => ({ type: 'double', value: n });
const SYNTAX_ERR = 'ERR syntax error';
const NOT_INTEGER = 'ERR value is not an integer or out of range';
/** cluster.h sizeof(clusterDictEntryMetadata): the prev/next links of the slot-to-keys lists. */
const CLUSTER_DICT_ENTRY_METADATA = 16;

/** memoryCommand's help lines (addReplyHelp adds the header and HELP). */
const HELP_LINES = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

/** The subcommands and their arity (commands.def, 7.0: usage -3, the rest 2). */
const SUBCOMMAND_ARITY = new Map<string, number>([
  ['doctor', 2], ['help', 2], ['malloc-stats', 2], ['purge', 2], ['stats', 2], ['usage', -3],
]);

function helpReply(): RespValue {
  const lines = ['MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', ...HELP_LINES, 'HELP', '    Prints this help.'];
  return { type: 'array', value: lines.map((value) => ({ type: 'simple', value })) };
}

/** util.c string2ll as getLongLongFromObject uses it: a canonical decimal in the long long range. */
function parseLongLong(arg: Uint8Array): bigint | undefined {
  const s = td.decode(arg);
  if (!/^(0|-?[1-9][0-9]*)$/.test(s) || s.length > 20) return undefined;
  const n = BigInt(s);
  return n < -(2n ** 63n) || n > 2n ** 63n - 1n ? undefined : n;
}

/** MEMORY USAGE key [SAMPLES count]: options parsed left to right as memoryCommand does. */
function usage(srv: RedisServer, c: Client, argv: Uint8Array[]): RespValue {
  let samples = OBJ_COMPUTE_SIZE_DEF_SAMPLES;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    const val = argv[j + 1];
    if (opt === undefined || val === undefined || td.decode(opt).toLowerCase() !== 'samples') return err(SYNTAX_ERR);
    const n = parseLongLong(val);
    if (n === undefined) return err(NOT_INTEGER);
    if (n < 0n) return err(SYNTAX_ERR);
    samples = n === 0n ? Infinity : Number(n); // 0: LLONG_MAX, every element
    j++;
  }
  // dictMetadataSize(db->dict): in cluster mode (server.cluster_enabled: installCluster registers
  // CLUSTER) each main-dict entry carries clusterDictEntryMetadata, two pointers.
  const metadata = srv.serverCommands.has('cluster') ? CLUSTER_DICT_ENTRY_METADATA : 0;
  const bytes = keyMemoryUsage(srv.keyspace, c.db, argv[2] ?? new Uint8Array(), samples, metadata);
  return bytes === undefined ? { type: 'null' } : int(bytes);
}

/** The pieces of getMemoryOverheadData this server can value (see the README's MEMORY section). */
interface Overhead {
  total: number;
  peak: number;
  clientsNormal: number;
  dbs: { id: number; main: number; expires: number }[];
  keys: number;
}

function overhead(srv: RedisServer): Overhead {
  const total = srv.usedMemory();
  srv.stats.peakMemory = Math.max(srv.stats.peakMemory, total);
  const keyspaceBytes = srv.keyspace.core.maxmemory?.usedMemory() ?? 0;
  const dbs: Overhead['dbs'] = [];
  let keys = 0;
  for (const db of srv.keyspace.core.dbs) {
    const n = db.size;
    if (n === 0) continue;
    keys += n;
    // dictSize × (dictEntry + robj) + buckets × pointer; expires: entries + buckets (the
    // modelled tables: Db.tableSize and the ExpiresDict's bucket array).
    dbs.push({ id: db.id, main: n * 24 + db.tableSize * 8 + n * 16, expires: db.expires.used * 24 + db.expires.size * 8 });
  }
  return { total, peak: srv.stats.peakMemory, clientsNormal: Math.max(0, total - STARTUP_MEMORY - keyspaceBytes), dbs, keys };
}

/** MEMORY STATS: the field names and order of redis-server 7.0.15, values from the estimate. */
function stats(srv: RedisServer): RespValue {
  const o = overhead(srv);
  let overheadTotal = STARTUP_MEMORY + o.clientsNormal;
  for (const d of o.dbs) overheadTotal += d.main + d.expires;
  const net = o.total > STARTUP_MEMORY ? o.total - STARTUP_MEMORY : 1;
  const dataset = Math.max(0, o.total - overheadTotal);
  const rss = srv.processInfo().rssBytes;
  const pairs: [string, RespValue][] = [
    ['peak.allocated', int(o.peak)], ['total.allocated', int(o.total)], ['startup.allocated', int(STARTUP_MEMORY)],
    ['replication.backlog', int(0)], ['clients.slaves', int(0)], ['clients.normal', int(o.clientsNormal)],
    ['cluster.links', int(0)], ['aof.buffer', int(0)], ['lua.caches', int(0)], ['functions.caches', int(0)],
  ];
  for (const d of o.dbs) {
    pairs.push([`db.${d.id}`, {
      type: 'map',
      value: [
        [bulk('overhead.hashtable.main'), int(d.main)], [bulk('overhead.hashtable.expires'), int(d.expires)],
        [bulk('overhead.hashtable.slot-to-keys'), int(0)],
      ],
    }]);
  }
  pairs.push(
    ['overhead.total', int(overheadTotal)], ['keys.count', int(o.keys)], ['keys.bytes-per-key', int(o.keys > 0 ? Math.floor(net / o.keys) : 0)],
    ['dataset.bytes', int(dataset)], ['dataset.percentage', dbl((dataset * 100) / net)], ['peak.percentage', dbl((o.total * 100) / o.peak)],
    // No allocator of Redis's here: its counters are the estimate itself (ratios 1, bytes 0).
    ['allocator.allocated', int(o.total)], ['allocator.active', int(o.total)], ['allocator.resident', int(o.total)],
    ['allocator-fragmentation.ratio', dbl(1)], ['allocator-fragmentation.bytes', int(0)],
    ['allocator-rss.ratio', dbl(1)], ['allocator-rss.bytes', int(0)],
    ['rss-overhead.ratio', dbl(o.total > 0 ? rss / o.total : 0)], ['rss-overhead.bytes', int(rss - o.total)],
    ['fragmentation', dbl(o.total > 0 ? rss / o.total : 0)], ['fragmentation.bytes', int(rss - o.total)],
  );
  return { type: 'map', value: pairs.map(([k, v]) => [bulk(k), v] as const) };
}

const DOCTOR_EMPTY =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
const DOCTOR_FINE = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
const DOCTOR_PEAK =
  ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n';
const DOCTOR_CLIENTS =
  ' * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n';

/**
 * getMemoryDoctorReport over the estimate: "empty" below 5 MB, else the peak (> 150 % of now)
 * and client-buffer (> 200 KB each on average) checks. The allocator, RSS, replica and script
 * checks have no counterpart here and never report.
 */
function doctor(srv: RedisServer): string {
  const o = overhead(srv);
  if (o.total < 5 * 1024 * 1024) return DOCTOR_EMPTY;
  const found: string[] = [];
  if (o.peak / o.total > 1.5) found.push(DOCTOR_PEAK);
  const clients = srv.connectedClients;
  if (clients > 0 && o.clientsNormal / clients > 200 * 1024) found.push(DOCTOR_CLIENTS);
  if (found.length === 0) return DOCTOR_FINE;
  return `Sam, I detected a few issues in this Redis instance memory implants:\n\n${found.join('')}I'm here to keep you safe, Sam. I want to help you.\n`;
}

/** MEMORY as the server runs it (registered in server-commands.ts). */
export function memoryCommand(srv: RedisServer, c: Client, argv: Uint8Array[]): RespValue {
  if (argv.length < 2) return err("ERR wrong number of arguments for 'memory' command");
  const raw = td.decode(argv[1]);
  const sub = raw.toLowerCase();
  const arity = SUBCOMMAND_ARITY.get(sub);
  if (arity === undefined) return err(`ERR unknown subcommand '${raw.slice(0, 128)}'. Try MEMORY HELP.`.replace(/[\r\n]/g, ' '));
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity) return err(`ERR wrong number of arguments for 'memory|${sub}' command`);
  switch (sub) {
    case 'help': return helpReply();
    case 'usage': return usage(srv, c, argv);
    case 'stats': return stats(srv);
    case 'doctor': {
      const text = te.encode(doctor(srv));
      return c.resp === 3 ? { type: 'verbatim', format: 'txt', value: text } : { type: 'bulk', value: text };
    }
    case 'malloc-stats': return bulk('Stats not supported for the current allocator');
    default: return { type: 'simple', value: 'OK' }; // purge
  }
}
