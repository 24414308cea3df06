/**
 * The node's slot → keys index (Redis 7.0 keeps `slots_to_keys` in db 0: cluster.c
 * slotToKeyAddEntry / slotToKeyDelEntry, called from db.c dbAdd / dbGenericDelete), fed here by
 * the keyspace's propagation hook: every change to the dataset reaches the AOF/replicas as a
 * command (server.c propagate), so the keys named by the propagated commands are exactly the keys
 * that may have appeared or gone. After each command the node calls `sync()`, which looks each of
 * those keys up in db 0's dict and adds it to, or removes it from, its slot.
 *
 * Like Redis's index it holds every key of the dict, including keys whose deadline passed but
 * that nothing has reclaimed yet (COUNTKEYSINSLOT counts them; a MIGRATE of one finds it expired).
 */
import type { Keyspace } from '@protolab/redis-keyspace';
import { commandKeys } from './commands.js';
import { ClusterError } from './errors.js';
import { keyHashSlot } from './slot.js';

/**
 * db 0's dict as the keyspace holds it: binary-string key → slot of its arrays. Read only for
 * membership and deadlines, never written (the one place this package looks inside the keyspace:
 * Redis's cluster code reads the dict with LOOKUP_NOEXPIRE, which the command API has no form of).
 */
function db0(ks: Keyspace): { dict: ReadonlyMap<string, number>; hasExpire(slot: number): boolean; getExpire(slot: number): number } {
  const db = ks.core.dbs[0];
  if (db === undefined) throw new ClusterError('INVARIANT', 'a cluster node keyspace has db 0');
  return db;
}

export class SlotsToKeys {
  /** Slot → key ids (binary strings) in insertion order; GETKEYSINSLOT reads newest first. */
  private readonly slots = new Map<number, Set<string>>();
  /** Keys named by commands propagated since the last sync. */
  private readonly touched = new Set<string>();
  /** A FLUSHALL / FLUSHDB was propagated since the last sync. */
  private flushed = false;
  private total = 0;

  constructor(
    private readonly ks: Keyspace,
    private readonly now: () => number,
  ) {}

  /** The propagation hook: remember the keys this write may have added or removed. */
  propagated(argv: readonly Uint8Array[]): void {
    const name = Buffer.from(argv[0] ?? new Uint8Array(0)).toString('latin1').toLowerCase();
    if (name === 'flushall' || name === 'flushdb') {
      this.flushed = true;
      return;
    }
    for (const k of commandKeys(argv)) this.touched.add(Buffer.from(k as Uint8Array).toString('latin1'));
  }

  /** Bring the index up to date with db 0's dict for every key touched since the last call. */
  sync(): void {
    const { dict } = db0(this.ks);
    if (this.flushed) {
      this.flushed = false;
      this.slots.clear();
      this.total = 0;
      // Keys written after the flush in the same transaction are among `touched`.
    }
    for (const id of this.touched) {
      if (dict.has(id)) this.add(id);
      else this.remove(id);
    }
    this.touched.clear();
  }

  private add(id: string): void {
    const slot = keyHashSlot(Buffer.from(id, 'latin1'));
    let set = this.slots.get(slot);
    if (set === undefined) this.slots.set(slot, (set = new Set()));
    if (set.has(id)) return;
    set.add(id);
    this.total++;
  }

  private remove(id: string): void {
    const slot = keyHashSlot(Buffer.from(id, 'latin1'));
    const set = this.slots.get(slot);
    if (set === undefined || !set.delete(id)) return;
    this.total--;
    if (set.size === 0) this.slots.delete(slot);
  }

  /** Keys in db 0 (dbsize, including expired keys not yet reclaimed). */
  get size(): number {
    return this.total;
  }

  has(id: string): boolean {
    return this.slots.get(keyHashSlot(Buffer.from(id, 'latin1')))?.has(id) ?? false;
  }

  /** Every key id, slot by slot. */
  *ids(): IterableIterator<string> {
    for (const set of this.slots.values()) yield* set;
  }

  /** CLUSTER COUNTKEYSINSLOT. */
  count(slot: number): number {
    return this.slots.get(slot)?.size ?? 0;
  }

  /** CLUSTER GETKEYSINSLOT order: newest key first (7.0 inserts at the head of the slot's list). */
  keysInSlot(slot: number, count: number): string[] {
    return [...(this.slots.get(slot) ?? [])].reverse().slice(0, count);
  }

  /**
   * getNodeByQuery's existence test (cluster.c, 7.0: a lookup with LOOKUP_NOEXPIRE semantics): a
   * key whose deadline passed counts as missing, and nothing is deleted.
   */
  liveKeyExists(id: string): boolean {
    const db = db0(this.ks);
    const slot = db.dict.get(id);
    if (slot === undefined) return false;
    return !db.hasExpire(slot) || !(this.now() > db.getExpire(slot));
  }
}
