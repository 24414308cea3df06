// Fuzz soak: random bytes and mutated valid files (generated, a real redis-server dump and the
// forged rdbLoadObject cases of test/forge.ts), with forged 32/64-bit and LZF lengths and counts;
// counts outcomes by error code and reports the slowest case. A failure — an exception that is not
// an RdbFormatError, a value that throws when read after a successful decode, an allocation beyond
// 88x the input, or streaming work beyond 8x the input — is minimised (bytes dropped while it
// still fails) and appended to test/corpus/ (replayed by every test run), then the run stops.
//   npx tsx --conditions=@protolab/source packages/redis-rdb/bench/fuzz.ts [cases] [seed]
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { allEntries, decodeRdb, encodeRdb, LZF_MAX_EXPANSION, RdbDecoder, RdbFormatError, readValue, type DecodedEntry, type KeyEntry } from '@protolab/redis-rdb';
import { allocationMeter, resetAllocationMeter } from '../src/bytes.js';
import { FORGED as FORGED_CASES, forgeFile } from '../test/forge.js';
import { mixedDataset, seededFloats } from './dataset.js';

const CASES = Number(process.argv[2] ?? 100_000);
const SEED = Number(process.argv[3] ?? 20261127);
const rnd = seededFloats(SEED);
const int = (n: number): number => Math.floor(rnd() * n);
const real = new Uint8Array(readFileSync(new URL('../test/fixtures/redis-7.0.15-mixed.rdb', import.meta.url)));
const seeds: Uint8Array[] = [real];
for (let i = 0; i < 20; i++) {
  const ds: KeyEntry[] = mixedDataset(5 + int(60), i);
  seeds.push(encodeRdb(ds, { compression: rnd() < 0.7 }));
}
for (const name of FORGED_CASES.keys()) seeds.push(forgeFile(name));
const FORGED = [
  [0x80, 0xff, 0xff, 0xff, 0xff], [0x81, 0, 0, 0x10, 0, 0, 0, 0, 0], [0x81, 0, 0, 0, 0x01, 0, 0, 0, 0x08],
  [0xc3, 0x01, 0x80, 0x7f, 0xff, 0xff, 0xff], [0xc3, 0x05, 0x81, 0, 0, 0, 0x01, 0, 0, 0, 0x08], [0x7f, 0xff], [0x00], [0x40, 0x00],
];

function mutate(f: Uint8Array): Uint8Array {
  let out = f.slice();
  for (let m = 1 + int(3); m > 0 && out.length > 0; m--) {
    const at = int(out.length);
    const k = int(4);
    if (k === 0) out[at] = (out[at] ?? 0) ^ (1 + int(255));
    else if (k === 1) out = out.slice(0, at);
    else if (k === 2) out.set((FORGED[int(FORGED.length)] ?? []).slice(0, out.length - at), at);
    else {
      const piece = out.slice(at, at + 1 + int(40));
      const to = int(out.length);
      const next = new Uint8Array(out.length + piece.length);
      next.set(out.subarray(0, to));
      next.set(piece, to);
      next.set(out.subarray(to), to + piece.length);
      out = next;
    }
  }
  return out;
}

/** One decode (whole, or streamed in `chunk`-byte pieces): its outcome, or the failure that must stop the run. */
function run(f: Uint8Array, verify: boolean, chunk: number | undefined): { code: string; failure?: string; entries: number } {
  const entries: DecodedEntry[] = [];
  const d = new RdbDecoder({ verifyChecksum: verify });
  let code = 'ok';
  resetAllocationMeter();
  try {
    if (chunk === undefined) entries.push(...allEntries(decodeRdb(f, { verifyChecksum: verify })));
    else {
      for (let p = 0; p < f.length && !d.done; p += chunk) d.feed(f.subarray(p, p + chunk), (r) => { if (r.kind === 'entry') entries.push(r.entry); });
      if (!d.done) d.finish(undefined, (r) => { if (r.kind === 'entry') entries.push(r.entry); });
    }
  } catch (e) {
    if (!(e instanceof RdbFormatError)) return { code: 'UNTYPED', failure: `untyped error: ${String(e)}`, entries: 0 };
    code = e.code;
  }
  if (allocationMeter.largest > LZF_MAX_EXPANSION * f.length + 4096) return { code, failure: `allocated ${allocationMeter.largest} bytes for a ${f.length}-byte input`, entries: 0 };
  if (d.stats.parsedBytes + d.stats.copiedBytes > 8 * f.length + 64) return { code, failure: `streaming work ${d.stats.parsedBytes + d.stats.copiedBytes} for ${f.length} bytes`, entries: 0 };
  // values are expanded on first read: for a file that decoded, reading them must never throw
  try {
    for (const e of entries) {
      const once = readValue(e); // the one-pass reader, from the packed form
      const v = e.value;
      if (once.type !== v.type || once.value.length !== v.value.length) throw new Error('readValue and value disagree');
      if (e.key.length < 0 || (v.type !== 'string' && v.value.length < 0)) throw new Error('impossible length');
    }
  } catch (e) {
    return { code, failure: `expanding a decoded value threw: ${String(e)}`, entries: 0 };
  }
  return { code, entries: entries.length };
}

/** Drop bytes (halves, then single bytes) while the case still fails; write it to test/corpus/. */
function minimiseIntoCorpus(f: Uint8Array, verify: boolean, chunk: number | undefined, failure: string, i: number): void {
  let cur = f;
  const fails = (x: Uint8Array): boolean => run(x, verify, chunk).failure !== undefined;
  for (let step = Math.floor(cur.length / 2); step >= 1; step = Math.floor(step / 2)) {
    for (let at = 0; at + step <= cur.length;) {
      const next = new Uint8Array(cur.length - step);
      next.set(cur.subarray(0, at));
      next.set(cur.subarray(at + step), at);
      if (fails(next)) cur = next;
      else at += step;
    }
  }
  const name = `fuzz-${SEED}-${i}.rdb`;
  writeFileSync(new URL(`../test/corpus/${name}`, import.meta.url), cur);
  appendFileSync(new URL('../test/corpus/index.txt', import.meta.url), `${name} FIXME minimised fuzz failure (${failure}); record the correct outcome once fixed\n`);
  console.error(`FAILURE on case ${i} (${failure}); minimised to ${cur.length} bytes: test/corpus/${name}`);
}

const outcomes = new Map<string, number>();
let slowestMs = 0;
let decoded = 0;
const t0 = performance.now();
for (let i = 0; i < CASES; i++) {
  const kind = i % 10 === 0 ? 'random' : 'mutated';
  const f = kind === 'random' ? Uint8Array.from({ length: int(300) }, () => int(256)) : mutate(seeds[int(seeds.length)] ?? real);
  const verify = rnd() < 0.3;
  const chunk = rnd() < 0.2 ? 1 + int(4096) : undefined;
  const t = performance.now();
  const r = run(f, verify, chunk);
  if (r.failure !== undefined) {
    minimiseIntoCorpus(f, verify, chunk, r.failure, i);
    process.exit(1);
  }
  decoded += r.entries;
  slowestMs = Math.max(slowestMs, performance.now() - t);
  const key = `${kind}:${r.code}`;
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
}
console.log(`${CASES} cases (seed ${SEED}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; slowest single case ${slowestMs.toFixed(1)} ms; failures: 0; ${decoded} decoded entries read without error`);
for (const [k, v] of [...outcomes].sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(32)} ${v}`);
