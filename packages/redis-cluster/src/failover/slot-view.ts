/**
 * One node's view of slot ownership (clusterState.slots[]): an owner per slot, as indexes into the
 * node ids this view has met, with a version that moves on every change. Claimed ranges per owner
 * are cached by version, so a message costs O(ranges) unless ownership changed.
 */
import { CLUSTER_SLOTS } from '../slot.js';
import type { SlotRanges } from './bus-types.js';

export class SlotView {
  private readonly owner = new Int32Array(CLUSTER_SLOTS).fill(-1);
  private readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly rangeCache = new Map<number, { version: number; ranges: SlotRanges; count: number }>();
  /** Moves on every ownership change. */
  version = 0;

  private idx(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.index.set(id, i);
    }
    return i;
  }

  ownerOf(slot: number): string | undefined {
    const i = this.owner[slot] ?? -1;
    return i < 0 ? undefined : this.ids[i];
  }

  assign(slot: number, id: string | undefined): void {
    const i = id === undefined ? -1 : this.idx(id);
    if (this.owner[slot] === i) return;
    this.owner[slot] = i;
    this.version++;
  }

  /** The slots `id` owns in this view, as sorted inclusive ranges. */
  rangesOf(id: string): SlotRanges {
    return this.cached(id).ranges;
  }

  numSlots(id: string): number {
    return this.cached(id).count;
  }

  private cached(id: string): { ranges: SlotRanges; count: number } {
    const i = this.index.get(id);
    if (i === undefined) return { ranges: [], count: 0 };
    const hit = this.rangeCache.get(i);
    if (hit !== undefined && hit.version === this.version) return hit;
    const ranges: [number, number][] = [];
    let count = 0;
    for (let s = 0; s < CLUSTER_SLOTS; s++) {
      if (this.owner[s] !== i) continue;
      count++;
      const last = ranges[ranges.length - 1];
      if (last !== undefined && last[1] === s - 1) last[1] = s;
      else ranges.push([s, s]);
    }
    const entry = { version: this.version, ranges, count };
    this.rangeCache.set(i, entry);
    return entry;
  }

  private ownersCache = { version: -1, owners: new Set<string>() };

  /** Every owner with at least one slot (for "masters serving slots"), cached by version. */
  owners(): Set<string> {
    if (this.ownersCache.version === this.version) return this.ownersCache.owners;
    const seen = new Set<number>();
    for (let s = 0; s < CLUSTER_SLOTS; s++) {
      const i = this.owner[s] ?? -1;
      if (i >= 0) seen.add(i);
    }
    this.ownersCache = { version: this.version, owners: new Set([...seen].map((i) => this.ids[i] ?? '')) };
    return this.ownersCache.owners;
  }
}

export function* slotsIn(ranges: SlotRanges): Generator<number> {
  for (const [a, b] of ranges) for (let s = a; s <= b; s++) yield s;
}

export function rangesKey(ranges: SlotRanges): string {
  return ranges.map(([a, b]) => `${a}-${b}`).join(',');
}
