import { TTLCache } from '@isaacs/ttlcache';
import { Keyspace } from '../src/index.js';
const n = Number(process.argv[2] ?? 1000000);
const mode = process.argv[3] ?? 'fixed';
let a = 42;
const rnd = () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const keys = Array.from({ length: n }, (_, i) => `key:${i}:${(i * 2654435761) >>> 0}`);
const ttls = Array.from({ length: n }, () => (mode === 'fixed' ? 60_000 : 60_000 + Math.floor(rnd() * 3_540_000)));
const order = Array.from({ length: n }, (_, i) => i);
for (let i = n - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
for (let rep = 0; rep < 3; rep++) {
  for (const lib of ['ks', 'ttl']) {
    let set: (k: string, t: number) => void, get: (k: string) => unknown;
    if (lib === 'ks') { const ks = new Keyspace({ now: () => Date.now() }); set = (k, t) => { ks.set(k, 'value', { px: t }); }; get = (k) => ks.get(k); }
    else { const c = new TTLCache<string, string>({ ttl: 60000 }); set = (k, t) => { c.set(k, 'value', { ttl: t }); }; get = (k) => c.get(k); }
    let t0 = performance.now();
    for (let i = 0; i < n; i++) set(keys[i]!, ttls[i]!);
    const s = performance.now() - t0;
    t0 = performance.now(); let h = 0;
    for (let i = 0; i < n; i++) if (get(keys[order[i]!]!) !== undefined) h++;
    const g = performance.now() - t0;
    console.log(lib, mode, 'set', s.toFixed(0), 'get', g.toFixed(0), h);
  }
}
