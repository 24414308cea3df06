/** A seeded 1M-key mixed dataset (shapes like a typical cache + app database). */
import { Prng } from '@protolab/sim';
import type { KeyEntry } from '@protolab/redis-rdb';

/** Seeded draws in [0, 1) from the one PRNG protolab has (@protolab/sim's xoshiro128**). */
export function seededFloats(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.float();
}

const enc = new TextEncoder();

// Values are views into shared 1 MB slabs (like a keyspace's own memory), not one ArrayBuffer each:
// millions of live ArrayBuffers would make every GC of the benchmark process slow.
let slab = new Uint8Array(1 << 20);
let slabOff = 0;
function own(b: Uint8Array): Uint8Array {
  if (slabOff + b.length > slab.length) {
    slab = new Uint8Array(Math.max(1 << 20, b.length));
    slabOff = 0;
  }
  const out = slab.subarray(slabOff, slabOff + b.length);
  out.set(b);
  slabOff += b.length;
  return out;
}
const text = (s: string): Uint8Array => own(enc.encode(s));

export function mixedDataset(n: number, seed = 1): KeyEntry[] {
  const rnd = seededFloats(seed);
  const scratch = new Uint8Array(64);
  const word = (len: number): Uint8Array => {
    for (let i = 0; i < len; i++) scratch[i] = 97 + Math.floor(rnd() * 26);
    return own(scratch.subarray(0, len));
  };
  const out: KeyEntry[] = [];
  for (let i = 0; i < n; i++) {
    const key = text(`key:${i}`);
    const r = rnd();
    let e: KeyEntry;
    if (r < 0.35) e = { db: 0, key, value: { type: 'string', value: text(String(Math.floor(rnd() * 1e9))) } };
    else if (r < 0.6) e = { db: 0, key, value: { type: 'string', value: word(8 + Math.floor(rnd() * 40)) } };
    else if (r < 0.7) e = { db: 0, key, value: { type: 'string', value: text(`{"id":${i},"name":"user${i}","tags":["a","b","c"],"bio":"${'lorem ipsum '.repeat(1 + (i % 8))}"}`) } };
    else if (r < 0.8) e = { db: 0, key, value: { type: 'list', value: Array.from({ length: 1 + Math.floor(rnd() * 15) }, () => word(4 + Math.floor(rnd() * 10))) } };
    else if (r < 0.9) e = { db: 0, key, value: { type: 'hash', value: Array.from({ length: 1 + Math.floor(rnd() * 8) }, (_, j) => [text(`f${j}`), word(3 + Math.floor(rnd() * 12))] as [Uint8Array, Uint8Array]) } };
    else if (r < 0.95) e = { db: 0, key, value: { type: 'set', value: [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 10) }, () => String(Math.floor(rnd() * 1000))))].map((s) => text(s)) } };
    else {
      const m = new Map<string, number>();
      for (let j = 0, k = 1 + Math.floor(rnd() * 10); j < k; j++) m.set(`m${Math.floor(rnd() * 100)}`, Math.floor(rnd() * 1000) / 10);
      e = { db: 0, key, value: { type: 'zset', value: [...m].map(([member, score]) => ({ member: text(member), score })).sort((a, b) => a.score - b.score || (a.member < b.member ? -1 : 1)) } };
    }
    if (rnd() < 0.2) e.expireAtMs = Date.UTC(2030, 0, 1) + Math.floor(rnd() * 1e9);
    out.push(e);
  }
  return out;
}
