/**
 * Why the first `get` of a pre-built key after its `set` costs more than ttlcache's (issue 19's
 * "array" cells), shown on a plain `Map<string, number>` with no keyspace code at all.
 *
 * A key built by a template literal is a V8 cons string; its hash is cached in its own header
 * when a Map first hashes it. The keyspace must read a new key's characters once (UTF-8 form),
 * which flattens it: V8 copies the characters into a new flat string and leaves the cons pointing
 * at it. At the next scavenge the collector replaces every reference to such a cons by the flat
 * string ("shortcut") — and the hash cached in the cons header is not carried over, so the next
 * probe with that key computes the hash again. ttlcache never reads a key's characters, so its
 * keys stay cons strings with their hash.
 *
 * Rows (fresh keys and a fresh Map per row and round, rows rotated each round, CPU time of one
 * shuffled probe pass of every key, ns per probe):
 *   cons             — keys never read, then Map.set (ttlcache's case);
 *   cons+scavenge    — the same, one minor GC before the probes;
 *   flat             — every key read (charCodeAt) before Map.set, no GC before the probes;
 *   flat+scavenge    — the same, one minor GC before the probes (what a set loop that allocates
 *                      gets: the keyspace's `set` of 10^5 keys runs several scavenges);
 *   flat+scavenge 2nd — the same, timing a second probe pass (hashes cached again);
 *   copy+scavenge    — the characters read from a copy (`k + ' '`, a new cons that is flattened
 *                      instead of k): k stays a cons with its hash, at the price of the copy.
 * Each row also prints the set loop's CPU per key (the read and Map.set).
 *
 *   npx tsx packages/redis-keyspace/bench/cons-hash.ts [n=100000] [rounds=9]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadavg } from 'node:os';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (o?: { type: 'minor' | 'major' }) => void;

const n = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 9);
const keyOf = (i: number): string => `key:${i}:${(i * 2654435761) >>> 0}`;
const order = Array.from({ length: n }, (_, i) => i);
let seed = 7;
const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
for (let i = n - 1; i > 0; i--) {
  const j = Math.floor(rnd() * (i + 1));
  const t = order[i] ?? 0;
  order[i] = order[j] ?? 0;
  order[j] = t;
}

/** Read every character (what isAscii does to a new key): flattens a cons string. */
function readChars(k: string): number {
  let x = 0;
  for (let c = 0; c < k.length; c++) x |= k.charCodeAt(c);
  return x;
}

function probe(keys: string[], m: Map<string, number>): number {
  let h = 0;
  for (let i = 0; i < n; i++) if (m.get(keys[order[i] ?? 0] ?? '') !== undefined) h++;
  if (h !== n) throw new Error(`${n - h} misses`);
  return h;
}

/** read: none (ttlcache), the key itself (flattened in place), or a copy (`k + ' '`, flattened instead of k). */
interface Row { read: 'none' | 'self' | 'copy'; scavenge: boolean; warm: boolean }
const rows = new Map<string, Row>([
  ['cons', { read: 'none', scavenge: false, warm: false }],
  ['cons+scavenge', { read: 'none', scavenge: true, warm: false }],
  ['flat', { read: 'self', scavenge: false, warm: false }],
  ['flat+scavenge', { read: 'self', scavenge: true, warm: false }],
  ['flat+scavenge 2nd', { read: 'self', scavenge: true, warm: true }],
  ['copy+scavenge', { read: 'copy', scavenge: true, warm: false }],
]);
const names = [...rows.keys()];
const res = new Map<string, number[]>();
const setRes = new Map<string, number[]>();
let keep: unknown;
console.log(`${n} keys, ${rounds} rounds after one warm-up, ns CPU per probe and per set (median, range); load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (let r = 0; r <= rounds; r++) {
  for (let q = 0; q < names.length; q++) {
    const name = names[(q + r) % names.length] ?? '';
    const row = rows.get(name);
    if (row === undefined) continue;
    gc();
    const keys = Array.from({ length: n }, (_, i) => keyOf(i));
    const m = new Map<string, number>();
    let x = 0;
    const s0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const k = keys[i] ?? '';
      if (row.read === 'self') x |= readChars(k);
      else if (row.read === 'copy') x |= readChars(k + ' ');
      m.set(k, i);
    }
    const sd = process.cpuUsage(s0);
    if (r > 0) setRes.set(name, [...(setRes.get(name) ?? []), ((sd.user + sd.system) * 1000) / n]);
    if (x > 0x7f) throw new Error('non-ASCII key');
    if (row.scavenge) gc({ type: 'minor' });
    if (row.warm) probe(keys, m);
    keep = [keys, m];
    const t0 = process.cpuUsage();
    probe(keys, m);
    const d = process.cpuUsage(t0);
    if (r > 0) res.set(name, [...(res.get(name) ?? []), ((d.user + d.system) * 1000) / n]);
  }
}
const fmt = (xs: number[] | undefined): string => {
  const s = [...(xs ?? [])].sort((a, b) => a - b);
  return `${(s[s.length >> 1] ?? NaN).toFixed(0).padStart(5)} ns (${(s[0] ?? NaN).toFixed(0)}–${(s[s.length - 1] ?? NaN).toFixed(0)})`;
};
console.log(`${'row'.padEnd(18)} ${'probe'.padEnd(18)} read + Map.set`);
for (const name of names) console.log(`${name.padEnd(18)} ${fmt(res.get(name)).padEnd(18)} ${fmt(setRes.get(name))}`);
if (keep === undefined) throw new Error('unreachable');
console.log(`load average at the end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
