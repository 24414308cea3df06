/**
 * MIGRATE and RESTORE-ASKING (redis/src/cluster.c migrateCommand / restoreCommand, 7.0).
 *
 * MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH pw] [AUTH2 user pw]
 * [KEYS key …]: each key still here is DUMPed (the RDB payload of @protolab/redis-rdb, through
 * the keyspace's payload codec), sent to the target as `RESTORE-ASKING key ttl payload
 * [REPLACE]` after a `SELECT db`, and deleted here once the target said OK (unless COPY).
 *
 * Transport: the IN-PROCESS SHORTCUT. The target must be a node of the same in-process cluster
 * (found on the ClusterBus by "host:port"); its RESTORE-ASKING runs synchronously on its server,
 * through the same routing check a socket would meet. Any other address answers
 * "IOERR error or timeout connecting to the client", what Redis answers when it cannot connect.
 * Being synchronous, a MIGRATE is atomic here as it is in Redis (which blocks on the socket).
 */
import type { RespValue } from '@protolab/resp';
import { reply } from '@protolab/resp';
import { clusterRedirectClient, getNodeByQuery } from '@protolab/redis-cluster';
import type { Client } from '../client.js';
import { createClient } from '../client.js';
import type { RedisServer, ServerCommandProc } from '../server.js';
import type { ClusterNodeState } from './state.js';

const SYNTAX = reply.error('ERR syntax error');
const NOT_INTEGER = reply.error('ERR value is not an integer or out of range');
const utf8 = (a: Uint8Array | undefined): string => (a === undefined ? '' : Buffer.from(a).toString('utf8'));

interface MigrateArgs {
  host: string;
  port: string;
  db: number;
  copy: boolean;
  replace: boolean;
  keys: Uint8Array[];
}

/** migrateCommand's argument loop and sanity checks. */
function parseMigrate(argv: Uint8Array[]): MigrateArgs | RespValue {
  if (argv.length < 6) return reply.error("ERR wrong number of arguments for 'migrate' command");
  const out: MigrateArgs = { host: utf8(argv[1]), port: utf8(argv[2]), db: 0, copy: false, replace: false, keys: [argv[3] ?? new Uint8Array()] };
  for (let j = 6; j < argv.length; j++) {
    const opt = utf8(argv[j]).toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'copy') out.copy = true;
    else if (opt === 'replace') out.replace = true;
    else if (opt === 'auth' && more >= 1) j += 1;
    else if (opt === 'auth2' && more >= 2) j += 2;
    else if (opt === 'keys') {
      if ((argv[3]?.length ?? 0) !== 0) return reply.error('ERR When using MIGRATE KEYS option, the key argument must be set to the empty string');
      out.keys = argv.slice(j + 1);
      break;
    } else return SYNTAX;
  }
  const timeout = /^-?[0-9]+$/.test(utf8(argv[5]));
  const db = utf8(argv[4]);
  if (!timeout || !/^-?[0-9]+$/.test(db)) return NOT_INTEGER;
  out.db = Number(db);
  return out;
}

/** A client of the target node standing for MIGRATE's cached connection to it. */
const migrateClients = new WeakMap<ClusterNodeState, Client>();
function targetClient(target: ClusterNodeState): Client {
  let c = migrateClients.get(target);
  if (c === undefined) {
    c = createClient(-1, -1, target.now(), 512 * 1024 * 1024);
    migrateClients.set(target, c);
  }
  return c;
}

/** What the target answers to one RESTORE-ASKING: the route check, then RESTORE on its keyspace. */
function restoreOnTarget(target: ClusterNodeState, argv: Uint8Array[]): RespValue {
  const route = getNodeByQuery(target.view(), { asking: false, readonly: false }, argv);
  const redirect = clusterRedirectClient(route, (id) => {
    const n = target.lookup(id);
    return n === undefined ? undefined : { host: n.ip, port: n.port };
  });
  if (redirect !== undefined) return reply.error(redirect);
  return target.server.runOnKeyspace(targetClient(target), [new TextEncoder().encode('RESTORE'), ...argv.slice(1)]);
}

/** The keys still here with their payload and relative TTL (0: none); expired ones are left out. */
function dumpKeys(srv: RedisServer, c: Client, keys: Uint8Array[]): { key: Uint8Array; ttl: bigint; payload: Uint8Array }[] | RespValue {
  const out: { key: Uint8Array; ttl: bigint; payload: Uint8Array }[] = [];
  for (const key of keys) {
    const d = srv.runOnKeyspace(c, [new TextEncoder().encode('DUMP'), key]);
    if (d.type === 'error') return d;
    if (d.type !== 'bulk') continue;
    const t = srv.runOnKeyspace(c, [new TextEncoder().encode('PTTL'), key]);
    const ms = t.type === 'integer' ? t.value : -2n;
    if (ms === -2n) continue;
    out.push({ key, ttl: ms === -1n ? 0n : ms < 1n ? 1n : ms, payload: d.value });
  }
  return out;
}

export function migrateCommand(node: ClusterNodeState): ServerCommandProc {
  return (srv, c, argv) => {
    const a = parseMigrate(argv);
    if ('type' in a) return a;
    const found = dumpKeys(srv, c, a.keys);
    if ('type' in found) return found;
    if (found.length === 0) return reply.simple('NOKEY');
    const target = node.bus.byAddress.get(`${a.host === 'localhost' ? '127.0.0.1' : a.host}:${a.port}`);
    if (target === undefined) return reply.error('IOERR error or timeout connecting to the client');
    // The connection's first command: SELECT db (a cluster node refuses any db but 0).
    if (a.db !== 0) return reply.error('ERR Target instance replied with error: ERR SELECT is not allowed in cluster mode');
    const enc = new TextEncoder();
    let firstError: string | undefined;
    const moved: Uint8Array[] = [];
    for (const k of found) {
      const restore = [enc.encode('RESTORE-ASKING'), k.key, enc.encode(String(k.ttl)), k.payload, ...(a.replace ? [enc.encode('REPLACE')] : [])];
      const r = restoreOnTarget(target, restore);
      if (r.type === 'error') firstError ??= r.value;
      else moved.push(k.key);
    }
    if (!a.copy && moved.length > 0) srv.runOnKeyspace(c, [enc.encode('DEL'), ...moved]);
    if (firstError !== undefined) return reply.error(`ERR Target instance replied with error: ${firstError}`);
    return reply.ok;
  };
}

/** RESTORE-ASKING: RESTORE with the CMD_ASKING flag (the route filter lets it in on an importing slot). */
export const restoreAskingCommand: ServerCommandProc = (srv, c, argv) => {
  if (argv.length < 4) return reply.error("ERR wrong number of arguments for 'restore-asking' command");
  return srv.runOnKeyspace(c, [new TextEncoder().encode('RESTORE'), ...argv.slice(1)]);
};
