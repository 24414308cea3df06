// Prints vitest's JSON report as the plain line CI reads: "N passed, N failed[, N skipped]".
// Usage: node scripts/vitest-count.mjs <report.json> [label]
import { readFileSync } from 'node:fs';

const [file, label] = process.argv.slice(2);
let r;
try {
  r = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.log(`${label ? `${label}: ` : ''}0 passed, 1 failed`);
  console.error(`no vitest report at ${file}: ${e.message}`);
  process.exit(1);
}
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
console.log(`${label ? `${label}: ` : ''}${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
if (r.numTotalTests === 0) {
  console.error('vitest ran no test');
  process.exit(1);
}
