// A/B of the key → slot CRC (issue 19): the crc16.ts of an earlier commit against the working
// tree's, in ONE process, on the key sets of slot.bench.ts (keys.ts). Per cell: 2 warm-up rounds,
// then ROUNDS rounds; in each round both versions hash every key once, one after the other, the
// one going first alternating round by round; CPU time (process.cpuUsage). The round's ratio is
// old / new (above 1: the new code is faster); printed: median and range of the ratios and the
// median ns per key of each version. Every key's CRC is checked equal first.
// Run: cd /work/main && npx tsx --conditions=@protolab/source packages/redis-cluster/bench/slot-ab.ts [rev]
//   rev: the old commit (default HEAD); BENCH_CONTROL=1 (new = a second copy of old); BENCH_KEYS (200000), BENCH_ROUNDS (10), BENCH_ONLY (cell substring)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Prng } from '@protolab/sim';
import * as working from '../src/crc16.js';
import { abRounds, abRow } from '@protolab/testkit';
import { cons, flat, keyChars } from './keys.js';

type Crc16 = typeof working;
const rev = process.argv[2] ?? 'HEAD';
const N = Number(process.env['BENCH_KEYS'] ?? 200_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 10);
const ONLY = process.env['BENCH_ONLY'];

/** The old crc16.ts (it imports nothing) from git, written to a temp dir and imported. */
async function loadOld(): Promise<Crc16> {
  const here = dirname(fileURLToPath(import.meta.url));
  const src = execFileSync('git', ['show', `${rev}:./src/crc16.ts`], { cwd: join(here, '..'), encoding: 'utf8' });
  const dir = mkdtempSync(join(tmpdir(), 'slot-ab-'));
  // As an ES module, like the working tree's: tsx compiles a .ts outside a "type": "module"
  // package to CommonJS, and a CommonJS copy of the same file measured 1.2–1.4× slower here.
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const file = join(dir, 'crc16-old.ts');
  writeFileSync(file, src);
  return (await import(pathToFileURL(file).href)) as Crc16;
}
const old = await loadOld();
/** BENCH_CONTROL=1: "new" is a second copy of the old file, to show what two identical copies measure. */
const current: Crc16 = process.env['BENCH_CONTROL'] === '1' ? await loadOld() : working;

// One loop per version and key type, written out, so each call site stays monomorphic.
const oldStr = (ks: readonly string[]): number => { let t = 0; for (let i = 0; i < ks.length; i++) t += old.crc16KeyString(ks[i] as string); return t; };
const newStr = (ks: readonly string[]): number => { let t = 0; for (let i = 0; i < ks.length; i++) t += current.crc16KeyString(ks[i] as string); return t; };
const oldBuf = (ks: readonly Uint8Array[]): number => { let t = 0; for (let i = 0; i < ks.length; i++) t += old.crc16KeyBytes(ks[i] as Uint8Array); return t; };
const newBuf = (ks: readonly Uint8Array[]): number => { let t = 0; for (let i = 0; i < ks.length; i++) t += current.crc16KeyBytes(ks[i] as Uint8Array); return t; };

function ab<K>(name: string, keys: readonly K[], a: (ks: readonly K[]) => number, b: (ks: readonly K[]) => number, one: (k: K) => [number, number]): void {
  for (const k of keys) {
    const [x, y] = one(k);
    if (x !== y) throw new Error(`${name}: old and new CRC differ on ${JSON.stringify(k)}`);
  }
  console.log(abRow(name, abRounds(ROUNDS, 2, keys.length, () => a(keys), () => b(keys)), 0));
}

const prng = new Prng(0x9e3779b9);
console.log(`old = ${rev}:src/crc16.ts, new = ${process.env['BENCH_CONTROL'] === '1' ? 'a second copy of old (control)' : 'the working tree'}; node ${process.version}, ${N} keys, ${ROUNDS} rounds, CPU time, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('\n| keys | old ns/key | new ns/key | old / new, median | range |\n|---|---|---|---|---|');
for (const utf8 of [false, true]) {
  for (const tags of [false, true]) {
    const text = `${utf8 ? 'UTF-8' : 'ASCII'} ${tags ? 'with tags' : 'no tags'}`;
    const chars = Array.from({ length: N }, () => keyChars(prng, tags, utf8));
    const strOne = (k: string): [number, number] => [old.crc16KeyString(k), current.crc16KeyString(k)];
    const cells: [string, () => void][] = [
      [`${text}, flat string`, () => { ab(`${text}, flat string`, chars.map(flat), oldStr, newStr, strOne); }],
      [`${text}, cons string, held`, () => {
        const held = chars.map(cons);
        for (const k of held) k.charCodeAt(0); // read once: V8 flattens each rope in place
        ab(`${text}, cons string, held`, held, oldStr, newStr, strOne);
      }],
      [`${text}, Buffer`, () => { ab(`${text}, Buffer`, chars.map((c) => Buffer.from(flat(c))), oldBuf, newBuf, (k) => [old.crc16KeyBytes(k), current.crc16KeyBytes(k)]); }],
    ];
    for (const [name, run] of cells) if (ONLY === undefined || name.includes(ONLY)) run();
  }
}
console.log(`load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
