#!/usr/bin/env node
// protolab-rdb (see adapters/cli.ts): `npx protolab-rdb --help`.
import { nodeCliIo, runCli } from '../adapters/cli.js';

process.exitCode = runCli(process.argv.slice(2), nodeCliIo());
