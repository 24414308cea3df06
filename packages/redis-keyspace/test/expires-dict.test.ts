// ExpiresDict (the per-db `expires` table activeExpireCycle scans) against a plain model of dict.c's
// rules: a new entry at the head of its bucket's chain, _dictExpandIfNeeded's growth (4 buckets on
// the first insert, then the next power of two above `used` once used >= size), a rehash that walks
// the old buckets in order and each chain head to tail, re-inserting at the new chain's head, and
// dictResize's shrink to the smallest power of two >= max(used, 4).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ExpiresDict, mix32 } from '../src/expires-dict.js';

/** The model: buckets as arrays, chain head first. */
class ModelDict {
  buckets: number[][] = [];
  used = 0;
  add(slot: number): void {
    if (this.buckets.length === 0) this.rehash(4);
    else if (this.used >= this.buckets.length) {
      let size = 4;
      while (size < this.used + 1) size *= 2;
      this.rehash(size);
    }
    this.buckets[mix32(slot) & (this.buckets.length - 1)]?.unshift(slot);
    this.used++;
  }
  remove(slot: number): void {
    const chain = this.buckets[mix32(slot) & (this.buckets.length - 1)] ?? [];
    chain.splice(chain.indexOf(slot), 1);
    this.used--;
  }
  resize(): void {
    let size = 4;
    while (size < Math.max(this.used, 4)) size *= 2;
    this.rehash(size);
  }
  private rehash(size: number): void {
    const fresh: number[][] = Array.from({ length: size }, () => []);
    for (const chain of this.buckets) for (const s of chain) fresh[mix32(s) & (size - 1)]?.unshift(s);
    this.buckets = fresh;
  }
}

/** The table's chains, head first, read through scan (dictScan visits one bucket per cursor). */
function chains(d: ExpiresDict): number[][] {
  const out: number[][] = [];
  for (let b = 0; b < d.size; b++) {
    const chain: number[] = [];
    for (let cur = d.heads[b] ?? -1; cur !== -1; cur = d.next[cur] ?? -1) chain.push(cur);
    out.push(chain);
  }
  return out;
}

describe('ExpiresDict is dict.c\'s chained table (dictAdd, _dictExpandIfNeeded, dictRehash, dictResize)', () => {
  it('after any sequence of adds, removes and resizes it holds the same buckets and chains, in the same order, as the model', () => {
    const step = fc.oneof(
      { arbitrary: fc.constant('add' as const), weight: 6 },
      { arbitrary: fc.nat(1000).map((i) => ({ remove: i })), weight: 3 },
      { arbitrary: fc.constant('resize' as const), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        const d = new ExpiresDict();
        const m = new ModelDict();
        const live: number[] = [];
        let nextSlot = 0;
        for (const s of steps) {
          if (s === 'add') {
            d.add(nextSlot);
            m.add(nextSlot);
            live.push(nextSlot++);
          } else if (s === 'resize') {
            d.resize();
            m.resize();
          } else if (live.length > 0) {
            const [slot] = live.splice(s.remove % live.length, 1);
            if (slot === undefined) continue;
            d.remove(slot);
            m.remove(slot);
          }
          expect(d.used).toBe(m.used);
          expect(chains(d)).toEqual(m.buckets);
        }
      }),
      { numRuns: 300 },
    );
  });
});
