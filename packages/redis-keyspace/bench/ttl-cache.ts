// TTL store benchmark: 1e6 keys, set with a TTL then get (hits, shuffled order), through each
// library's typed API, side by side with @isaacs/ttlcache, lru-cache and a naive lazy Map.
// One process per cell (library × TTL mode × key workload × repetition) so that heap numbers are
// clean; medians.
//
// Two key workloads, because V8 makes them cost differently:
//   call  — each operation builds its key (`key:${i}:${h}`), as a program does (`user:${id}`).
//   array — all keys are built first and kept in an array by the benchmark. Such keys are V8
//           cons strings; the keyspace must check each text key for non-ASCII characters once
//           (Redis keys are UTF-8 bytes), which flattens it: one copy the other libraries, which
//           never read the characters of a key, do not make.
//
//   npx tsx --conditions=@protolab/source packages/redis-keyspace/bench/ttl-cache.ts [reps=3] [n=1000000]
import { Prng } from '@protolab/sim';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TTLCache } from '@isaacs/ttlcache';
import { LRUCache } from 'lru-cache';
import { Keyspace, RealClockKeyspace } from '@protolab/redis-keyspace';

type Lib = 'keyspace' | 'keyspace-exact-clock' | 'ttlcache' | 'lru-cache' | 'map-lazy';
type Mode = 'fixed' | 'random';
type Work = 'call' | 'array';
interface Cell { lib: Lib; mode: Mode; work: Work; setOps: number; getOps: number; bytesPerKey: number }

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

const keyOf = (i: number): string => `key:${i}:${(i * 2654435761) >>> 0}`;

function runCell(lib: Lib, mode: Mode, work: Work, n: number): Cell {
  const rnd = seededFloats(42);
  const keys = work === 'array' ? Array.from({ length: n }, (_, i) => keyOf(i)) : [];
  const ttls = Array.from({ length: n }, () => (mode === 'fixed' ? 60_000 : 60_000 + Math.floor(rnd() * 3_540_000)));
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const value = 'value';
  let set: (k: string, ttl: number) => void;
  let get: (k: string) => unknown;
  if (lib === 'keyspace' || lib === 'keyspace-exact-clock') {
    // keyspace: the real-clock adapter as a program would use it; its default clock is re-read
    // at least every 64 commands and after every yield (batchedClock).
    // keyspace-exact-clock: Date.now() on every command that touches a key with a TTL, as
    // redis-server's call() refreshes its cached time per command.
    const ks = lib === 'keyspace' ? new RealClockKeyspace().keyspace : new Keyspace({ now: () => Date.now() });
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
  if (work === 'call') for (let i = 0; i < n; i++) set(keyOf(i), ttls[i]!);
  else for (let i = 0; i < n; i++) set(keys[i]!, ttls[i]!);
  const setMs = performance.now() - t0;
  const after = heap();
  let hits = 0;
  t0 = performance.now();
  if (work === 'call') for (let i = 0; i < n; i++) { if (get(keyOf(order[i]!)) !== undefined) hits++; }
  else for (let i = 0; i < n; i++) if (get(keys[order[i]!]!) !== undefined) hits++;
  const getMs = performance.now() - t0;
  if (hits !== n) throw new Error(`${lib}: ${n - hits} misses`);
  return { lib, mode, work, setOps: n / (setMs / 1000), getOps: n / (getMs / 1000), bytesPerKey: (after - before) / n };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (process.argv[2] === '--cell') {
  const r = runCell(process.argv[3] as Lib, process.argv[4] as Mode, process.argv[5] as Work, Number(process.argv[6]));
  process.stdout.write(JSON.stringify(r));
} else {
  const reps = Number(process.argv[2] ?? 3);
  const n = Number(process.argv[3] ?? 1_000_000);
  const self = fileURLToPath(import.meta.url);
  const libs: Lib[] = ['keyspace', 'keyspace-exact-clock', 'ttlcache', 'lru-cache', 'map-lazy'];
  const modes: Mode[] = ['fixed', 'random'];
  const works: Work[] = ['call', 'array'];
  console.log(`${n} keys, ${reps} processes per cell, Node ${process.version}; ops/s are medians`);
  // Rep-major order (rep → workload → mode → lib) so that load changes on a shared machine hit every library alike.
  const raw = new Map<string, Cell[]>();
  for (let r = 0; r < reps; r++) {
    for (const work of works) {
      for (const mode of modes) {
        for (const lib of libs) {
          const out = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--conditions=@protolab/source', self, '--cell', lib, mode, work, String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
          if (out.status !== 0) throw new Error(`${lib} ${mode} ${work}: ${out.stderr}`);
          const key = `${lib}/${mode}/${work}`;
          raw.set(key, [...(raw.get(key) ?? []), JSON.parse(out.stdout) as Cell]);
        }
      }
    }
  }
  const cell = (lib: Lib, mode: Mode, work: Work): Cell => {
    const cells = raw.get(`${lib}/${mode}/${work}`)!;
    return { lib, mode, work, setOps: median(cells.map((c) => c.setOps)), getOps: median(cells.map((c) => c.getOps)), bytesPerKey: median(cells.map((c) => c.bytesPerKey)) };
  };
  for (const work of works) {
    console.log(`\nkeys: ${work === 'call' ? 'built by each operation' : 'pre-built, kept in an array (cons strings)'}`);
    console.log('library                TTLs    set ops/s   get ops/s   heap+ArrayBuffer B/key');
    for (const mode of modes) {
      for (const lib of libs) {
        const c = cell(lib, mode, work);
        console.log(`${lib.padEnd(22)} ${mode.padEnd(7)} ${(c.setOps / 1e6).toFixed(2).padStart(6)} M   ${(c.getOps / 1e6).toFixed(2).padStart(6)} M   ${c.bytesPerKey.toFixed(1).padStart(7)}`);
      }
    }
    console.log(`ratios keyspace / @isaacs/ttlcache, keys ${work} (targets: set ≥ 1× fixed, ≥ 2× random; get ≥ 1× fixed; bytes ≤ 1×)`);
    for (const mode of modes) {
      const k = cell('keyspace', mode, work);
      const t = cell('ttlcache', mode, work);
      const l = cell('lru-cache', mode, work);
      const kc = cell('keyspace-exact-clock', mode, work);
      console.log(`${mode.padEnd(7)} set ×${(k.setOps / t.setOps).toFixed(2)}  get ×${(k.getOps / t.getOps).toFixed(2)}  bytes ×${(k.bytesPerKey / t.bytesPerKey).toFixed(2)}   (vs lru-cache: set ×${(k.setOps / l.setOps).toFixed(2)}, get ×${(k.getOps / l.getOps).toFixed(2)}, bytes ×${(k.bytesPerKey / l.bytesPerKey).toFixed(2)})`);
      console.log(`${''.padEnd(7)} exact clock: set ×${(kc.setOps / t.setOps).toFixed(2)}  get ×${(kc.getOps / t.getOps).toFixed(2)}  bytes ×${(kc.bytesPerKey / t.bytesPerKey).toFixed(2)}`);
    }
  }
}
