/**
 * multi.c queueMultiCommand / execCommand on top of the keyspace. Queued commands are checked
 * the way processCommand checks them (unknown command, arity, OOM) by asking the keyspace in a
 * throwaway MULTI; EXEC replays the queue inside one keyspace MULTI/EXEC, so the keyspace's
 * frozen clock and its MULTI/EXEC wrapping of the propagated writes (AOF) stay as Redis's.
 *
 * Blocking pops inside MULTI run without blocking, as Redis runs them (CLIENT_DENY_BLOCKING):
 * each is queued on the keyspace as its non-blocking form (BLPOP → LMPOP … LEFT, BZPOPMIN →
 * ZMPOP … MIN, BLMOVE → LMOVE, BRPOPLPUSH → RPOPLPUSH, BLMPOP → LMPOP, BZMPOP → ZMPOP), so it
 * runs in its place among the other commands, and its reply is reshaped to the blocking
 * command's. Difference: what is propagated is that non-blocking form (Redis: LPOP/RPOP/…).
 */
import type { RespValue } from '@protolab/resp';
import type { Client } from './client.js';
import { keyOf } from './client.js';
import type { RedisServer } from './server.js';
import { isLocalCommand } from './server-commands.js';
import { checkCommand } from './command-table.js';
import { encodeReply } from './reply.js';
import { concatBytes } from '@protolab/redis-common';
import type { BlockingKind } from './blocked.js';
import { BLOCKING_COMMANDS, parseBlocking } from './blocked.js';
import { afterCall, call, flushExecSlowlog } from './call.js';

const QUEUED: RespValue = { type: 'simple', value: 'QUEUED' };
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const NULL_ARRAY: RespValue = { type: 'null', resp2: 'array' };

/** multi.c queueMultiCommand, after processCommand's checks (a refused command flags EXECABORT). */
export function queueCommand(srv: RedisServer, c: Client, argv: Uint8Array[]): RespValue {
  const name = keyOf(argv[0] ?? new Uint8Array()).toLowerCase();
  if (BLOCKING_COMMANDS.has(name)) {
    // processCommand checks only the arity; the other errors are EXEC's replies.
    const b = parseBlocking(name as BlockingKind, argv, 0, c.db);
    if (!('kind' in b) && b.type === 'error' && b.value.startsWith('ERR wrong number of arguments')) {
      c.dirtyExec = true;
      return b;
    }
  } else if (!isLocalCommand(srv, name)) {
    const ks = srv.keyspace;
    if (ks.selectedDb !== c.db) ks.execute(['SELECT', String(c.db)]);
    ks.execute(['MULTI']);
    const r = ks.execute(argv);
    ks.execute(['DISCARD']);
    if (r.type === 'error') {
      c.dirtyExec = true;
      return r;
    }
  } else {
    // A server command: its unknown subcommand or wrong arity is refused now (processCommand).
    const checked = checkCommand(srv, argv);
    if (checked !== undefined && 'error' in checked) {
      c.dirtyExec = true;
      return checked.error;
    }
  }
  c.queue.push(argv);
  return QUEUED;
}

/** How a queued blocking pop runs inside EXEC: the keyspace command, and its reply reshaped. */
interface NonBlocking {
  readonly argv: Uint8Array[];
  readonly reshape: (r: RespValue) => RespValue;
}

/** The non-blocking form of a blocking pop, or the error it answers (a bad timeout…). */
function nonBlocking(argv: readonly Uint8Array[], db: number): NonBlocking | RespValue {
  const kind = keyOf(argv[0] ?? new Uint8Array()).toLowerCase() as BlockingKind;
  const b = parseBlocking(kind, argv, 0, db);
  if (!('kind' in b)) return b;
  const n = enc(String(b.keys.length));
  const same = (r: RespValue): RespValue => r;
  switch (b.kind) {
    case 'blpop':
    case 'brpop':
      return {
        argv: [enc('LMPOP'), n, ...b.keys, enc(b.kind === 'blpop' ? 'LEFT' : 'RIGHT')],
        // [key, [elem]] → [key, elem]
        reshape: (r) => (r.type === 'array' && r.value[1]?.type === 'array' && r.value[0] !== undefined && r.value[1].value[0] !== undefined ? { type: 'array', value: [r.value[0], r.value[1].value[0]] } : r.type === 'error' ? r : NULL_ARRAY),
      };
    case 'bzpopmin':
    case 'bzpopmax':
      return {
        argv: [enc('ZMPOP'), n, ...b.keys, enc(b.kind === 'bzpopmin' ? 'MIN' : 'MAX')],
        // [key, [[member, score]]] → [key, member, score]
        reshape: (r) => {
          const pair = r.type === 'array' && r.value[1]?.type === 'array' ? r.value[1].value[0] : undefined;
          if (r.type !== 'array' || r.value[0] === undefined || pair?.type !== 'array') return r.type === 'error' ? r : NULL_ARRAY;
          return { type: 'array', value: [r.value[0], ...pair.value] };
        },
      };
    case 'blmove':
    case 'brpoplpush':
      return { argv: [enc('LMOVE'), ...b.keys, ...b.rest], reshape: same };
    case 'blmpop':
    case 'bzmpop': {
      const [where = enc('LEFT'), count = enc('1')] = b.rest;
      return { argv: [enc(b.kind === 'blmpop' ? 'LMPOP' : 'ZMPOP'), n, ...b.keys, where, enc('COUNT'), count], reshape: same };
    }
  }
}

/** The db a queued SELECT switches to (unchanged when its argument is not a valid db index). */
function selectedDb(srv: RedisServer, argv: readonly Uint8Array[], db: number): number {
  const s = keyOf(argv[1] ?? new Uint8Array());
  const n = /^(0|[1-9][0-9]{0,8})$/.test(s) ? Number(s) : -1;
  return argv.length === 2 && n >= 0 && n < srv.config.number('databases') ? n : db;
}

/** multi.c execCommand */
export function runExec(srv: RedisServer, c: Client): RespValue | undefined {
  if (!c.inMulti) return { type: 'error', value: 'ERR EXEC without MULTI' };
  const queue = c.queue;
  const dirtyExec = c.dirtyExec;
  const dirtyCas = c.dirtyCas;
  srv.discard(c); // also unwatchAllKeys, as execCommand does before running anything
  if (dirtyExec) return { type: 'error', value: 'EXECABORT Transaction discarded because of previous errors.' };
  if (dirtyCas) return NULL_ARRAY;
  // Each queued command: a reply of its own (local), or the index of its keyspace reply.
  const slots: Slot[] = [];
  const ks = srv.keyspace;
  if (ks.selectedDb !== c.db) ks.execute(['SELECT', String(c.db)]);
  ks.execute(['MULTI']);
  // The slow log sees each command in queue order once all ran (server.ts flushExecSlowlog).
  srv.execSlowlog = [];
  try {
    return execQueue(srv, c, queue, slots);
  } finally {
    srv.execSlowlog = undefined;
  }
}

type Slot = { own: RespValue } | { raw: Uint8Array[] } | { at: number; reshape: (r: RespValue) => RespValue };

/** execCommand's loop over the queue, then the keyspace's EXEC and the reply. */
function execQueue(srv: RedisServer, c: Client, queue: readonly Uint8Array[][], slots: Slot[]): RespValue | undefined {
  const ks = srv.keyspace;
  let k = 0;
  // The db MONITOR shows: a SELECT in the queue changes it for the commands after it.
  let db = c.db;
  for (const argv of queue) {
    const name = keyOf(argv[0] ?? new Uint8Array()).toLowerCase();
    if (name === 'select') db = selectedDb(srv, argv, db);
    if (BLOCKING_COMMANDS.has(name)) {
      const nb = nonBlocking(argv, c.db);
      if (!('argv' in nb)) slots.push({ own: nb });
      else {
        ks.execute(nb.argv);
        slots.push({ at: k++, reshape: nb.reshape });
        afterCall(srv, c, name, argv, undefined, false, db);
      }
    } else if (isLocalCommand(srv, name)) {
      const { reply, written } = srv.captureWrites(c, () => call(srv, c, name, argv));
      slots.push(reply !== undefined ? { own: reply } : { raw: written });
    }
    else {
      ks.execute(argv);
      slots.push({ at: k++, reshape: (r) => r });
      afterCall(srv, c, name, argv, undefined, false, db);
    }
  }
  srv.stats.totalCommandsProcessed += k; // the local ones were counted by call()
  const start = srv.nowUs();
  const r = srv.runOnKeyspace(c, [enc('EXEC')]);
  // The keyspace ran the queue as one EXEC: its commands share that time equally.
  flushExecSlowlog(srv, k === 0 ? 0 : Math.floor((srv.nowUs() - start) / k), r);
  if (r.type !== 'array') return r;
  const value = (s: (typeof slots)[number]): RespValue | Uint8Array[] => ('own' in s ? s.own : 'raw' in s ? s.raw : s.reshape(r.value[s.at] ?? { type: 'null' }));
  if (!slots.some((s) => 'raw' in s)) return { type: 'array', value: slots.map((s) => value(s) as RespValue) };
  // A command that wrote its own replies (SUBSCRIBE…): its bytes go where its reply would
  // (the array length counts commands, as execCommand's addReplyArrayLen does).
  const parts = slots.flatMap((s) => {
    const v = value(s);
    return Array.isArray(v) ? v : [encodeReply(v, c.resp)];
  });
  srv.writeRaw(c, concatBytes([enc(`*${slots.length}\r\n`), ...parts]));
  return undefined;
}
