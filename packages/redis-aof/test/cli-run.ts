/** Run the protolab-check-aof CLI (src/bin/check-aof.ts) as a child process, from the sources. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const tsxLoader = pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href;
export const CLI = path.join(here, '../src/bin/check-aof.ts');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], opts: { cwd: string; input?: string }): CliRun {
  const r = spawnSync(process.execPath, ['--conditions=@protolab/source', '--import', tsxLoader, CLI, ...args], { cwd: opts.cwd, input: opts.input ?? '', encoding: 'latin1' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
