/**
 * blocked.c / t_list.c / t_zset.c blocking pops: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BZPOPMIN,
 * BZPOPMAX. A command whose keys are all empty blocks the client (CLIENT_BLOCKED): its later
 * commands wait unparsed-as-run until it is served or times out. Clients blocked on a key are
 * served FIFO (server.blocking_keys), in handleClientsBlockedOnKeys after the command that made
 * the key ready; a timeout answers a null array (replyToBlockedClientTimedOut). The pop itself
 * runs on the keyspace as its non-blocking form (LPOP, RPOP, LMOVE, ZPOPMIN, ZPOPMAX), which is
 * also what Redis propagates for a served blocking pop.
 */
import type { RespValue } from '@protolab/resp';
import { encode } from '@protolab/resp';
import type { Client } from './client.js';
import { keyOf } from './client.js';
import type { RedisServer } from './server.js';
import { servedBlocked } from './call.js';
import { waitBlockedOf } from './client-command.js';

export type BlockingKind = 'blpop' | 'brpop' | 'blmove' | 'brpoplpush' | 'bzpopmin' | 'bzpopmax' | 'blmpop' | 'bzmpop';
export const BLOCKING_COMMANDS = new Set<string>(['blpop', 'brpop', 'blmove', 'brpoplpush', 'bzpopmin', 'bzpopmax', 'blmpop', 'bzmpop']);

export interface BlockState {
  readonly kind: BlockingKind;
  readonly db: number;
  readonly keys: readonly Uint8Array[];
  /** BLMOVE / BRPOPLPUSH: destination, wherefrom, whereto; BLMPOP / BZMPOP: where, count. */
  readonly rest: readonly Uint8Array[];
  /** Absolute ms; Infinity for timeout 0. */
  readonly deadlineMs: number;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const err = (text: string): RespValue => ({ type: 'error', value: text });

/** The pieces of a blocking command, or Redis's error for it (arity, timeout). */
export function parseBlocking(kind: BlockingKind, argv: readonly Uint8Array[], nowMs: number, db: number): BlockState | RespValue {
  const minArgs = { blpop: 3, brpop: 3, bzpopmin: 3, bzpopmax: 3, blmove: 6, brpoplpush: 4, blmpop: 5, bzmpop: 5 }[kind];
  const exact = kind === 'blmove' || kind === 'brpoplpush';
  if (exact ? argv.length !== minArgs : argv.length < minArgs) return err(`ERR wrong number of arguments for '${kind}' command`);
  if (kind === 'blmpop' || kind === 'bzmpop') return parseMpop(kind, argv, nowMs, db);
  const deadlineMs = parseTimeout(keyOf(argv[argv.length - 1] ?? new Uint8Array()), nowMs);
  if (typeof deadlineMs !== 'number') return deadlineMs;
  if (kind === 'blmove') {
    const from = keyOf(argv[3] ?? new Uint8Array()).toUpperCase();
    const to = keyOf(argv[4] ?? new Uint8Array()).toUpperCase();
    if (!isSide(from) || !isSide(to)) return err('ERR syntax error');
    return { kind, db, keys: [argv[1] ?? new Uint8Array()], rest: [argv[2] ?? new Uint8Array(), enc(from), enc(to)], deadlineMs };
  }
  if (kind === 'brpoplpush') return { kind, db, keys: [argv[1] ?? new Uint8Array()], rest: [argv[2] ?? new Uint8Array(), enc('RIGHT'), enc('LEFT')], deadlineMs };
  return { kind, db, keys: argv.slice(1, -1), rest: [], deadlineMs };
}

/** blocked.c getTimeoutFromObjectOrReply: strtold of the whole text, then "is negative"; the absolute deadline. */
function parseTimeout(timeoutText: string, nowMs: number): number | RespValue {
  const seconds = Number(timeoutText);
  if (timeoutText.trim() !== timeoutText || timeoutText === '' || !Number.isFinite(seconds)) return err('ERR timeout is not a float or out of range');
  if (seconds < 0) return err('ERR timeout is negative');
  return seconds === 0 ? Infinity : nowMs + Math.ceil(seconds * 1000);
}

/**
 * t_list.c / t_zset.c lmpopGenericCommand / zmpopGenericCommand with is_block: BLMPOP timeout
 * numkeys key… LEFT|RIGHT [COUNT n] (BZMPOP: MIN|MAX). Checked in Redis's order: numkeys, the
 * side, COUNT, then the timeout.
 */
function parseMpop(kind: 'blmpop' | 'bzmpop', argv: readonly Uint8Array[], nowMs: number, db: number): BlockState | RespValue {
  const text = (i: number): string => keyOf(argv[i] ?? new Uint8Array());
  const numkeys = /^-?[0-9]{1,18}$/.test(text(2)) ? Number(text(2)) : 0;
  if (numkeys <= 0) return err('ERR numkeys should be greater than 0');
  const whereIdx = 3 + numkeys;
  if (whereIdx >= argv.length) return err('ERR syntax error');
  const where = text(whereIdx).toUpperCase();
  if (kind === 'blmpop' ? !isSide(where) : where !== 'MIN' && where !== 'MAX') return err('ERR syntax error');
  let count: string | undefined;
  for (let j = whereIdx + 1; j < argv.length; j += 2) {
    if (text(j).toLowerCase() !== 'count' || j + 1 >= argv.length || count !== undefined) return err('ERR syntax error');
    const n = text(j + 1);
    if (!/^-?[0-9]{1,18}$/.test(n) || Number(n) <= 0) return err('ERR count should be greater than 0');
    count = String(Number(n));
  }
  const deadlineMs = parseTimeout(text(1), nowMs);
  if (typeof deadlineMs !== 'number') return deadlineMs;
  return { kind, db, keys: argv.slice(3, whereIdx), rest: [enc(where), enc(count ?? '1')], deadlineMs };
}

function isSide(s: string): boolean {
  return s === 'LEFT' || s === 'RIGHT';
}

/**
 * Try to serve `b` from `key` with the non-blocking form on the keyspace (`run`): the reply to
 * send, 'empty' when the key has nothing, or an error (WRONGTYPE) to send as is.
 */
export function tryServe(b: BlockState, key: Uint8Array, run: (argv: Uint8Array[]) => RespValue): RespValue | 'empty' {
  switch (b.kind) {
    case 'blpop':
    case 'brpop': {
      const r = run([enc(b.kind === 'blpop' ? 'LPOP' : 'RPOP'), key]);
      if (r.type === 'bulk') return { type: 'array', value: [{ type: 'bulk', value: key }, r] };
      return r.type === 'error' ? r : 'empty';
    }
    case 'bzpopmin':
    case 'bzpopmax': {
      const r = run([enc(b.kind === 'bzpopmin' ? 'ZPOPMIN' : 'ZPOPMAX'), key]);
      if (r.type === 'array' && r.value.length > 0) return { type: 'array', value: [{ type: 'bulk', value: key }, ...r.value] };
      return r.type === 'error' ? r : 'empty';
    }
    case 'blmpop':
    case 'bzmpop': {
      const [where = enc('LEFT'), count = enc('1')] = b.rest;
      const r = run([enc(b.kind === 'blmpop' ? 'LMPOP' : 'ZMPOP'), enc('1'), key, where, enc('COUNT'), count]);
      if (r.type === 'array' && r.value.length > 0) return r;
      return r.type === 'error' ? r : 'empty';
    }
    case 'blmove':
    case 'brpoplpush': {
      const r = run([enc('LMOVE'), key, ...b.rest]);
      if (r.type === 'bulk') return r;
      return r.type === 'error' ? r : 'empty';
    }
  }
}

/** server.blocking_keys: (db, key) → clients blocked on it, FIFO; and server.ready_keys. */
export class BlockingKeys {
  private readonly byKey = new Map<string, Set<Client>>();
  readonly blocked = new Map<Client, BlockState>();
  /** server.ready_keys: (db, key) written while clients were blocked on it. */
  private readyKeys: { db: number; key: Uint8Array }[] = [];
  /** Called when a client blocks or is unblocked (the server tracks written keys only while some are). */
  onChange: (() => void) | undefined;

  /** db.c signalKeyAsReady */
  signalKeyAsReady(db: number, key: Uint8Array): void {
    this.readyKeys.push({ db, key });
  }

  /** The keys made ready since the last call (then none are). */
  takeReadyKeys(): { db: number; key: Uint8Array }[] {
    const ready = this.readyKeys;
    if (ready.length > 0) this.readyKeys = [];
    return ready;
  }

  private static id(db: number, key: string): string {
    return `${db}\u0000${key}`;
  }

  block(c: Client, b: BlockState): void {
    this.blocked.set(c, b);
    for (const k of b.keys) {
      const id = BlockingKeys.id(b.db, keyOf(k));
      let set = this.byKey.get(id);
      if (set === undefined) this.byKey.set(id, (set = new Set()));
      set.add(c);
    }
    this.onChange?.();
  }

  unblock(c: Client): void {
    const b = this.blocked.get(c);
    if (b === undefined) return;
    this.blocked.delete(c);
    for (const k of b.keys) {
      const id = BlockingKeys.id(b.db, keyOf(k));
      const set = this.byKey.get(id);
      set?.delete(c);
      if (set?.size === 0) this.byKey.delete(id);
    }
    this.onChange?.();
  }

  /** Clients blocked on (db, key), oldest first (a copy: serving changes the set). */
  waiting(db: number, key: string): Client[] {
    return [...(this.byKey.get(BlockingKeys.id(db, key)) ?? [])];
  }

  has(db: number, key: string): boolean {
    return this.byKey.has(BlockingKeys.id(db, key));
  }

  /** The earliest deadline of a blocked client (for the adapter's timer), or undefined. */
  nextDeadlineMs(): number | undefined {
    let min = Infinity;
    for (const b of this.blocked.values()) min = Math.min(min, b.deadlineMs);
    return min === Infinity ? undefined : min;
  }
}

/** t_list.c blockingPopGenericCommand: serve from the first non-empty key, or block. */
export function blockingPopCommand(srv: RedisServer, c: Client, kind: BlockingKind, argv: Uint8Array[]): RespValue | undefined {
  const b = parseBlocking(kind, argv, srv.nowMs(), c.db);
  if (!('kind' in b)) return b;
  for (const key of b.keys) {
    const r = tryServe(b, key, (a) => srv.runOnKeyspace(c, a));
    if (r !== 'empty') return r;
  }
  srv.blocking.block(c, b);
  return undefined;
}

/**
 * timeout.c handleBlockedClientsTimeout (server.c beforeSleep, 7.0): a blocking pop past its
 * deadline gets a null array, then runs its waiting commands; a WAIT past its deadline gets its
 * count (the replication unit's list). Nothing wakes the server for a deadline: it is noticed
 * by the beforeSleep after the next event or serverCron, so up to 1000/hz ms late on an idle server.
 */
export function handleBlockedClientsTimeout(srv: RedisServer): void {
  waitBlockedOf(srv)?.handleTimeouts();
  if (srv.blocking.blocked.size === 0) return;
  const now = srv.nowMs();
  for (const [c, b] of [...srv.blocking.blocked]) {
    if (b.deadlineMs > now) continue;
    srv.blocking.unblock(c);
    srv.writeRaw(c, encode({ type: 'null', resp2: 'array' }, { protocol: c.resp }));
    srv.processPendingCommands(c);
  }
}

/**
 * Unblock a blocked client with `reply` in place of its pop's answer, then run the commands it
 * sent after (for cluster.c clusterRedirectBlockedClientIfNeeded: -MOVED / -CLUSTERDOWN when
 * the slot of its key left this node). False when the client was not blocked.
 */
export function unblockClientWithReply(srv: RedisServer, c: Client, reply: RespValue): boolean {
  if (!srv.blocking.blocked.has(c)) return false;
  srv.blocking.unblock(c);
  srv.writeRaw(c, encode(reply, { protocol: c.resp }));
  srv.processPendingCommands(c);
  return true;
}

/**
 * blocked.c handleClientsBlockedOnKeys: for each key made ready, serve its blocked clients
 * oldest first while the key has something; a served client then runs its waiting commands.
 */
export function handleClientsBlockedOnKeys(srv: RedisServer): void {
  for (let ready = srv.blocking.takeReadyKeys(); ready.length > 0; ready = srv.blocking.takeReadyKeys()) {
    const served: Client[] = [];
    for (const { db, key } of ready) {
      for (const c of srv.blocking.waiting(db, keyOf(key))) {
        const b = srv.blocking.blocked.get(c);
        if (b === undefined) continue;
        const start = srv.nowUs();
        const r = tryServe(b, key, (argv) => runInDb(srv, b.db, argv, c.resp));
        if (r === 'empty' || r.type === 'error') break;
        srv.blocking.unblock(c);
        srv.addReply(c, r);
        servedBlocked(srv, c, srv.nowUs() - start);
        served.push(c);
      }
    }
    for (const c of served) srv.processPendingCommands(c);
  }
}

const RESP3 = { resp: 3 } as const;

/** Run one command on the keyspace in `db` (for serving blocked clients). */
function runInDb(srv: RedisServer, db: number, argv: Uint8Array[], resp: 2 | 3): RespValue {
  const ks = srv.keyspace;
  if (ks.selectedDb !== db) ks.execute(['SELECT', String(db)]);
  const r = ks.execute(argv, resp === 3 ? RESP3 : undefined);
  srv.flagTouched();
  return r;
}
