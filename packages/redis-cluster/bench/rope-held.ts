// Experiment (issue 19): what a "held" rope costs to hash, by when it was first read. A `+=` rope
// is flattened in place by its first read (V8 keeps the cons cell, pointing at the new flat
// string, so every later charCodeAt follows one more pointer). V8's young-generation collector
// (the scavenger) short-circuits such a flattened cons: references to it are redirected to the
// flat string itself. So a rope read soon after it is built — as a client does when it computes a
// key's slot to send the command — is a plain flat string after the next minor GC, while a rope
// that reached the old generation unread stays a cons cell for good (a full GC does not
// short-circuit it). The slot bench's "held" cells are that second kind (every rope is read once
// after all 200 000 are built). Here, the same keys (keys.ts, UTF-8 or ASCII without tags):
//   flat         Array.join
//   read at once each rope read (charCodeAt(0)) right after it is built
//   read late    all ropes built, then each read once (the slot bench's "held")
// then a full GC, then CPU ns per key, interleaved round by round, of a charCodeAt pass,
// crc16KeyString (ours) and cluster-key-slot. 2 warm-ups + 9 rounds, medians.
// Run: cd /work/main && npx tsx --conditions=@protolab/source packages/redis-cluster/bench/rope-held.ts [utf8|ascii]
import calculateSlot from 'cluster-key-slot';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadavg } from 'node:os';
import { keyHashSlot } from '@protolab/redis-cluster';
import { Prng } from '@protolab/sim';
import { cons, cpuUs, flat, keyChars, median } from './keys.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const utf8 = process.argv[2] !== 'ascii';
const N = Number(process.env['BENCH_KEYS'] ?? 200_000);
const prng = new Prng(0x9e3779b9);
const chars = Array.from({ length: N }, () => keyChars(prng, false, utf8));
const sets = new Map<string, string[]>([
  ['flat', chars.map(flat)],
  ['read at once', chars.map((c) => { const s = cons(c); s.charCodeAt(0); return s; })],
  ['read late', (() => { const ks = chars.map(cons); for (const s of ks) s.charCodeAt(0); return ks; })()],
]);
gc();
type Op = (ks: readonly string[]) => number;
const ops = new Map<string, Op>([
  ['charCodeAt pass', (ks) => { let t = 0; for (const s of ks) for (let j = 0; j < s.length; j++) t += s.charCodeAt(j); return t; }],
  ['ours', (ks) => { let t = 0; for (let i = 0; i < ks.length; i++) t += keyHashSlot(ks[i] as string); return t; }],
  ['cluster-key-slot', (ks) => { let t = 0; for (let i = 0; i < ks.length; i++) t += calculateSlot(ks[i] as string); return t; }],
]);
const runs: [string, string][] = [];
for (const o of ops.keys()) for (const s of sets.keys()) runs.push([o, s]);
const res = new Map<string, number[]>();
for (let r = 0; r < 11; r++) {
  for (let k = 0; k < runs.length; k++) {
    const [o, s] = runs[(k + r) % runs.length] as [string, string];
    const f = ops.get(o) as Op;
    const keys = sets.get(s) as string[];
    const t0 = cpuUs();
    f(keys);
    const dt = cpuUs() - t0;
    if (r >= 2) res.set(`${o}|${s}`, [...(res.get(`${o}|${s}`) ?? []), (dt * 1000) / N]);
  }
}
console.log(`node ${process.version}, ${N} ${utf8 ? 'UTF-8' : 'ASCII'} keys without tags, CPU ns per key (median of 9 rounds), load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
console.log(`| | ${[...sets.keys()].join(' | ')} |\n|---|---|---|---|`);
for (const o of ops.keys()) console.log(`| ${o} | ${[...sets.keys()].map((s) => median(res.get(`${o}|${s}`) ?? []).toFixed(0)).join(' | ')} |`);
console.log(`ratio cluster-key-slot / ours | ${[...sets.keys()].map((s) => (median(res.get(`cluster-key-slot|${s}`) ?? []) / median(res.get(`ours|${s}`) ?? [])).toFixed(2)).join(' | ')} |`);
console.log(`load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
