// Writes the checked-in hostile corpus (test/corpus/*.rdb + index.txt), replayed by
// test/corpus.test.ts on every run. Re-run after adding a case; fuzz.ts appends minimised
// failures to the same directory and index.
//   npx tsx --conditions=@protolab/source packages/redis-rdb/bench/make-corpus.ts
import { writeFileSync } from 'node:fs';
import { allEntries, crc64, decodeRdb, encodeRdb, RdbFormatError, RdbWriter } from '@protolab/redis-rdb';
import { FORGED, forgeFile } from '../test/forge.js';

const dir = new URL('../test/corpus/', import.meta.url);
const enc = new TextEncoder();
const lines: string[] = [];

function outcome(f: Uint8Array): string {
  try {
    return `ok:${[...allEntries(decodeRdb(f))].length}`;
  } catch (e) {
    if (e instanceof RdbFormatError) return e.code;
    throw e;
  }
}

function add(name: string, f: Uint8Array, why: string): void {
  writeFileSync(new URL(`${name}.rdb`, dir), f);
  lines.push(`${name}.rdb ${outcome(f)} ${why}`);
}

/** REDIS0010, SELECTDB 0, the body, EOF, CRC-64. */
function file(body: (w: RdbWriter) => void): Uint8Array {
  const w = new RdbWriter({ compression: false });
  w.raw(enc.encode('REDIS0010'));
  w.byte(0xfe);
  w.len(0);
  body(w);
  w.byte(0xff);
  const b = w.result();
  const out = new Uint8Array(b.length + 8);
  out.set(b);
  new DataView(out.buffer).setBigUint64(b.length, crc64(b), true);
  return out;
}

add('lzf-out-2p32-plus-8', file((w) => { w.byte(0); w.string(enc.encode('k')); w.raw([0xc3, 0x05, 0x81, 0, 0, 0, 0x01, 0, 0, 0, 0x08, 1, 2, 3, 4, 5]); }), 'issue 13.3: an LZF string announcing 2^32+8 bytes');
add('lzf-in-2p32', file((w) => { w.byte(0); w.string(enc.encode('k')); w.raw([0xc3, 0x80, 0xff, 0xff, 0xff, 0xff, 0x05, 1, 2]); }), 'an LZF compressed length of 4 GiB in a tiny file');
add('len64-beyond-2p53', file((w) => { w.byte(0); w.string(enc.encode('k')); w.raw([0x81, 0x00, 0x40, 0, 0, 0, 0, 0, 0]); }), 'a 64-bit string length of 2^54');
add('set-count-4g', file((w) => { w.byte(2); w.string(enc.encode('k')); w.raw([0x80, 0xff, 0xff, 0xff, 0xff]); w.string(enc.encode('a')); }), 'a set announcing 2^32-1 members');
add('quicklist-nodes-4g', file((w) => { w.byte(18); w.string(enc.encode('k')); w.raw([0x80, 0xff, 0xff, 0xff, 0xff]); }), 'a quicklist announcing 2^32-1 nodes');
add('resizedb-huge', file((w) => { w.byte(0xfb); w.raw([0x80, 0xff, 0xff, 0xff, 0xff, 0x80, 0xff, 0xff, 0xff, 0xff]); w.byte(0); w.string(enc.encode('k')); w.string(enc.encode('v')); }), 'RESIZEDB hint of 2^32-1 keys (sizing must stay bounded by the bytes)');
add('unknown-length-encoding', file((w) => { w.byte(0); w.string(enc.encode('k')); w.raw([0x82, 0, 0]); }), 'length byte 0x82: neither 6/14/32/64-bit nor special');
add('bad-string-encoding', file((w) => { w.byte(0); w.string(enc.encode('k')); w.raw([0xc5]); }), 'special string encoding 5');
add('version-11', Uint8Array.from([...enc.encode('REDIS0011'), 0xff, 0, 0, 0, 0, 0, 0, 0, 0]), 'RDB 11 (Redis 7.2)');
add('bad-magic', enc.encode('REDIX0010'), 'not an RDB');
add('stream-type', file((w) => { w.byte(15); w.string(enc.encode('k')); w.len(0); }), 'a stream: out of scope');
const good = encodeRdb([{ db: 0, key: enc.encode('list'), value: { type: 'list', value: Array.from({ length: 3000 }, (_, i) => enc.encode(`item-${i}`)) } }]);
add('truncated-in-quicklist', good.subarray(0, Math.floor(good.length / 2)), 'a multi-node quicklist cut in the middle');
const flipped = good.slice();
flipped[100] = (flipped[100] ?? 0) ^ 0x40;
add('crc-mismatch', flipped, 'one flipped bit inside a listpack, caught by the CRC-64');
for (const name of FORGED.keys()) add(`rdbload-${name}`, forgeFile(name), 'test/forge.ts: what rdbLoadObject 7.0 refuses or skips');
writeFileSync(new URL('index.txt', dir), `# file outcome why — outcome is the RdbFormatError code, or ok:<keys decoded>\n${lines.join('\n')}\n`);
console.log(`${lines.length} corpus files written`);
