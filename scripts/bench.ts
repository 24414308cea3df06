// Runs the benchmarks: every packages/<pkg>/bench/*.bench.ts, each in its own process.
//   npm run bench                    # all packages
//   npm run bench -- redis-cluster   # one package (or several names)
// Benchmarks print ratios against the libraries users would pick instead; they are never tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const only = process.argv.slice(2);
let failed = 0;
for (const pkg of readdirSync(join(root, 'packages')).sort()) {
  if (only.length > 0 && !only.includes(pkg)) continue;
  const dir = join(root, 'packages', pkg, 'bench');
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.bench.ts')).sort()) {
    process.stdout.write(`\n=== ${pkg}/bench/${f}\n`);
    const r = spawnSync(tsx, ['--conditions=@protolab/source', join(dir, f)], { stdio: 'inherit', cwd: root });
    if (r.status !== 0) failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
