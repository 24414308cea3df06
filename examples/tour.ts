// The tour: runs every example (examples/NN-*.ts) in order, each in its own process, with a
// heading taken from the example's first comment line. Exits non-zero if any example fails.
//
//   npm run tour                 # all of them
//   npm run tour -- 1 5          # only examples whose number starts with 1 or 5
//   npm run example -- 10        # one example (the same as: npx tsx examples/10-cluster-slot-routing.ts)
//
// Each example runs as `tsx examples/NN-….ts` from the repository root, exactly as a reader would
// type it: the root tsconfig.json maps @protolab/* to the TypeScript sources, so no build and no
// flag is needed, and a stale dist/ is never run.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tsx = join(here, '..', 'node_modules', '.bin', 'tsx');
const filters = process.argv.slice(2);

const examples = readdirSync(here)
  .filter((f) => /^\d\d-.*\.ts$/.test(f))
  .filter((f) => filters.length === 0 || filters.some((p) => f.startsWith(p)))
  .sort();

function heading(file: string): string {
  const first = readFileSync(join(here, file), 'utf8').split('\n').find((l) => l.startsWith('//'));
  return first?.replace(/^\/\/\s*/, '') ?? file;
}

const failed: string[] = [];
const started = performance.now();
for (const file of examples) {
  const title = `${file}: ${heading(file)}`;
  process.stdout.write(`\n${'═'.repeat(Math.min(100, title.length + 4))}\n  ${title}\n${'═'.repeat(Math.min(100, title.length + 4))}\n`);
  const t0 = performance.now();
  const r = spawnSync(tsx, [join('examples', file)], { stdio: 'inherit', cwd: join(here, '..') });
  const ms = Math.round(performance.now() - t0);
  if (r.status !== 0) {
    failed.push(file);
    process.stdout.write(`\n✗ ${file} failed (exit ${String(r.status ?? r.signal)}, ${ms} ms)\n`);
  } else {
    process.stdout.write(`\n✓ ${file} (${ms} ms)\n`);
  }
}

const total = ((performance.now() - started) / 1000).toFixed(1);
if (examples.length === 0) {
  process.stdout.write('no examples matched\n');
  process.exit(1);
}
if (failed.length > 0) {
  process.stdout.write(`\ntour: ${failed.length} of ${examples.length} examples failed (${total} s): ${failed.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(`\ntour: all ${examples.length} examples ran (${total} s)\n`);
if (filters.length === 0) {
  process.stdout.write('\nNext: watch, step and rewind these protocols in your browser: npm run playground\n'
    + 'Or read a spec (packages/<name>/test/), replay a golden transcript (npm run transcripts),\n'
    + 'or use a package in your own project (README: "Use it in your project").\n');
}
