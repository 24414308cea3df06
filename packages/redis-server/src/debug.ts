/**
 * DEBUG (redis/redis src/debug.c debugCommand, 7.0): the subcommands clients, client libraries'
 * test suites and Redis's own tests use against a running server. Implemented:
 *
 * | subcommand | what it does here |
 * |---|---|
 * | `HELP` | the subcommands below, in addReplyHelp's form |
 * | `DIGEST` | computeDatasetDigest: 40 hex digits, the same as redis-server 7.0 for the same data |
 * | `DIGEST-VALUE key …` | one digest per key (zeros for a missing key) |
 * | `POPULATE count [prefix] [size]` | `prefix:N` = `value:N` (zero-padded or cut to `size`), not propagated |
 * | `SET-ACTIVE-EXPIRE 0\|1` | turns the active expire cycle off / on (atoi: anything not a number is 0) |
 * | `PROTOCOL type` | a test reply of each RESP type, folded for RESP2 as Redis folds it |
 * | `ERROR text` | an error reply `-text` (CR and LF become spaces) |
 * | `LOG message` | writes `DEBUG LOG: message` to the server log |
 * | `SLEEP 0` | OK (a non-zero sleep would block the event loop: refused) |
 * | `RELOAD` | save, empty, load (only with persistence: `startPersistentRedisServer`) |
 * | `OBJECT key` | refcount, encoding, serializedlength (the RDB body's length), lru, idle seconds, a list's quicklist figures |
 *
 * Anything else gets Redis's "unknown subcommand" text. Redis 7.0 refuses DEBUG unless
 * `enable-debug-command` allows it; protolab-redis always allows it (a test server's use).
 */
import type { RespValue } from '@protolab/resp';
import { computeDatasetDigest, debugObjectInfo, debugPopulate, digestValue, KeyspaceError } from '@protolab/redis-keyspace';
import { formatFixed, toHex } from '@protolab/redis-common';
import { rdbPayloadCodec } from '@protolab/redis-rdb';
import type { RedisServer } from './server.js';
import type { Client } from './client.js';
import { keyOf } from './client.js';
import { helpReply } from './help.js';

const td = new TextDecoder();
const te = new TextEncoder();
const OK: RespValue = { type: 'simple', value: 'OK' };
const err = (value: string): RespValue => ({ type: 'error', value });
const bulk = (s: string): RespValue => ({ type: 'bulk', value: te.encode(s) });
const int = (n: number): RespValue => ({ type: 'integer', value: BigInt(n) });

/** DEBUG HELP's lines after the first (addReplyHelp adds the first and "HELP"). */
const HELP_LINES = [
  'DIGEST',
  '    The dataset\'s digest, 40 hex digits (the same data gives the same digest as Redis 7.0).',
  'DIGEST-VALUE <key> [<key> ...]',
  '    The digest of each key\'s value.',
  'ERROR <string>',
  '    Reply with <string> as an error (for client tests).',
  'LOG <message>',
  '    Write <message> to the server log.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Add <count> string keys <prefix>:<num> (prefix "key") holding value:<num>, padded or cut',
  '    to <size> bytes when given. Existing keys are kept. Nothing is propagated.',
  'PROTOCOL <type>',
  '    Reply with a test value of <type>: string, integer, double, bignum, null, array, set, map,',
  '    attrib, push, verbatim, true, false.',
  'RELOAD',
  '    Save the RDB file, empty the dataset and load the file back (needs persistence).',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    0 stops the active expire cycle (keys then expire only when accessed); 1 restarts it.',
  'SLEEP 0',
  '    Reply OK (protolab-redis does not block its event loop for a non-zero time).',
];

/** getPositiveLongFromObjectOrReply as DEBUG POPULATE calls it (7.0.15 gives the same text for a non-number). */
function positiveLong(arg: Uint8Array | undefined): number | RespValue {
  const s = arg === undefined ? '' : td.decode(arg);
  const n = /^(0|-?[1-9][0-9]{0,18})$/.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) return err('ERR value is out of range, must be positive');
  return n;
}

/** C atoi: optional blanks and sign, then digits; 0 when there are none. */
function atoi(arg: Uint8Array | undefined): number {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)/.exec(arg === undefined ? '' : td.decode(arg));
  return m === null ? 0 : Number.parseInt(m[1] ?? '0', 10);
}

function populate(srv: RedisServer, c: Client, argv: Uint8Array[]): RespValue {
  const count = positiveLong(argv[2]);
  if (typeof count !== 'number') return count;
  let size = 0;
  if (argv.length === 5) {
    const s = positiveLong(argv[4]);
    if (typeof s !== 'number') return s;
    size = s;
  }
  let added: Uint8Array[];
  try {
    added = debugPopulate(srv.keyspace, c.db, count, argv.length >= 4 ? argv[3] : undefined, size);
  } catch (e) {
    if (e instanceof KeyspaceError) return err(`ERR ${e.message}`);
    throw e;
  }
  // dbAdd + signalModifiedKey: WATCHers of an added key see it touched.
  if (!srv.watchedKeys.empty) for (const k of added) srv.watchedKeys.touch(c.db, keyOf(k));
  return OK;
}

/** DEBUG PROTOCOL <type>: debug.c's fixed test values; the encoder folds the RESP3 types for RESP2 clients. */
function protocol(srv: RedisServer, c: Client, name: string): RespValue {
  switch (name) {
    case 'string': return bulk('Hello World');
    case 'integer': return int(12345);
    case 'double': return { type: 'double', value: 3.141 };
    case 'bignum': return { type: 'bignum', value: 1234567999999999999999999999999999999n };
    case 'null': return { type: 'null' };
    case 'array': return { type: 'array', value: [int(0), int(1), int(2)] };
    case 'set': return { type: 'set', value: [int(0), int(1), int(2)] };
    case 'map': return { type: 'map', value: [0, 1, 2].map((j) => [int(j), { type: 'boolean', value: j === 1 }] as const) };
    case 'attrib': {
      const real = bulk('Some real reply following the attribute');
      if (c.resp < 3) return real;
      return { type: 'attribute', attributes: [[bulk('key-popularity'), { type: 'array', value: [bulk('key:123'), int(90)] }]], value: real };
    }
    case 'push':
      if (c.resp < 3) return err('ERR RESP2 is not supported by this command');
      srv.addReply(c, { type: 'push', value: [bulk('server-cpu-usage'), int(42)] });
      return bulk('Some real reply following the push reply');
    case 'verbatim': return { type: 'verbatim', format: 'txt', value: te.encode('This is a verbatim\nstring') };
    case 'true': return { type: 'boolean', value: true };
    case 'false': return { type: 'boolean', value: false };
    default: return err('ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false');
  }
}

/** The DUMP payload around an RDB object: its type byte, then the 2-byte version and 8-byte CRC-64 (cluster.c createDumpPayload). */
const DUMP_FRAME_BYTES = 1 + 2 + 8;

/**
 * debug.c DEBUG OBJECT: one status line. `Value at` is not an address (there is none to give): a
 * stable number per key, in the form `%p` prints. `serializedlength` is rdbSavedObjectLen: the
 * bytes rdbSaveObject writes for the value (compressed as `rdbcompression yes` compresses it) —
 * the DUMP payload less its frame.
 */
function debugObject(srv: RedisServer, c: Client, key: Uint8Array): RespValue {
  const info = debugObjectInfo(srv.keyspace, c.db, key, srv.nowMs());
  if (info === undefined) return err('ERR no such key');
  const serialized = rdbPayloadCodec.dump(info.value, info.encoding).length - DUMP_FRAME_BYTES;
  let extra = '';
  const ql = info.quicklist;
  if (ql !== undefined) {
    extra = ` ql_nodes:${ql.nodes} ql_avg_node:${formatFixed(ql.count / ql.nodes, 2)} ql_listpack_max:${ql.fill} ql_compressed:0 ql_uncompressed_size:${ql.bytes}`;
  }
  const at = `0x7f${(((c.db & 0xff) * 2 ** 32 + fnv1a(key)) * 16).toString(16).padStart(10, '0')}`;
  return {
    type: 'simple',
    value: `Value at:${at} refcount:${info.refcount} encoding:${info.encoding} serializedlength:${serialized} lru:${info.lru} lru_seconds_idle:${info.lruSecondsIdle}${extra}`,
  };
}

/** FNV-1a of the key: what `Value at` is made from. */
function fnv1a(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const x of b) h = Math.imul(h ^ x, 0x01000193) >>> 0;
  return h;
}

/** What another unit lends DEBUG: persistence's RELOAD and log (installPersistenceCommands). */
export interface DebugHooks {
  /** DEBUG RELOAD; without it RELOAD is refused (no data directory). */
  readonly reload?: () => RespValue;
  /** The server log DEBUG LOG writes to; without it the line is dropped (the client sees OK either way). */
  readonly log?: (line: string) => void;
}

/** DEBUG as the server runs it (a server command: see the file comment). */
export function debugCommand(srv: RedisServer, c: Client, argv: Uint8Array[], hooks: DebugHooks = {}): RespValue {
  const sub = td.decode(argv[1] ?? new Uint8Array()).toLowerCase();
  const n = argv.length;
  if (n < 2) return err("ERR wrong number of arguments for 'debug' command"); // arity -2
  if (sub === 'help' && n === 2) return helpReply('DEBUG', HELP_LINES);
  if (sub === 'digest' && n === 2) return { type: 'simple', value: toHex(computeDatasetDigest(srv.keyspace)) };
  if (sub === 'digest-value') {
    return { type: 'array', value: argv.slice(2).map((k): RespValue => ({ type: 'simple', value: toHex(digestValue(srv.keyspace, c.db, k)) })) };
  }
  if (sub === 'populate' && n >= 3 && n <= 5) return populate(srv, c, argv);
  if (sub === 'set-active-expire' && n === 3) {
    srv.keyspace.config.activeExpireEnabled = atoi(argv[2]) !== 0;
    return OK;
  }
  if (sub === 'protocol' && n === 3) return protocol(srv, c, td.decode(argv[2]).toLowerCase());
  if (sub === 'error' && n === 3) return err(td.decode(argv[2]).replace(/[\r\n]/g, ' '));
  if (sub === 'log' && n === 3) {
    hooks.log?.(`DEBUG LOG: ${td.decode(argv[2])}`);
    return OK;
  }
  if (sub === 'sleep' && n === 3) {
    // The sans-I/O core cannot block its caller; DEBUG SLEEP 0 (a no-op in Redis too) is what is modelled.
    if (td.decode(argv[2]) !== '0') return err('ERR DEBUG SLEEP with a non-zero time is not implemented by protolab-redis');
    return OK;
  }
  if (sub === 'object' && n === 3) return debugObject(srv, c, argv[2] ?? new Uint8Array());
  if (sub === 'reload') return hooks.reload !== undefined ? hooks.reload() : err('ERR DEBUG RELOAD needs persistence (protolab-redis started without a data directory)');
  // debug.c debugCommand → server.c addReplySubcommandSyntaxError.
  return err(`ERR unknown subcommand or wrong number of arguments for '${td.decode(argv[1] ?? new Uint8Array()).slice(0, 128)}'. Try DEBUG HELP.`);
}
