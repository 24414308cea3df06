// decode-by-type.ts's matrix counted in instructions (issue 19): the timed harnesses move with the
// speed of this machine's CPUs (2x from minute to minute, and with whatever else runs), valgrind's
// callgrind counts what a run executes, which nothing else on the machine changes. For each row
// (the same generators, by-type-rows.ts), the reply stream is written to a file and decoded by
// RespBareDecoder.execute (`exec`) and by redis-parser 3.0.0 (returnBuffers: true, as in the timed
// rows), each in a plain `node` of its own under callgrind (by-type-child.mjs, reading the
// built package), once for R1 and once for R2 rounds: (Ir(R2) - Ir(R1)) / (R2 - R1) / n is the
// instructions per reply, with start-up, the first compilations and the corpus set aside (garbage
// collection and later compilation stay: a few % of spread). Instructions are not time — a cache
// miss or a mispredicted branch costs many, a string copy in C++ few — so this complements the timed
// harnesses, it does not replace them. Needs valgrind and a build (`npm run build`).
//   npx tsx --conditions=@protolab/source packages/resp/bench/instructions-by-type.ts
//   ONLY=<regex> R1=2 R2=6
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeMany } from '@protolab/resp';
import { kinds } from './by-type-rows.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const child = join(here, 'by-type-child.mjs');

/** Instructions callgrind counted for one child run. */
function instructions(env: Record<string, string>): number {
  // Optimised code installed when it is made: V8 compiles on a background thread, which valgrind
  // runs by turns with the main one, and a row could end before its optimised code arrived.
  const args = ['--tool=callgrind', '--smc-check=all-non-file', '--callgrind-out-file=/dev/null', process.execPath, '--no-concurrent-recompilation', child];
  const r = spawnSync('valgrind', args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /Collected : (\d+)/.exec(r.stderr);
  if (r.status !== 0 || m === null) throw new Error(`valgrind ${JSON.stringify(env)}: status ${r.status}\n${r.stderr.slice(-2000)}`);
  return Number(m[1]);
}

if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.log('valgrind is not installed: nothing measured (apt-get install valgrind)');
  process.exit(0);
}
if (!existsSync(join(here, '..', 'dist', 'index.js'))) {
  console.log('packages/resp/dist is missing: run `npm run build` first (the child reads the built package)');
  process.exit(0);
}
const R1 = Number(process.env['R1'] ?? 2);
const R2 = Number(process.env['R2'] ?? 6);
const only = new RegExp(process.env['ONLY'] ?? '');
const dir = mkdtempSync(join(tmpdir(), 'resp-ir-'));
console.log(`${'reply'.padEnd(26)} ${'exec'.padStart(7)} ${'parser'.padStart(7)} instructions per reply | parser ÷ exec`);
try {
  for (const { name, n, make, chunk = 65536, theirStrings = false, bareBytes = false } of kinds.filter((k) => only.test(k.name))) {
    const file = join(dir, 'corpus.bin');
    // RESP2 bytes for both (the RESP3 rows: what redis-parser reads, as the timed `exec` column)
    writeFileSync(file, encodeMany(Array.from({ length: n }, make)));
    const per = (who: string): number => {
      const env = { IR_FILE: file, IR_CHUNK: String(chunk), IR_WHO: who, IR_N: String(n), IR_SIMPLE: bareBytes ? 'bytes' : 'string', IR_THEIR_STRINGS: theirStrings ? '1' : '0' };
      return (instructions({ ...env, IR_ROUNDS: String(R2) }) - instructions({ ...env, IR_ROUNDS: String(R1) })) / (R2 - R1) / n;
    };
    const exec = per('exec');
    const parser = per('parser');
    console.log(`${name.padEnd(26)} ${exec.toFixed(0).padStart(7)} ${parser.toFixed(0).padStart(7)}                        | ${(parser / exec).toFixed(2)}×`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
