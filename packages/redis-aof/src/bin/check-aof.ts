// redis-check-aof, protolab edition: `npx tsx --conditions=@protolab/source packages/redis-aof/src/bin/check-aof.ts [--fix] <file.manifest|file.aof>`
import * as fs from 'node:fs';
import { FsDisk } from '../adapters/fs-disk.js';
import { checkAof } from '../check-aof.js';
import { rdbCodec } from '../rdb-codec.js';

const args = process.argv.slice(2);
let fix = false;
let file: string | undefined;
if (args.length === 1) file = args[0];
else if (args.length === 2 && args[0] === '--fix') {
  fix = true;
  file = args[1];
}
if (file === undefined) {
  process.stdout.write('Usage: check-aof [--fix] <file.manifest|file.aof>\n');
  process.exit(1);
}
function main(target: string): number {
const disk = new FsDisk(process.cwd());
const r = checkAof(disk, target, {
  fix,
  rdb: rdbCodec,
  answer: () => {
    try {
      return fs.readFileSync(0, 'latin1').split('\n')[0] ?? '';
    } catch {
      return '';
    }
  },
});
disk.close();
process.stdout.write(r.output);
return r.exitCode;
}

try {
  process.exitCode = main(file);
} catch (e) {
  // A CLI prints one line, never a stack trace.
  process.stderr.write(`protolab-check-aof: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
