#!/usr/bin/env node
// protolab-check-aof (see adapters/check-aof-cli.ts): `npx protolab-check-aof --help`.
import { runCheckAofCli } from '../adapters/check-aof-cli.js';

try {
  process.exitCode = runCheckAofCli(process.argv.slice(2));
} catch (e) {
  // A CLI prints one line, never a stack trace.
  process.stderr.write(`protolab-check-aof: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
