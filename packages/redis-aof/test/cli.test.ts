/**
 * protolab-check-aof, the CLI: redis-check-aof 7.0's arguments and exit codes, `--help`, `--json`,
 * and one line — never a stack trace — on any failure (issue 13.6: a manifest naming "..").
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-run.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'protolab-aof-cli-'));
afterAll(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

function dir(name: string, files: Record<string, string>): string {
  const d = path.join(tmp, name);
  fs.mkdirSync(path.join(d, 'appendonlydir'), { recursive: true });
  for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(d, 'appendonlydir', f), text, 'latin1');
  return d;
}

const SET_A = '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n';
const NO_TRACE = /\n\s+at /;

describe('protolab-check-aof (redis-check-aof.c redis_check_aof_main)', () => {
  it('--help prints the usage and exits 0; no arguments or too many print redis-check-aof\'s usage line and exit 1', () => {
    const help = runCli(['--help'], { cwd: tmp });
    expect(help.status).toBe(0);
    expect(help.stdout.split('\n')[0]).toBe('Usage: protolab-check-aof [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>');
    for (const args of [[], ['a', 'b', 'c', 'd']]) {
      const r = runCli(args, { cwd: tmp });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('Usage: protolab-check-aof [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>\n');
    }
    expect(runCli(['--truncate-to-timestamp', '1x', 'f'], { cwd: tmp }).stdout).toBe('Invalid timestamp, aborting...\n');
  });

  it('a manifest naming "..", a missing file and a directory each give one line and exit 1, never a stack trace', () => {
    const d = dir('dotdot', { 'appendonly.aof.manifest': 'file .. seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n', 'appendonly.aof.1.incr.aof': SET_A });
    const r = runCli(['appendonlydir/appendonly.aof.manifest'], { cwd: d });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("Start checking Multi Part AOF\n# Fatal AOF manifest error, at line 1 ('file .. seq 1 type b'): File can't be a path, just a filename\n");
    expect(r.stderr).toBe('');
    const missing = runCli(['nope.aof'], { cwd: d });
    expect([missing.status, missing.stdout]).toEqual([1, 'Cannot open file nope.aof: No such file or directory\n']);
    const isDir = runCli(['appendonlydir'], { cwd: d });
    expect([isDir.status, isDir.stdout]).toEqual([1, 'Cannot read file: appendonlydir\n']);
    for (const x of [r, missing, isDir]) expect(x.stdout + x.stderr).not.toMatch(NO_TRACE);
  });

  it('--json gives the verdicts as data; --fix with "y" on stdin truncates and exits 0', () => {
    const d = dir('torn', { 'appendonly.aof.manifest': 'file appendonly.aof.1.incr.aof seq 1 type i\n', 'appendonly.aof.1.incr.aof': SET_A + '*3\r\n$3\r\nSET' });
    const j = runCli(['--json', 'appendonlydir/appendonly.aof.manifest'], { cwd: d });
    expect(j.status).toBe(1);
    const data = JSON.parse(j.stdout) as { exitCode: number; files: { name: string; outcome: string; okUpTo: number; diff: number }[] };
    expect(data.exitCode).toBe(1);
    expect(data.files.map((f) => [f.name, f.outcome, f.okUpTo, f.diff])).toEqual([['appendonly.aof.1.incr.aof', 'not-valid', SET_A.length, 11]]);
    const fixed = runCli(['--fix', 'appendonlydir/appendonly.aof.manifest'], { cwd: d, input: 'y\n' });
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toContain(`Continue? [y/N]: Successfully truncated AOF appendonly.aof.1.incr.aof\nAll AOF files and manifest are valid\n`);
    expect(fs.readFileSync(path.join(d, 'appendonlydir/appendonly.aof.1.incr.aof'), 'latin1')).toBe(SET_A);
  });
});
