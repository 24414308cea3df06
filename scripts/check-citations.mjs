#!/usr/bin/env node
// Every citation in code, tests, docs and READMEs must point to a file in this repository or to a
// public upstream source. This fails (exit 1, one line per problem) on:
//   - citations of notes that are not in the repository (`shared/…`, `reference/*.md`, a bare
//     `toolchain.md`): bring the fact into docs/ in your own words and cite that;
//   - a repository path (docs/…, packages/…, examples/…, scripts/…, apps/…, test/…, src/…,
//     bench/…, fixtures/… ending in .md/.ts/.mjs/.txt/.json/.conf/.sh) that exists neither relative
//     to the citing file, nor to its package, nor to the repository root;
//   - a relative Markdown link whose target does not exist;
//   - a Markdown table with a header and no rows (the data of a results table lost in an edit).
// Upstream files (redis/src/cluster.c, FastLeaderElection.java, …) are not repository paths and
// are not checked here.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|mts|mjs|js|md|txt)$/.test(f))
  .filter((f) => !f.startsWith('node_modules/') && !f.includes('/node_modules/') && !f.endsWith('CHANGELOG.md') && f !== 'package-lock.json')
  .filter((f) => existsSync(join(root, f)));

const problems = [];
const FORBIDDEN = [
  { re: /(?:\.\.\/)*shared\/(?:reference|STYLE|seed|hooks)\b/g, why: 'cites the project notes (shared/), which are not in the repository' },
  { re: /(?<![\w/.-])reference\/[a-z-]+\.md/g, why: 'cites reference notes that are not in the repository' },
  { re: /(?<![\w/.-])toolchain\.md/g, why: 'cites toolchain.md without its repository path (docs/toolchain.md)' },
];
const PATH = /(?<![\w@/.-])((?:\.\.?\/)*(?:docs|packages|examples|scripts|apps|test|src|bench|fixtures)\/[\w@./-]*?\.(?:md|ts|mjs|txt|json|conf|sh))(?![\w/-])/g;
const MDLINK = /\]\((?!https?:|mailto:|#)([^)\s]+)\)/g;

function packageRoot(file) {
  const m = /^(packages|apps)\/[^/]+\//.exec(file);
  return m ? join(root, m[0]) : root;
}
function exists(file, target) {
  const candidates = [join(root, dirname(file), target), join(packageRoot(file), target), join(root, target)];
  return candidates.some((c) => existsSync(c));
}

for (const file of listed) {
  if (file === 'scripts/check-citations.mjs') continue;
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  lines.forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    for (const { re, why } of FORBIDDEN) {
      re.lastIndex = 0;
      for (const m of line.matchAll(re)) {
        if (m[0] === 'toolchain.md' && file.startsWith('docs/')) continue; // a link within docs/
        problems.push(`${where}: ${why}: ${m[0]}`);
      }
    }
    for (const m of line.matchAll(PATH)) {
      const target = m[1].replace(/[.,;:]+$/, '');
      if (/[*{}<>]/.test(target) || target.includes('…')) continue; // a pattern, not a path
      if (!exists(file, target)) problems.push(`${where}: cites ${target}, which is not in the repository`);
    }
    if (file.endsWith('.md')) {
      for (const m of line.matchAll(MDLINK)) {
        const target = decodeURI(m[1].split('#')[0] ?? '');
        if (target === '' || /^[a-z]+:/.test(target)) continue;
        if (!existsSync(join(root, dirname(file), target))) problems.push(`${where}: link to ${target}, which does not exist (relative to ${relative(root, join(root, dirname(file))) || '.'})`);
      }
      if (/^\|[\s:|-]*-[\s:|-]*\|\s*$/.test(line) && (lines[i - 1] ?? '').startsWith('|') && !(lines[i + 1] ?? '').startsWith('|')) {
        problems.push(`${where}: a table header with no rows`);
      }
    }
  });
}

if (problems.length > 0) {
  for (const p of problems) console.log(p);
  console.log(`check-citations: ${problems.length} problem(s): citations that point nowhere or empty tables`);
  process.exit(1);
}
console.log(`check-citations: ${listed.length} files, every repository citation resolves`);
