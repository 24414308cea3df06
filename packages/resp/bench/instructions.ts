// Instructions, not time (issue 19, the 100-byte-chunk rows): on this machine CPU 0 changes speed by
// up to 2x from minute to minute, and the chunked rows' ratio moved with it (1.29x in a fast spell,
// 1.54-1.63x in a slow one, the same code). Valgrind's callgrind counts the instructions a run
// executes, which no neighbour changes. Each contender decodes the mixed reply stream of the
// chunked rows (chunk-corpus.ts, 100 000 replies) pushed in 100-byte chunks and in 64 KiB chunks,
// in a `node` of its own under callgrind, once for R1 and once for R2 rounds; (Ir(R2) - Ir(R1)) /
// (R2 - R1) is one round's instructions with start-up, compilation of the start and the corpus
// built out (what remains: garbage collection and later compilation, hence a few % of spread
// between runs). Instructions are not time (a cache miss or a mispredicted branch costs many), so
// this complements the timed harnesses; it does not replace them.
//   npx tsx --conditions=@protolab/source packages/resp/bench/instructions.ts   (needs valgrind)
//   R1=4 R2=8 CONTENDERS=ours,redis-parser,floor CHUNKS=100,65536
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { encodeMany, RespBareDecoder } from '@protolab/resp';
import { ChunkFloor } from './chunk-floor-decoder.js';
import { replyKinds } from './chunk-corpus.js';

type RedisParserCtor = new (options: { returnReply: (r: unknown) => void; returnError: (e: Error) => void; returnBuffers?: boolean }) => { execute(b: Buffer): void };
const N = 100_000;

function child(who: string, chunk: number, rounds: number): void {
  const { mixed } = replyKinds();
  const corpus = encodeMany(Array.from({ length: N }, mixed));
  const chunks: Buffer[] = [];
  for (let o = 0; o < corpus.length; o += chunk) chunks.push(Buffer.from(corpus.subarray(o, o + chunk)));
  let seen = 0;
  const onReply = (): void => {
    seen++;
  };
  const RedisParser = createRequire(import.meta.url)('redis-parser') as RedisParserCtor;
  for (let r = 0; r < rounds; r++) {
    if (who === 'ours') {
      const d = new RespBareDecoder({ onReply });
      for (const c of chunks) d.execute(c);
    } else if (who === 'redis-parser') {
      // returnBuffers as in decode-by-type.ts (and ioredis)
      const p = new RedisParser({ returnReply: onReply, returnError: onReply, returnBuffers: true });
      for (const c of chunks) p.execute(c);
    } else {
      const f = new ChunkFloor(onReply);
      for (const c of chunks) f.execute(c);
    }
  }
  if (seen !== rounds * N) throw new Error(`${who}: ${seen} replies, expected ${rounds * N}`);
}

/** Instructions callgrind counted for one child run. */
function instructions(who: string, chunk: number, rounds: number): number {
  // Optimised code installed when it is made (as instructions-by-type.ts): V8 compiles on a
  // background thread, which valgrind runs by turns with the main one, so without this flag a
  // contender's optimised code could arrive late and its interpreted rounds count (added
  // 2026-12-06 07:25; the thirteenth look's counts in bench/README.md were taken without it).
  const args = ['--tool=callgrind', '--smc-check=all-non-file', '--callgrind-out-file=/dev/null', process.execPath, '--no-concurrent-recompilation', ...process.execArgv, ...process.argv.slice(1)];
  const r = spawnSync('valgrind', args, { env: { ...process.env, IR_CHILD: `${who}:${chunk}:${rounds}` }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /Collected : (\d+)/.exec(r.stderr);
  if (r.status !== 0 || m === null) throw new Error(`valgrind ${who} ${chunk} ${rounds}: status ${r.status}\n${r.stderr.slice(-2000)}`);
  return Number(m[1]);
}

const childSpec = process.env['IR_CHILD'];
if (childSpec !== undefined) {
  const [who = '', chunk = '100', rounds = '1'] = childSpec.split(':');
  child(who, Number(chunk), Number(rounds));
} else {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    console.log('valgrind is not installed: nothing measured (apt-get install valgrind)');
    process.exit(0);
  }
  const R1 = Number(process.env['R1'] ?? 4);
  const R2 = Number(process.env['R2'] ?? 8);
  const contenders = (process.env['CONTENDERS'] ?? 'ours,redis-parser,floor').split(',');
  const chunkSizes = (process.env['CHUNKS'] ?? '100,65536').split(',').map(Number);
  const perRound = new Map<string, number>();
  for (const chunk of chunkSizes) {
    for (const who of contenders) {
      const ir = (instructions(who, chunk, R2) - instructions(who, chunk, R1)) / (R2 - R1);
      perRound.set(`${who}:${chunk}`, ir);
      console.log(`${String(chunk).padStart(6)}-byte chunks  ${who.padEnd(12)} ${(ir / 1e6).toFixed(1).padStart(7)} M instructions per round, ${(ir / N).toFixed(0).padStart(5)} per reply`);
    }
  }
  const [small, big] = chunkSizes;
  if (small !== undefined && big !== undefined) {
    const { mixed } = replyKinds();
    const bytes = encodeMany(Array.from({ length: N }, mixed)).length;
    const extraPushes = Math.ceil(bytes / small) - Math.ceil(bytes / big);
    for (const who of contenders) {
      const a = perRound.get(`${who}:${small}`) ?? NaN;
      const b = perRound.get(`${who}:${big}`) ?? NaN;
      console.log(`${who.padEnd(12)} ${small}-byte chunks cost ${((a - b) / extraPushes).toFixed(0)} more instructions per extra push than ${big}-byte ones (${extraPushes} extra pushes)`);
    }
    for (const who of contenders.filter((c) => c !== 'ours')) {
      for (const chunk of chunkSizes) console.log(`${who} ÷ ours, ${chunk}-byte chunks: ${((perRound.get(`${who}:${chunk}`) ?? NaN) / (perRound.get(`ours:${chunk}`) ?? NaN)).toFixed(2)}×`);
    }
  }
}
