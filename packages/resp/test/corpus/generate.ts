// Writes the hostile-input corpus replayed by ../corpus.test.ts. The files are checked in; run
// this only to add one (then write its expected outcomes in expected.json by hand, from the
// real systems' rules, never from our decoder's output):
//   npx tsx packages/resp/test/corpus/generate.ts
import { writeFileSync } from 'node:fs';

const s = (t: string): Uint8Array => Uint8Array.from(t, (c) => c.charCodeAt(0));
const rep = (t: string, n: number): string => t.repeat(n);

const corpus: Record<string, Uint8Array> = {
  'digits-line-64k-unfinished': s(`:${rep('1', 65_536)}`),
  'bignum-20000-digits': s(`(${rep('7', 20_000)}\r\n`),
  'double-5000-digits-then-x': s(`,${rep('1', 5000)}x\r\n`),
  'double-6000-digits': s(`,${rep('1', 6000)}\r\n`),
  'forged-array-tiny-bulks': s(`*2147483647\r\n${rep('$1\r\na\r\n', 9000)}`),
  'forged-map-tiny-pairs': s(`%1000000000\r\n${rep('+k\r\n:1\r\n', 3000)}`),
  'forged-bulk': s(`$536870911\r\n${rep('x', 1000)}`),
  'nesting-1000-deep': s(`${rep('*1\r\n', 1000)}:1\r\n`),
  'nesting-1001-deep': s(`${rep('*1\r\n', 1001)}:1\r\n`),
  'bulk-without-crlf': s('$3\r\nabcX\r\n'),
  'cr-without-lf': s('+OK\rX'),
  'int64-overflow': s(':9223372036854775808\r\n'),
  'minus-zero': s(':-0\r\n'),
  'streamed-string': s('$?\r\n;4\r\nHell\r\n;0\r\n'),
  'nul-in-inline': s('PING a\x00b\r\n'),
  'unbalanced-quotes': s('SET k "v\r\n'),
  'inline-65537-bytes': s(`${rep('a', 65_537)}\r\n`),
  'mbulk-count-above-int-max': s('*2147483648\r\n'),
  'bulk-header-64k-digits': s(`*1\r\n$${rep('9', 65_536)}`),
  'set-and-get': s('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n'),
};

for (const [name, bytes] of Object.entries(corpus)) writeFileSync(new URL(`${name}.resp`, import.meta.url), bytes);
console.log(`${Object.keys(corpus).length} files`);
