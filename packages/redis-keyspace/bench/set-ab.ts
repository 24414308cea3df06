/**
 * A/B of the typed `set` between two revisions of this package, with @isaacs/ttlcache beside them,
 * in ONE process: each revision's src is bundled by esbuild into one ES module (a temp dir with a
 * `{"type":"module"}` package.json: CommonJS copies measure 20–40 % slower), the three libraries
 * run in rotating order every round (CPU time, a warm-up round, then `rounds`), and each cell
 * prints the median ns per set and, per round, ttlcache ÷ A, ttlcache ÷ B and A ÷ B (> 1: B is
 * faster), median and range.
 *
 *   npx tsx packages/redis-keyspace/bench/set-ab.ts <revA> <revB|WORK> [rounds=9] [n=100000] [cells]
 *
 * `cells`: a comma list of keys/TTLs, keys one of `call` (built per set), `array` (pre-built, V8
 * cons strings as first built) or `flat` (pre-built, then flattened before timing with
 * %FlattenString, for all three libraries: what the keyspace's one look at a text key's characters
 * costs shows as the difference from `array`); TTLs `fixed` (60 s) or `random` (60 s–1 h).
 * A third part `link` (e.g. `array/fixed/link`) also times, after the sets, a read of db 0's
 * expires table size: for a revision that defers work to the table's next reader (the lazy
 * linking tried on 2026-12-05, bench/README.md), the set loop plus what it left for later. Default
 * `array/fixed,flat/fixed,array/random,call/fixed`.
 *
 * The side loaded second (B) measures a few % slower even when both sides are the same code
 * (A÷B 0.91–0.96 for `4002d51 4002d51`, 2026-12-05 ~09:40 UTC, load 1.5–2.7): run both orders
 * and a same-code control, and read a change against that control.
 */
import { buildSync } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TTLCache } from '@isaacs/ttlcache';

setFlagsFromString('--expose-gc');
setFlagsFromString('--allow-natives-syntax');
const gc = runInNewContext('gc') as () => void;
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- %FlattenString parses only in code compiled after the flag
const flatten = new Function('s', 'return %FlattenString(s);') as (s: string) => string;

interface Store { set(k: string, ttl: number): void; link(): void; close(): void }
interface KeyspaceModule {
  RealClockKeyspace: new () => {
    keyspace: { set(k: string, v: string, o: { px: number }): boolean; core: { dbs: { expires: { size: number } }[] } };
    close(): void;
  };
}

const root = resolve(import.meta.dirname, '../../..');
const tmp = mkdtempSync(join(tmpdir(), 'set-ab-'));
writeFileSync(join(tmp, 'package.json'), '{"type":"module"}\n');

/** This package's src at `rev` (or the working tree), bundled as one ES module. */
async function load(rev: string, name: string): Promise<KeyspaceModule> {
  let src = join(root, 'packages/redis-keyspace/src');
  if (rev !== 'WORK') {
    const dir = join(tmp, `src-${name}`);
    execFileSync('sh', ['-c', `mkdir -p "${dir}" && git -C "${root}" archive "$0" packages/redis-keyspace/src | tar -x -C "${dir}"`, rev]);
    src = join(dir, 'packages/redis-keyspace/src');
  }
  const outfile = join(tmp, `${name}.mjs`);
  buildSync({ entryPoints: [join(src, 'index.ts')], bundle: true, platform: 'node', format: 'esm', conditions: ['@protolab/source'], nodePaths: [join(root, 'node_modules')], outfile, logLevel: 'warning' });
  return (await import(pathToFileURL(outfile).href)) as KeyspaceModule;
}

const [revA = 'HEAD', revB = 'WORK'] = process.argv.slice(2, 4);
const rounds = Number(process.argv[4] ?? 9);
const n = Number(process.argv[5] ?? 100_000);
const cells = (process.argv[6] ?? 'array/fixed,flat/fixed,array/random,call/fixed').split(',');
const libs = new Map<string, KeyspaceModule>([['A', await load(revA, 'A')], ['B', await load(revB, 'B')]]);

function open(lib: string): Store {
  const m = libs.get(lib);
  if (m === undefined) {
    const c = new TTLCache<string, string>({ ttl: 60_000 });
    return { set: (k, ttl) => { c.set(k, 'value', { ttl }); }, link: () => undefined, close: () => { c.cancelTimer(); } };
  }
  const r = new m.RealClockKeyspace();
  const link = (): void => {
    if ((r.keyspace.core.dbs[0]?.expires.size ?? 0) < 0) throw new Error('negative table size');
  };
  return { set: (k, ttl) => { r.keyspace.set(k, 'value', { px: ttl }); }, link, close: () => { r.close(); } };
}

const keyOf = (i: number): string => `key:${i}:${(i * 2654435761) >>> 0}`;
const alive = new Map<string, Store>(); // the previous instance lives until its successor exists
function once(lib: string, work: string, ttls: number[], keys: string[], link: boolean): number {
  const s = open(lib);
  alive.get(lib)?.close();
  alive.set(lib, s);
  gc();
  const t0 = process.cpuUsage();
  if (work === 'call') for (let i = 0; i < n; i++) s.set(keyOf(i), ttls[i] ?? 0);
  else for (let i = 0; i < n; i++) s.set(keys[i] ?? '', ttls[i] ?? 0);
  if (link) s.link();
  const d = process.cpuUsage(t0);
  return ((d.user + d.system) * 1000) / n;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
const show = (xs: number[]): string => `${median(xs).toFixed(2)}× (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
const load3 = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`A = ${revA}, B = ${revB}; ${n} keys, 1 warm-up + ${rounds} rounds, CPU time; load average ${load3()}`);
const order = ['A', 'B', 'ttlcache'];
for (const cell of cells) {
  const [work = 'array', mode = 'fixed', link] = cell.split('/');
  let seed = 42;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const ttls = Array.from({ length: n }, () => (mode === 'fixed' ? 60_000 : 60_000 + Math.floor(rnd() * 3_540_000)));
  const ns = new Map<string, number[]>(order.map((l) => [l, []]));
  for (let r = 0; r <= rounds; r++) {
    for (let j = 0; j < order.length; j++) {
      const lib = order[(r + j) % order.length] ?? 'A';
      const keys = work === 'call' ? [] : Array.from({ length: n }, (_, i) => keyOf(i));
      if (work === 'flat') for (let i = 0; i < n; i++) keys[i] = flatten(keys[i] ?? '');
      const t = once(lib, work, ttls, keys, link === 'link');
      if (r > 0) ns.get(lib)?.push(t);
    }
  }
  const [a = [], b = [], c = []] = order.map((l) => ns.get(l) ?? []);
  const per = (num: number[], den: number[]): number[] => num.map((x, i) => x / (den[i] ?? NaN));
  console.log(`${cell}: A ${median(a).toFixed(0)} · B ${median(b).toFixed(0)} · ttlcache ${median(c).toFixed(0)} ns per set | ttlcache÷A ${show(per(c, a))} | ttlcache÷B ${show(per(c, b))} | A÷B ${show(per(a, b))}`);
}
for (const s of alive.values()) s.close();
console.log(`load average at the end ${load3()}`);
rmSync(tmp, { recursive: true, force: true });
