#!/usr/bin/env node
// `npm run lint`: eslint over the whole repository (type-aware, so it takes a minute on two cores),
// one folder at a time with a line per folder, so a reader sees what it is doing. Arguments are
// passed as the folders/files to lint instead (e.g. `npm run lint -- packages/sim`).
import { readdirSync } from 'node:fs';
import { ESLint } from 'eslint';

const args = process.argv.slice(2);
const targets = args.length > 0 ? args : [
  ...readdirSync('packages').map((d) => `packages/${d}`),
  ...(() => { try { return readdirSync('apps').map((d) => `apps/${d}`); } catch { return []; } })(),
  'examples', 'scripts', '*.ts', '*.js',
];
const eslint = new ESLint({ errorOnUnmatchedPattern: false });
const formatter = await eslint.loadFormatter('stylish');
let errors = 0;
let warnings = 0;
const t0 = performance.now();
process.stdout.write(`eslint: ${targets.length} targets, type-aware (typescript-eslint strict)\n`);
for (const t of targets) {
  const t1 = performance.now();
  process.stdout.write(`  ${t.padEnd(28)} `);
  const results = await eslint.lintFiles([t]);
  const e = results.reduce((n, r) => n + r.errorCount, 0);
  const w = results.reduce((n, r) => n + r.warningCount, 0);
  errors += e;
  warnings += w;
  process.stdout.write(`${String(results.length).padStart(4)} files  ${e === 0 ? 'ok' : `${e} errors`}${w > 0 ? `, ${w} warnings` : ''}  (${((performance.now() - t1) / 1000).toFixed(1)} s)\n`);
  if (e + w > 0) process.stdout.write(await formatter.format(results));
}
process.stdout.write(`eslint: ${errors} errors, ${warnings} warnings in ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
process.exit(errors > 0 ? 1 : 0);
