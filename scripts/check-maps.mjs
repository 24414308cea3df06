#!/usr/bin/env node
// Lookups keyed by input must be Maps (or prototype-free objects), never plain objects: a key such
// as `__proto__`, `constructor` or `toString` finds Object.prototype's members in a plain object
// (an untyped TypeError, a half-applied MULTI, an unloadable AOF — all seen in this project).
// This check fails on a string-keyed dictionary type in any package's src/:
//   `Record<string, …>` or an index signature `[name: string]: …`
// unless the line says why it is safe with a comment `// map-ok: <reason>` (e.g. an output
// record built from a fixed set of names, never read back by an input-chosen key).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'packages/*/src/**.ts', 'apps/*/src/**.ts'], { encoding: 'utf8' })
  .split('\n').filter((f) => f.endsWith('.ts'));
const bad = [];
for (const f of files) {
  let text;
  try { text = readFileSync(f, 'utf8'); } catch { continue; }
  text.split('\n').forEach((line, i) => {
    if (line.includes('map-ok:')) return;
    const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
    if (/\bRecord<\s*string\s*,/.test(code) || /\[\s*\w+\s*:\s*string\s*\]\s*:/.test(code)) bad.push(`${f}:${i + 1}: ${line.trim()}`);
  });
}
if (bad.length > 0) {
  for (const b of bad) console.log(b);
  console.log(`check-maps: ${bad.length} string-keyed plain-object dictionaries in src/ (use a Map, or say why with // map-ok: …)`);
  process.exit(1);
}
console.log(`check-maps: ${files.length} source files, no string-keyed plain-object dictionaries`);
