#!/usr/bin/env node
// Runs the golden transcript tests (test/**/*.transcript.test.ts in every package).
//   npm run transcripts               check every transcript
//   npm run transcripts -- --update   rewrite every transcript's expected output (review the diff)
import { spawnSync } from 'node:child_process';

const update = process.argv.includes('--update');
const rest = process.argv.slice(2).filter((a) => a !== '--update');
const r = spawnSync('npx', ['vitest', 'run', 'transcript', ...rest], {
  stdio: 'inherit',
  env: { ...process.env, ...(update ? { PROTOLAB_UPDATE_TRANSCRIPTS: '1' } : {}) },
});
process.exit(r.status ?? 1);
