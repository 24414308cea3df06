/**
 * multi.c queueMultiCommand / execCommand on top of the keyspace. Queued commands are checked
 * the way processCommand checks them (unknown command, arity, OOM) by asking the keyspace in a
 * throwaway MULTI; EXEC replays the queue inside one keyspace MULTI/EXEC, so the keyspace's
 * frozen clock and its MULTI/EXEC wrapping of the propagated writes (AOF) stay as Redis's.
 */
import type { RespValue } from '@protolab/resp';
import type { Client } from './client.js';
import { keyOf } from './client.js';
import type { RedisServer } from './server.js';
import { isLocalCommand } from './server-commands.js';


const QUEUED: RespValue = { type: 'simple', value: 'QUEUED' };

/** multi.c queueMultiCommand, after processCommand's checks (a refused command flags EXECABORT). */
export function queueCommand(srv: RedisServer, c: Client, argv: Uint8Array[]): RespValue {
  const name = keyOf(argv[0] ?? new Uint8Array()).toLowerCase();
  if (!isLocalCommand(srv, name)) {
    const ks = srv.keyspace;
    if (ks.selectedDb !== c.db) ks.execute(['SELECT', String(c.db)]);
    ks.execute(['MULTI']);
    const r = ks.execute(argv);
    ks.execute(['DISCARD']);
    if (r.type === 'error') {
      c.dirtyExec = true;
      return r;
    }
  }
  c.queue.push(argv);
  return QUEUED;
}

/** multi.c execCommand */
export function runExec(srv: RedisServer, c: Client): RespValue {
  if (!c.inMulti) return { type: 'error', value: 'ERR EXEC without MULTI' };
  const queue = c.queue;
  const dirtyExec = c.dirtyExec;
  const dirtyCas = c.dirtyCas;
  srv.discard(c); // also unwatchAllKeys, as execCommand does before running anything
  if (dirtyExec) return { type: 'error', value: 'EXECABORT Transaction discarded because of previous errors.' };
  if (dirtyCas) return { type: 'null', resp2: 'array' };
  const local = new Map<number, RespValue>();
  const ks = srv.keyspace;
  if (ks.selectedDb !== c.db) ks.execute(['SELECT', String(c.db)]);
  ks.execute(['MULTI']);
  queue.forEach((argv, i) => {
    const name = keyOf(argv[0] ?? new Uint8Array()).toLowerCase();
    if (isLocalCommand(srv, name)) local.set(i, srv.call(c, name, argv) ?? { type: 'array', value: [] });
    else ks.execute(argv);
  });
  const r = srv.runOnKeyspace(c, [new TextEncoder().encode('EXEC')]);
  if (r.type !== 'array' || local.size === 0) return r;
  const replies: RespValue[] = [];
  let k = 0;
  for (let i = 0; i < queue.length; i++) {
    const own = local.get(i);
    if (own !== undefined) replies.push(own);
    else {
      const v = r.value[k++];
      if (v !== undefined) replies.push(v);
    }
  }
  return { type: 'array', value: replies };
}
