/**
 * MIGRATE on the source node (cluster.c migrateCommand, Redis 7.0), sans-I/O: `migrateCommand`
 * parses the arguments and builds the RESTORE-ASKING batch the caller ships to the target;
 * `finishMigrate` takes the target's replies and deletes what the target accepted.
 */
import { NOT_INTEGER_ERR, SYNTAX_ERR } from '@protolab/redis-common';
import type { RespValue } from '@protolab/resp';
import { type Arg, argToString } from './commands.js';
import type { ClusterNode, ExecOutcome, MigrateJob } from './node.js';
import { argAt, idBytes, keyId, R } from './reply.js';

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
    const id = keyId(k);
    const v = node.store.get(id);
    if (v === undefined) continue; // missing keys are skipped
    keys.push(id);
    restores.push(replace ? ['RESTORE-ASKING', idBytes(id), '0', v, 'REPLACE'] : ['RESTORE-ASKING', idBytes(id), '0', v]);
  }
  if (keys.length === 0) return { reply: R.simple('NOKEY') };
  return { migrate: { target: target.id, host, port, timeoutMs: timeoutMs <= 0 ? 1000 : timeoutMs, copy, replace, restores, keys } };
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
      node.delKey(id);
    }
  });
  return firstError === undefined ? R.ok : R.err(`ERR Target instance replied with error: ${firstError}`);
}
