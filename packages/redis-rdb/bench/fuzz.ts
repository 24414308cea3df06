// Fuzz soak: random bytes and mutated valid files (generated and a real redis-server dump);
// counts outcomes by error code and reports the slowest case. Any exception that is not an
// RdbFormatError stops the run.
//   npx tsx --conditions=@protolab/source packages/redis-rdb/bench/fuzz.ts [cases]
import { readFileSync } from 'node:fs';
import { allEntries, decodeRdb, encodeRdb, RdbDecoder, RdbFormatError, type DecodedEntry, type KeyEntry } from '@protolab/redis-rdb';
import { mixedDataset, seededFloats } from './dataset.js';

const CASES = Number(process.argv[2] ?? 100_000);
const rnd = seededFloats(20261127);
const int = (n: number): number => Math.floor(rnd() * n);
const real = new Uint8Array(readFileSync(new URL('../test/fixtures/redis-7.0.15-mixed.rdb', import.meta.url)));
const seeds: Uint8Array[] = [real];
for (let i = 0; i < 20; i++) {
  const ds: KeyEntry[] = mixedDataset(5 + int(60), i);
  seeds.push(encodeRdb(ds, { compression: rnd() < 0.7 }));
}
const FORGED = [[0x80, 0xff, 0xff, 0xff, 0xff], [0x81, 0, 0, 0x10, 0, 0, 0, 0, 0], [0xc3, 0x01, 0x80, 0x7f, 0xff, 0xff, 0xff], [0x7f, 0xff]];

function mutate(f: Uint8Array): Uint8Array {
  let out = f.slice();
  for (let m = 1 + int(3); m > 0 && out.length > 0; m--) {
    const at = int(out.length);
    const k = int(4);
    if (k === 0) out[at]! ^= 1 + int(255);
    else if (k === 1) out = out.slice(0, at);
    else if (k === 2) out.set(FORGED[int(FORGED.length)]!.slice(0, out.length - at), at);
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

const outcomes = new Map<string, number>();
let slowestMs = 0;
let expanded = 0;
const t0 = performance.now();
for (let i = 0; i < CASES; i++) {
  const kind = i % 10 === 0 ? 'random' : 'mutated';
  const f = kind === 'random' ? Uint8Array.from({ length: int(300) }, () => int(256)) : mutate(seeds[int(seeds.length)]!);
  const verify = rnd() < 0.3;
  const chunk = rnd() < 0.2 ? 1 + int(4096) : undefined;
  const t = performance.now();
  let code = 'ok';
  const entries: DecodedEntry[] = [];
  try {
    if (chunk === undefined) entries.push(...allEntries(decodeRdb(f, { verifyChecksum: verify })));
    else {
      const d = new RdbDecoder({ verifyChecksum: verify });
      for (let p = 0; p < f.length && !d.done; p += chunk) for (const r of d.push(f.subarray(p, p + chunk))) if (r.kind === 'entry') entries.push(r.entry);
      if (!d.done) for (const r of d.end()) if (r.kind === 'entry') entries.push(r.entry);
    }
  } catch (e) {
    if (!(e instanceof RdbFormatError)) {
      console.error('UNTYPED ERROR on case', i, e);
      process.exit(1);
    }
    code = e.code;
  }
  // values are expanded on first read: for a file that decoded, reading them must never throw
  try {
    for (const e of entries) {
      const v = e.value;
      if (e.key.length < 0 || (v.type !== 'string' && v.value.length < 0)) throw new Error('impossible length');
      expanded++;
    }
  } catch (e) {
    console.error('EXPANDING A DECODED VALUE THREW on case', i, e);
    process.exit(1);
  }
  slowestMs = Math.max(slowestMs, performance.now() - t);
  const key = `${kind}:${code}`;
  outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
}
console.log(`${CASES} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s; slowest single case ${slowestMs.toFixed(1)} ms; untyped errors: 0; ${expanded} decoded entries expanded without error`);
for (const [k, v] of [...outcomes].sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(32)} ${v}`);
