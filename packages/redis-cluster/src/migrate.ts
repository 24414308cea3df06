/**
 * MIGRATE on the source node (cluster.c migrateCommand, Redis 7.0), sans-I/O: `migrateCommand`
 * parses the arguments and builds the RESTORE-ASKING batch the caller ships to the target (DUMP
 * payloads in the RDB format, as Redis sends them);
 * `finishMigrate` takes the target's replies and deletes what the target accepted.
 */
import { NOT_INTEGER_ERR, SYNTAX_ERR } from '@protolab/redis-common';
import type { RespValue } from '@protolab/resp';
import { type Arg, argToString } from './commands.js';
import type { ClusterNode, ExecOutcome, MigrateJob } from './node.js';
import { argAt, bytes, idBytes, keyId, R } from './reply.js';

/** MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [KEYS k…] (cluster.c migrateCommand). */
export function migrateCommand(node: ClusterNode, argv: readonly Arg[]): ExecOutcome {
  let copy = false;
  let replace = false;
  let firstKeysArg = -1;
  for (let i = 6; i < argv.length; i++) {
    const opt = argToString(argAt(argv, i)).toLowerCase();
    if (opt === 'copy') copy = true;
    else if (opt === 'replace') replace = true;
    else if (opt === 'keys') {
      if (argToString(argAt(argv, 3)) !== '') return { reply: R.err('ERR When using MIGRATE KEYS option, the key argument must be set to the empty string') };
      firstKeysArg = i + 1;
      break;
    } else return { reply: R.err(SYNTAX_ERR) };
  }
  const timeoutMs = Number(argToString(argAt(argv, 5)));
  const port = Number(argToString(argAt(argv, 2)));
  if (!Number.isInteger(timeoutMs) || !Number.isInteger(port)) return { reply: R.err(NOT_INTEGER_ERR) };
  const host = argToString(argAt(argv, 1));
  const target = [...node.nodes.values()].find((n) => n.ip === host && n.port === port);
  if (target === undefined) return { reply: R.err(`IOERR error or timeout connecting to the client`) };
  const keyArgs = firstKeysArg === -1 ? [argAt(argv, 3)] : argv.slice(firstKeysArg);
  const restores: Arg[][] = [];
  const keys: string[] = [];
  for (const k of keyArgs) {
    const entry = dumpForMigrate(node, k);
    if (entry === undefined) continue; // missing (or expired) keys are skipped
    keys.push(keyId(k));
    const head: Arg[] = ['RESTORE-ASKING', bytes(k), String(entry.ttlMs), entry.payload];
    restores.push(replace ? [...head, 'REPLACE'] : head);
  }
  if (keys.length === 0) return { reply: R.simple('NOKEY') };
  return { migrate: { target: target.id, host, port, timeoutMs: timeoutMs <= 0 ? 1000 : timeoutMs, copy, replace, restores, keys } };
}

/**
 * The key's DUMP payload (cluster.c createDumpPayload, through the keyspace's DUMP and the RDB
 * codec) and the TTL MIGRATE sends: 0 for none, else the ms left, at least 1 (migrateCommand).
 */
function dumpForMigrate(node: ClusterNode, key: Arg): { payload: Uint8Array; ttlMs: bigint } | undefined {
  const dump = node.keyspaceCommand(['DUMP', key]);
  if (dump.type !== 'bulk') return undefined;
  const pttl = node.keyspaceCommand(['PTTL', key]);
  if (pttl.type !== 'integer' || pttl.value === -2n) return undefined;
  const ttlMs = pttl.value === -1n ? 0n : pttl.value < 1n ? 1n : pttl.value;
  return { payload: dump.value, ttlMs };
}

/**
 * The target answered (one reply per RESTORE-ASKING) or the link failed (`replies` undefined).
 * Keys the target accepted are deleted here (unless COPY); the reply is MIGRATE's.
 */
export function finishMigrate(node: ClusterNode, job: MigrateJob, replies: readonly RespValue[] | undefined): RespValue {
  if (replies === undefined) return R.err('IOERR error or timeout reading to target instance');
  let firstError: string | undefined;
  job.keys.forEach((id, i) => {
    const r = replies[i];
    if (r === undefined || r.type === 'error') {
      firstError ??= r === undefined ? 'no reply' : r.value;
    } else if (!job.copy) {
      // migrateCommand deletes the moved keys and propagates DEL (the keyspace does both).
      node.keyspaceCommand(['DEL', idBytes(id)]);
    }
  });
  return firstError === undefined ? R.ok : R.err(`ERR Target instance replied with error: ${firstError}`);
}
