// Prints vitest's JSON report as the plain line CI reads: "N passed, N failed[, N skipped]".
// Then the full name and first message line of each failed test (at most 20).
// Usage: node scripts/vitest-count.mjs [--failures-only] <report.json> [label]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const failuresOnly = args[0] === '--failures-only';
const [file, label] = failuresOnly ? args.slice(1) : args;
let r;
try {
  r = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.log(`${label ? `${label}: ` : ''}0 passed, 1 failed`);
  console.error(`no vitest report at ${file}: ${e.message}`);
  process.exit(1);
}
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
const failures = [];
for (const f of r.testResults ?? []) {
  for (const t of f.assertionResults ?? []) {
    if (t.status !== 'failed') continue;
    const why = String(t.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300);
    failures.push(`${f.name.replace(process.cwd() + '/', '')} > ${t.fullName}: ${why}`);
  }
  // A file that failed to load or threw outside a test.
  if (f.status === 'failed' && (f.assertionResults ?? []).every((t) => t.status !== 'failed')) failures.push(`${f.name.replace(process.cwd() + '/', '')}: ${String(f.message ?? '').split('\n')[0].slice(0, 300)}`);
}
const printFailures = () => {
  for (const line of failures.slice(0, 20)) console.log(`  failed: ${line}`);
  if (failures.length > 20) console.log(`  … and ${failures.length - 20} more`);
};
if (failuresOnly) {
  if (failures.length > 0) console.log(`${label ? `${label}: ` : ''}${r.numFailedTests} failed`);
  printFailures();
  process.exit(0);
}
printFailures();
console.log(`${label ? `${label}: ` : ''}${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (r.numTotalTests === 0) {
  console.error('vitest ran no test');
  process.exit(1);
}
