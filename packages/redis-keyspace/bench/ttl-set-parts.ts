/**
 * Issue 19's pre-built-key `set` cells taken apart (the set-side twin of bench/ttl-get-parts.ts):
 * each row fills a fresh structure with n fresh keys (`key:${i}:${h}`, V8 cons strings, built
 * untimed before the pass), with either every key a cons string as first built ("cons") or the
 * same keys flattened before timing ("flat", %FlattenString), so that the cost of looking at a
 * cons key's characters shows as a difference:
 *   isAscii          — only the ASCII scan Keyspace.set makes of a text key (the flattening);
 *   Map.set          — a bare Map<key, slot>: the least a key → entry index does;
 *   Map.get+set      — the probe a SET makes before adding (lookupKeyWrite) and the add;
 *   floor            — the least a set with Redis's semantics does, hand-written: the key's
 *                      characters read once (isAscii: its UTF-8 form), the probe (lookupKeyWrite),
 *                      the add, the key / value / deadline stored beside the Map in columns that
 *                      grow as they fill (a JS Map holds one value per key), the clock read once
 *                      per 64 sets (batchedClock); no expires table, LRU time or propagation check;
 *   floor+expires    — floor plus the slot linked into an ExpiresDict (the chained table
 *                      activeExpireCycle scans, dict.c's bucket and resize rules): what Redis's
 *                      dictAdd to db->expires costs here;
 *   ks.set           — the keyspace's typed API (RealClockKeyspace, batched clock), PX 60 s;
 *   ttlcache.set     — @isaacs/ttlcache 2.1.5, ttl 60 s.
 * ns CPU per set, median and range over `rounds` rounds after a warm-up, rows alternating.
 *
 *   npx tsx --conditions=@protolab/source packages/redis-keyspace/bench/ttl-set-parts.ts [n=100000] [rounds=8] [ttl=fixed|random]
 */
import { TTLCache } from '@isaacs/ttlcache';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadavg } from 'node:os';
import { RealClockKeyspace } from '@protolab/redis-keyspace';
import { isAscii } from '../src/bytes.js';
import { ExpiresDict } from '../src/expires-dict.js';
import { batchedClock } from '../src/adapters/real-clock.js';

setFlagsFromString('--allow-natives-syntax');
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- V8's %FlattenString needs natives syntax, known only to code compiled after the flag
const flatten = new Function('s', 'return %FlattenString(s);') as (s: string) => string;

const n = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 8);
const mode = process.argv[4] ?? 'fixed';
let seed = 7;
const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const ttls = Array.from({ length: n }, () => (mode === 'fixed' ? 60_000 : 60_000 + Math.floor(rnd() * 3_540_000)));
const keyOf = (i: number): string => `key:${i}:${(i * 2654435761) >>> 0}`;
const VALUE = 'value';

let keep: unknown = undefined; // the last structure stays reachable until its successor exists
const rows: [string, (keys: string[]) => number][] = [
  ['isAscii', (keys) => { let a = 0; for (let i = 0; i < n; i++) if (isAscii(keys[i] ?? '')) a++; return a; }],
  ['Map.set', (keys) => { const m = new Map<string, number>(); for (let i = 0; i < n; i++) m.set(keys[i] ?? '', i); keep = m; return m.size; }],
  ['Map.get+set', (keys) => {
    const m = new Map<string, number>();
    for (let i = 0; i < n; i++) { const k = keys[i] ?? ''; if (m.get(k) === undefined) m.set(k, i); }
    keep = m;
    return m.size;
  }],
  ['floor', (keys) => floor(keys, false)],
  ['floor+expires', (keys) => floor(keys, true)],
  ['ks.set', (keys) => {
    const rc = new RealClockKeyspace();
    const ks = rc.keyspace;
    for (let i = 0; i < n; i++) ks.set(keys[i] ?? '', VALUE, { px: ttls[i] ?? 0 });
    rc.close();
    keep = rc;
    return ks.dbsize();
  }],
  ['ttlcache.set', (keys) => {
    const c = new TTLCache<string, string>({ ttl: 60_000 });
    for (let i = 0; i < n; i++) c.set(keys[i] ?? '', VALUE, { ttl: ttls[i] ?? 0 });
    c.cancelTimer();
    keep = c;
    return c.size;
  }],
];

/** The floor rows: see the header. Returns the number of keys stored. */
function floor(keys: string[], link: boolean): number {
  const dict = new Map<string, number>();
  const keyCol: string[] = [];
  const valCol: string[] = [];
  const deadline: number[] = [];
  const expires = new ExpiresDict();
  const clock = batchedClock();
  let high = false;
  for (let i = 0; i < n; i++) {
    const k = keys[i] ?? '';
    if (!isAscii(k)) high = true;
    const now = clock();
    let slot = dict.get(k);
    if (slot === undefined) {
      slot = dict.size;
      dict.set(k, slot);
      keyCol[slot] = k;
      if (link) {
        expires.ensureSlots(slot + 1);
        expires.add(slot);
      }
    }
    valCol[slot] = VALUE;
    deadline[slot] = now + (ttls[i] ?? 0);
  }
  keep = [dict, keyCol, valCol, deadline, expires];
  return high ? -1 : dict.size;
}

console.log(`${n} keys, ${mode} TTLs, ${rounds} rounds after one warm-up, ns CPU per set (median, range); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const res = new Map<string, number[]>();
for (let r = 0; r <= rounds; r++) {
  for (const kind of ['cons', 'flat']) {
    for (const [name, f] of rows) {
      const keys = Array.from({ length: n }, (_, i) => keyOf(i));
      if (kind === 'flat') for (let i = 0; i < n; i++) keys[i] = flatten(keys[i] ?? '');
      gc();
      const t0 = process.cpuUsage();
      const got = f(keys);
      const d = process.cpuUsage(t0);
      if (got !== n) throw new Error(`${name}: ${got} of ${n}`);
      const row = `${name} ${kind}`;
      if (r > 0) res.set(row, [...(res.get(row) ?? []), ((d.user + d.system) * 1000) / n]);
    }
  }
}
if (keep === undefined) throw new Error('no row ran');
for (const [name, xs] of res) {
  const s = [...xs].sort((a, b) => a - b);
  console.log(`${name.padEnd(20)} ${(s[s.length >> 1] ?? NaN).toFixed(0).padStart(5)} ns (${(s[0] ?? NaN).toFixed(0)}–${(s[s.length - 1] ?? NaN).toFixed(0)})`);
}
console.log(`load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
