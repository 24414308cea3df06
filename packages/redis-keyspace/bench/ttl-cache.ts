// TTL store benchmark: 1e6 keys, set with a TTL then get (hits, shuffled order), through each
// library's typed API, side by side with @isaacs/ttlcache, lru-cache and a naive lazy Map.
// One process per cell (library × TTL mode × repetition) so that heap numbers are clean; medians.
//
//   npx tsx --conditions=@protolab/source packages/redis-keyspace/bench/ttl-cache.ts [reps=3] [n=1000000]
import { Prng } from '@protolab/sim';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TTLCache } from '@isaacs/ttlcache';
import { LRUCache } from 'lru-cache';
import { Keyspace } from '@protolab/redis-keyspace';

type Lib = 'keyspace' | 'keyspace-cached-clock' | 'ttlcache' | 'lru-cache' | 'map-lazy';
type Mode = 'fixed' | 'random';
interface Cell { lib: Lib; mode: Mode; setOps: number; getOps: number; bytesPerKey: number }

/** Seeded draws in [0, 1) from the one PRNG protolab has (@protolab/sim's xoshiro128**). */
function seededFloats(seed: number): () => number {
  const p = new Prng(seed);
  return () => p.float();
}

function heap(): number {
  const g = (globalThis as { gc?: () => void }).gc;
  g?.();
  g?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function runCell(lib: Lib, mode: Mode, n: number): Cell {
  const rnd = seededFloats(42);
  const keys = Array.from({ length: n }, (_, i) => `key:${i}:${(i * 2654435761) >>> 0}`);
  const ttls = Array.from({ length: n }, () => (mode === 'fixed' ? 60_000 : 60_000 + Math.floor(rnd() * 3_540_000)));
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const value = 'value';
  let set: (k: string, ttl: number) => void;
  let get: (k: string) => unknown;
  if (lib === 'keyspace' || lib === 'keyspace-cached-clock') {
    // keyspace-cached-clock: "now" refreshed by a 1 ms timer, as lru-cache's ttlResolution does and
    // as Redis caches the time per command; inside one synchronous loop it does not advance.
    let cached = Date.now();
    if (lib === 'keyspace-cached-clock') setInterval(() => { cached = Date.now(); }, 1).unref();
    const ks = new Keyspace({ now: lib === 'keyspace' ? () => Date.now() : () => cached });
    set = (k, ttl) => { ks.set(k, value, { px: ttl }); };
    get = (k) => ks.get(k);
  } else if (lib === 'ttlcache') {
    const c = new TTLCache<string, string>({ ttl: 60_000 });
    set = (k, ttl) => { c.set(k, value, { ttl }); };
    get = (k) => c.get(k);
  } else if (lib === 'lru-cache') {
    const c = new LRUCache<string, string>({ max: n, ttl: 60_000 });
    set = (k, ttl) => { c.set(k, value, { ttl }); };
    get = (k) => c.get(k);
  } else {
    const m = new Map<string, { value: string; expiresAt: number }>();
    set = (k, ttl) => { m.set(k, { value, expiresAt: Date.now() + ttl }); };
    get = (k) => {
      const e = m.get(k);
      if (e === undefined) return undefined;
      if (Date.now() > e.expiresAt) {
        m.delete(k);
        return undefined;
      }
      return e.value;
    };
  }
  const before = heap();
  let t0 = performance.now();
  for (let i = 0; i < n; i++) set(keys[i]!, ttls[i]!);
  const setMs = performance.now() - t0;
  const after = heap();
  let hits = 0;
  t0 = performance.now();
  for (let i = 0; i < n; i++) if (get(keys[order[i]!]!) !== undefined) hits++;
  const getMs = performance.now() - t0;
  if (hits !== n) throw new Error(`${lib}: ${n - hits} misses`);
  return { lib, mode, setOps: n / (setMs / 1000), getOps: n / (getMs / 1000), bytesPerKey: (after - before) / n };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (process.argv[2] === '--cell') {
  const r = runCell(process.argv[3] as Lib, process.argv[4] as Mode, Number(process.argv[5]));
  process.stdout.write(JSON.stringify(r));
} else {
  const reps = Number(process.argv[2] ?? 3);
  const n = Number(process.argv[3] ?? 1_000_000);
  const self = fileURLToPath(import.meta.url);
  const libs: Lib[] = ['keyspace', 'keyspace-cached-clock', 'ttlcache', 'lru-cache', 'map-lazy'];
  const results = new Map<string, Cell>();
  console.log(`${n} keys, ${reps} processes per cell, Node ${process.version}; ops/s are medians\n`);
  console.log('library                TTLs    set ops/s   get ops/s   heap+ArrayBuffer B/key');
  // Rep-major order (rep → mode → lib) so that load changes on a shared machine hit every library alike.
  const raw = new Map<string, Cell[]>();
  for (let r = 0; r < reps; r++) {
    for (const mode of ['fixed', 'random'] as Mode[]) {
      for (const lib of libs) {
        const out = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--conditions=@protolab/source', self, '--cell', lib, mode, String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (out.status !== 0) throw new Error(`${lib} ${mode}: ${out.stderr}`);
        const key = `${lib}/${mode}`;
        raw.set(key, [...(raw.get(key) ?? []), JSON.parse(out.stdout) as Cell]);
      }
    }
  }
  for (const mode of ['fixed', 'random'] as Mode[]) {
    for (const lib of libs) {
      const cells = raw.get(`${lib}/${mode}`)!;
      const cell: Cell = { lib, mode, setOps: median(cells.map((c) => c.setOps)), getOps: median(cells.map((c) => c.getOps)), bytesPerKey: median(cells.map((c) => c.bytesPerKey)) };
      results.set(`${lib}/${mode}`, cell);
      console.log(`${lib.padEnd(22)} ${mode.padEnd(7)} ${(cell.setOps / 1e6).toFixed(2).padStart(6)} M   ${(cell.getOps / 1e6).toFixed(2).padStart(6)} M   ${cell.bytesPerKey.toFixed(1).padStart(7)}`);
    }
  }
  console.log('\nratios keyspace / @isaacs/ttlcache (targets: set ≥ 1× fixed, ≥ 2× random; get ≥ 1× fixed; bytes ≤ 1×)');
  for (const mode of ['fixed', 'random'] as Mode[]) {
    const k = results.get(`keyspace/${mode}`)!;
    const t = results.get(`ttlcache/${mode}`)!;
    const l = results.get(`lru-cache/${mode}`)!;
    const kc = results.get(`keyspace-cached-clock/${mode}`)!;
    console.log(`${mode.padEnd(7)} cached clock: set ×${(kc.setOps / t.setOps).toFixed(2)}  get ×${(kc.getOps / t.getOps).toFixed(2)}  bytes ×${(kc.bytesPerKey / t.bytesPerKey).toFixed(2)}`);
    console.log(`${mode.padEnd(7)} set ×${(k.setOps / t.setOps).toFixed(2)}  get ×${(k.getOps / t.getOps).toFixed(2)}  bytes ×${(k.bytesPerKey / t.bytesPerKey).toFixed(2)}   (vs lru-cache: set ×${(k.setOps / l.setOps).toFixed(2)}, get ×${(k.getOps / l.getOps).toFixed(2)}, bytes ×${(k.bytesPerKey / l.bytesPerKey).toFixed(2)})`);
  }
}
