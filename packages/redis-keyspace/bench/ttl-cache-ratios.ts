/**
 * Issue 19's TTL-cache cells as ratios measured the way the house rules ask: the keyspace's typed
 * API (`new RealClockKeyspace().keyspace`) and @isaacs/ttlcache side by side in ONE process,
 * alternating (which goes first swaps every round), CPU time (process.cpuUsage), a warm-up round,
 * then `rounds` rounds; per cell the median of the per-round ratios ttlcache CPU / keyspace CPU
 * (> 1: the keyspace is faster) and their range. Bytes per key need one process per measurement:
 * they stay in bench/ttl-cache.ts, which also has lru-cache and the exact-clock keyspace.
 *
 * The cells are bench/ttl-cache.ts's: keys built per call (`key:${i}:${h}`) or pre-built in an
 * array (V8 cons strings), fixed 60 s or random 60 s–1 h TTLs; set n keys, then get them all in a
 * shuffled order (every get a hit, checked). Each round builds fresh instances; the previous
 * round's instance of a library stays reachable until its replacement exists (a full GC between
 * phases would otherwise collect the hidden classes the other library's optimized code embeds).
 *
 *   npx tsx --conditions=@protolab/source packages/redis-keyspace/bench/ttl-cache-ratios.ts [rounds=5] [n=100000] [cells]
 *
 * `cells`: a comma list of work/mode (e.g. `array/fixed`), default all four.
 */
import { Prng } from '@protolab/sim';
import { TTLCache } from '@isaacs/ttlcache';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadavg } from 'node:os';
import { RealClockKeyspace } from '@protolab/redis-keyspace';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

type Lib = 'keyspace' | 'ttlcache';
type Mode = 'fixed' | 'random';
type Work = 'call' | 'array';
interface Store { set(k: string, ttl: number): void; get(k: string): unknown; close(): void }

const keyOf = (i: number): string => `key:${i}:${(i * 2654435761) >>> 0}`;
const VALUE = 'value';

function open(lib: Lib): Store {
  if (lib === 'keyspace') {
    const r = new RealClockKeyspace();
    const ks = r.keyspace;
    return { set: (k, ttl) => { ks.set(k, VALUE, { px: ttl }); }, get: (k) => ks.get(k), close: () => { r.close(); } };
  }
  const c = new TTLCache<string, string>({ ttl: 60_000 });
  return { set: (k, ttl) => { c.set(k, VALUE, { ttl }); }, get: (k) => c.get(k), close: () => { c.clear(); } };
}

const cpu = (t0: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(t0);
  return (d.user + d.system) * 1000;
};

const alive = new Map<Lib, Store>();

/** ns CPU per set and per get for one fresh instance of `lib`. */
function runOnce(lib: Lib, work: Work, ttls: number[], order: number[], keys: string[]): [number, number] {
  const n = ttls.length;
  const s = open(lib);
  alive.get(lib)?.close();
  alive.set(lib, s);
  gc();
  let t0 = process.cpuUsage();
  if (work === 'call') for (let i = 0; i < n; i++) s.set(keyOf(i), ttls[i] ?? 0);
  else for (let i = 0; i < n; i++) s.set(keys[i] ?? '', ttls[i] ?? 0);
  const setNs = cpu(t0) / n;
  let hits = 0;
  t0 = process.cpuUsage();
  if (work === 'call') {
    for (let i = 0; i < n; i++) if (s.get(keyOf(order[i] ?? 0)) !== undefined) hits++;
  } else for (let i = 0; i < n; i++) if (s.get(keys[order[i] ?? 0] ?? '') !== undefined) hits++;
  const getNs = cpu(t0) / n;
  if (hits !== n) throw new Error(`${lib}: ${n - hits} misses`);
  return [setNs, getNs];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const range = (xs: number[]): string => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

const rounds = Number(process.argv[2] ?? 5);
const n = Number(process.argv[3] ?? 100_000);
const cells = (process.argv[4] ?? 'call/fixed,call/random,array/fixed,array/random').split(',');
console.log(`${n} keys, 1 warm-up + ${rounds} rounds, CPU time, Node ${process.version}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log('| keys / TTLs | keyspace set · get ns/op | ttlcache set · get ns/op | set ratio, median (range) | get ratio, median (range) |');
console.log('|---|---|---|---|---|');
for (const cell of cells) {
  const [work, mode] = cell.split('/') as [Work, Mode];
  const p = new Prng(42);
  const ttls = Array.from({ length: n }, () => (mode === 'fixed' ? 60_000 : 60_000 + Math.floor(p.float() * 3_540_000)));
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(p.float() * (i + 1));
    const t = order[i] ?? 0;
    order[i] = order[j] ?? 0;
    order[j] = t;
  }
  const ks: [number, number][] = [], tc: [number, number][] = [];
  for (let r = 0; r <= rounds; r++) {
    // fresh key strings per round for the array workload (cons strings, as first built)
    const keys = work === 'array' ? Array.from({ length: n }, (_, i) => keyOf(i)) : [];
    const keysT = work === 'array' ? Array.from({ length: n }, (_, i) => keyOf(i)) : [];
    let a: [number, number], b: [number, number];
    if (r % 2 === 0) {
      a = runOnce('keyspace', work, ttls, order, keys);
      b = runOnce('ttlcache', work, ttls, order, keysT);
    } else {
      b = runOnce('ttlcache', work, ttls, order, keysT);
      a = runOnce('keyspace', work, ttls, order, keys);
    }
    if (r === 0) continue; // warm-up
    ks.push(a);
    tc.push(b);
  }
  const setR = ks.map((x, i) => (tc[i]?.[0] ?? NaN) / x[0]);
  const getR = ks.map((x, i) => (tc[i]?.[1] ?? NaN) / x[1]);
  const ns = (xs: number[][], j: number): string => median(xs.map((x) => x[j] ?? NaN)).toFixed(0);
  console.log(`| ${work} / ${mode} | ${ns(ks, 0)} · ${ns(ks, 1)} | ${ns(tc, 0)} · ${ns(tc, 1)} | ${median(setR).toFixed(2)}× (${range(setR)}) | ${median(getR).toFixed(2)}× (${range(getR)}) |`);
}
for (const s of alive.values()) s.close();
console.log(`load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
