/**
 * The hot paths of Keyspace's typed API (get and SET k v [PX ms]), written against the Db and the
 * core directly so that they allocate nothing; they keep the command's semantics (lookupKeyRead /
 * lookupKeyWrite lazy expiry, propagation in the form 7.0 writes to the AOF). Everything else in
 * the typed API goes through the command table (keyspace.ts).
 */
import type { KeyspaceCore } from './core.js';
import type { Db } from './db.js';
import { binFromBytes, binFromText, binToText } from './bytes.js';
import { E } from './replies.js';
import { valAt } from './server.js';
import { KeyspaceError } from './types.js';
import { RawStr } from './values.js';
import type { Val } from './values.js';
import { NOTIFY_GENERIC, NOTIFY_STRING, notifyKeyspaceEvent } from './notify.js';

/** Options for Keyspace.set (SET's flags). */
export interface SetOptions {
  nx?: boolean;
  xx?: boolean;
  keepTtl?: boolean;
  ex?: number;
  px?: number;
  exat?: number;
  pxat?: number;
}

/**
 * GET as text on `db`: db.c lookupKeyRead as the GET command runs it — lazy expiry (a replica
 * hides an expired key and leaves it for the master's DEL, expireIfNeeded), the hits/misses
 * count, and the access update of lookupKey (the LRU time OBJECT IDLETIME reads, and the LRU/LFU
 * word maxmemory evicts by) — then the string value or WRONGTYPE.
 */
export function getText(core: KeyspaceCore, db: Db, key: string | Uint8Array): string | undefined {
  // While the db holds only ASCII keys, JS text is looked up as it is (see Db.highKeys).
  const k = typeof key === 'string' ? (db.highKeys ? binFromText(key) : key) : binFromBytes(key);
  const slot = db.dict.get(k);
  if (slot === undefined) {
    core.keyMiss(db, k); // stat_keyspace_misses, "keymiss" (db.c lookupKey)
    return undefined;
  }
  const now = core.nowFn(); // a local: storing into core.cmdNow on every get measured ~2× slower
  const meta = db.meta; // [deadline, lru] of the slot: one 16-byte pair (see Db.meta)
  const at = 2 * slot;
  const when = meta[at] ?? NaN;
  if (when === when /* not NaN: the key has a TTL */ && now > when && !core.loading) return expiredOnGet(core, db, slot, now);
  // lookupKey's access update, as core.lookup does for the GET command; a store of the value the
  // pair already holds (the batched clock's same tick) is skipped, so the line stays clean.
  if (meta[at + 1] !== now) meta[at + 1] = now;
  if (core.maxmemory !== undefined) core.maxmemory.touch(db, slot, now);
  core.stats.keyspaceHits++;
  // The value column read here, not through server.ts valAt: valAt's element load is shared by
  // every command's lookup, and inlined with that (polymorphic) feedback it cost this path
  // 40–50 % of its time (bench/ttl-get-parts.ts, bench/README.md "TTL cache cells").
  const v = db.valOf[slot];
  if (typeof v === 'string') return db.highStrings ? binToText(v) : v;
  return nonStringValue(db, slot, v);
}

/** getText's value that is not a plain binary string: a raw string, or WRONGTYPE / a free slot. */
function nonStringValue(db: Db, slot: number, v: Val | undefined): string {
  if (v instanceof RawStr) return binToText(v.s);
  if (v === undefined) valAt(db, slot); // throws INTERNAL: a dict entry whose slot holds no value
  throw new KeyspaceError('WRONGTYPE', E.wrongType);
}

/** getText's key whose deadline passed: a master deletes it (and propagates DEL), a replica hides it. */
function expiredOnGet(core: KeyspaceCore, db: Db, slot: number, now: number): string | undefined {
  core.cmdNow = now;
  const key = db.keyOf[slot] ?? '';
  if (!core.replica && !core.paused) core.deleteExpiredKeyAndPropagate(db, slot);
  core.keyMiss(db, key);
  return undefined;
}

/** Whether `opts` is the fast path's shape: none, or PX alone with a positive safe integer. */
export function isFastSet(opts: SetOptions | undefined): opts is undefined | (SetOptions & { px: number }) {
  return (
    opts === undefined ||
    (opts.px !== undefined && opts.ex === undefined && opts.exat === undefined && opts.pxat === undefined && opts.keepTtl !== true &&
      opts.nx !== true && opts.xx !== true && Number.isSafeInteger(opts.px) && opts.px > 0)
  );
}

/** SET k v [PX ms] on `db` (k, v binary strings; `known` the Db ASCII hints). */
export function setFast(core: KeyspaceCore, db: Db, k: string, v: string, known: number, px: number | undefined): void {
  const now = core.nowFn();
  let slot = db.dict.get(k);
  if (slot !== undefined && expiredOnWrite(core, db, slot, now)) slot = undefined;
  // A new key's LRU is the time of this SET (createObject's LRU_CLOCK); an existing one is
  // touched by lookupKeyWrite and keeps that time (setKey / dbOverwrite).
  if (slot === undefined) slot = db.add(k, v, known, now);
  else {
    db.overwrite(slot, v, known);
    db.setLru(slot, now);
    if (px === undefined) db.removeExpire(slot);
  }
  core.dirty++;
  notifyKeyspaceEvent(core, NOTIFY_STRING, 'set', k, db.id); // t_string.c setGenericCommand
  if (px === undefined) {
    if (core.onPropagate) propagateSet(core, db, k, v, undefined);
    return;
  }
  const when = now + px;
  // t_string.c getExpireMillisecondsOrReply adds mstime() in int64; past 2^53 a double sum
  // rounds (PX 2^53 - 1 at an even now would be one ms off), so that deadline is a bigint.
  if (when > Number.MAX_SAFE_INTEGER) setBigDeadline(core, db, slot, k, v, BigInt(now) + BigInt(px));
  else {
    db.setExpire(slot, when);
    if (core.onPropagate) propagateSet(core, db, k, v, when);
  }
  notifyKeyspaceEvent(core, NOTIFY_GENERIC, 'expire', k, db.id);
}

/**
 * setFast's lookupKeyWrite lazy expiry (core.expireIfNeeded): on a master a key whose deadline
 * passed is deleted (DEL propagated); a replica never deletes, and setKey then overwrites the
 * entry it hid, as the command table's SET does.
 */
function expiredOnWrite(core: KeyspaceCore, db: Db, slot: number, now: number): boolean {
  const w = db.getExpire(slot);
  if (w === w /* not NaN */ && now > w && !core.loading && !core.replica && !core.paused) {
    core.cmdNow = now;
    core.deleteExpiredKeyAndPropagate(db, slot);
    return true;
  }
  return false;
}

/**
 * setFast's propagation, as 7.0 writes SET [PX] to the AOF and replicas: `SET k v`, or with a TTL
 * `SET k v PXAT <deadline>`. Out of line: setFast stays small enough for V8 to inline Db.add and
 * Db.setExpire into it (a larger setFast measured 5–13 % slower, bench/set-ab.ts flat/fixed).
 */
function propagateSet(core: KeyspaceCore, db: Db, k: string, v: string, when: number | bigint | undefined): void {
  core.propagate(db.id, when === undefined ? ['SET', k, v] : ['SET', k, v, 'PXAT', String(when)]);
}

/** setFast's deadline past 2^53, made in bigint. */
function setBigDeadline(core: KeyspaceCore, db: Db, slot: number, k: string, v: string, when: bigint): void {
  db.setExpire(slot, when);
  if (core.onPropagate) propagateSet(core, db, k, v, when);
}

/** The SET command line for the general case. */
export function setArgs(k: string, v: string, opts: SetOptions): string[] {
  const args = ['SET', k, v];
  if (opts.nx) args.push('NX');
  if (opts.xx) args.push('XX');
  if (opts.keepTtl) args.push('KEEPTTL');
  if (opts.ex !== undefined) args.push('EX', String(opts.ex));
  if (opts.px !== undefined) args.push('PX', String(opts.px));
  if (opts.exat !== undefined) args.push('EXAT', String(opts.exat));
  if (opts.pxat !== undefined) args.push('PXAT', String(opts.pxat));
  return args;
}
