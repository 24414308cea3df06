/**
 * multi.c: MULTI, DISCARD and EXEC for the keyspace's one connection. Commands queued between
 * MULTI and EXEC run with one frozen "now"; their writes are propagated wrapped in MULTI/EXEC
 * when there is more than one (multi.c execCommand).
 */
import type { RespValue } from '@protolab/resp';
import type { KeyspaceCore } from './core.js';
import type { ClientState, CommandSpec } from './server.js';
import { lookupCommand } from './commands.js';
import { err, OK, array } from './replies.js';
import { KeyspaceError } from './types.js';

/** multi.c multiCommand. */
export function multiCommand(client: ClientState): RespValue {
  if (client.inMulti) return err('ERR MULTI calls can not be nested');
  client.inMulti = true;
  client.queue = [];
  client.multiError = false;
  return OK;
}

/** multi.c discardCommand. */
export function discardCommand(client: ClientState): RespValue {
  if (!client.inMulti) return err('ERR DISCARD without MULTI');
  client.inMulti = false;
  client.queue = [];
  return OK;
}

/**
 * multi.c execCommand: one frozen "now"; writes wrapped in MULTI/EXEC when more than one.
 * `call` is server.c call() for one queued command.
 */
export function execCommand(core: KeyspaceCore, client: ClientState, call: (args: string[], spec: CommandSpec) => RespValue): RespValue {
  if (!client.inMulti) return err('ERR EXEC without MULTI');
  const queue = client.queue;
  const aborted = client.multiError;
  client.inMulti = false;
  client.queue = [];
  client.multiError = false;
  if (aborted) return err('EXECABORT Transaction discarded because of previous errors.');
  core.cmdNow = core.nowFn();
  const ops: { db: number; argv: readonly string[] }[] = [];
  core.pending = ops;
  const replies: RespValue[] = [];
  try {
    for (const args of queue) {
      const spec = lookupCommand(args[0] ?? '');
      // Only known commands are queued (dispatch answers unknown ones before queueing).
      if (spec === undefined) throw new KeyspaceError('INTERNAL', `EXEC: queued unknown command '${args[0] ?? ''}'`);
      replies.push(call(args, spec));
    }
  } finally {
    core.pending = undefined;
    const first = ops[0];
    if (first !== undefined && ops.length > 1) {
      core.emit(first.db, ['MULTI']);
      for (const op of ops) core.emit(op.db, op.argv);
      core.emit(first.db, ['EXEC']);
    } else if (first !== undefined) core.emit(first.db, first.argv);
  }
  return array(replies);
}
