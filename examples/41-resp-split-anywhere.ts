// RESP split anywhere: a streaming decoder that gives the same values however TCP cuts the bytes
// Run alone: npx tsx examples/41-resp-split-anywhere.ts   (or: npm run example -- 41)
//
// A socket delivers bytes in arbitrary pieces. The decoder keeps the aggregates it is filling
// on a stack and waits for a bulk's payload without re-reading it, so each push returns
// exactly the values that piece completes. Malformed input ends in a typed error with the
// absolute byte offset and, on the request side, the very text redis-server replies with.
import { encodeMany, formatValue, parseCommands, reply, RespDecoder, RespProtocolError, showWire } from '@protolab/resp';

const stream = encodeMany(
  [reply.ok, reply.array([reply.bulk('k1'), reply.integer(7), reply.null]), { type: 'map', value: [[reply.simple('x'), { type: 'double', value: 2.5 }]] }, reply.bulk('end')],
  { protocol: 3 },
);
console.log(`The stream (${stream.length} bytes):\n  ${showWire(stream)}\n`);

// Every single split point: the two halves always decode to the same four values.
let agree = 0;
for (let cut = 0; cut <= stream.length; cut++) {
  const d = new RespDecoder();
  const values = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
  if (values.map((v) => formatValue(v)).join('|') === new RespDecoder().push(stream).map((v) => formatValue(v)).join('|')) agree++;
}
console.log(`Split at each of the ${stream.length + 1} points: ${agree} give the same 4 values.\n`);

// Byte at a time: watch values pop out the moment their last byte arrives.
const d = new RespDecoder();
for (let i = 0; i < stream.length; i++) {
  const r = d.feed(stream.subarray(i, i + 1));
  r.values.forEach((v, j) => {
    console.log(`after byte ${String(i).padStart(2)} (value ends at ${r.ends[j]!}): ${formatValue(v).replaceAll('\n', '\n' + ' '.repeat(36))}`);
  });
}

// Requests: what the server would run, and where a loader may cut a file.
const requests = new TextEncoder().encode('SET greeting "hello world"\r\n*2\r\n$3\r\nGET\r\n$8\r\ngreeting\r\n*3\r\n$3\r\nSET\r\n$1\r\nk');
const parsed = parseCommands(requests);
console.log('\nRequests (one inline, one multibulk, one cut short):');
for (const c of parsed.commands) {
  if (c.kind === 'command') console.log(`  bytes ${c.start}..${c.end} ${c.inline ? 'inline   ' : 'multibulk'} ${c.argv.map((a) => JSON.stringify(new TextDecoder().decode(a))).join(' ')}`);
}
console.log(`  valid up to byte ${parsed.validUpTo}, truncated: ${parsed.truncated} (aof.c would cut the file there)`);

// Malformed requests: typed errors, the server's own words.
for (const bad of ['*1\r\n$-1\r\n', '*1\r\nX\r\n', 'ECHO "unclosed\r\n']) {
  const r = parseCommands(new TextEncoder().encode(bad));
  if (r.error instanceof RespProtocolError) console.log(`\n${JSON.stringify(bad)}\n  ${r.error.code} at byte ${r.error.offset}; redis-server replies -ERR ${r.error.redisText}`);
}

// A forged length allocates nothing: the decoder only holds the bytes that really arrived.
const forged = new RespDecoder();
forged.push(new TextEncoder().encode('*2147483647\r\n$536870912\r\nonly a few bytes'));
console.log(`\nAfter "*2147483647 / $536870912 / 16 bytes": ${forged.bufferCapacity} bytes held, waiting: ${forged.midValue}`);

// A forged count followed by many tiny elements: the decoder keeps the bytes (to build the value
// once its last byte arrives), not one object per element — memory follows the input (issue 13.8).
const tiny = new RespDecoder();
tiny.push(new TextEncoder().encode('*2147483647\r\n'));
const tinyChunk = new TextEncoder().encode('$1\r\na\r\n'.repeat(9362)); // 64 KiB of 1-byte bulks
for (let i = 0; i < 16; i++) tiny.push(tinyChunk.slice());
console.log(`After 1 MiB of "$1 a" under "*2147483647": ${tiny.bufferCapacity} bytes held, ${tiny.pendingElements} elements built while unfinished`);

// A long line of digits arriving in small reads is looked at once, not once per read (issue 13.1).
const digits = new RespDecoder();
const line = new Uint8Array(1 + 1024 * 1024).fill(0x31);
line[0] = 0x3a; // ':' then a million '1's, and no end yet
for (let o = 0; o < line.length; o += 256) digits.push(line.subarray(o, o + 256));
console.log(`A 1 MiB line of digits in 256-byte chunks: work ${digits.work} (${(digits.work / line.length).toFixed(1)} per byte)`);

// Integers as JS numbers where that is exact, bigints beyond.
const ints = new RespDecoder({ integers: 'number' }).push(new TextEncoder().encode(':42\r\n:9007199254740993\r\n'));
console.log(`integers: 'number' → ${ints.map((v) => (v.type === 'integer' ? `${typeof v.value} ${v.value}` : v.type)).join(', ')}`);
