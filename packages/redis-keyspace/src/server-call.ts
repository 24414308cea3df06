/**
 * The two parts of server.c's command path that Keyspace's dispatch / call (keyspace.ts) reach
 * only off the common path, split from keyspace.ts: processCommand's maxmemory check (with a
 * limit configured) and propagatePendingCommands (a command that also propagated other commands).
 */
import type { KeyspaceCore } from './core.js';
import type { ClientState, CommandSpec, Ctx } from './server.js';
import { lookupCommand } from './commands.js';

/**
 * server.c processCommand's maxmemory check: performEvictions, then refuse a command flagged
 * denyoom (or EXEC of such commands, or anything queued inside MULTI) while still over the limit.
 */
export function rejectOnOom(core: KeyspaceCore, client: ClientState, name: string, spec: CommandSpec): boolean {
  const mm = core.maxmemory;
  // evict.c isSafeToPerformEvictions: nothing is evicted (nor refused) while clients are paused
  if (mm === undefined || core.paused) return false;
  const queuedDenyoom = name === 'exec' && client.queue.some((q) => lookupCommand(q[0] ?? '')?.flags.includes('denyoom') === true);
  const reject = spec.flags.includes('denyoom') || queuedDenyoom || (client.inMulti && name !== 'exec' && name !== 'discard');
  return mm.beforeCommand(reject, core.nowFn());
}

/**
 * server.c propagatePendingCommands: the command (unless it set propagateAs to []) plus its
 * alsoPropagate()s, wrapped in MULTI/EXEC when there are several (inside EXEC, execCommand wraps).
 */
export function propagateMany(core: KeyspaceCore, client: ClientState, ctx: Ctx): void {
  const ops: { db: number; argv: string[] }[] = [];
  if (ctx.propagateAs === undefined || ctx.propagateAs.length > 0) ops.push({ db: client.db.id, argv: ctx.propagateAs ?? ctx.argv });
  for (const op of ctx.alsoPropagate ?? []) ops.push(op);
  const first = ops[0];
  if (core.pending !== undefined || ops.length === 1 || first === undefined) {
    for (const op of ops) core.propagate(op.db, op.argv);
    return;
  }
  core.propagate(first.db, ['MULTI']);
  for (const op of ops) core.propagate(op.db, op.argv);
  core.propagate(first.db, ['EXEC']);
}
