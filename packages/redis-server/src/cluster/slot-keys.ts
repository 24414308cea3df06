/**
 * The keys of a hash slot, and whether a key is here, for one node's keyspace (db 0: a cluster
 * node keeps every key in db 0). Redis keeps `slots_to_keys` (db.c slotToKeyAdd/Del, cluster.c
 * countKeysInSlot / getKeysInSlot); here the index is rebuilt from the keyspace's main dict
 * whenever that dict changed (Db.version is bumped on every add and delete), so it can never
 * drift from the data. Cost: one CRC16 per key after each change that a slot query follows;
 * resharding asks many queries between few changes, which is the case this serves.
 *
 * Reads the keyspace's db 0 through `Keyspace.core` (marked @internal: the keyspace exposes no
 * side-effect-free lookup). Nothing here writes to it.
 */
import type { Keyspace } from '@protolab/redis-keyspace';
import { keyHashSlot } from '@protolab/redis-cluster';

type Db0 = Keyspace['core']['dbs'][number];

const NON_ASCII = /[\u0080-\u00ff]/;

/** The keyspace's binary string (one char per byte) → what keyHashSlot hashes. */
export function slotOfBin(bin: string): number {
  return keyHashSlot(NON_ASCII.test(bin) ? Buffer.from(bin, 'latin1') : bin);
}

/** A key argument → the keyspace's binary string form. */
export function binOf(key: Uint8Array | string): string {
  return typeof key === 'string' ? Buffer.from(key, 'utf8').toString('latin1') : Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1');
}

export class SlotKeys {
  private builtAt = -1;
  private bySlot = new Map<number, string[]>();

  constructor(
    private readonly keyspace: Keyspace,
    private readonly now: () => number,
  ) {}

  private db0(): Db0 {
    const db = this.keyspace.core.dbs[0];
    if (db === undefined) throw new Error('SlotKeys: the keyspace has no db 0');
    return db;
  }

  private index(): Map<number, string[]> {
    const db = this.db0();
    if (db.version === this.builtAt) return this.bySlot;
    const by = new Map<number, string[]>();
    for (const key of db.dict.keys()) {
      const s = slotOfBin(key);
      const list = by.get(s);
      if (list === undefined) by.set(s, [key]);
      else list.push(key);
    }
    this.bySlot = by;
    this.builtAt = db.version;
    return by;
  }

  /** cluster.c countKeysInSlot (keys not yet reclaimed by expiry count, as in Redis). */
  count(slot: number): number {
    return this.index().get(slot)?.length ?? 0;
  }

  /** cluster.c getKeysInSlot: up to `max` keys of the slot, as bytes. */
  keys(slot: number, max: number): Uint8Array[] {
    const list = this.index().get(slot) ?? [];
    return list.slice(0, max).map((k) => new Uint8Array(Buffer.from(k, 'latin1')));
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
