// Defect 13.2: one huge record streamed in small chunks. Before the fix, RdbDecoder.push of a
// 7.9 MB RDB holding one 1M-member set in 64 KiB chunks took 39 s (whole: 0.5 s) and
// streamRdbFile in 1 MiB chunks on a 2M-member set 12.5 s. Prints wall times (median of 3) and
// the decoder's operation counts (bytes walked + bytes copied) per input byte.
//   npx tsx --conditions=@protolab/source packages/redis-rdb/bench/large-record.ts [members]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRdb, RdbDecoder, streamRdbFile } from '@protolab/redis-rdb';

const N = Number(process.argv[2] ?? 1_000_000);
const enc = new TextEncoder();
const setFile = (n: number): Uint8Array => encodeRdb([{ db: 0, key: enc.encode('big'), value: { type: 'set', value: Array.from({ length: n }, (_, i) => enc.encode(String(i * 7 + 1_000_000_000_000))) } }]);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function pushed(f: Uint8Array, chunk: number): { ms: number; work: number } {
  const t = performance.now();
  const d = new RdbDecoder();
  for (let i = 0; i < f.length; i += chunk) d.push(f.subarray(i, i + chunk));
  d.end();
  return { ms: performance.now() - t, work: (d.stats.parsedBytes + d.stats.copiedBytes) / f.length };
}

const f = setFile(N);
console.log(`one set of ${N} members: ${(f.length / 1e6).toFixed(1)} MB`);
for (const chunk of [f.length, 1 << 20, 1 << 16, 4096]) {
  const runs = Array.from({ length: 3 }, () => pushed(f, chunk));
  const ms = runs.map((r) => r.ms);
  console.log(`  RdbDecoder.push, ${chunk === f.length ? 'whole file' : `${chunk}-byte chunks`}: ${median(ms).toFixed(0)} ms (range ${Math.min(...ms).toFixed(0)}-${Math.max(...ms).toFixed(0)}), work ${runs[0]?.work.toFixed(2)} x input`);
}
const dir = mkdtempSync(join(tmpdir(), 'protolab-rdb-large-'));
try {
  const f2 = setFile(2 * N);
  const path = join(dir, 'big.rdb');
  writeFileSync(path, f2);
  const ms = Array.from({ length: 3 }, () => {
    const t = performance.now();
    streamRdbFile(path, () => {});
    return performance.now() - t;
  });
  console.log(`streamRdbFile, 1 MiB reads, one set of ${2 * N} members (${(f2.length / 1e6).toFixed(1)} MB): ${median(ms).toFixed(0)} ms (range ${Math.min(...ms).toFixed(0)}-${Math.max(...ms).toFixed(0)})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
