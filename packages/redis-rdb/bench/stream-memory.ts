// Peak memory while streaming-decoding an RDB file larger than 1 GB (the file is written to /tmp
// and deleted at the end).
//   node --expose-gc $(which tsx) ... or: npx tsx --conditions=@protolab/source packages/redis-rdb/bench/stream-memory.ts [MB]
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Crc64, RdbWriter, streamRdbFile, writeKeyValuePair } from '@protolab/redis-rdb';
import { seededFloats } from './dataset.js';

const TARGET_MB = Number(process.argv[2] ?? 1100);
const VALUE_BYTES = 1000;
const N = Math.ceil((TARGET_MB * 1e6) / (VALUE_BYTES + 30));
const path = join(tmpdir(), `protolab-rdb-stream-${process.pid}.rdb`);
const enc = new TextEncoder();
const rnd = seededFloats(7);

// --- write the file in batches (never the whole file in memory)
const fd = openSync(path, 'w');
const crc = new Crc64();
const put = (b: Uint8Array): void => {
  crc.update(b);
  let off = 0;
  while (off < b.length) off += writeSync(fd, b, off, b.length - off);
};
const head = new RdbWriter();
head.raw(enc.encode('REDIS0010'));
for (const [k, v] of [['redis-ver', '7.0.15'], ['redis-bits', '64'], ['ctime', '1767225600'], ['used-mem', '0'], ['aof-base', '0']] as const) {
  head.byte(0xfa);
  head.string(enc.encode(k));
  head.string(enc.encode(v));
}
head.byte(0xfe);
head.len(0);
head.byte(0xfb);
head.len(N);
head.len(0);
put(head.result());
const value = new Uint8Array(VALUE_BYTES);
const t0 = performance.now();
for (let i = 0; i < N; ) {
  const w = new RdbWriter({ compression: false });
  for (let j = 0; j < 10_000 && i < N; j++, i++) {
    for (let k = 0; k < VALUE_BYTES; k += 4) {
      const x = (rnd() * 4294967296) >>> 0;
      value[k] = x & 0xff;
      value[k + 1] = (x >>> 8) & 0xff;
      value[k + 2] = (x >>> 16) & 0xff;
      value[k + 3] = x >>> 24;
    }
    writeKeyValuePair(w, { db: 0, key: enc.encode(`key:${i}`), value: { type: 'string', value } });
  }
  put(w.result());
}
put(Uint8Array.of(0xff));
const tail = crc.digestBytes();
writeSync(fd, tail);
closeSync(fd);
const size = statSync(path).size;
console.log(`wrote ${(size / 1e9).toFixed(2)} GB (${N} keys of ${VALUE_BYTES} B) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

// --- stream it back, sampling memory
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const base = process.memoryUsage();
let peakRss = base.rss;
let peakHeap = base.heapUsed;
let peakExt = base.external + base.arrayBuffers;
let keys = 0;
const t1 = performance.now();
try {
  const r = streamRdbFile(path, (rec) => {
    if (rec.kind === 'entry') {
      keys++;
      if (keys % 20_000 === 0) {
        const m = process.memoryUsage();
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heapUsed);
        peakExt = Math.max(peakExt, m.external + m.arrayBuffers);
      }
    }
  }, { chunkBytes: 1 << 20 });
  const secs = (performance.now() - t1) / 1000;
  console.log(`streamed ${keys} keys, ${(r.bytes / 1e9).toFixed(2)} GB in ${secs.toFixed(1)} s (${(r.bytes / 1e6 / secs).toFixed(0)} MB/s), 1 MB chunks`);
  console.log(`memory before: rss ${(base.rss / 1e6).toFixed(0)} MB, heap ${(base.heapUsed / 1e6).toFixed(0)} MB`);
  console.log(`peak while streaming: rss ${(peakRss / 1e6).toFixed(0)} MB, heapUsed ${(peakHeap / 1e6).toFixed(0)} MB, external+arrayBuffers ${(peakExt / 1e6).toFixed(0)} MB`);
} finally {
  rmSync(path, { force: true });
  console.log(`deleted ${path}`);
}
