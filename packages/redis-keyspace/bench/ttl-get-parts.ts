/**
 * Where the typed `get` of a pre-built key spends its time against @isaacs/ttlcache (issue 19's
 * "array / fixed" cell): the same shuffled hits, in one process, CPU time, through
 *   ks.get            — the keyspace's typed API (RealClockKeyspace, batched clock);
 *   getText           — the function ks.get calls (src/typed-api.ts), called directly;
 *   dict              — only the db's Map<key, slot> probe;
 *   dict+val          — the probe and the value column only: no expiry, no access time — the
 *                       least any layout does that keeps the value outside the Map's own entry;
 *   dict+exp+val      — the probe plus the deadline (Db.meta, a Float64Array) and value columns;
 *   dict+exp+clock+val — the same with the TTL check against the core's clock, as `get` does;
 *   floor             — the least lookupKey must do at this layout: the probe, the deadline
 *                       checked against a time read once per pass (no clock call), the access
 *                       time stored, the value read;
 *   ttlcache.get      — the competitor (one Map.get of key → value, no clock read);
 *   ttlcache exact    — ttlcache with `checkAgeOnGet: true`, the configuration in which it, too,
 *                       never returns an entry whose TTL passed (a second Map probe and a clock read);
 *   Map.get           — a plain Map<string, string> of its own copies of the keys: what
 *                       ttlcache's default get is inside;
 * so each layer's cost shows as a difference; the last lines print ttlcache.get ÷ each row
 * (> 1: that row is faster than ttlcache's get). Each timed pass follows an untimed pass of the same
 * row. Fixed 10-minute TTLs: no key expires during the run.
 *
 *   npx tsx --conditions=@protolab/source packages/redis-keyspace/bench/ttl-get-parts.ts [n=100000] [rounds=8]
 */
import { TTLCache } from '@isaacs/ttlcache';
import { loadavg } from 'node:os';
import { RealClockKeyspace } from '@protolab/redis-keyspace';
import { getText } from '../src/typed-api.js';

const n = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 8);
const TTL = 600_000;
const keyOf = (i: number): string => `key:${i}:${(i * 2654435761) >>> 0}`;
const keys = Array.from({ length: n }, (_, i) => keyOf(i));
const keysT = Array.from({ length: n }, (_, i) => keyOf(i));
const keysX = Array.from({ length: n }, (_, i) => keyOf(i));
const keysM = Array.from({ length: n }, (_, i) => keyOf(i));
const order = Array.from({ length: n }, (_, i) => i);
let seed = 7;
const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
for (let i = n - 1; i > 0; i--) {
  const j = Math.floor(rnd() * (i + 1));
  const t = order[i] ?? 0;
  order[i] = order[j] ?? 0;
  order[j] = t;
}
const rc = new RealClockKeyspace();
const ks = rc.keyspace;
for (const k of keys) ks.set(k, 'value', { px: TTL });
const tc = new TTLCache<string, string>({ ttl: TTL });
for (const k of keysT) tc.set(k, 'value', { ttl: TTL });
const tx = new TTLCache<string, string>({ ttl: TTL, checkAgeOnGet: true });
for (const k of keysX) tx.set(k, 'value', { ttl: TTL });
const plain = new Map<string, string>();
for (const k of keysM) plain.set(k, 'value');
const core = ks.core;
const db = core.dbs[0];
if (db === undefined) throw new Error('no db 0');
const key = (i: number): string => keys[order[i] ?? 0] ?? '';

const variants: [string, () => number][] = [
  ['ks.get', () => { let h = 0; for (let i = 0; i < n; i++) if (ks.get(key(i)) !== undefined) h++; return h; }],
  ['getText', () => { let h = 0; for (let i = 0; i < n; i++) if (getText(core, db, key(i)) !== undefined) h++; return h; }],
  ['dict', () => { let h = 0; for (let i = 0; i < n; i++) if (db.dict.get(key(i)) !== undefined) h++; return h; }],
  ['dict+val', () => {
    let h = 0;
    for (let i = 0; i < n; i++) {
      const s = db.dict.get(key(i));
      if (s !== undefined && db.valOf[s] !== undefined) h++;
    }
    return h;
  }],
  ['dict+exp+val', () => {
    let h = 0;
    for (let i = 0; i < n; i++) {
      const s = db.dict.get(key(i));
      if (s !== undefined && (db.meta[2 * s] ?? 0) > 0 && db.valOf[s] !== undefined) h++;
    }
    return h;
  }],
  ['dict+exp+clock+val', () => {
    let h = 0;
    for (let i = 0; i < n; i++) {
      const s = db.dict.get(key(i));
      if (s === undefined) continue;
      const w = db.meta[2 * s] ?? NaN;
      if (w === w && core.nowFn() > w) continue;
      if (db.valOf[s] !== undefined) h++;
    }
    return h;
  }],
  ['floor', () => {
    let h = 0;
    const now = core.nowFn();
    const meta = db.meta;
    for (let i = 0; i < n; i++) {
      const s = db.dict.get(key(i));
      if (s === undefined) continue;
      const w = meta[2 * s] ?? NaN;
      if (w === w && now > w) continue;
      if (meta[2 * s + 1] !== now) meta[2 * s + 1] = now;
      if (db.valOf[s] !== undefined) h++;
    }
    return h;
  }],
  ['ttlcache exact', () => { let h = 0; for (let i = 0; i < n; i++) if (tx.get(keysX[order[i] ?? 0] ?? '') !== undefined) h++; return h; }],
  ['Map.get', () => { let h = 0; for (let i = 0; i < n; i++) if (plain.get(keysM[order[i] ?? 0] ?? '') !== undefined) h++; return h; }],
  ['ttlcache.get', () => { let h = 0; for (let i = 0; i < n; i++) if (tc.get(keysT[order[i] ?? 0] ?? '') !== undefined) h++; return h; }],
];

console.log(`${n} keys, ${rounds} rounds after one warm-up, ns CPU per get (median, range); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const res = new Map<string, number[]>();
for (let r = 0; r <= rounds; r++) {
  for (const [name, f] of variants) {
    // One untimed pass first: every row starts with its own structures as warm in the caches as
    // the other rows' (otherwise the first row after another structure pays the cache refill).
    f();
    const t0 = process.cpuUsage();
    const hits = f();
    const d = process.cpuUsage(t0);
    if (hits !== n) throw new Error(`${name}: ${n - hits} misses`);
    if (r > 0) res.set(name, [...(res.get(name) ?? []), ((d.user + d.system) * 1000) / n]);
  }
}
for (const [name, xs] of res) {
  const s = [...xs].sort((a, b) => a - b);
  console.log(`${name.padEnd(20)} ${(s[s.length >> 1] ?? NaN).toFixed(0).padStart(5)} ns (${(s[0] ?? NaN).toFixed(0)}–${(s[s.length - 1] ?? NaN).toFixed(0)})`);
}
const med = (name: string): number => {
  const s = [...(res.get(name) ?? [])].sort((a, b) => a - b);
  return s[s.length >> 1] ?? NaN;
};
console.log(`ttlcache.get ÷ row (median ns): ${[...res.keys()].filter((k) => k !== 'ttlcache.get').map((k) => `${k} ${(med('ttlcache.get') / med(k)).toFixed(2)}×`).join(', ')}`);
rc.close();
