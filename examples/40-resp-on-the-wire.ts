// RESP on the wire: the same replies in RESP2 and RESP3, byte by byte, and what a client sends
// Run alone: npx tsx examples/40-resp-on-the-wire.ts   (or: npm run example -- 40)
//
// Every Redis reply is a type byte, a line ending in \r\n, and for bulk strings and
// aggregates a length that says how much follows. RESP3 (after HELLO 3) adds types that
// RESP2 has to fold into the old ones: a map becomes a flat array, a double a bulk string,
// a boolean an integer. This is what networking.c's addReply* functions write.
import { decodeAll, encode, encodeCommand, formatValue, reply, showWire, type RespValue } from '@protolab/resp';

const te = new TextEncoder();
const examples: [string, RespValue][] = [
  ['SET k v', reply.ok],
  ['INCR counter', reply.integer(42)],
  ['GET k', reply.bulk('hello')],
  ['GET missing', reply.null],
  ['LRANGE list 0 -1', reply.array([reply.bulk('a'), reply.bulk('b')])],
  ['HGETALL user:1', { type: 'map', value: [[reply.bulk('name'), reply.bulk('Ada')], [reply.bulk('visits'), reply.bulk('3')]] }],
  ['ZSCORE board ada', { type: 'double', value: 0.1 }],
  ['SISMEMBER (RESP3 boolean)', { type: 'boolean', value: true }],
  ['INFO (a verbatim string)', { type: 'verbatim', format: 'txt', value: te.encode('# Server\r\n') }],
  ['an unknown command', reply.error("ERR unknown command 'FOO'")],
];

for (const [what, value] of examples) {
  console.log(`\n${what}`);
  console.log(`  value  ${formatValue(value).replaceAll('\n', '\n         ')}`);
  console.log(`  RESP2  ${showWire(encode(value, { protocol: 2 }))}`);
  console.log(`  RESP3  ${showWire(encode(value, { protocol: 3 }))}`);
}

console.log('\nNote 0.1 goes out as 0.10000000000000001: Redis 7.0 prints doubles with printf("%.17g").');
console.log('In RESP3 both kinds of null are `_`; RESP2 keeps `$-1` (no string) and `*-1` (no array).');

// A request is always an array of bulk strings: the same bytes the AOF stores.
const set = encodeCommand(['SET', 'session:9', 'token', 'PXAT', 1767225600000]);
console.log(`\nA client sends SET ... PXAT as\n  ${showWire(set)}`);
const back = decodeAll(set)[0]!;
console.log(`Decoded again (as the server sees it):\n  ${formatValue(back).replaceAll('\n', '\n  ')}`);
