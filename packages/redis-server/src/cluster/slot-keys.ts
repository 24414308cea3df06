/**
 * The keys of a hash slot, and whether a key is here, for one node's keyspace (db 0: a cluster
 * node keeps every key in db 0). Redis keeps `slots_to_keys` (db.c dbAdd / dbGenericDelete →
 * slotToKeyAddEntry / slotToKeyDelEntry; cluster.c countKeysInSlot / getKeysInSlot).
 *
 * Here the index follows the keyspace's propagation stream (every change to the data reaches the
 * AOF and replicas as a command, server.c propagate): the keys a propagated command names are
 * remembered, and before the next query each is looked up in db 0's dict and added to or removed
 * from its slot. What the stream cannot say precisely (FLUSHALL, FLUSHDB, SWAPDB, a command whose
 * keys are unknown) makes the next query rebuild the index from the whole dict, one CRC16 per key.
 * A change that is never propagated (Keyspace.restore while loading) needs `rebuild()`.
 *
 * Reads the keyspace's db 0 through `Keyspace.core` (marked @internal: the keyspace exposes no
 * side-effect-free lookup, and Redis's cluster code reads with LOOKUP_NOEXPIRE). Nothing here
 * writes to it.
 */
import type { Keyspace } from '@protolab/redis-keyspace';
import { commandKeys, keyHashSlot } from '@protolab/redis-cluster';
import { RedisClusterError } from './errors.js';

type Db0 = Keyspace['core']['dbs'][number];

const NON_ASCII = /[\u0080-\u00ff]/;
const REBUILD = new Set(['flushall', 'flushdb', 'swapdb']);

/** The keyspace's binary string (one char per byte) → what keyHashSlot hashes. */
export function slotOfBin(bin: string): number {
  return keyHashSlot(NON_ASCII.test(bin) ? Buffer.from(bin, 'latin1') : bin);
}

/** A key argument → the keyspace's binary string form. */
export function binOf(key: Uint8Array | string): string {
  return typeof key === 'string' ? Buffer.from(key, 'utf8').toString('latin1') : Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1');
}

export class SlotKeys {
  private readonly bySlot = new Map<number, Set<string>>();
  private readonly touched = new Set<string>();
  private stale = true;

  constructor(
    private readonly keyspace: Keyspace,
    private readonly now: () => number,
  ) {
    const previous = keyspace.onPropagate;
    keyspace.onPropagate = (db, argv) => {
      previous?.(db, argv);
      this.propagated(db, argv);
    };
  }

  /** The propagation hook: remember which keys may have appeared or gone. */
  propagated(db: number, argv: readonly Uint8Array[]): void {
    if (this.stale) return;
    const name = Buffer.from(argv[0] ?? new Uint8Array()).toString('latin1').toLowerCase();
    if (REBUILD.has(name)) {
      this.stale = true;
      this.touched.clear();
      return;
    }
    if (db !== 0 && name !== 'move' && name !== 'copy') return;
    try {
      for (const k of commandKeys(argv)) this.touched.add(binOf(k));
    } catch {
      // A command the key table does not know: rebuild rather than guess.
      this.stale = true;
      this.touched.clear();
    }
  }

  /** Forget everything and rebuild from db 0's dict at the next query. */
  rebuild(): void {
    this.stale = true;
    this.touched.clear();
  }

  private db0(): Db0 {
    const db = this.keyspace.core.dbs[0];
    if (db === undefined) throw new RedisClusterError('INVARIANT', 'SlotKeys: a cluster node keyspace has db 0');
    return db;
  }

  private add(key: string): void {
    const s = slotOfBin(key);
    const set = this.bySlot.get(s);
    if (set === undefined) this.bySlot.set(s, new Set([key]));
    else set.add(key);
  }

  private sync(): Map<number, Set<string>> {
    const { dict } = this.db0();
    if (this.stale) {
      this.bySlot.clear();
      for (const key of dict.keys()) this.add(key);
      this.stale = false;
    } else {
      for (const key of this.touched) {
        if (dict.has(key)) this.add(key);
        else this.bySlot.get(slotOfBin(key))?.delete(key);
      }
    }
    this.touched.clear();
    return this.bySlot;
  }

  /** cluster.c countKeysInSlot (keys not yet reclaimed by expiry count, as in Redis). */
  count(slot: number): number {
    return this.sync().get(slot)?.size ?? 0;
  }

  /** cluster.c getKeysInSlot: up to `max` keys of the slot, as bytes. */
  keys(slot: number, max: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const k of this.sync().get(slot) ?? []) {
      if (out.length >= max) break;
      out.push(new Uint8Array(Buffer.from(k, 'latin1')));
    }
    return out;
  }

  /**
   * getNodeByQuery's lookupKeyReadWithFlags(LOOKUP_NOTOUCH|LOOKUP_NOSTATS|LOOKUP_NONOTIFY|
   * LOOKUP_NOEXPIRE): a key whose deadline passed counts as missing, and nothing is deleted.
   */
  exists(key: Uint8Array | string): boolean {
    const db = this.db0();
    const slot = db.dict.get(binOf(key));
    if (slot === undefined) return false;
    return !(db.hasExpire(slot) && this.now() > db.getExpire(slot));
  }
}
