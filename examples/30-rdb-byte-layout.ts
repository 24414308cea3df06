// RDB byte layout: a dump written by @protolab/redis-rdb, record by record (offset, bytes, meaning)
// Run alone: npx tsx examples/30-rdb-byte-layout.ts   (or: npm run example -- 30)
import { Keyspace } from '@protolab/redis-keyspace';
import { annotateRdb, decodeRdb, encodeRdb, hexDump } from '@protolab/redis-rdb';

// A fixed clock so the file is the same on every run.
const nowMs = Date.UTC(2026, 0, 1);
const ks = new Keyspace({ now: () => nowMs });
for (const argv of [
  ['SET', 'counter', '12'], // canonical integer → INT8 (c0 0c)
  ['SET', 'greeting', 'hello'], // short string → raw
  ['SET', 'aaaa', 'a'.repeat(30)], // > 20 bytes and compressible → LZF (c3 …)
  ['SET', 'session', 'token', 'PXAT', String(nowMs + 3_600_000)], // EXPIRETIME_MS prefix
  ['RPUSH', 'queue', 'job1', 'job2', '42'], // quicklist with one listpack node
  ['SADD', 'ids', '1', '2', '300'], // all integers → intset
  ['ZADD', 'board', '10', 'ann', '7.5', 'bob'], // small zset → listpack
  ['HSET', 'user:1', 'name', 'Ada', 'born', '1815'], // small hash → listpack
  ['SELECT', '1'],
  ['SET', 'other-db', 'x'],
]) ks.execute(argv);

const file = encodeRdb(ks, { ctimeSec: nowMs / 1000, usedMem: 1_000_000 });
console.log(`${file.length} bytes, RDB version ${decodeRdb(file).version}\n`);
console.log('offset  len  meaning');
for (const r of annotateRdb(file)) {
  console.log(`${String(r.offset).padStart(6)} ${String(r.length).padStart(4)}  ${r.what}`);
  const hex = Buffer.from(r.bytes.subarray(0, 24)).toString('hex').replace(/(..)/g, '$1 ').trim();
  console.log(`             ${hex}${r.length > 24 ? ' …' : ''}`);
}
console.log('\nthe whole file:');
for (const line of hexDump(file)) console.log(line);
