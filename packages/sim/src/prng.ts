/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna, 2018), 128 bits of state,
 * 32-bit outputs. Small, fast in JS (only 32-bit integer ops), and good enough for simulation
 * (it passes BigCrush; it is not cryptographic).
 *
 * Streams: `streamSeed(seed, name)` hashes a stream name (FNV-1a) into the seed and expands it
 * with SplitMix32, so `sim.random('network')` and `sim.random('workload')` are independent
 * sequences: an extra draw in one never shifts the other.
 */

/** FNV-1a over the UTF-16 code units of `s`, 32-bit. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** SplitMix32 step (Steele, Lea, Flood), used only to expand a 32-bit seed into 128 bits. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Normalises a user seed (any safe integer or string) to 32 bits. */
export function normaliseSeed(seed: number | string): number {
  if (typeof seed === 'string') return fnv1a(seed);
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a safe integer or a string, got ${String(seed)}`);
  }
  // Fold the high bits in so that seeds above 2^32 still differ.
  return ((seed >>> 0) ^ Math.floor(seed / 0x1_0000_0000)) >>> 0;
}

/** The 32-bit seed of stream `name` under `seed`. */
export function streamSeed(seed: number | string, name: string): number {
  return (normaliseSeed(seed) ^ fnv1a(name) ^ 0x5bd1e995) >>> 0;
}

export type PrngState = readonly [number, number, number, number];

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    const st = { s: normaliseSeed(seed) };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the all-zero state is a fixed point
  }

  /** An independent stream derived from this generator's current state and a name. */
  fork(name: string): Prng {
    return new Prng((this.nextU32() ^ fnv1a(name)) >>> 0);
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [lo, hiExclusive). Unbiased (rejection sampling). */
  int(lo: number, hiExclusive: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hiExclusive) || hiExclusive <= lo) {
      throw new RangeError(`int(lo, hi) needs integers with lo < hi, got ${lo}, ${hiExclusive}`);
    }
    const span = hiExclusive - lo;
    if (span <= 0x1_0000_0000) {
      const limit = 0x1_0000_0000 - (0x1_0000_0000 % span);
      for (;;) {
        const x = this.nextU32();
        if (x < limit) return lo + (x % span);
      }
    }
    return lo + Math.floor(this.float() * span);
  }

  /** True with probability p (p outside [0, 1] is clamped; NaN is an error). */
  chance(p: number): boolean {
    if (Number.isNaN(p)) throw new RangeError('chance(p): p is NaN');
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty array');
    return items[this.int(0, items.length)] as T; // the index is in [0, length)
  }

  /** Fisher–Yates, in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      // Both indices are in [0, length): destructuring swaps without reading undefined.
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }

  /** Exponentially distributed value with the given mean (for Poisson arrivals). */
  exp(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }

  /** The raw state, to save and restore a stream exactly. */
  getState(): PrngState {
    return [this.a, this.b, this.c, this.d];
  }

  setState(state: PrngState): void {
    [this.a, this.b, this.c, this.d] = state;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
