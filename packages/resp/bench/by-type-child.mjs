// The child of instructions-by-type.ts and of decode-by-type.ts's ISOLATED=1 harness, in plain
// JavaScript reading the built package, so that a contender runs in a `node` of its own with
// nothing else loaded (and under valgrind without tsx, whose start-up costs ~75 s a process there;
// node's ~9 s). It decodes the reply stream in IR_FILE, pushed in IR_CHUNK-byte chunks, with one
// contender (IR_WHO: `exec`, RespBareDecoder.execute, or `parser`, redis-parser 3.0.0), a callback
// per reply as in decode-by-type.ts, and checks the count of replies (IR_N per round).
// IR_ROUNDS rounds; with IR_TIME=1, two warm-up rounds first, and it prints the median CPU time
// per reply (ns) of the timed rounds.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { RespBareDecoder } from '@protolab/resp';

const env = process.env;
const corpus = readFileSync(env.IR_FILE ?? '');
const size = Number(env.IR_CHUNK);
const chunks = [];
for (let o = 0; o < corpus.length; o += size) chunks.push(Buffer.from(corpus.subarray(o, o + size)));
const RedisParser = createRequire(import.meta.url)('redis-parser');
const n = Number(env.IR_N);
let seen = 0;
const onReply = () => {
  seen++;
};
const round = () => {
  if (env.IR_WHO === 'exec') {
    const d = new RespBareDecoder({ onReply, simpleStrings: env.IR_SIMPLE === 'bytes' ? 'bytes' : 'string' });
    for (const c of chunks) d.execute(c);
  } else {
    const p = new RedisParser({ returnReply: onReply, returnError: onReply, returnBuffers: env.IR_THEIR_STRINGS !== '1' });
    for (const c of chunks) p.execute(c);
  }
};
const timed = env.IR_TIME === '1';
const rounds = Number(env.IR_ROUNDS) + (timed ? 2 : 0);
const times = [];
for (let r = 0; r < rounds; r++) {
  const c0 = process.cpuUsage();
  round();
  const c = process.cpuUsage(c0);
  if (r >= 2) times.push(((c.user + c.system) * 1000) / n);
}
if (seen !== rounds * n) throw new Error(`${env.IR_WHO}: ${seen} replies, expected ${rounds * n}`);
if (timed) console.log(String(times.sort((a, b) => a - b)[Math.floor(times.length / 2)]));
