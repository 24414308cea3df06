#!/usr/bin/env node
// Checks that every package under packages/ installs anywhere (and with --fix, makes it so):
//   - builds on `prepack` (so `npm pack` / `npm publish` never ship a package without dist/);
//   - ships dist/, its sources (for the source maps), README.md and LICENSE;
//   - `main` / `types` fallbacks beside `exports` for older tools;
//   - depends on sibling packages by their exact version (never "*": the scope is not published
//     yet, and a range would accept anyone's package of that name);
//   - every bin points into dist/;
//   - public packages have publishConfig { access: public, provenance: true }.
// It also checks the layering drawn in the root README (packages import only downward):
//   every `@protolab/x` import in a package's src/ is a declared dependency, and the dependency
//   graph has no cycle. Exit 1 with one line per problem.
import { copyFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const fix = process.argv.includes('--fix');
const root = new URL('..', import.meta.url).pathname;
const rootLicense = join(root, 'LICENSE');
const dirs = readdirSync(join(root, 'packages')).filter((d) => existsSync(join(root, 'packages', d, 'package.json'))).sort();
const pkgs = new Map();
for (const d of dirs) {
  const file = join(root, 'packages', d, 'package.json');
  pkgs.set(JSON.parse(readFileSync(file, 'utf8')).name, { dir: d, file, json: JSON.parse(readFileSync(file, 'utf8')) });
}
const problems = [];
const say = (name, msg) => problems.push(`${name}: ${msg}`);

for (const [name, p] of pkgs) {
  const j = p.json;
  const before = JSON.stringify(j);
  const dir = join(root, 'packages', p.dir);
  if (j.private !== true) {
    if (j.scripts?.prepack === undefined) {
      if (fix) { j.scripts = { ...j.scripts, prepack: 'npm run build --prefix ../.. -- --filter=$npm_package_name...' }; } else say(name, 'no prepack script');
    }
    for (const f of ['dist', 'src', 'README.md', 'LICENSE']) {
      if (!(j.files ?? []).includes(f)) { if (fix) j.files = [...(j.files ?? []), f]; else say(name, `files lacks ${f}`); }
    }
    if (!existsSync(join(dir, 'LICENSE'))) { if (fix) copyFileSync(rootLicense, join(dir, 'LICENSE')); else say(name, 'no LICENSE file'); }
    else if (readFileSync(join(dir, 'LICENSE'), 'utf8') !== readFileSync(rootLicense, 'utf8')) say(name, 'LICENSE differs from the root LICENSE');
    if (j.main !== './dist/index.js') { if (fix) j.main = './dist/index.js'; else say(name, 'main is not ./dist/index.js'); }
    if (j.types !== './dist/index.d.ts') { if (fix) j.types = './dist/index.d.ts'; else say(name, 'types is not ./dist/index.d.ts'); }
    const pc = j.publishConfig ?? {};
    if (pc.access !== 'public' || pc.provenance !== true) { if (fix) j.publishConfig = { access: 'public', provenance: true }; else say(name, 'publishConfig must be { access: public, provenance: true }'); }
    const exp = j.exports?.['.'];
    if (exp === undefined || exp.types !== './dist/index.d.ts' || exp.default !== './dist/index.js') say(name, 'exports["."] must give types ./dist/index.d.ts and default ./dist/index.js');
  }
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
    for (const [dep, range] of Object.entries(j[field] ?? {})) {
      const sib = pkgs.get(dep);
      if (sib === undefined) continue;
      if (range !== sib.json.version) {
        if (fix) j[field][dep] = sib.json.version; else say(name, `${field}.${dep} is "${range}", not the exact version ${sib.json.version}`);
      }
      if (field === 'dependencies' && sib.json.private === true && j.private !== true) say(name, `depends on private package ${dep}`);
    }
  }
  for (const [bin, target] of Object.entries(typeof j.bin === 'string' ? { [name]: j.bin } : (j.bin ?? {}))) {
    if (!String(target).startsWith('./dist/') && !String(target).startsWith('dist/')) say(name, `bin ${bin} points to ${target}, not into dist/`);
  }
  if (fix && JSON.stringify(j) !== before) writeFileSync(p.file, `${JSON.stringify(j, null, 2)}\n`);
}

// Layering: imports of @protolab/* in src/ must be declared dependencies; no cycles.
function walk(d, out) {
  if (!existsSync(d)) return out;
  for (const e of readdirSync(d)) {
    const f = join(d, e);
    if (statSync(f).isDirectory()) walk(f, out);
    else if (f.endsWith('.ts')) out.push(f);
  }
  return out;
}
const graph = new Map();
for (const [name, p] of pkgs) {
  const deps = new Set(Object.keys(p.json.dependencies ?? {}).filter((d) => pkgs.has(d)));
  graph.set(name, deps);
  for (const f of walk(join(root, 'packages', p.dir, 'src'), [])) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(@protolab\/[a-z0-9-]+)/g)) {
      const dep = m[1];
      if (dep === name) say(name, `${f.slice(root.length)} imports its own package by name`);
      else if (!deps.has(dep)) say(name, `${f.slice(root.length)} imports ${dep}, which is not in its dependencies`);
    }
  }
}
const state = new Map();
function visit(n, stack) {
  if (state.get(n) === 'done') return;
  if (state.get(n) === 'open') { say(n, `dependency cycle: ${[...stack, n].join(' → ')}`); return; }
  state.set(n, 'open');
  for (const d of graph.get(n) ?? []) visit(d, [...stack, n]);
  state.set(n, 'done');
}
for (const n of graph.keys()) visit(n, []);

// The README's layering diagram must name the same edges (a line "  a → b, c" per package).
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const block = /<!-- layering:start -->([\s\S]*?)<!-- layering:end -->/.exec(readme);
if (block === null) problems.push('README.md: no <!-- layering:start --> … <!-- layering:end --> block');
else {
  const drawn = new Map();
  for (const line of block[1].split('\n')) {
    const m = /^\s*(@protolab\/[a-z0-9-]+)\s*→\s*(.*)$/.exec(line);
    if (m) drawn.set(m[1], new Set(m[2].split(',').map((s) => s.trim()).filter((s) => s.startsWith('@protolab/'))));
  }
  for (const [n, deps] of graph) {
    const d = drawn.get(n);
    const want = [...deps].sort().join(', ');
    if (d === undefined) problems.push(`README.md layering: no line for ${n} (expected "${n} → ${want || '(nothing)'}")`);
    else if ([...d].sort().join(', ') !== want) problems.push(`README.md layering: ${n} → ${[...d].sort().join(', ') || '(nothing)'} drawn, but its package.json says ${want || '(nothing)'}`);
  }
  for (const n of drawn.keys()) if (!graph.has(n)) problems.push(`README.md layering: ${n} is drawn but is not a package`);
}

if (problems.length > 0) {
  for (const p of problems) console.log(p);
  console.log(`check-packages: ${problems.length} problem(s)${fix ? ' left after --fix' : ' (npm run check:packages -- --fix fixes the package.json ones)'}`);
  process.exit(1);
}
console.log(`check-packages: ${pkgs.size} packages install anywhere and import only downward`);
